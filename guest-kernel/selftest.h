/* Built-in self-tests, chosen with test=NAME on the command line. */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

#include "cmdline.h"
#include "memmap.h"

struct selftest_env {
	const struct cmdline *cl;
	const struct mem_range *ram;    /* what frame_init was given */
	unsigned nram;
	unsigned hz;                    /* the running timer's rate */
};

/* Runs test name right after boot (frame allocator untouched, timer
 * running, interrupts off). Prints `test NAME: ok` and returns KEXIT_OK,
 * or prints `test NAME: FAIL <reason>` and returns KEXIT_TEST_FAILED;
 * tests that fault on purpose (pf, ud, df) end in the exception dump. */
int selftest_run(const char *name, const struct selftest_env *env);

#endif
