#include "frame.h"

#include "panic.h"

/* A free block's first 16 bytes: its place in the list of its order. A
 * clean block is zero apart from these. */
struct free_block {
	struct free_block *next, *prev;
};

/* The frame map: one byte per frame from base. Nonzero only at the head
 * of a block, free or allocated. */
#define M_FREE          0x80    /* a free block of order (m & M_ORDER) */
#define M_CLEAN         0x40    /* free and zero but for its links */
#define M_USED          0x20    /* an allocated block of that order */
#define M_ORDER         0x1f

/* Per order, a circular list through the free blocks, clean ones first,
 * so that frame_alloc_zero rarely has to clear a frame. */
static struct free_block lists[FRAME_ORDERS];
static uint32_t nonempty;               /* bit k: lists[k] has a block */
static uint8_t *map;
static uint64_t base, limit, offset, nfree;

/* The untouched part of each range (all of it at first), cut into blocks
 * only as it is used: a bump allocator on the common path at boot. */
static struct mem_range fresh[MEMMAP_RANGES_MAX];
static unsigned nfresh, cur;            /* cur: first range with any */

static struct free_block *block_at(uint64_t p)
{
	return (struct free_block *)(uintptr_t)(p + offset);
}

static uint8_t *map_at(uint64_t p)
{
	return &map[(p - base) / FRAME_SIZE];
}

static void push(uint64_t p, unsigned k, uint8_t clean)
{
	struct free_block *b = block_at(p), *h = &lists[k];

	*map_at(p) = (uint8_t)(M_FREE | clean | k);
	if (clean) {
		b->prev = h;
		b->next = h->next;
	} else {
		b->next = h;
		b->prev = h->prev;
	}
	b->prev->next = b;
	b->next->prev = b;
	nonempty |= 1u << k;
}

/* Takes b, a free block of order k, off its list. */
static void unlink(struct free_block *b, unsigned k)
{
	b->prev->next = b->next;
	b->next->prev = b->prev;
	if (lists[k].next == &lists[k])
		nonempty &= ~(1u << k);
}

/* Gives back the block of order k at p, merging it with its buddy for as
 * long as the buddy is a free block of the same order. clean: M_CLEAN if
 * the block is all zero. */
static void release(uint64_t p, unsigned k, uint8_t clean)
{
	*map_at(p) = 0;
	for (; k < FRAME_ORDERS - 1; k++) {
		uint64_t size = FRAME_SIZE << k, b = p ^ size;
		uint8_t m;

		if (b < base || b >= limit)
			break;
		m = *map_at(b);
		if ((m & ~M_CLEAN) != (M_FREE | k))
			break;
		unlink(block_at(b), k);
		*map_at(b) = 0;
		clean &= m;
		p &= ~size;
		if (clean)      /* the upper half's links: inside the block now */
			*block_at(p + size) = (struct free_block){ 0, 0 };
	}
	push(p, k, clean);
}

/* The order of the largest block that starts at s, is aligned to its
 * size and ends by e (> s): how [s, e) is cut into blocks, from s up. */
static unsigned block_order(uint64_t s, uint64_t e)
{
	unsigned a = (unsigned)__builtin_ctzll(s / FRAME_SIZE);
	unsigned b = 63 - (unsigned)__builtin_clzll((e - s) / FRAME_SIZE);

	a = a < b ? a : b;
	return a < FRAME_ORDERS - 1 ? a : FRAME_ORDERS - 1;
}

/* Gives back the untouched frames [s, e). Out of line: rare, and inlined
 * it would burden every carve. */
static __attribute__((noinline)) void add_range(uint64_t s, uint64_t e)
{
	for (unsigned k; s < e; s += FRAME_SIZE << k)
		release(s, k = block_order(s, e), M_CLEAN);
}

/* n untouched frames from the lowest range that has them, or 0. All
 * that is left of a range too small for them becomes free blocks. */
static uint64_t carve(uint64_t n)
{
	for (; cur < nfresh; cur++) {
		struct mem_range *f = &fresh[cur];
		uint64_t p = f->start;

		if (n * FRAME_SIZE <= f->end - p) {
			f->start = p + n * FRAME_SIZE;
			return p;
		}
		add_range(p, f->end);
		f->start = f->end;
	}
	return 0;
}

/* A free block of order k from the lists, split off a larger one if need
 * be; its address (and in *clean its M_CLEAN), or 0. */
static uint64_t take(unsigned k, uint8_t *clean)
{
	struct free_block *b;
	uint32_t have = nonempty >> k;
	unsigned j;
	uint64_t p;
	uint8_t c;

	if (!have)
		return 0;
	j = k + (unsigned)__builtin_ctz(have);
	b = lists[j].next;
	unlink(b, j);
	p = (uint64_t)(uintptr_t)b - offset;
	c = *map_at(p) & M_CLEAN;
	while (j > k) {
		j--;
		push(p + (FRAME_SIZE << j), j, c);
	}
	*clean = c;
	return p;
}

void frame_init(const struct mem_range *r, unsigned n, uint64_t virt_offset)
{
	uint64_t need;
	unsigned m;

	if (n > MEMMAP_RANGES_MAX)
		kpanic("frame_init: %u ranges", n);
	for (unsigned i = 0; i < n; i++) {
		if (!r[i].start || r[i].start >= r[i].end ||
		    (r[i].start | r[i].end) & (FRAME_SIZE - 1) ||
		    (i && r[i].start < r[i - 1].end))
			kpanic("frame_init: bad range %u", i);
		fresh[i] = r[i];
	}
	for (unsigned k = 0; k < FRAME_ORDERS; k++)
		lists[k].next = lists[k].prev = &lists[k];
	offset = virt_offset;
	nonempty = 0;
	nfresh = cur = 0;
	nfree = base = limit = 0;
	map = NULL;
	if (!n)
		return;
	base = r[0].start;
	limit = r[n - 1].end;
	need = ((limit - base) / FRAME_SIZE + FRAME_SIZE - 1) / FRAME_SIZE;
	for (m = 0; r[m].end - r[m].start < need * FRAME_SIZE; m++)
		if (m == n - 1)
			kpanic("frame_init: no range holds the %lu-frame map",
			       (unsigned long)need);
	map = (uint8_t *)(uintptr_t)(r[m].start + offset);
	fresh[m].start += need * FRAME_SIZE;
	for (unsigned i = 0; i < n; i++)
		nfree += (fresh[i].end - fresh[i].start) / FRAME_SIZE;
	nfresh = n;
}

/* The rare ways to n frames, with k the order above n: untouched
 * frames in a later range, else a list block of order k or more, split,
 * its tail past n frames given back. */
static __attribute__((noinline)) uint64_t alloc_slow(unsigned k, uint64_t n,
						     uint8_t *clean)
{
	uint64_t p, e;
	unsigned j;

	*clean = M_CLEAN;
	if (!(nonempty >> k & 1) && (p = carve(n)) != 0)
		return p;
	if (!(p = take(k, clean)))
		return 0;
	e = p + (FRAME_SIZE << k);
	for (uint64_t s = p + n * FRAME_SIZE; s < e; s += FRAME_SIZE << j)
		push(s, j = block_order(s, e), *clean);
	return p;
}

/*
 * n (1..FRAME_RUN_MAX) contiguous frames, or 0; *clean is M_CLEAN if
 * they are zero but for the first frame's first 16 bytes. A list block of
 * exactly the size comes first, then untouched frames, then a larger
 * block split. The run's first frame is marked used with the order of
 * the first block block_order cuts it into (so frame_free can tell a
 * frame from a run that starts with a larger block); the rest of the map
 * says nothing of it, which for a buddy means "not free".
 */
static inline uint64_t alloc(uint64_t n, uint8_t *clean)
{
	unsigned k = n == 1 ? 0 : 64 - (unsigned)__builtin_clzll(n - 1);
	struct mem_range *f = &fresh[cur];
	uint64_t p;

	if (!(nonempty >> k & 1) && cur < nfresh &&
	    n * FRAME_SIZE <= f->end - (p = f->start)) {
		f->start = p + n * FRAME_SIZE;          /* the common case */
		*clean = M_CLEAN;
	} else if (!(p = alloc_slow(k, n, clean))) {
		return 0;
	}
	*map_at(p) = (uint8_t)(M_USED | block_order(p, p + n * FRAME_SIZE));
	nfree -= n;
	return p;
}

/* Zero the n frames at p that alloc returned with clean. */
static void zero(uint64_t p, uint64_t n, uint8_t clean)
{
	if (clean) {
		*block_at(p) = (struct free_block){ 0, 0 };
		return;
	}
	for (uint64_t i = 0; i < n; i++)
		frame_clear(block_at(p + i * FRAME_SIZE));
}

uint64_t frame_alloc(void)
{
	uint8_t clean;

	return alloc(1, &clean);
}

uint64_t frame_alloc_zero(void)
{
	uint8_t clean;
	uint64_t p = alloc(1, &clean);

	if (p)
		zero(p, 1, clean);
	return p;
}

uint64_t frame_alloc_run(uint64_t n)
{
	uint8_t clean;
	uint64_t p;

	if (n == 0 || n > FRAME_RUN_MAX || !(p = alloc(n, &clean)))
		return 0;
	zero(p, n, clean);
	return p;
}

/* Panics unless p is the head of an allocated block of order k. */
static void check_used(uint64_t p, unsigned k)
{
	if (p < base || p >= limit || p & (FRAME_SIZE - 1) ||
	    *map_at(p) != (M_USED | k))
		kpanic("frame_free: 0x%lx is not an allocated block of %lu "
		       "frames", (unsigned long)p, 1ul << k);
}

void frame_free(uint64_t p)
{
	check_used(p, 0);
	release(p, 0, 0);
	nfree++;
}

void frame_free_zero(uint64_t p)
{
	check_used(p, 0);
	release(p, 0, M_CLEAN);
	nfree++;
}

void frame_free_run(uint64_t p, uint64_t n)
{
	uint64_t e = p + n * FRAME_SIZE;
	unsigned k;

	if (n == 0 || n > FRAME_RUN_MAX || p & (FRAME_SIZE - 1))
		kpanic("frame_free_run: %lu frames at 0x%lx", (unsigned long)n,
		       (unsigned long)p);
	check_used(p, block_order(p, e));
	for (uint64_t s = p; s < e; s += FRAME_SIZE << k)
		release(s, k = block_order(s, e), 0);
	nfree += n;
}

uint64_t frame_free_count(void)
{
	return nfree;
}
