#include "selftest.h"

#include <stdbool.h>
#include "arch.h"
#include "console.h"
#include "frame.h"
#include "platform.h"
#include "timer.h"

/* 16 GiB into PML4 slot 256: beyond the 4 GiB direct map, never mapped. */
#define UNMAPPED_VA     (KERNEL_VMA + 0x400000000)

static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Writes a pattern over frame p through the direct map and reads it back. */
static bool pattern_ok(uint64_t p)
{
	volatile uint64_t *w = phys_to_virt(p);

	for (unsigned i = 0; i < FRAME_SIZE / 8; i++)
		w[i] = p ^ (i * 0x9e3779b97f4a7c15ull);
	for (unsigned i = 0; i < FRAME_SIZE / 8; i++)
		if (w[i] != (p ^ (i * 0x9e3779b97f4a7c15ull)))
			return false;
	return true;
}

/* The mark test_alloc writes into a frame it takes (in its third word:
 * the first two of a free block are the allocator's); its top bytes are
 * none that the frame map holds. */
#define ALLOC_MARK      0x6d61726b00000000ull

static uint64_t *mark_of(uint64_t p)
{
	return (uint64_t *)phys_to_virt(p) + 2;
}

/* The largest run (a power of two, at most 16 MiB) that can be had. */
static uint64_t largest_run(void)
{
	uint64_t n = 4096, p;

	while (n > 1 && !(p = frame_alloc_run(n)))
		n /= 2;
	if (n > 1)
		frame_free_run(p, n);
	return n;
}

/*
 * Takes every frame, one at a time, and marks each: a frame handed out
 * twice would carry its mark already. Each must lie in the usable ranges
 * and outside the kernel image, and their count be the free count. Then
 * gives them all back, in address order, and checks that they merged
 * again: the largest run found before can be had again.
 */
static const char *test_alloc(const struct selftest_env *e)
{
	uint64_t img0 = virt_to_phys(__kernel_start);
	uint64_t img1 = virt_to_phys(__kernel_end);
	uint64_t n0 = frame_free_count(), n = 0, run = largest_run(), p;
	unsigned r;

	if (!n0)
		return "no free frames";
	while ((p = frame_alloc()) != 0) {
		for (r = 0; r < e->nram; r++)
			if (p >= e->ram[r].start && p < e->ram[r].end)
				break;
		if (p & (FRAME_SIZE - 1))
			return "unaligned frame";
		if (r == e->nram)
			return "frame outside usable RAM";
		if (p >= img0 && p < img1)
			return "frame inside the kernel image";
		if (*mark_of(p) == (ALLOC_MARK ^ p))
			return "frame handed out twice";
		if ((p == e->ram[r].start || p + FRAME_SIZE == e->ram[r].end) &&
		    !pattern_ok(p))
			return "pattern did not read back";
		*mark_of(p) = ALLOC_MARK ^ p;
		n++;
	}
	if (n != n0 || frame_free_count() != 0)
		return "frame count does not match";
	for (r = 0; r < e->nram; r++)
		for (p = e->ram[r].start; p < e->ram[r].end; p += FRAME_SIZE)
			if (*mark_of(p) == (ALLOC_MARK ^ p))
				frame_free(p);
	if (frame_free_count() != n0)
		return "free count wrong after freeing all";
	if (largest_run() != run)
		return "freed frames did not merge back into runs";
	kprintf("test alloc: %lu frames (%lu MiB) checked, runs of %lu "
		"frames before and after\n", n, n >> 8, run);
	return NULL;
}

/* Runs with interrupts on until n more timer ticks have passed or limit
 * TSC ticks have; returns the TSC ticks elapsed. The TSC is a counter of
 * its own (its rate comes from where the LAPIC's did: the PIT or CPUID). */
static uint64_t tsc_ticks_for(uint64_t n, uint64_t limit)
{
	uint64_t t0 = timer_ticks(), start = rdtsc(), elapsed = 0;

	cpu_sti();
	while (timer_ticks() - t0 < n && elapsed < limit)
		elapsed = rdtsc() - start;
	cpu_cli();
	return elapsed;
}

static const char *test_timer(const struct selftest_env *e)
{
	uint64_t want = 10 * 1000 / e->hz, khz = timer_tsc_khz;
	uint64_t limit = 8 * want * khz, t0, ms;

	if (!khz)
		return "no TSC rate";
	tsc_ticks_for(1, limit);                /* start on a tick */
	t0 = timer_ticks();
	ms = tsc_ticks_for(10, limit) / khz;
	t0 = timer_ticks() - t0;
	kprintf("test timer: %lu ticks in %lu ms (TSC, rate from %s), "
		"expected %lu ms\n", t0, ms, timer_source, want);
	if (t0 < 10)
		return "timer too slow or stopped";
	if (ms < want / 2 || ms > want * 4)
		return "tick rate off by more than 2x/4x";
	return NULL;
}

static const char *test_pf(const struct selftest_env *e)
{
	(void)e;
	kprintf("test pf: reading 0x%lx\n", UNMAPPED_VA);
	(void)*(volatile uint64_t *)UNMAPPED_VA;
	return "no page fault";
}

static const char *test_ud(const struct selftest_env *e)
{
	(void)e;
	__asm__ volatile("ud2");
	return "no #UD";
}

/* A push onto an unmapped stack: the #PF cannot be delivered on that
 * stack either, so the CPU raises #DF, which runs on its IST stack. */
static const char *test_df(const struct selftest_env *e)
{
	(void)e;
	__asm__ volatile("mov %0, %%rsp; push $0" : : "r"(UNMAPPED_VA));
	return "no double fault";
}

static const char *test_cmdline(const struct selftest_env *e)
{
	const struct cmdline *cl = e->cl;

	for (unsigned i = 0; i < cl->nopt; i++)
		kprintf("cmdline: %s %s%s%s\n", cl->opt[i].val ? "option" : "flag",
			cl->opt[i].key, cl->opt[i].val ? "=" : "",
			cl->opt[i].val ? cl->opt[i].val : "");
	for (unsigned i = 0; i < cl->ndev; i++)
		kprintf("cmdline: device %lu@0x%lx irq %u\n", cl->dev[i].size,
			cl->dev[i].base, cl->dev[i].irq);
	kprintf("cmdline: %u options, %u devices, %u malformed, "
		"%u dropped\n", cl->nopt, cl->ndev, cl->devs_bad,
		cl->opts_dropped + cl->devs_dropped);
	return NULL;
}

/* The timer demo: three ticks, one line each. */
static const char *test_ticks(const struct selftest_env *e)
{
	(void)e;
	for (unsigned i = 1; i <= 3; i++) {
		timer_wait(1);
		kprintf("tick %u\n", i);
	}
	return NULL;
}

static const struct {
	const char *name;
	const char *(*run)(const struct selftest_env *e);
} tests[] = {
	{ "alloc", test_alloc }, { "timer", test_timer }, { "pf", test_pf },
	{ "ud", test_ud }, { "df", test_df }, { "cmdline", test_cmdline },
	{ "ticks", test_ticks },
};

int selftest_run(const char *name, const struct selftest_env *env)
{
	for (unsigned i = 0; i < sizeof tests / sizeof tests[0]; i++) {
		const char *why;

		if (!streq(name, tests[i].name))
			continue;
		why = tests[i].run(env);
		if (why) {
			kerror("test %s: FAIL %s\n", name, why);
			return KEXIT_TEST_FAILED;
		}
		kerror("test %s: ok\n", name);    /* the verdict, even quiet */
		return KEXIT_OK;
	}
	kerror("test %s: FAIL unknown test (alloc timer pf ud df cmdline ticks)\n", name);
	return KEXIT_TEST_FAILED;
}
