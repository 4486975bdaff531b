// malloc-counter: an LD_PRELOAD library that counts allocation calls of the process it is loaded into.
//
// Counts calls (not bytes) of malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign, valloc and pvalloc
// with relaxed atomics, and forwards each call to glibc's own implementation (__libc_malloc & co., so no dlsym and
// no recursion at start-up). Also counts free, for information.
//
// Reading the counts: set MALLOC_COUNTER_FILE=/path before starting the process. The library then creates that
// file (4 KiB), maps it shared and counts straight into it, so another process reads the current counts at any
// time without signalling the target: eight little-endian uint64 at offset 0:
//   [0] magic 0x4d4c4c4f43434e54 ("MLLOCCNT")   [1] pid   [2] malloc   [3] calloc   [4] realloc
//   [5] memalign family (posix_memalign, aligned_alloc, memalign, valloc, pvalloc)   [6] free   [7] total allocations
// ([7] = [2]+[3]+[4]+[5], kept separately so one 8-byte read gives the headline figure).
// Without MALLOC_COUNTER_FILE the counts stay in private memory where nothing reads them.
// One shared counter per kind: fine for the single-core benchmark servers; on many cores it would add contention.
//
// Build: cc -O2 -fPIC -shared -o libmalloc-counter.so malloc_counter.c   (Benchmarks/run.sh does this)
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);
extern void __libc_free(void *pointer);

enum { SLOT_MAGIC, SLOT_PID, SLOT_MALLOC, SLOT_CALLOC, SLOT_REALLOC, SLOT_MEMALIGN, SLOT_FREE, SLOT_TOTAL, SLOTS };

static uint64_t static_counts[SLOTS];
static uint64_t *counts = static_counts;

static inline void count(int slot) {
    __atomic_fetch_add(&counts[slot], 1, __ATOMIC_RELAXED);
    if (slot != SLOT_FREE) __atomic_fetch_add(&counts[SLOT_TOTAL], 1, __ATOMIC_RELAXED);
}

__attribute__((constructor)) static void malloc_counter_init(void) {
    const char *path = getenv("MALLOC_COUNTER_FILE");
    if (path == NULL || path[0] == '\0') return;
    // No O_TRUNC and never shrink: a child process that inherits the variable must not cut the page from under a
    // parent that has it mapped (SIGBUS). Start the measured process so that only it gets LD_PRELOAD.
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return;
    struct stat info;
    if (fstat(fd, &info) != 0 || (info.st_size < 4096 && ftruncate(fd, 4096) != 0)) {
        close(fd);
        return;
    }
    void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (page == MAP_FAILED) return;
    uint64_t *shared = page;
    // Carry over what the loader and earlier constructors allocated; the process is still single-threaded here.
    for (int slot = SLOT_MALLOC; slot < SLOTS; slot++) __atomic_store_n(&shared[slot], static_counts[slot], __ATOMIC_RELAXED);
    shared[SLOT_PID] = (uint64_t)getpid();
    shared[SLOT_MAGIC] = 0x4d4c4c4f43434e54ULL;
    __atomic_store_n(&counts, shared, __ATOMIC_RELEASE);
}

void *malloc(size_t size) {
    count(SLOT_MALLOC);
    return __libc_malloc(size);
}

void *calloc(size_t number, size_t size) {
    count(SLOT_CALLOC);
    return __libc_calloc(number, size);
}

void *realloc(void *pointer, size_t size) {
    count(SLOT_REALLOC);
    return __libc_realloc(pointer, size);
}

void free(void *pointer) {
    if (pointer != NULL) count(SLOT_FREE);
    __libc_free(pointer);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    count(SLOT_MEMALIGN);
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0 || alignment == 0) return EINVAL;
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL && size != 0) return ENOMEM;
    *result = pointer;
    return 0;
}

void *aligned_alloc(size_t alignment, size_t size) {
    count(SLOT_MEMALIGN);
    if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
        errno = EINVAL;
        return NULL;
    }
    return __libc_memalign(alignment, size);
}

void *memalign(size_t alignment, size_t size) {
    count(SLOT_MEMALIGN);
    return __libc_memalign(alignment, size);
}

void *valloc(size_t size) {
    count(SLOT_MEMALIGN);
    return __libc_valloc(size);
}

void *pvalloc(size_t size) {
    count(SLOT_MEMALIGN);
    return __libc_pvalloc(size);
}
