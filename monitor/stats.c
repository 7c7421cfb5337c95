#include "stats.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define STATS_VEC 4096          /* pages per mincore call */

uint64_t stats_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int stats_resident_kib(const void *host, uint64_t size, uint64_t *kib)
{
	unsigned char vec[STATS_VEC];
	const uint8_t *p = host;
	uint64_t page, pages = 0, chunk, n, i;
	long ps = sysconf(_SC_PAGESIZE);

	page = ps > 0 ? (uint64_t)ps : 4096;
	while (size > 0) {
		chunk = size < STATS_VEC * page ? size : STATS_VEC * page;
		if (mincore((void *)p, (size_t)chunk, vec) < 0)
			return -errno;
		n = (chunk + page - 1) / page;
		for (i = 0; i < n; i++)
			pages += vec[i] & 1;
		p += chunk;
		size -= chunk;
	}
	*kib = pages * (page / 1024);
	return 0;
}

int stats_collect(struct stats_report *r, const struct mem *m,
		  uint64_t start_us, struct errmsg *err)
{
	struct rusage ru;
	int e;

	r->wall_us = stats_now_us() - start_us;
	if (getrusage(RUSAGE_SELF, &ru) < 0) {
		e = -errno;
		errmsg_set(err, "stats: getrusage: %s", strerror(-e));
		return e;
	}
	r->peak_rss_kib = ru.ru_maxrss > 0 ? (uint64_t)ru.ru_maxrss : 0;
	r->guest_touched_kib = 0;
	if (m->host) {
		e = stats_resident_kib(m->host, m->size, &r->guest_touched_kib);
		if (e < 0) {
			errmsg_set(err, "stats: mincore: %s", strerror(-e));
			return e;
		}
	}
	return 0;
}

uint64_t stats_own_kib(const struct stats_report *r)
{
	return r->peak_rss_kib > r->guest_touched_kib ?
	       r->peak_rss_kib - r->guest_touched_kib : 0;
}

void stats_print(FILE *out, const struct stats_report *r)
{
	fprintf(out, "vmm: stats: exits=%llu io_exits=%llu mmio_exits=%llu "
		"wall_us=%llu peak_rss_kib=%llu guest_touched_kib=%llu "
		"own_kib=%llu seccomp_us=%llu\n",
		(unsigned long long)r->counts.exits,
		(unsigned long long)r->counts.io_exits,
		(unsigned long long)r->counts.mmio_exits,
		(unsigned long long)r->wall_us,
		(unsigned long long)r->peak_rss_kib,
		(unsigned long long)r->guest_touched_kib,
		(unsigned long long)stats_own_kib(r),
		(unsigned long long)r->seccomp_us);
}
