/* Host tests of the buddy frame allocator (guest-kernel/frame.c): counts,
 * coalescing after any pattern of frees, the fragmentation rounds of a
 * hostile program, zeroed memory, and every misuse a panic. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "frame.h"

/* Fake RAM: physical [BASE, BASE + PAGES frames) lives in mem[]. */
#define BASE    0x100000ull
#define PAGES   (48 * 256)              /* 48 MiB */
static _Alignas(4096) unsigned char mem[PAGES * 4096];

#define P(i)    (BASE + (uint64_t)(i) * FRAME_SIZE)
#define MIB(n)  ((uint64_t)(n) << 20)
#define RUN_16M 4096                    /* frames in 16 MiB */

/* frame_init over zero RAM (what the monitors give the guest). */
static void init(const struct mem_range *r, unsigned n)
{
	if (n)
		memset(mem + (r[0].start - BASE), 0, r[n - 1].end - r[0].start);
	frame_init(r, n, (uint64_t)(uintptr_t)mem - BASE);
}

static unsigned char *at(uint64_t p)
{
	return mem + (p - BASE);
}

static int is_zero(uint64_t p, uint64_t frames)
{
	static const unsigned char zero[FRAME_SIZE];

	for (uint64_t i = 0; i < frames; i++)
		if (memcmp(at(p + i * FRAME_SIZE), zero, FRAME_SIZE))
			return 0;
	return 1;
}

static void shuffle(uint64_t *a, size_t n, unsigned seed)
{
	srand(seed);
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)rand() % (i + 1);
		uint64_t t = a[i];

		a[i] = a[j];
		a[j] = t;
	}
}

/* Two small ranges, frames 0-9 and 20-63: the map (one frame covers
 * 4096) takes frame 0. */
static const struct mem_range two[] = { { P(0), P(10) }, { P(20), P(64) } };

/* A frame for the map (which needs 3 for this span), then 32 MiB aligned
 * to 16 MiB: two blocks of RUN_16M frames. */
static const struct mem_range big[] = {
	{ P(0), P(4) }, { MIB(16), MIB(48) },
};
#define BIG_FREE        (1 + 2 * RUN_16M)

/* Both 16 MiB blocks of big are whole: two runs of 16 MiB succeed. */
static void two_16m_runs(void)
{
	uint64_t a = frame_alloc_run(RUN_16M), b = frame_alloc_run(RUN_16M);

	cr_assert(a == MIB(16) || a == MIB(32), "a 16 MiB run: 0x%lx",
		  (unsigned long)a);
	cr_assert_eq(a + b, MIB(48), "the other 16 MiB run: 0x%lx",
		     (unsigned long)b);
}

Test(frame, counts_and_every_frame_once)
{
	unsigned char seen[64] = { 0 };
	uint64_t p, n = 0;

	init(two, 2);
	cr_assert_eq(frame_free_count(), 53);
	while ((p = frame_alloc()) != 0) {
		unsigned i = (unsigned)((p - BASE) / FRAME_SIZE);

		cr_assert_eq(p & (FRAME_SIZE - 1), 0);
		cr_assert((i >= 1 && i < 10) || (i >= 20 && i < 64),
			  "frame %u outside the ranges or in the map", i);
		cr_assert_eq(seen[i]++, 0, "frame %u twice", i);
		n++;
		cr_assert_eq(frame_free_count(), 53 - n);
	}
	cr_assert_eq(n, 53);
	cr_assert_eq(frame_alloc(), 0);         /* stays empty */
	cr_assert_eq(frame_alloc_run(2), 0);
	cr_assert_eq(frame_free_count(), 0);
}

Test(frame, map_goes_to_the_first_range_it_fits)
{
	/* 4210 frames of span need 2 frames of map: not in the first. */
	struct mem_range r[] = { { P(0), P(1) }, { P(4200), P(4210) } };

	init(r, 2);
	cr_assert_eq(frame_free_count(), 1 + 8);
}

Test(frame, no_room_for_the_map_panics, .signal = SIGABRT)
{
	struct mem_range r[] = { { P(0), P(1) }, { P(5000), P(5001) } };

	frame_init(r, 2, (uint64_t)(uintptr_t)mem - BASE);
}

Test(frame, a_freed_frame_is_handed_out_again)
{
	init(two, 2);
	for (int i = 0; i < 53; i++)
		frame_alloc();
	cr_assert_eq(frame_alloc(), 0);
	frame_free(P(30));
	cr_assert_eq(frame_free_count(), 1);
	cr_assert_eq(frame_alloc(), P(30));
}

/* Everything allocated one frame at a time and freed in any order
 * merges back: both 16 MiB runs can be had again. */
Test(frame, frees_in_any_order_coalesce)
{
	static uint64_t got[BIG_FREE];

	init(big, 2);
	cr_assert_eq(frame_free_count(), BIG_FREE);
	for (int i = 0; i < BIG_FREE; i++)
		cr_assert_neq(got[i] = frame_alloc(), 0);
	cr_assert_eq(frame_alloc(), 0);
	shuffle(got, BIG_FREE, 7);
	for (int i = 0; i < BIG_FREE; i++)
		frame_free(got[i]);
	cr_assert_eq(frame_free_count(), BIG_FREE);
	two_16m_runs();
	cr_assert_eq(frame_free_count(), 1);
}

/* Every other frame free: no run of two exists. The rest freed: one run
 * of all of it does. */
Test(frame, checkerboard_then_whole)
{
	static uint64_t got[BIG_FREE];

	init(big, 2);
	for (int i = 0; i < BIG_FREE; i++)
		got[i] = frame_alloc();
	for (int i = 0; i < BIG_FREE; i++)
		if (got[i] >= MIB(16) && (got[i] / FRAME_SIZE) % 2)
			frame_free(got[i]);
	cr_assert_eq(frame_free_count(), RUN_16M);
	cr_assert_eq(frame_alloc_run(2), 0);
	for (int i = 0; i < BIG_FREE; i++)
		if (got[i] >= MIB(16) && !((got[i] / FRAME_SIZE) % 2))
			frame_free(got[i]);
	two_16m_runs();
}

/*
 * The hostile program's rounds: take 16 MiB in pieces of every size
 * (single frames and runs of up to 64), give them back in a random
 * order, again and again. After each round a 16 MiB run is still there
 * and nothing is lost.
 */
Test(frame, fragmentation_rounds)
{
	static uint64_t piece[RUN_16M], size[RUN_16M], order[RUN_16M];
	uint64_t free0;

	init(big, 2);
	free0 = frame_free_count();
	srand(14);
	for (int round = 0; round < 14; round++) {
		uint64_t taken = 0, n = 0, p;

		while (taken < RUN_16M) {
			uint64_t want = rand() % 3 ? 1 + rand() % 64 : 1;

			if (want > RUN_16M - taken)
				want = RUN_16M - taken;
			p = want == 1 && rand() % 2 ? frame_alloc() :
			    frame_alloc_run(want);
			cr_assert_neq(p, 0, "round %d: no run of %lu", round,
				      (unsigned long)want);
			piece[n] = p;
			size[n] = want;
			order[n] = n;
			n++;
			taken += want;
		}
		shuffle(order, n, (unsigned)round);
		for (uint64_t i = 0; i < n; i++)
			frame_free_run(piece[order[i]], size[order[i]]);
		cr_assert_eq(frame_free_count(), free0, "round %d", round);
		p = frame_alloc_run(RUN_16M);
		cr_assert_neq(p, 0, "round %d: no 16 MiB run", round);
		frame_free_run(p, RUN_16M);
	}
}

/* Random allocations of every kind and frees, checked against a shadow
 * map of which frames are in use: no frame is handed out twice, and the
 * free count is always the total minus what is in use. */
Test(frame, every_frame_accounted_for)
{
	static unsigned char used[PAGES];
	static uint64_t piece[2048], size[2048];
	uint64_t n = 0, inuse = 0;

	init(big, 2);
	srand(99);
	for (int step = 0; step < 20000; step++) {
		if (n && (n == 2048 || rand() % 2)) {
			uint64_t i = (uint64_t)rand() % n;

			for (uint64_t f = 0; f < size[i]; f++)
				used[(piece[i] - BASE) / FRAME_SIZE + f] = 0;
			if (size[i] == 1 && rand() % 2)
				frame_free(piece[i]);
			else
				frame_free_run(piece[i], size[i]);
			inuse -= size[i];
			piece[i] = piece[--n];
			size[i] = size[n];
		} else {
			uint64_t want = 1 + (uint64_t)rand() % 40, p;

			p = want == 1 ? frame_alloc_zero() : frame_alloc_run(want);
			if (!p)
				continue;
			cr_assert(is_zero(p, want));
			memset(at(p), 0x77, want * FRAME_SIZE);
			for (uint64_t f = 0; f < want; f++) {
				uint64_t i = (p - BASE) / FRAME_SIZE + f;

				cr_assert_eq(used[i], 0, "frame 0x%lx twice",
					     (unsigned long)(p + f * FRAME_SIZE));
				used[i] = 1;
			}
			piece[n] = p;
			size[n++] = want;
			inuse += want;
		}
		cr_assert_eq(frame_free_count() + inuse, BIG_FREE);
	}
	while (n--)
		frame_free_run(piece[n], size[n]);
	cr_assert_eq(frame_free_count(), BIG_FREE);
	two_16m_runs();
}

/* Runs and frames are zero whether they come from untouched RAM, from
 * blocks given back dirty, or from what is left of the RAM once it is
 * all cut into blocks; and all of it merges back. */
Test(frame, runs_are_zero_whatever_their_past)
{
	static uint64_t piece[50];
	uint64_t p;

	init(big, 2);
	p = frame_alloc_run(5);                 /* untouched RAM */
	cr_assert_eq(p, MIB(16));
	cr_assert(is_zero(p, 5));
	cr_assert_eq(frame_free_count(), BIG_FREE - 5);
	memset(at(p), 0xa5, 5 * FRAME_SIZE);    /* the owner scribbles */
	frame_free_run(p, 5);                   /* blocks of 4 and 1, dirty */
	cr_assert_eq(frame_free_count(), BIG_FREE);
	cr_assert_eq(frame_alloc_run(4), p);
	cr_assert(is_zero(p, 4));
	/* The lone frame, cut into a block when the run did not fit there,
	 * is clean, so it comes first; then the dirty one. */
	cr_assert_eq(frame_alloc_zero(), P(3));
	cr_assert_eq(frame_alloc_zero(), p + 4 * FRAME_SIZE);
	cr_assert(is_zero(p + 4 * FRAME_SIZE, 1));
	memset(at(p), 0xa5, 5 * FRAME_SIZE);
	frame_free_run(p, 4);
	frame_free(p + 4 * FRAME_SIZE);
	frame_free(P(3));
	/* Too large for any block: all untouched RAM becomes blocks. */
	cr_assert_eq(frame_alloc_run(2 * RUN_16M), 0);
	cr_assert_eq(frame_free_count(), BIG_FREE);
	for (int i = 0; i < 50; i++) {
		piece[i] = frame_alloc_run(1 + i % 7);
		cr_assert(is_zero(piece[i], 1 + i % 7));
		memset(at(piece[i]), 0x5a, (1 + i % 7) * FRAME_SIZE);
	}
	for (int i = 0; i < 50; i++)
		frame_free_run(piece[i], 1 + i % 7);
	two_16m_runs();
}

Test(frame, alloc_zero_clears_a_dirty_frame)
{
	uint64_t p;

	init(two, 2);
	for (int i = 0; i < 52; i++)
		frame_alloc();
	p = frame_alloc();
	memset(at(p), 0xff, FRAME_SIZE);
	frame_free(p);
	cr_assert_eq(frame_alloc_zero(), p);
	cr_assert(is_zero(p, 1));
}

/* Clean frames given back with frame_free_zero merge into a clean block:
 * the links written into them while free are gone again. */
Test(frame, clean_frees_merge_clean)
{
	uint64_t a, b;

	init(big, 2);
	cr_assert_eq(frame_alloc_zero(), P(3));        /* the lone frame */
	a = frame_alloc_zero();                 /* then a split block */
	b = frame_alloc_zero();
	cr_assert_eq(a ^ b, FRAME_SIZE, "buddies");
	frame_free_zero(b);                     /* its links: in b */
	frame_free_zero(a);                     /* merged: b's cleared */
	a = frame_alloc_run(2);
	cr_assert(is_zero(a, 2));
	frame_free_run(a, 2);
}

Test(frame, run_limits)
{
	init(two, 2);
	cr_assert_eq(frame_alloc_run(0), 0);
	cr_assert_eq(frame_alloc_run(FRAME_RUN_MAX + 1), 0);
	cr_assert_eq(frame_alloc_run(64), 0);   /* no block that large */
	cr_assert_neq(frame_alloc_run(32), 0);  /* frames 32-63 */
}

Test(frame, init_forgets_earlier_state)
{
	init(two, 2);
	frame_free(frame_alloc());
	frame_alloc_run(3);
	init(two, 1);
	cr_assert_eq(frame_free_count(), 9);
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

Test(frame, double_free_after_merge_panics, .signal = SIGABRT)
{
	init(big, 2);
	uint64_t a = frame_alloc(), b = frame_alloc();

	frame_free(b);
	frame_free(a);                          /* merges with b */
	frame_free(b);
}

Test(frame, unaligned_free_panics, .signal = SIGABRT)
{
	init(two, 2);
	frame_free(frame_alloc() + 8);
}

Test(frame, free_outside_ranges_panics, .signal = SIGABRT)
{
	init(two, 2);
	frame_alloc();
	frame_free(P(12));                      /* in the gap */
}

Test(frame, free_of_the_map_panics, .signal = SIGABRT)
{
	init(two, 2);
	frame_free(P(0));
}

Test(frame, free_of_never_allocated_panics, .signal = SIGABRT)
{
	init(two, 2);
	frame_alloc();
	frame_free(P(40));                      /* managed, not handed out */
}

Test(frame, free_of_zero_panics, .signal = SIGABRT)
{
	init(two, 2);
	frame_free(0);
}

Test(frame, single_free_of_a_run_panics, .signal = SIGABRT)
{
	init(big, 2);
	frame_free(frame_alloc_run(4));
}

Test(frame, run_freed_from_its_middle_panics, .signal = SIGABRT)
{
	init(big, 2);
	frame_free_run(frame_alloc_run(5) + FRAME_SIZE, 4);
}

Test(frame, run_freed_as_a_frame_panics, .signal = SIGABRT)
{
	init(big, 2);
	frame_free_run(frame_alloc_run(5), 1);
}

Test(frame, unaligned_range_panics, .signal = SIGABRT)
{
	struct mem_range r = { P(0) + 1, P(4) };

	init(&r, 1);
}

Test(frame, unsorted_ranges_panic, .signal = SIGABRT)
{
	struct mem_range r[] = { { P(20), P(30) }, { P(0), P(10) } };

	frame_init(r, 2, (uint64_t)(uintptr_t)mem - BASE);
}

Test(frame, empty_range_panics, .signal = SIGABRT)
{
	struct mem_range r = { P(4), P(4) };

	init(&r, 1);
}

Test(frame, range_at_zero_panics, .signal = SIGABRT)
{
	struct mem_range r = { 0, FRAME_SIZE };

	frame_init(&r, 1, (uint64_t)(uintptr_t)mem - BASE);
}

Test(frame, too_many_ranges_panic, .signal = SIGABRT)
{
	struct mem_range r[MEMMAP_RANGES_MAX + 1];

	for (unsigned i = 0; i <= MEMMAP_RANGES_MAX; i++)
		r[i] = (struct mem_range){ P(2 * i), P(2 * i + 1) };
	init(r, MEMMAP_RANGES_MAX + 1);
}
