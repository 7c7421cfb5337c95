#include "alloc.h"

#include <stdbool.h>

#define HDR             16u             /* header bytes */
#define MIN_BLOCK       32u             /* header + the free-list links */
#define TAG_USED        0x75ed0000u
#define TAG_FREE        0xf4ee0000u

/* A block header; a free block's payload starts with its list links. */
struct alloc_block {
	uint32_t tag;           /* TAG_* ^ (address >> 4) */
	uint32_t prev;          /* size of the block before, / 16; 0: first */
	uint64_t size;          /* whole block, header included; 0: sentinel */
	struct alloc_block *next_free, *prev_free;      /* free blocks only */
};

_Static_assert(__builtin_offsetof(struct alloc_block, next_free) == HDR,
	       "links follow the 16-byte header");

static uint32_t tag_of(const struct alloc_block *b, uint32_t kind)
{
	return kind ^ (uint32_t)((uintptr_t)b >> 4);
}

static bool is_free(const struct alloc_block *b)
{
	return b->tag == tag_of(b, TAG_FREE);
}

static bool is_used(const struct alloc_block *b)
{
	return b->tag == tag_of(b, TAG_USED);
}

static struct alloc_block *at(uintptr_t a)
{
	return (struct alloc_block *)a;
}

static struct alloc_block *next_of(const struct alloc_block *b)
{
	return at((uintptr_t)b + b->size);
}

static void set_block(struct alloc_block *b, uint32_t kind, uint64_t size,
		      uint64_t prev)
{
	b->tag = tag_of(b, kind);
	b->size = size;
	b->prev = (uint32_t)(prev / HDR);
}

static void list_push(struct alloc_heap *h, struct alloc_block *b)
{
	b->prev_free = NULL;
	b->next_free = h->free_list;
	if (h->free_list)
		h->free_list->prev_free = b;
	h->free_list = b;
}

static void list_remove(struct alloc_heap *h, struct alloc_block *b)
{
	if (b->prev_free)
		b->prev_free->next_free = b->next_free;
	else
		h->free_list = b->next_free;
	if (b->next_free)
		b->next_free->prev_free = b->prev_free;
}

static void report(struct alloc_heap *h, const char *what, const void *p)
{
	h->errors++;
	if (h->report)
		h->report(h->ctx, what, p);
}

void alloc_init(struct alloc_heap *h, alloc_more_fn *more,
		alloc_report_fn *report_fn, void *ctx)
{
	*h = (struct alloc_heap){ .more = more, .report = report_fn,
				  .ctx = ctx };
}

/* The block size that serves a request of n bytes (n <= REQUEST_MAX). */
static uint64_t block_size(size_t n)
{
	uint64_t s = (((uint64_t)n + ALLOC_ALIGN - 1) & ~(uint64_t)(ALLOC_ALIGN - 1))
		     + HDR;

	return s < MIN_BLOCK ? MIN_BLOCK : s;
}

static struct alloc_arena *arena_of(struct alloc_heap *h, uintptr_t a)
{
	for (unsigned i = 0; i < h->narenas; i++)
		if (a >= h->arena[i].lo && a < h->arena[i].hi)
			return &h->arena[i];
	return NULL;
}

/*
 * Frees block b (marked used, neighbours consistent): merges it with a
 * free block after and before it, and puts the result on the free list.
 */
static void release(struct alloc_heap *h, struct alloc_block *b)
{
	struct alloc_block *n = next_of(b);

	b->tag = tag_of(b, TAG_FREE);
	if (n->size && is_free(n)) {
		list_remove(h, n);
		b->size += n->size;
		n = next_of(b);
		n->prev = (uint32_t)(b->size / HDR);
	}
	if (b->prev) {
		struct alloc_block *p = at((uintptr_t)b - (uint64_t)b->prev * HDR);

		if (is_free(p)) {
			/* b's header stays behind tagged free: a second free
			 * of it is still reported as a double free. */
			p->size += b->size;
			n->prev = (uint32_t)(p->size / HDR);
			return;
		}
	}
	list_push(h, b);
}

/* Adds [base, base + bytes) to the heap as free memory. */
static void add_core(struct alloc_heap *h, uintptr_t base, uint64_t bytes)
{
	struct alloc_arena *last = h->narenas ? &h->arena[h->narenas - 1]
					      : NULL;
	struct alloc_block *b, *end;

	if (last && base == last->hi &&
	    last->hi - last->lo + bytes <= ALLOC_ARENA_BYTES_MAX) {
		/* Right after the last arena: its sentinel becomes the
		 * header of the new free block. */
		b = at(last->hi - HDR);
		last->hi += bytes;
		end = at(last->hi - HDR);
		set_block(b, TAG_USED, bytes, (uint64_t)b->prev * HDR);
	} else {
		last = &h->arena[h->narenas++];
		last->lo = base;
		last->hi = base + bytes;
		b = at(base);
		end = at(last->hi - HDR);
		set_block(b, TAG_USED, bytes - HDR, 0);
	}
	set_block(end, TAG_USED, 0, b->size);
	release(h, b);
}

/* Gets at least need more bytes of block from more_core. */
static bool grow(struct alloc_heap *h, uint64_t need)
{
	size_t bytes = need + HDR;      /* room for a new arena's sentinel */
	uintptr_t base;
	void *p;

	if (!h->more)
		return false;
	p = h->more(h->ctx, &bytes);
	if (!p)
		return false;
	base = (uintptr_t)p;
	if (base % ALLOC_ALIGN || bytes % ALLOC_ALIGN || bytes < need + HDR ||
	    bytes > ALLOC_ARENA_BYTES_MAX || base + bytes < base) {
		report(h, "more_core gave unusable memory", p);
		return false;
	}
	if (h->narenas == ALLOC_ARENAS_MAX &&
	    (base != h->arena[h->narenas - 1].hi ||
	     h->arena[h->narenas - 1].hi - h->arena[h->narenas - 1].lo + bytes >
		     ALLOC_ARENA_BYTES_MAX)) {
		report(h, "too many arenas", p);
		return false;
	}
	add_core(h, base, bytes);
	return true;
}

/* Splits block b (in use or being taken) to size s when the rest is big
 * enough for a block of its own, and frees the rest. */
static void trim(struct alloc_heap *h, struct alloc_block *b, uint64_t s)
{
	struct alloc_block *rest, *n;

	if (b->size - s < MIN_BLOCK)
		return;
	n = next_of(b);
	rest = at((uintptr_t)b + s);
	set_block(rest, TAG_USED, b->size - s, s);
	b->size = s;
	n->prev = (uint32_t)(rest->size / HDR);
	release(h, rest);
}

void *alloc_malloc(struct alloc_heap *h, size_t n)
{
	struct alloc_block *b;
	uint64_t s;

	if (n > ALLOC_REQUEST_MAX)
		return NULL;
	s = block_size(n);
	for (;;) {
		for (b = h->free_list; b; b = b->next_free)
			if (b->size >= s)
				break;
		if (b)
			break;
		if (!grow(h, s))
			return NULL;
	}
	list_remove(h, b);
	b->tag = tag_of(b, TAG_USED);
	trim(h, b, s);
	return (char *)b + HDR;
}

/*
 * The header of p when p is a block in use with consistent neighbours;
 * otherwise reports what is wrong and returns NULL.
 */
static struct alloc_block *check_used(struct alloc_heap *h, const void *p)
{
	uintptr_t a = (uintptr_t)p;
	struct alloc_arena *ar;
	struct alloc_block *b, *n;

	if (a % ALLOC_ALIGN) {
		report(h, "misaligned pointer", p);
		return NULL;
	}
	ar = arena_of(h, a);
	if (!ar || a < ar->lo + HDR || a >= ar->hi - HDR) {
		report(h, "pointer outside the heap", p);
		return NULL;
	}
	b = at(a - HDR);
	if (is_free(b)) {
		report(h, "double free", p);
		return NULL;
	}
	if (!is_used(b) || b->size < MIN_BLOCK || b->size % HDR ||
	    b->size > ar->hi - HDR - (uintptr_t)b) {
		report(h, "not a heap block (bad pointer or overwritten header)",
		       p);
		return NULL;
	}
	n = next_of(b);
	if ((uint64_t)n->prev * HDR != b->size ||
	    (b->prev && (uintptr_t)b - ar->lo < (uint64_t)b->prev * HDR)) {
		report(h, "heap corrupted around block", p);
		return NULL;
	}
	if (b->prev) {
		struct alloc_block *pb = at((uintptr_t)b - (uint64_t)b->prev * HDR);

		if ((!is_used(pb) && !is_free(pb)) || pb->size != (uint64_t)b->prev * HDR) {
			report(h, "heap corrupted before block", p);
			return NULL;
		}
	}
	return b;
}

void alloc_free(struct alloc_heap *h, void *p)
{
	struct alloc_block *b;

	if (!p)
		return;
	b = check_used(h, p);
	if (b)
		release(h, b);
}

void *alloc_calloc(struct alloc_heap *h, size_t n, size_t size)
{
	void *p;

	if (size && n > ALLOC_REQUEST_MAX / size)
		return NULL;
	p = alloc_malloc(h, n * size);
	if (p)
		__builtin_memset(p, 0, n * size);
	return p;
}

void *alloc_realloc(struct alloc_heap *h, void *p, size_t n)
{
	struct alloc_block *b, *next;
	uint64_t s;
	void *q;

	if (!p)
		return alloc_malloc(h, n);
	b = check_used(h, p);
	if (!b)
		return NULL;
	if (!n) {
		release(h, b);
		return NULL;
	}
	if (n > ALLOC_REQUEST_MAX)
		return NULL;
	s = block_size(n);
	next = next_of(b);
	if (b->size < s && next->size && is_free(next) &&
	    b->size + next->size >= s) {
		/* Grow in place over the free block after it. */
		list_remove(h, next);
		b->size += next->size;
		next_of(b)->prev = (uint32_t)(b->size / HDR);
	}
	if (b->size >= s) {
		trim(h, b, s);
		return p;
	}
	q = alloc_malloc(h, n);
	if (!q)
		return NULL;
	__builtin_memcpy(q, p, b->size - HDR);
	release(h, b);
	return q;
}

size_t alloc_usable(struct alloc_heap *h, const void *p)
{
	struct alloc_block *b = p ? check_used(h, p) : NULL;

	return b ? b->size - HDR : 0;
}

/* Checks one arena block by block; adds to *st. */
static int check_arena(struct alloc_heap *h, const struct alloc_arena *ar,
		       struct alloc_stats *st)
{
	uintptr_t a = ar->lo;
	uint64_t prev = 0;
	bool prev_free = false;

	for (;;) {
		struct alloc_block *b = at(a);

		if (a > ar->hi - HDR || (b->prev * (uint64_t)HDR) != prev) {
			report(h, "check: chain broken", b);
			return -1;
		}
		if (b->size == 0) {
			if (a != ar->hi - HDR || !is_used(b)) {
				report(h, "check: bad sentinel", b);
				return -1;
			}
			return 0;
		}
		if (b->size < MIN_BLOCK || b->size % HDR ||
		    b->size > ar->hi - HDR - a) {
			report(h, "check: bad size", b);
			return -1;
		}
		if (is_free(b)) {
			if (prev_free) {
				report(h, "check: free blocks side by side", b);
				return -1;
			}
			st->free_blocks++;
			st->free_bytes += b->size;
		} else if (is_used(b)) {
			st->used_blocks++;
			st->used_bytes += b->size - HDR;
		} else {
			report(h, "check: bad tag", b);
			return -1;
		}
		prev_free = is_free(b);
		prev = b->size;
		a += b->size;
	}
}

int alloc_check(struct alloc_heap *h, struct alloc_stats *out)
{
	struct alloc_stats st = { .arenas = h->narenas };
	size_t listed = 0;

	for (unsigned i = 0; i < h->narenas; i++) {
		const struct alloc_arena *ar = &h->arena[i];

		st.bytes += ar->hi - ar->lo;
		if (check_arena(h, ar, &st))
			return -1;
	}
	for (struct alloc_block *b = h->free_list; b; b = b->next_free) {
		if (!is_free(b) || !arena_of(h, (uintptr_t)b) ||
		    (b->next_free && b->next_free->prev_free != b) ||
		    ++listed > st.free_blocks) {
			report(h, "check: free list broken", b);
			return -1;
		}
	}
	if (listed != st.free_blocks) {
		report(h, "check: free block missing from the list", NULL);
		return -1;
	}
	if (out)
		*out = st;
	return 0;
}
