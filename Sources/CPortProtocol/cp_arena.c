/*
 * cp_arena: a per-thread bump allocator with stack-discipline marks (see include/cp_arena.h).
 *
 * Positions are logical offsets: the first slab covers [0, CP_ARENA_FIRST_SLAB_SIZE) and every overflow block starts
 * where the region before it ended, so positions only grow while allocating. A mark is a position; releasing it
 * frees the overflow blocks that start at or after it and moves the position back.
 */
#include "cp_arena.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define CP_ARENA_ALIGNMENT ((size_t)16)
/* The smallest overflow block; larger requests get a block of their own size. */
#define CP_ARENA_MIN_OVERFLOW_BLOCK ((size_t)64 * 1024)
/* The largest released block a thread keeps for reuse, so that calls with large messages (beyond the first slab) do
 * not malloc and free (and fault in fresh pages for) a new block every time. */
#define CP_ARENA_SPARE_LIMIT ((size_t)1024 * 1024)

typedef struct cp_arena_block {
    struct cp_arena_block *previous;
    size_t start;    /* logical position of the first data byte */
    size_t capacity; /* data bytes */
    size_t padding;  /* keeps the data that follows the header 16-byte aligned */
} cp_arena_block;

_Static_assert(sizeof(cp_arena_block) % 16 == 0, "block header must keep data 16-byte aligned");

typedef struct {
    unsigned char *slab;   /* CP_ARENA_FIRST_SLAB_SIZE bytes, or NULL before the first allocation */
    cp_arena_block *top;   /* the newest overflow block, or NULL */
    size_t position;       /* logical position of the next free byte */
    size_t overflow_bytes; /* capacity of all overflow blocks in use */
    cp_arena_block *spare; /* a released block kept for reuse, or NULL */
} cp_arena_state;

/* initial-exec: the state is reached with one TLS offset instead of a __tls_get_addr call (the module is linked into
 * executables, never dlopen'ed). */
static _Thread_local cp_arena_state arena_state __attribute__((tls_model("initial-exec")));

static pthread_key_t arena_exit_key;
static pthread_once_t arena_exit_key_once = PTHREAD_ONCE_INIT;

static void cp_arena_out_of_memory(size_t size) {
    fprintf(stderr, "cp_arena: out of memory allocating %zu bytes\n", size);
    abort();
}

static inline unsigned char *cp_arena_block_data(cp_arena_block *block) {
    return (unsigned char *)(block + 1);
}

/* Keeps `block` as the spare when it is the largest released block within the limit; frees it otherwise. */
static void cp_arena_retire_block(cp_arena_state *state, cp_arena_block *block) {
    if (block->capacity <= CP_ARENA_SPARE_LIMIT &&
        (state->spare == NULL || state->spare->capacity < block->capacity)) {
        free(state->spare);
        state->spare = block;
    } else {
        free(block);
    }
}

static void cp_arena_free_blocks_from(cp_arena_state *state, size_t mark) {
    while (state->top != NULL && state->top->start >= mark) {
        cp_arena_block *block = state->top;
        state->top = block->previous;
        state->overflow_bytes -= block->capacity;
        cp_arena_retire_block(state, block);
    }
}

/* Runs when a thread that used the arena exits: returns its slab and any leftover blocks. */
static void cp_arena_thread_exit(void *value) {
    cp_arena_state *state = value;
    cp_arena_free_blocks_from(state, 0);
    free(state->spare);
    state->spare = NULL;
    free(state->slab);
    state->slab = NULL;
    state->position = 0;
}

static void cp_arena_create_exit_key(void) {
    if (pthread_key_create(&arena_exit_key, cp_arena_thread_exit) != 0) {
        fprintf(stderr, "cp_arena: pthread_key_create failed\n");
        abort();
    }
}

static void cp_arena_create_slab(cp_arena_state *state) {
    state->slab = malloc(CP_ARENA_FIRST_SLAB_SIZE);
    if (state->slab == NULL) cp_arena_out_of_memory(CP_ARENA_FIRST_SLAB_SIZE);
    pthread_once(&arena_exit_key_once, cp_arena_create_exit_key);
    pthread_setspecific(arena_exit_key, state);
}

static void *cp_arena_alloc_overflow(cp_arena_state *state, size_t rounded, size_t region_end) {
    cp_arena_block *block;
    size_t capacity;
    if (state->spare != NULL && state->spare->capacity >= rounded) {
        block = state->spare;
        capacity = block->capacity;
        state->spare = NULL;
    } else {
        capacity = rounded > CP_ARENA_MIN_OVERFLOW_BLOCK ? rounded : CP_ARENA_MIN_OVERFLOW_BLOCK;
        if (capacity > SIZE_MAX - sizeof(cp_arena_block)) cp_arena_out_of_memory(rounded);
        block = malloc(sizeof(cp_arena_block) + capacity);
        if (block == NULL) cp_arena_out_of_memory(rounded);
    }
    block->previous = state->top;
    block->start = region_end;
    block->capacity = capacity;
    block->padding = 0;
    state->top = block;
    state->overflow_bytes += capacity;
    state->position = region_end + rounded;
    return cp_arena_block_data(block);
}

size_t cp_arena_mark(void) {
    return arena_state.position;
}

void cp_arena_release(size_t mark) {
    cp_arena_state *state = &arena_state;
    cp_arena_free_blocks_from(state, mark);
    state->position = mark;
}

void *cp_arena_alloc(size_t size) {
    cp_arena_state *state = &arena_state;
    if (size > SIZE_MAX - CP_ARENA_ALIGNMENT) cp_arena_out_of_memory(size);
    size_t rounded = size == 0 ? CP_ARENA_ALIGNMENT : (size + CP_ARENA_ALIGNMENT - 1) & ~(CP_ARENA_ALIGNMENT - 1);
    if (state->slab == NULL) cp_arena_create_slab(state);

    cp_arena_block *top = state->top;
    size_t region_start = top != NULL ? top->start : 0;
    size_t region_end = top != NULL ? top->start + top->capacity : CP_ARENA_FIRST_SLAB_SIZE;
    if (rounded <= region_end - state->position) {
        unsigned char *base = top != NULL ? cp_arena_block_data(top) : state->slab;
        void *result = base + (state->position - region_start);
        state->position += rounded;
        return result;
    }
    return cp_arena_alloc_overflow(state, rounded, region_end);
}

size_t cp_arena_overflow_bytes(void) {
    return arena_state.overflow_bytes;
}

static void *cp_arena_protobuf_alloc(void *allocator_data, size_t size) {
    (void)allocator_data;
    return cp_arena_alloc(size);
}

static void cp_arena_protobuf_free(void *allocator_data, void *pointer) {
    (void)allocator_data;
    (void)pointer;
}

static ProtobufCAllocator cp_arena_allocator = {
    .alloc = cp_arena_protobuf_alloc,
    .free = cp_arena_protobuf_free,
    .allocator_data = NULL,
};

ProtobufCAllocator *cp_arena_protobuf_allocator(void) {
    return &cp_arena_allocator;
}
