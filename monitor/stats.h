/*
 * --stats: what a run cost. The vCPU loop counts its exits (three
 * increments per exit, always); everything else (clock, getrusage,
 * mincore) runs only when --stats asks for the line
 *
 *   vmm: stats: exits=N io_exits=N mmio_exits=N wall_us=N peak_rss_kib=N
 *               guest_touched_kib=N own_kib=N seccomp_us=N
 *
 * (one line on stderr) after the guest stopped, whatever the reason.
 */
#ifndef VMM_STATS_H
#define VMM_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "log.h"
#include "mem.h"

struct stats_counts {
	uint64_t exits;         /* returns from KVM_RUN, interrupted ones too */
	uint64_t io_exits;      /* KVM_EXIT_IO */
	uint64_t mmio_exits;    /* KVM_EXIT_MMIO */
};

struct stats_report {
	struct stats_counts counts;
	uint64_t wall_us;               /* since stats_now_us() at start */
	uint64_t peak_rss_kib;          /* getrusage ru_maxrss */
	uint64_t guest_touched_kib;     /* guest RAM resident (mincore) */
	uint64_t seccomp_us;            /* building and loading the filters */
};

/* Microseconds on CLOCK_MONOTONIC. */
uint64_t stats_now_us(void);

/*
 * KiB of the mapping [host, host + size) that are resident now (host
 * page-aligned). Allocates nothing. Returns 0, or -errno from mincore.
 */
int stats_resident_kib(const void *host, uint64_t size, uint64_t *kib);

/*
 * Fill r (but counts) at the end of a run: wall time since start_us,
 * the peak RSS (read first, so that nothing done here can raise it) and
 * the resident part of m. Returns 0, or -errno with the reason in err.
 */
int stats_collect(struct stats_report *r, const struct mem *m,
		  uint64_t start_us, struct errmsg *err);

/* peak_rss_kib - guest_touched_kib, or 0 if the guest part is larger. */
uint64_t stats_own_kib(const struct stats_report *r);

/* Print the "vmm: stats: ..." line. */
void stats_print(FILE *out, const struct stats_report *r);

#endif
