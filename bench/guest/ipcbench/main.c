/*
 * ipcbench: IPC round-trip latency against the echo service, in another
 * address space. After a warm-up, rounds are timed in batches of BATCH
 * with rdtsc (user-mode rdtsc is native; one costs microseconds in the
 * kernel under KVM PVM). Also times the floor: null system calls, and
 * (from the kernel) a pair of address-space switches. Prints lines
 *   bench METRIC UNIT MIN MEDIAN P99 N
 * that bench/ipc.sh collects. arg: round trips (default 100,000); plus
 * NO_FLOOR (1 << 32): round trips only (for instruction counting).
 */
#include <proto/echo.h>
#include "regclient.h"
#include "uk.h"
#include "ulib.h"

#define BATCH           1000
#define BATCHES_MAX     1000
#define NO_FLOOR        (1ull << 32)

static uint64_t samples[BATCHES_MAX];

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static void sort(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static void report(const char *metric, unsigned n, uint64_t batch)
{
	sort(samples, n);
	eprintf("bench %s ns %lu %lu %lu %lu\n", metric, samples[0],
	       samples[n / 2], samples[(n * 99 + 99) / 100 - 1], n * batch);
}

/* ticks for batch operations -> ns per operation */
static uint64_t ns(uint64_t ticks, uint64_t khz, uint64_t batch)
{
	return ticks * 1000000 / khz / batch;
}

int main(uint64_t rounds)
{
	uint64_t echo = uk_slot_alloc(), khz = 0, cr3 = 0, batch = BATCH;
	struct uk_msg m;
	unsigned nb;
	int r = reg_lookup("echo", echo), floor = !(rounds & NO_FLOOR);

	rounds &= NO_FLOOR - 1;
	if (rounds == 0)
		rounds = 100000;
	if (rounds < BATCH)
		batch = rounds;
	nb = (unsigned)(rounds / batch);
	if (nb > BATCHES_MAX)
		nb = BATCHES_MAX;
	if (r != REG_OK || uk_info(UK_INFO_TSC_KHZ, &khz) != UK_OK || !khz) {
		eprintf("ipcbench: no echo service or no TSC rate\n");
		return 1;
	}
	for (unsigned i = 0; i < 1000; i++) {           /* warm-up */
		m = (struct uk_msg){ .label = ECHO_OP_ECHO, .cap = UK_NO_CAP };
		uk_call(echo, &m);
	}
	for (unsigned b = 0; b < nb; b++) {
		uint64_t t0 = rdtsc();
		for (uint64_t i = 0; i < batch; i++) {
			m = (struct uk_msg){ .label = ECHO_OP_ECHO, .cap = UK_NO_CAP,
					     .w = { i, 1, 2, 3 } };
			if (uk_call(echo, &m) != UK_OK || m.w[0] != i) {
				eprintf("ipcbench: round trip %lu failed\n", i);
				return 1;
			}
		}
		samples[b] = ns(rdtsc() - t0, khz, batch);
	}
	report("ipc_round_trip", nb, batch);
	if (!floor)
		return 0;
	for (unsigned b = 0; b < nb; b++) {
		uint64_t t0 = rdtsc();
		for (uint64_t i = 0; i < batch; i++)
			uk_syscall(UK_SYS_NONE, 0, 0, 0, 0, 0, 0);
		samples[b] = ns(rdtsc() - t0, khz, batch);
	}
	report("null_syscall", nb, batch);
	if (uk_info(UK_INFO_CR3_PAIR_TICKS, &cr3) == UK_OK)
		eprintf("bench cr3_switch_pair ns %lu %lu %lu 1\n",
		       ns(cr3, khz, 1), ns(cr3, khz, 1), ns(cr3, khz, 1));
	eprintf("ipcbench: done, %lu round trips, tsc %lu kHz\n",
	       (uint64_t)nb * batch, khz);
	return 0;
}
