/*
 * isolate's quota modes: a hostile program's ways to make the kernel
 * allocate on its behalf, each of which must end at its own quota, never
 * at the machine's. Each prints a verdict and exits 0 when it held.
 */
#include "check.h"
#include "isolate.h"
#include "uk.h"

/* Far from anything a program maps (umap.h): 4 TiB and up. */
#define FAR             0x0000040000000000ull
#define MIB2            (1ull << 21)
#define GIB             (1ull << 30)
#define GIB512          (1ull << 39)

static uint64_t free_pages(void)
{
	uint64_t n = 0;

	CHECK(uk_info(UK_INFO_FREE_PAGES, &n) == UK_OK);
	return n;
}

/* A one-page region in a new slot. */
static uint64_t one_page(void)
{
	uint64_t s = uk_slot_alloc();

	CHECK(s != UK_NO_CAP && uk_mem_alloc(s, 1) == UK_OK, "a page");
	return s;
}

/* Maps and unmaps region r at n addresses from va, step apart. */
static void churn(uint64_t r, uint64_t va, uint64_t step, unsigned n)
{
	for (unsigned i = 0; i < n; i++, va += step) {
		enum uk_err e = uk_mem_map(UK_SELF, r, va, UK_R_READ);

		if (e == UK_OK)
			e = uk_mem_unmap(UK_SELF, va, 1);
		CHECK(e == UK_OK, "map/unmap at 0x%lx: %s", va, uk_strerror(e));
		if (e != UK_OK)
			return;
	}
}

/* One page mapped and unmapped at ever new places, each needing page
 * tables of its own (a new 2 MiB, 1 GiB, 512 GiB slot): the tables are
 * freed with the mapping, so no frame is lost (nothing else may allocate
 * meanwhile: run alone). */
static void tables_freed(uint64_t r)
{
	uint64_t before;

	churn(r, FAR, GIB512, 1);       /* the kernel's reserve fills up */
	before = free_pages();
	churn(r, FAR, MIB2, 600);
	churn(r, FAR + 600 * MIB2, GIB, 300);
	churn(r, 2 * FAR, GIB512, 100);
	CHECK(free_pages() == before, "%lu free pages before, %lu after",
	      before, free_pages());
}

/* Page tables have a quota of their own (256). A region of 2050 pages
 * mapped across a 512 GiB boundary needs ten (the page below it: a
 * PDPT, a directory, a table; the rest: a PDPT, a directory, five
 * tables): mapped again and again, it must be refused for want of
 * tables before the 32 mapping slots run out, and be mapped again once
 * the tables are given back. */
static void tables_charged(void)
{
	uint64_t s = uk_slot_alloc(), va[32];
	unsigned n = 0;
	enum uk_err e = UK_OK;

	CHECK(uk_mem_alloc(s, 2050) == UK_OK);
	while (n < 32) {
		va[n] = 2 * FAR + (2 * n + 1) * GIB512 - UK_PAGE_SIZE;
		if ((e = uk_mem_map(UK_SELF, s, va[n], UK_R_READ)) != UK_OK)
			break;
		n++;
	}
	CHECK(e == UK_E_NOMEM && n <= 25, "%u mappings of ten tables, then %s",
	      n, uk_strerror(e));
	while (n)
		CHECK(uk_mem_unmap(UK_SELF, va[--n], 2050) == UK_OK);
	e = uk_mem_map(UK_SELF, s, va[0], UK_R_READ);
	CHECK(e == UK_OK, "with the tables given back: %s", uk_strerror(e));
	if (e == UK_OK)
		CHECK(uk_mem_unmap(UK_SELF, va[0], 2050) == UK_OK);
	uk_cap_delete(s);
}

int isolate_page_tables(void)
{
	uint64_t r = one_page();

	tables_freed(r);
	tables_charged();
	return check_verdict("isolate page tables");
}

/* Memory regions are kernel objects: one-page regions, which cost the
 * page quota next to nothing, end at the object quota (16, shared with
 * endpoints and notifications), not at the kernel's pool of regions. */
int isolate_regions(void)
{
	uint64_t slot[UK_CAP_SLOTS], extra = uk_slot_alloc();
	unsigned n = 0;
	enum uk_err e = UK_OK;

	while (n < UK_CAP_SLOTS && (slot[n] = uk_slot_alloc()) != UK_NO_CAP) {
		if ((e = uk_mem_alloc(slot[n], 1)) != UK_OK) {
			uk_slot_free(slot[n]);
			break;
		}
		n++;
	}
	CHECK(e == UK_E_NOMEM && n <= 16, "%u regions, then %s", n,
	      uk_strerror(e));
	EXPECT(uk_obj_create(extra, UK_CAP_NTFN), UK_E_NOMEM);
	while (n)
		uk_cap_delete(slot[--n]);
	EXPECT(uk_obj_create(extra, UK_CAP_NTFN), UK_OK);
	uk_cap_delete(extra);
	EXPECT(uk_mem_alloc(extra, 1), UK_OK);
	return check_verdict("isolate regions");
}
