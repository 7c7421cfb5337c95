/*
 * The program's memory. Every byte it may touch is in ranges[] (its
 * segments, its stack, its brk area, its anonymous mmaps): a pointer it
 * passes is checked there (EFAULT otherwise), so it can never make the
 * personality read or write anything else, this library included.
 * Memory comes from the kernel in regions of at most 16 MiB, each
 * charged to this process (the quota init gave it: --mem).
 */
#include "lx.h"
#include "uk.h"
#include "ulib.h"

#define PAGE            UK_PAGE_SIZE
#define RANGES_MAX      128
#define PENDING_MAX     16
#define REGION_PAGES    4096            /* the kernel's largest region */
#define BRK_MAX         (1ull << 30)
#define BRK_CHUNK_MIN   (256ull << 10)
#define BRK_CHUNK_MAX   (16ull << 20)

struct range {
	uint64_t lo, hi;
	int write;
};

static struct range ranges[RANGES_MAX];
static unsigned nranges;

/* Segments mapped writable while they are loaded. */
static struct {
	uint64_t slot, va, pages, rights;
} pending[PENDING_MAX];
static unsigned npending;

/*
 * Anonymous mmaps: page runs carved from arenas (regions of up to 16
 * MiB, one after another from UK_APP_MMAP_BASE), so that a program's
 * many mappings cost few kernel objects and mappings; munmap gives the
 * pages back to the arena, for the program's next mmap (zeroed then),
 * not to the kernel. A run larger than an arena gets regions of its own.
 */
#define ARENAS_MAX      256
#define ARENA_PAGES     REGION_PAGES

static struct arena {
	uint64_t va, pages;
	uint8_t used[ARENA_PAGES / 8];          /* a bit per page */
} arenas[ARENAS_MAX];
static unsigned narenas;
static uint64_t mmap_next = UK_APP_MMAP_BASE;

/* Runs with regions of their own (hi 0: a free entry). */
#define RUNS_MAX        64
static struct run {
	uint64_t lo, hi;
} runs[RUNS_MAX];

static uint64_t brk_start, brk_cur, brk_mapped, brk_dirty;

int lx_user_ok(uint64_t p, uint64_t n, int write)
{
	if (!n)
		return 1;
	if (p + n < p)
		return 0;
	/* ranges[] is sorted and merged: one range holds it all. */
	for (unsigned i = 0; i < nranges; i++)
		if (p >= ranges[i].lo && p + n <= ranges[i].hi)
			return !write || ranges[i].write;
	return 0;
}

long lx_user_strlen(uint64_t p, size_t max)
{
	for (size_t n = 0; n < max; n++) {
		if (!lx_user_ok(p + n, 1, 0))
			return -LX_EFAULT;
		if (!*(const char *)(uintptr_t)(p + n))
			return (long)n;
	}
	return -LX_ENAMETOOLONG;
}

/* Removes [lo, hi) from ranges[]. */
static void range_cut(uint64_t lo, uint64_t hi)
{
	for (unsigned i = 0; i < nranges; i++) {
		struct range *r = &ranges[i];

		if (r->hi <= lo || r->lo >= hi)
			continue;
		if (r->lo < lo && r->hi > hi && nranges < RANGES_MAX) {
			memmove(r + 1, r, (nranges - i) * sizeof *r);
			nranges++;
			r[0].hi = lo;
			r[1].lo = hi;
			return;
		}
		if (r->lo < lo)
			r->hi = lo;
		else if (r->hi > hi)
			r->lo = hi;
		else {
			memmove(r, r + 1, (nranges - i - 1) * sizeof *r);
			nranges--;
			i--;
		}
	}
}

void lx_mem_add(uint64_t lo, uint64_t hi, int write)
{
	unsigned i = 0;

	range_cut(lo, hi);
	while (i < nranges && ranges[i].lo < lo)
		i++;
	/* Merge with a neighbour of the same kind. */
	if (i > 0 && ranges[i - 1].hi == lo && ranges[i - 1].write == write) {
		ranges[i - 1].hi = hi;
		if (i < nranges && ranges[i].lo == hi &&
		    ranges[i].write == write) {
			ranges[i - 1].hi = ranges[i].hi;
			memmove(&ranges[i], &ranges[i + 1],
				(nranges - i - 1) * sizeof ranges[0]);
			nranges--;
		}
		return;
	}
	if (i < nranges && ranges[i].lo == hi && ranges[i].write == write) {
		ranges[i].lo = lo;
		return;
	}
	if (nranges == RANGES_MAX)
		return;         /* not recorded: calls on it get EFAULT */
	memmove(&ranges[i + 1], &ranges[i], (nranges - i) * sizeof ranges[0]);
	ranges[i] = (struct range){ lo, hi, write };
	nranges++;
}

/* One region of pages at va; keeps its capability in *keep if keep. */
static long back_one(uint64_t va, uint64_t pages, uint64_t rights,
		     uint64_t *keep)
{
	uint64_t slot = uk_slot_alloc();

	if (slot == UK_NO_CAP)
		return -LX_ENOMEM;
	if (uk_mem_alloc(slot, pages) != UK_OK ||
	    uk_mem_map(UK_SELF, slot, va, rights) != UK_OK) {
		uk_cap_delete(slot);
		uk_slot_free(slot);
		return -LX_ENOMEM;
	}
	if (keep) {
		*keep = slot;
		return 0;
	}
	uk_cap_delete(slot);            /* the mapping keeps the region */
	uk_slot_free(slot);
	return 0;
}

/* Unmaps what back() mapped at [va, va + pages). */
static void unback(uint64_t va, uint64_t pages)
{
	for (uint64_t done = 0; done < pages; done += REGION_PAGES)
		uk_mem_unmap(UK_SELF, va + done * PAGE,
			     pages - done < REGION_PAGES ? pages - done :
			     REGION_PAGES);
}

long lx_mem_back(uint64_t va, uint64_t pages, uint64_t rights)
{
	for (uint64_t done = 0; done < pages; done += REGION_PAGES) {
		uint64_t n = pages - done < REGION_PAGES ? pages - done :
			     REGION_PAGES;

		if (back_one(va + done * PAGE, n, rights, NULL) < 0) {
			unback(va, done);
			return -LX_ENOMEM;
		}
	}
	lx_mem_add(va, va + pages * PAGE, (rights & UK_R_WRITE) != 0);
	return 0;
}

long lx_mem_load(uint64_t va, uint64_t pages, uint64_t rights)
{
	uint64_t rw = UK_R_READ | UK_R_WRITE;

	for (uint64_t done = 0; done < pages; done += REGION_PAGES) {
		uint64_t n = pages - done < REGION_PAGES ? pages - done :
			     REGION_PAGES;

		if (npending == PENDING_MAX ||
		    back_one(va + done * PAGE, n, rw,
			     &pending[npending].slot) < 0)
			return -LX_ENOMEM;
		pending[npending].va = va + done * PAGE;
		pending[npending].pages = n;
		pending[npending++].rights = rights;
	}
	lx_mem_add(va, va + pages * PAGE, (rights & UK_R_WRITE) != 0);
	return 0;
}

void lx_mem_seal(void)
{
	for (unsigned i = 0; i < npending; i++) {
		if (pending[i].rights != (UK_R_READ | UK_R_WRITE)) {
			uk_mem_unmap(UK_SELF, pending[i].va, pending[i].pages);
			uk_mem_map(UK_SELF, pending[i].slot, pending[i].va,
				   pending[i].rights);
		}
		uk_cap_delete(pending[i].slot);
		uk_slot_free(pending[i].slot);
	}
	npending = 0;
}

void lx_brk_init(uint64_t end)
{
	brk_start = brk_cur = brk_mapped = brk_dirty = end;
}

long lx_brk(uint64_t want)
{
	if (want < brk_start || want - brk_start > BRK_MAX ||
	    (brk_start < UK_LINUX_ENTRY_VA && want > UK_LINUX_ENTRY_VA))
		return (long)brk_cur;
	if (want > brk_mapped) {
		uint64_t need = ((want - brk_mapped) + PAGE - 1) & ~(PAGE - 1);
		uint64_t chunk = brk_mapped - brk_start;

		if (chunk > BRK_CHUNK_MAX)
			chunk = BRK_CHUNK_MAX;
		if (chunk < BRK_CHUNK_MIN)
			chunk = BRK_CHUNK_MIN;
		if (chunk < need || brk_mapped + chunk - brk_start > BRK_MAX ||
		    (brk_start < UK_LINUX_ENTRY_VA &&
		     brk_mapped + chunk > UK_LINUX_ENTRY_VA) ||
		    lx_mem_back(brk_mapped, chunk / PAGE,
				UK_R_READ | UK_R_WRITE) < 0) {
			if (lx_mem_back(brk_mapped, need / PAGE,
					UK_R_READ | UK_R_WRITE) < 0)
				return (long)brk_cur;
			chunk = need;
		}
		brk_mapped += chunk;
	}
	/* Memory given back and taken again reads as zero, as on Linux. */
	if (want > brk_cur && brk_cur < brk_dirty)
		memset((void *)(uintptr_t)brk_cur, 0,
		       (want < brk_dirty ? want : brk_dirty) - brk_cur);
	brk_cur = want;
	if (brk_cur > brk_dirty)
		brk_dirty = brk_cur;
	return (long)brk_cur;
}

#define LX_PROT_EXEC    0x4
#define LX_MAP_FIXED    0x10
#define LX_MAP_ANON     0x20
#define LX_ENODEV       19

/* An arena with no page in use goes back to the kernel (its slot is
 * used again; its addresses are not). */
static void arena_maybe_free(struct arena *a)
{
	for (unsigned i = 0; i < sizeof a->used; i++)
		if (a->used[i])
			return;
	unback(a->va, a->pages);
	range_cut(a->va, a->va + a->pages * PAGE);
	*a = (struct arena){ 0 };
}

static int page_used(const struct arena *a, uint64_t i)
{
	return a->used[i / 8] >> (i % 8) & 1;
}

static void mark(struct arena *a, uint64_t i, uint64_t n, int used)
{
	for (; n; n--, i++) {
		if (used)
			a->used[i / 8] |= (uint8_t)(1u << (i % 8));
		else
			a->used[i / 8] &= (uint8_t)~(1u << (i % 8));
	}
}

/* n free pages in a row in a: the first's index, or -1. */
static int64_t find_run(const struct arena *a, uint64_t n)
{
	uint64_t run = 0;

	for (uint64_t i = 0; i < a->pages; i++) {
		run = page_used(a, i) ? 0 : run + 1;
		if (run == n)
			return (int64_t)(i + 1 - n);
	}
	return -1;
}

/* Address space for memory of its own, or 0: below the stack. */
static uint64_t take_va(uint64_t bytes)
{
	uint64_t va = mmap_next, limit = UK_APP_STACK_TOP - UK_APP_STACK_SIZE -
					 (1ull << 32);

	if (va > limit || bytes > limit - va || limit - va - bytes < PAGE)
		return 0;
	mmap_next += bytes + PAGE;      /* a gap: overruns fault */
	return va;
}

/* n pages (n <= ARENA_PAGES) from an arena, a new one if none has room
 * (as big as memory allows, down to n). Their address, or 0. */
static uint64_t arena_alloc(uint64_t n)
{
	struct arena *a;
	uint64_t size;
	unsigned k;
	int64_t i;

	for (k = 0; k < narenas; k++) {
		if ((i = find_run(&arenas[k], n)) >= 0) {
			uint64_t va = arenas[k].va + (uint64_t)i * PAGE;

			mark(&arenas[k], (uint64_t)i, n, 1);
			memset((void *)(uintptr_t)va, 0, n * PAGE);
			return va;
		}
	}
	for (k = 0; k < narenas && arenas[k].pages; k++)
		;                       /* a slot an arena gave back, or a new one */
	if (k == ARENAS_MAX)
		return 0;
	a = &arenas[k];
	/* A whole arena if memory allows, else just what is asked. */
	for (size = ARENA_PAGES; ; size = n) {
		uint64_t va = take_va(size * PAGE);

		if (!va)
			return 0;
		if (lx_mem_back(va, size, UK_R_READ | UK_R_WRITE) == 0) {
			*a = (struct arena){ .va = va, .pages = size };
			if (k == narenas)
				narenas++;
			mark(a, 0, n, 1);
			return va;
		}
		if (size == n)
			break;
	}
	return 0;
}

long lx_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags,
	     uint64_t fd, uint64_t off)
{
	uint64_t rights = UK_R_READ | UK_R_WRITE;

	struct lx_file *f = NULL;
	long va, r;

	if (!(flags & LX_MAP_ANON)) {
		/* A file: a private copy of its bytes (MAP_SHARED too:
		 * nobody else maps it, but writes do not reach it). */
		f = lx_fd((int)fd);
		if (!f)
			return -LX_EBADF;
		if ((f->kind != LX_FILE && f->kind != LX_TMPFILE) ||
		    (f->flags & LX_O_ACCMODE) == LX_O_WRONLY)
			return -LX_EACCES;
		if (off & (PAGE - 1))
			return -LX_EINVAL;
		va = lx_mmap(addr, len, prot, flags | LX_MAP_ANON, (uint64_t)-1,
			     0);
		if (va < 0)
			return va;
		r = lx_file_map(f, (uint64_t)va, len, off);
		if (r < 0) {
			lx_munmap((uint64_t)va, len);
			return r;
		}
		return va;
	}
	if (!len || len > (1ull << 40) || (addr & (PAGE - 1)))
		return -LX_EINVAL;
	len = (len + PAGE - 1) & ~(PAGE - 1);
	if (prot & LX_PROT_EXEC)
		rights |= UK_R_EXEC;
	if (flags & LX_MAP_FIXED) {
		/* Only over memory that is the program's and writable:
		 * cleared, as a new mapping would be. */
		if (!lx_user_ok(addr, len, 1))
			return -LX_ENOMEM;
		memset((void *)(uintptr_t)addr, 0, len);
		return (long)addr;
	}
	if (len / PAGE <= ARENA_PAGES && !(rights & UK_R_EXEC)) {
		uint64_t va = arena_alloc(len / PAGE);

		return va ? (long)va : -LX_ENOMEM;
	}
	/* Big, or executable: regions of its own. */
	for (unsigned i = 0; i < RUNS_MAX; i++) {
		uint64_t va;

		if (runs[i].hi)
			continue;
		va = take_va(len);
		if (!va || lx_mem_back(va, len / PAGE, rights) < 0)
			return -LX_ENOMEM;
		runs[i] = (struct run){ va, va + len };
		return (long)va;
	}
	return -LX_ENOMEM;
}

long lx_munmap(uint64_t addr, uint64_t len)
{
	if ((addr & (PAGE - 1)) || !len || addr >= UK_USER_MAX ||
	    len > UK_USER_MAX - addr)
		return -LX_EINVAL;
	len = (len + PAGE - 1) & ~(PAGE - 1);
	for (unsigned k = 0; k < narenas; k++) {
		struct arena *a = &arenas[k];
		uint64_t end = a->va + a->pages * PAGE;

		if (a->pages && addr >= a->va && addr < end) {
			uint64_t hi = addr + len < end ? addr + len : end;

			mark(a, (addr - a->va) / PAGE, (hi - addr) / PAGE, 0);
			arena_maybe_free(a);
			return 0;
		}
	}
	/* A run of its own, given back whole: unmapped. Part of one, or
	 * other memory, stays the program's (a later access does not
	 * fault, unlike Linux). */
	for (unsigned i = 0; i < RUNS_MAX; i++) {
		if (runs[i].hi && runs[i].lo == addr &&
		    runs[i].hi == addr + len) {
			unback(addr, len / PAGE);
			range_cut(addr, addr + len);
			runs[i] = (struct run){ 0 };
			break;
		}
	}
	return 0;
}
