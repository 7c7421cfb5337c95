/* --stats: resident guest RAM, the monitor's own share, the line. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mem.h"
#include "stats.h"

#define SIZE (64ull << 20)

static struct mem m;

static void setup(void)
{
	cr_assert_eq(mem_init(&m, SIZE), 0);
	/* Count 4 KiB pages, not the huge page a touch might bring in. */
	madvise(m.host, SIZE, MADV_NOHUGEPAGE);
}

static void teardown(void)
{
	mem_free(&m);
}

TestSuite(stats, .init = setup, .fini = teardown);

Test(stats, resident_counts_touched_pages)
{
	uint64_t kib = 99;

	cr_assert_eq(stats_resident_kib(m.host, m.size, &kib), 0);
	cr_assert_eq(kib, 0, "fresh RAM costs nothing");
	m.host[0] = 1;
	m.host[0x100000] = 1;
	m.host[SIZE - 1] = 1;           /* past the first mincore chunk */
	cr_assert_eq(stats_resident_kib(m.host, m.size, &kib), 0);
	cr_assert_eq(kib, 12);
	cr_assert_eq(stats_resident_kib(m.host, 4096, &kib), 0);
	cr_assert_eq(kib, 4, "only the range asked for");
	cr_assert_eq(stats_resident_kib(m.host, 0, &kib), 0);
	cr_assert_eq(kib, 0);
}

Test(stats, resident_of_unmapped_is_an_error)
{
	uint64_t kib;
	void *p = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	munmap(p, 8192);
	cr_assert_eq(stats_resident_kib(p, 8192, &kib), -ENOMEM);
}

Test(stats, collect)
{
	struct stats_report r = { .counts = { 3, 2, 1 } };
	struct errmsg err = { "" };
	uint64_t start = stats_now_us();

	memset(m.host, 1, 5 * 4096);
	cr_assert_eq(stats_collect(&r, &m, start, &err), 0, "%s", err.text);
	cr_assert_eq(r.guest_touched_kib, 20);
	cr_assert_geq(r.peak_rss_kib, r.guest_touched_kib);
	cr_assert_lt(r.wall_us, 10000000, "not since the epoch");
	cr_assert_eq(r.counts.exits, 3, "counts left alone");
}

Test(stats, collect_without_ram)
{
	struct stats_report r = { 0 };
	struct mem none = { 0 };
	struct errmsg err;

	cr_assert_eq(stats_collect(&r, &none, stats_now_us(), &err), 0);
	cr_assert_eq(r.guest_touched_kib, 0);
}

Test(stats, own_is_clamped)
{
	struct stats_report r = { .peak_rss_kib = 5000,
				  .guest_touched_kib = 1200 };

	cr_assert_eq(stats_own_kib(&r), 3800);
	r.guest_touched_kib = 5000;
	cr_assert_eq(stats_own_kib(&r), 0);
	r.guest_touched_kib = 6000;     /* the zero page, say */
	cr_assert_eq(stats_own_kib(&r), 0, "never negative");
}

Test(stats, line_format)
{
	struct stats_report r = {
		.counts = { .exits = 12, .io_exits = 7, .mmio_exits = 4 },
		.wall_us = 1900, .peak_rss_kib = 5000,
		.guest_touched_kib = 1200, .seccomp_us = 250,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	stats_print(f, &r);
	fclose(f);
	cr_assert_str_eq(buf, "vmm: stats: exits=12 io_exits=7 mmio_exits=4 "
			 "wall_us=1900 peak_rss_kib=5000 "
			 "guest_touched_kib=1200 own_kib=3800 "
			 "seccomp_us=250\n");
	free(buf);
}
