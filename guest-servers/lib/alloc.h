/*
 * A first-fit heap with boundary tags, pure C (host-tested): it knows no
 * system call and no global state. Memory comes from a "more core"
 * callback; a bad free is reported through a callback and changes
 * nothing. The process heap (heap.c) is one of these.
 *
 * Layout: each arena (a run of memory from more_core) is a row of blocks
 * ended by a 16-byte sentinel header of size 0. A block is a 16-byte
 * header and a 16-byte-aligned payload; a header holds a tag that depends
 * on its own address and on the block being in use or free, the size of
 * the block before it (so a free merges with both neighbours) and its own
 * size. Free blocks are on a doubly linked list.
 */
#ifndef ALLOC_H
#define ALLOC_H

#include <stddef.h>
#include <stdint.h>

#define ALLOC_ALIGN             16
#define ALLOC_ARENAS_MAX        32
/* The largest request served; bigger ones get NULL. */
#define ALLOC_REQUEST_MAX       (1ull << 32)
/* The largest arena (block sizes must fit the header's 32-bit field). */
#define ALLOC_ARENA_BYTES_MAX   (1ull << 34)

/*
 * Asks for at least *bytes more bytes. Returns their base (16-aligned)
 * and stores how many it gave (>= the request, a multiple of 16), or
 * returns NULL. Memory right after the previous arena extends it.
 */
typedef void *alloc_more_fn(void *ctx, size_t *bytes);
/* Told about a misuse (what: "double free" ...) at pointer p. */
typedef void alloc_report_fn(void *ctx, const char *what, const void *p);

struct alloc_arena {
	uintptr_t lo, hi;               /* [lo, hi), the sentinel at hi - 16 */
};

struct alloc_heap {
	alloc_more_fn *more;
	alloc_report_fn *report;
	void *ctx;
	struct alloc_block *free_list;
	struct alloc_arena arena[ALLOC_ARENAS_MAX];
	unsigned narenas;
	unsigned long errors;           /* misuses reported */
};

struct alloc_stats {
	size_t arenas;
	size_t bytes;                   /* all arenas, headers included */
	size_t used_blocks, used_bytes; /* payload bytes of blocks in use */
	size_t free_blocks, free_bytes; /* whole free blocks */
};

/* An empty heap; more may be NULL (then the heap never grows). */
void alloc_init(struct alloc_heap *h, alloc_more_fn *more,
		alloc_report_fn *report, void *ctx);

/* n bytes, 16-aligned, or NULL (n == 0 gets a minimal block). */
void *alloc_malloc(struct alloc_heap *h, size_t n);
/* Frees p (NULL: nothing); a p that is not a block in use is reported. */
void alloc_free(struct alloc_heap *h, void *p);
/* n * size zeroed bytes, or NULL (also when n * size overflows). */
void *alloc_calloc(struct alloc_heap *h, size_t n, size_t size);
/* Resizes p to n bytes in place when it can, else moves it. NULL p is
 * malloc, n == 0 frees and returns NULL; on failure p is left as it was. */
void *alloc_realloc(struct alloc_heap *h, void *p, size_t n);
/* The payload size of block p (>= what was asked), 0 if p is bad. */
size_t alloc_usable(struct alloc_heap *h, const void *p);

/* Walks every block and checks every invariant (tags, sizes, neighbours,
 * no two free blocks side by side, the free list). Fills *st when not
 * NULL. Returns 0, or -1 after reporting the first fault found. */
int alloc_check(struct alloc_heap *h, struct alloc_stats *st);

#endif
