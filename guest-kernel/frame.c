#include "frame.h"

#include "panic.h"

/* A free frame's first two words; tag marks it free (a cheap double-free
 * check: a live frame holding exactly this value is vanishingly rare). */
struct free_frame {
	uint64_t next;
	uint64_t tag;
};

#define FREE_MAGIC 0x6672656566726d21ull

static struct carve {
	uint64_t start, next, end;      /* [start, next) handed out */
} ranges[MEMMAP_RANGES_MAX];
static unsigned nranges, cur;           /* cur: first range not used up */
static uint64_t free_head, nfree, offset;

static struct free_frame *frame_at(uint64_t p)
{
	return (struct free_frame *)(uintptr_t)(p + offset);
}

void frame_init(const struct mem_range *r, unsigned n, uint64_t virt_offset)
{
	if (n > MEMMAP_RANGES_MAX)
		kpanic("frame_init: %u ranges", n);
	nranges = cur = 0;
	free_head = nfree = 0;
	offset = virt_offset;
	for (unsigned i = 0; i < n; i++) {
		if (!r[i].start || r[i].start >= r[i].end ||
		    (r[i].start | r[i].end) & (FRAME_SIZE - 1) ||
		    (i && r[i].start < r[i - 1].end))
			kpanic("frame_init: bad range %u", i);
		ranges[i] = (struct carve){ r[i].start, r[i].start, r[i].end };
		nfree += (r[i].end - r[i].start) / FRAME_SIZE;
	}
	nranges = n;
}

uint64_t frame_alloc(void)
{
	uint64_t p = free_head;

	if (p) {
		struct free_frame *f = frame_at(p);

		free_head = f->next;
		f->tag = 0;
		nfree--;
		return p;
	}
	for (; cur < nranges; cur++) {
		if (ranges[cur].next < ranges[cur].end) {
			p = ranges[cur].next;
			ranges[cur].next += FRAME_SIZE;
			nfree--;
			return p;
		}
	}
	return 0;
}

uint64_t frame_alloc_zero(void)
{
	int recycled = free_head != 0;
	uint64_t p = frame_alloc();

	if (p && recycled)
		frame_clear(frame_at(p));
	return p;
}

uint64_t frame_alloc_run(uint64_t n)
{
	if (n == 1)
		return frame_alloc_zero();
	for (unsigned i = cur; i < nranges && n; i++) {
		if ((ranges[i].end - ranges[i].next) / FRAME_SIZE >= n) {
			uint64_t p = ranges[i].next;

			ranges[i].next += n * FRAME_SIZE;
			nfree -= n;
			return p;
		}
	}
	return 0;
}

void frame_free(uint64_t p)
{
	struct free_frame *f;
	unsigned i = 0;

	while (i < nranges && !(p >= ranges[i].start && p < ranges[i].next))
		i++;
	if (i == nranges || p & (FRAME_SIZE - 1))
		kpanic("frame_free: 0x%lx was not allocated", (unsigned long)p);
	f = frame_at(p);
	if (f->tag == (FREE_MAGIC ^ p))
		kpanic("frame_free: 0x%lx freed twice", (unsigned long)p);
	f->next = free_head;
	f->tag = FREE_MAGIC ^ p;
	free_head = p;
	nfree++;
}

uint64_t frame_free_count(void)
{
	return nfree;
}
