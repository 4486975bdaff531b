/*
 * cp_arena: a per-thread bump allocator with stack-discipline marks, used to build and unpack protobuf-c messages
 * without touching malloc in steady state.
 *
 *     size_t mark = cp_arena_mark();
 *     void *p = cp_arena_alloc(64);          // 16-byte aligned, valid until the release below
 *     ...
 *     cp_arena_release(mark);                // frees everything allocated since the mark
 *
 * Marks nest: release them in the reverse order they were taken, on the thread that took them. Each thread keeps a
 * 16 KiB first slab for its lifetime (freed when the thread exits); allocations that do not fit in it go to
 * malloc'd overflow blocks that the release covering them frees, except that the largest released block of at most
 * 1 MiB is kept as a spare for the next overflow.
 */
#ifndef CP_ARENA_H
#define CP_ARENA_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The size of the slab each thread keeps across calls. */
#define CP_ARENA_FIRST_SLAB_SIZE ((size_t)16 * 1024)

/* A position in this thread's arena; pass it to cp_arena_release to free everything allocated after it. */
size_t cp_arena_mark(void);

/* Frees everything allocated on this thread since `mark` was taken. */
void cp_arena_release(size_t mark);

/* `size` bytes, 16-byte aligned, valid until the release of a mark taken before this call. Never returns NULL
 * (aborts when the system is out of memory, like Swift's own allocations). */
void *cp_arena_alloc(size_t size);

/* A ProtobufCAllocator that allocates from this thread's arena and never frees (release a mark instead). Pass it to
 * protobuf_c_message_unpack; never pass unpacked messages to *_free_unpacked with another allocator. */
ProtobufCAllocator *cp_arena_protobuf_allocator(void);

/* Bytes this thread's arena currently uses in overflow blocks (0 after every release back to 0, not counting the
 * spare); for tests. */
size_t cp_arena_overflow_bytes(void);

/* protobuf-c's shared empty string, the default of every string field. */
static inline char *cp_empty_string(void) { return (char *)protobuf_c_empty_string; }

#ifdef __cplusplus
}
#endif

#endif /* CP_ARENA_H */
