#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "frame.h"

/* Fake RAM: physical [BASE, BASE + PAGES * 4 KiB) lives in mem[]. */
#define BASE    0x100000ull
#define PAGES   64
static _Alignas(4096) unsigned char mem[PAGES * 4096];

#define P(i)    (BASE + (uint64_t)(i) * FRAME_SIZE)

static void init(const struct mem_range *r, unsigned n)
{
	frame_init(r, n, (uint64_t)(uintptr_t)mem - BASE);
}

/* Two ranges: frames 0-9 and 20-63. */
static const struct mem_range two[] = { { P(0), P(10) }, { P(20), P(64) } };

Test(frame, counts_and_ascending_until_empty)
{
	uint64_t p, prev = 0, n = 0;

	init(two, 2);
	cr_assert_eq(frame_free_count(), 54);
	while ((p = frame_alloc()) != 0) {
		cr_assert_gt(p, prev);
		cr_assert_eq(p & (FRAME_SIZE - 1), 0);
		cr_assert((p >= P(0) && p < P(10)) || (p >= P(20) && p < P(64)));
		prev = p;
		n++;
		cr_assert_eq(frame_free_count(), 54 - n);
	}
	cr_assert_eq(n, 54);
	cr_assert_eq(frame_alloc(), 0);         /* stays empty */
	cr_assert_eq(frame_free_count(), 0);
}

Test(frame, free_then_realloc_is_lifo)
{
	init(two, 2);
	uint64_t a = frame_alloc(), b = frame_alloc(), c = frame_alloc();

	cr_assert_eq(a, P(0));
	cr_assert_eq(c, P(2));
	frame_free(b);
	frame_free(a);
	cr_assert_eq(frame_free_count(), 53);
	cr_assert_eq(frame_alloc(), a);
	cr_assert_eq(frame_alloc(), b);
	cr_assert_eq(frame_alloc(), P(3));      /* back to the ranges */
	frame_free(c);
	cr_assert_eq(frame_alloc(), c);
}

Test(frame, alloc_all_free_all_in_any_order)
{
	uint64_t got[54];
	unsigned char seen[PAGES] = { 0 };

	init(two, 2);
	for (int i = 0; i < 54; i++)
		got[i] = frame_alloc();
	srand(7);
	for (int i = 53; i > 0; i--) {          /* shuffle */
		int j = rand() % (i + 1);
		uint64_t t = got[i];

		got[i] = got[j];
		got[j] = t;
	}
	for (int i = 0; i < 54; i++)
		frame_free(got[i]);
	cr_assert_eq(frame_free_count(), 54);
	for (int i = 0; i < 54; i++) {
		uint64_t p = frame_alloc();

		cr_assert_neq(p, 0);
		cr_assert_eq(seen[(p - BASE) / FRAME_SIZE]++, 0, "0x%lx twice",
			     (unsigned long)p);
	}
	cr_assert_eq(frame_alloc(), 0);
}

Test(frame, freed_frame_may_hold_anything_after_realloc)
{
	init(two, 2);
	uint64_t a = frame_alloc();

	frame_free(a);
	cr_assert_eq(frame_alloc(), a);
	memset(mem, 0xff, FRAME_SIZE);          /* the owner scribbles */
	frame_free(a);                          /* still a good free */
	cr_assert_eq(frame_free_count(), 54);
}

Test(frame, init_forgets_earlier_state)
{
	init(two, 2);
	frame_free(frame_alloc());
	init(two, 1);
	cr_assert_eq(frame_free_count(), 10);
	cr_assert_eq(frame_alloc(), P(0));
	init(NULL, 0);
	cr_assert_eq(frame_free_count(), 0);
	cr_assert_eq(frame_alloc(), 0);
}

Test(frame, double_free_panics, .signal = SIGABRT)
{
	init(two, 2);
	uint64_t a = frame_alloc();

	frame_alloc();
	frame_free(a);
	frame_free(a);
}

Test(frame, unaligned_free_panics, .signal = SIGABRT)
{
	init(two, 2);
	frame_alloc();
	frame_free(P(0) + 8);
}

Test(frame, free_outside_ranges_panics, .signal = SIGABRT)
{
	init(two, 2);
	frame_alloc();
	frame_free(P(12));                      /* in the gap */
}

Test(frame, free_of_never_allocated_panics, .signal = SIGABRT)
{
	init(two, 2);
	frame_alloc();
	frame_free(P(5));                       /* managed, not handed out */
}

Test(frame, free_of_zero_panics, .signal = SIGABRT)
{
	init(two, 2);
	frame_free(0);
}

Test(frame, unaligned_range_panics, .signal = SIGABRT)
{
	struct mem_range r = { P(0) + 1, P(4) };

	init(&r, 1);
}

Test(frame, unsorted_ranges_panic, .signal = SIGABRT)
{
	struct mem_range r[] = { { P(20), P(30) }, { P(0), P(10) } };

	init(r, 2);
}

Test(frame, empty_range_panics, .signal = SIGABRT)
{
	struct mem_range r = { P(4), P(4) };

	init(&r, 1);
}

Test(frame, range_at_zero_panics, .signal = SIGABRT)
{
	struct mem_range r = { 0, FRAME_SIZE };

	init(&r, 1);
}

Test(frame, too_many_ranges_panic, .signal = SIGABRT)
{
	struct mem_range r[MEMMAP_RANGES_MAX + 1];

	for (unsigned i = 0; i <= MEMMAP_RANGES_MAX; i++)
		r[i] = (struct mem_range){ P(2 * i), P(2 * i + 1) };
	init(r, MEMMAP_RANGES_MAX + 1);
}
