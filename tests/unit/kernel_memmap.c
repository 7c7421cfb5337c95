#include <criterion/criterion.h>
#include "memmap.h"
#include "platform.h"

#define MiB 0x100000ull
#define GiB 0x40000000ull
#define RAM PVH_MEMMAP_RAM
#define RES PVH_MEMMAP_RESERVED
#define E(a, s, t) { .addr = (a), .size = (s), .type = (t) }

static struct mem_range out[MEMMAP_RANGES_MAX];

static unsigned usable(const struct pvh_memmap_entry *m, unsigned n,
		       const struct mem_range *x, unsigned nx)
{
	return memmap_usable(m, n, x, nx, out, MEMMAP_RANGES_MAX);
}

#define RANGE(i, s, e)                                                    \
	do {                                                              \
		cr_assert_eq(out[i].start, (s), "range %d start 0x%lx", i,\
			     (unsigned long)out[i].start);                \
		cr_assert_eq(out[i].end, (e), "range %d end 0x%lx", i,    \
			     (unsigned long)out[i].end);                  \
	} while (0)

static struct pvh_start_info good(void)
{
	return (struct pvh_start_info){
		.magic = PVH_START_MAGIC, .version = 1,
		.memmap_paddr = 0x9000, .memmap_entries = 5,
		.cmdline_paddr = 0x8000,
	};
}

Test(memmap, check_accepts_good_start_info)
{
	struct pvh_start_info si = good();

	cr_assert_null(memmap_check(&si));
	si.nr_modules = 2;
	si.modlist_paddr = 0x7000;
	cr_assert_null(memmap_check(&si));
	si.cmdline_paddr = 0;                   /* no command line is fine */
	cr_assert_null(memmap_check(&si));
}

Test(memmap, check_rejects_bad_start_info)
{
	struct pvh_start_info si;

#define BAD(field, value)                                                 \
	do {                                                              \
		si = good();                                              \
		si.field = value;                                         \
		cr_assert_not_null(memmap_check(&si), #field " = " #value);\
	} while (0)
	BAD(magic, 0x12345678);
	BAD(magic, 0);
	BAD(version, 0);
	BAD(memmap_paddr, 0);
	BAD(memmap_entries, 0);
	BAD(memmap_entries, MEMMAP_ENTRIES_MAX + 1);
	BAD(memmap_entries, UINT32_MAX);
	BAD(memmap_paddr, PLAT_RAM_MAX);
	BAD(memmap_paddr, PLAT_RAM_MAX - 24);   /* 5 entries do not fit */
	BAD(memmap_paddr, UINT64_MAX - 8);      /* would wrap */
	BAD(cmdline_paddr, PLAT_RAM_MAX);
	BAD(cmdline_paddr, UINT64_MAX);
	BAD(nr_modules, MEMMAP_MODULES_MAX + 1);
	si = good();
	si.nr_modules = 1;
	si.modlist_paddr = PLAT_RAM_MAX - 16;
	cr_assert_not_null(memmap_check(&si));
#undef BAD
}

Test(memmap, in_low_ram_edges)
{
	cr_assert(memmap_in_low_ram(0, PLAT_RAM_MAX));
	cr_assert(memmap_in_low_ram(PLAT_RAM_MAX - 1, 1));
	cr_assert_not(memmap_in_low_ram(PLAT_RAM_MAX - 1, 2));
	cr_assert_not(memmap_in_low_ram(PLAT_RAM_MAX, 0));
	cr_assert_not(memmap_in_low_ram(1, UINT64_MAX));
}

Test(memmap, range_of_saturates)
{
	struct mem_range r = mem_range_of(UINT64_MAX - 10, 100);

	cr_assert_eq(r.start, UINT64_MAX - 10);
	cr_assert_eq(r.end, UINT64_MAX);
	r = mem_range_of(0x1000, 0x2000);
	cr_assert_eq(r.end, 0x3000);
}

/* The map QEMU microvm's firmware gives a 128 MiB guest, and the image. */
Test(memmap, qemu_like_map_minus_kernel_image)
{
	struct pvh_memmap_entry m[] = {
		E(0, 0x9fc00, RAM), E(0x9fc00, 0x400, RES),
		E(0xd0000, 0x20000, PVH_MEMMAP_NVS), E(0xf0000, 0x10000, RES),
		E(MiB, 127 * MiB, RAM), E(0, 0, 0),
	};
	struct mem_range x[] = {
		{ MiB, MiB + 0x14000 },                 /* kernel image */
		{ 0xf5000, 0xf5038 }, { 0xf6000, 0xf6090 },
	};

	cr_assert_eq(usable(m, 6, x, 3), 1);
	RANGE(0, MiB + 0x14000, 128 * MiB);
}

Test(memmap, below_1mib_and_above_4gib_are_dropped)
{
	struct pvh_memmap_entry m[] = {
		E(0, 0x9f000, RAM),                    /* all below 1 MiB */
		E(0x80000, 2 * MiB, RAM),              /* straddles 1 MiB */
		E(3 * GiB, 2 * GiB, RAM),              /* straddles 4 GiB */
		E(8 * GiB, GiB, RAM),                  /* all above */
	};

	cr_assert_eq(usable(m, 4, NULL, 0), 2);
	RANGE(0, MiB, 0x80000 + 2 * MiB);
	RANGE(1, 3 * GiB, 4 * GiB);
}

Test(memmap, unsorted_overlapping_and_touching_ram_merges)
{
	struct pvh_memmap_entry m[] = {
		E(64 * MiB, 16 * MiB, RAM),
		E(2 * MiB, 8 * MiB, RAM),
		E(70 * MiB, 20 * MiB, RAM),            /* overlaps the first */
		E(10 * MiB, 2 * MiB, RAM),             /* touches the second */
		E(32 * MiB, MiB, RAM),
		E(4 * MiB, MiB, RAM),                  /* inside the second */
		E(20 * MiB, 50 * MiB, RAM),            /* bridges 32 and 64 */
	};

	cr_assert_eq(usable(m, 7, NULL, 0), 2);
	RANGE(0, 2 * MiB, 12 * MiB);
	RANGE(1, 20 * MiB, 90 * MiB);
}

Test(memmap, reserved_overrides_ram_and_edges_align_inward)
{
	struct pvh_memmap_entry m[] = {
		E(MiB + 0x123, 15 * MiB, RAM),         /* unaligned both ends */
		E(4 * MiB + 0x10, 0x20, RES),          /* punches one page */
		E(8 * MiB - 0x800, MiB + 0x1000, PVH_MEMMAP_UNUSABLE),
		E(15 * MiB, 2 * MiB, PVH_MEMMAP_ACPI), /* cuts the top */
	};

	cr_assert_eq(usable(m, 4, NULL, 0), 3);
	RANGE(0, MiB + 0x1000, 4 * MiB);
	RANGE(1, 4 * MiB + 0x1000, 8 * MiB - 0x1000);
	RANGE(2, 9 * MiB + 0x1000, 15 * MiB);
}

Test(memmap, exclusions_split_and_remove)
{
	struct pvh_memmap_entry m[] = { E(MiB, 31 * MiB, RAM) };
	struct mem_range x[] = {
		{ MiB, 2 * MiB + 1 },           /* image: rounds up a page */
		{ 16 * MiB - 1, 16 * MiB + 1 }, /* straddles a page boundary */
		{ 30 * MiB, 40 * MiB },         /* past the end */
		{ 0, 0 },                       /* empty: no effect */
	};

	cr_assert_eq(usable(m, 1, x, 4), 2);
	RANGE(0, 2 * MiB + 0x1000, 16 * MiB - 0x1000);
	RANGE(1, 16 * MiB + 0x1000, 30 * MiB);

	struct mem_range all = { 0, UINT64_MAX };
	cr_assert_eq(usable(m, 1, &all, 1), 0);
}

Test(memmap, no_ram_at_all)
{
	struct pvh_memmap_entry m[] = {
		E(MiB, 100 * MiB, RES), E(0, 0, RAM), E(2 * MiB, 0x800, RAM),
	};

	cr_assert_eq(usable(m, 3, NULL, 0), 0);
	cr_assert_eq(usable(m, 0, NULL, 0), 0);
}

Test(memmap, size_overflow_saturates)
{
	struct pvh_memmap_entry m[] = {
		E(2 * MiB, UINT64_MAX, RAM),
		E(3 * GiB, UINT64_MAX, RES),
	};

	cr_assert_eq(usable(m, 2, NULL, 0), 1);
	RANGE(0, 2 * MiB, 3 * GiB);
}

Test(memmap, more_ranges_than_room)
{
	struct pvh_memmap_entry m[MEMMAP_RANGES_MAX + 8];
	unsigned n = sizeof m / sizeof *m;

	for (unsigned i = 0; i < n; i++)        /* descending, disjoint */
		m[i] = (struct pvh_memmap_entry)E((n - i) * 2 * MiB, MiB, RAM);
	cr_assert_eq(usable(m, n, NULL, 0), MEMMAP_RANGES_MAX);
	for (unsigned i = 1; i < MEMMAP_RANGES_MAX; i++)
		cr_assert_lt(out[i - 1].end, out[i].start);

	/* A full table: a split keeps only the lower part. */
	struct pvh_memmap_entry one[MEMMAP_RANGES_MAX + 1];
	for (unsigned i = 0; i < MEMMAP_RANGES_MAX; i++)
		one[i] = (struct pvh_memmap_entry)E((i + 1) * 2 * MiB, MiB, RAM);
	one[MEMMAP_RANGES_MAX] =
		(struct pvh_memmap_entry)E(2 * MiB + 0x40000, 0x1000, RES);
	cr_assert_eq(usable(one, MEMMAP_RANGES_MAX + 1, NULL, 0),
		     MEMMAP_RANGES_MAX);
	RANGE(0, 2 * MiB, 2 * MiB + 0x40000);
	RANGE(1, 4 * MiB, 5 * MiB);
}

Test(memmap, small_output_array)
{
	struct pvh_memmap_entry m[] = {
		E(8 * MiB, MiB, RAM), E(2 * MiB, MiB, RAM), E(4 * MiB, MiB, RAM),
	};
	struct mem_range two[2];

	cr_assert_eq(memmap_usable(m, 3, NULL, 0, two, 2), 2);
	cr_assert_eq(two[0].start, 2 * MiB);
	cr_assert_eq(two[1].start, 8 * MiB);
}
