/*
 * blkbench: block throughput and latency through the blk service, timed
 * in the guest with user-mode rdtsc. Sequential write and read in 64 KiB
 * requests over the first 8 MiB, and random 4 KiB reads one at a time
 * (queue depth 1) and 16 at a time (BLK_OP_BATCH: queue depth 16, each
 * read to its own 4 KiB of the buffer). Each is run REPS times; prints `bench METRIC UNIT MIN MEDIAN P99 N` lines that
 * bench/blk.sh collects.
 */
#include "blkclient.h"
#include "uk.h"
#include "ulib.h"

#define BUF_PAGES       256             /* 1 MiB shared buffer */
#define REPS            7
#define SEQ_BYTES       (8ull << 20)
#define SEQ_REQ         (64ull << 10)
#define RAND_READS      500
#define RAND_READS_QD16 (RAND_READS / BLK_BATCH_MAX * BLK_BATCH_MAX)

static uint64_t samples[REPS];

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static void report(const char *metric, const char *unit, uint64_t n)
{
	for (unsigned i = 1; i < REPS; i++)
		for (unsigned j = i; j && samples[j - 1] > samples[j]; j--) {
			uint64_t t = samples[j];
			samples[j] = samples[j - 1];
			samples[j - 1] = t;
		}
	eprintf("bench %s %s %lu %lu %lu %lu\n", metric, unit, samples[0],
		samples[REPS / 2], samples[REPS - 1], n);
}

/* Sequential pass: MB/s (decimal megabytes). */
static int seq(struct blkc *c, uint64_t op, uint64_t khz, unsigned rep)
{
	uint64_t t0 = rdtsc(), ticks;

	for (uint64_t off = 0; off < SEQ_BYTES; off += SEQ_REQ)
		if (blkc_rw(c, op, off / 512, SEQ_REQ / 512, 0) != BLK_OK)
			return -1;
	if (op == BLK_OP_WRITE && blkc_flush(c) != BLK_OK)
		return -1;
	ticks = rdtsc() - t0;
	samples[rep] = SEQ_BYTES * khz / 1000 / (ticks ? ticks : 1);
	return 0;
}

static int rand_reads(struct blkc *c, uint64_t khz, unsigned rep)
{
	uint64_t x = 0x2545f4914f6cdd1dull + rep, span = SEQ_BYTES / 4096, t0;

	t0 = rdtsc();
	for (unsigned i = 0; i < RAND_READS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (blkc_rw(c, BLK_OP_READ, (x % span) * 8, 8, 0) != BLK_OK)
			return -1;
	}
	samples[rep] = RAND_READS * khz * 1000 / (rdtsc() - t0);
	return 0;
}

/* The same reads in batches of BLK_BATCH_MAX (the table sits past the
 * data in the buffer). */
static int rand_reads_qd16(struct blkc *c, uint64_t khz, unsigned rep)
{
	uint64_t x = 0x9e3779b97f4a7c15ull + rep, span = SEQ_BYTES / 4096, t0;
	struct blk_batch_entry e[BLK_BATCH_MAX];

	t0 = rdtsc();
	for (unsigned i = 0; i < RAND_READS_QD16; i += BLK_BATCH_MAX) {
		for (unsigned k = 0; k < BLK_BATCH_MAX; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			e[k] = (struct blk_batch_entry){ .sector = (x % span) * 8,
				.count = 8, .offset = k * 4096ull };
		}
		if (blkc_batch(c, e, BLK_BATCH_MAX, BLK_BATCH_MAX * 4096ull,
				 NULL) != BLK_OK)
			return -1;
	}
	samples[rep] = RAND_READS_QD16 * khz * 1000 / (rdtsc() - t0);
	return 0;
}

int main(uint64_t arg)
{
	struct blkc c;
	uint64_t khz = 0;

	(void)arg;
	if (blkc_open(&c, BUF_PAGES, 1) != 0 ||
	    uk_info(UK_INFO_TSC_KHZ, &khz) != UK_OK ||
	    c.capacity < SEQ_BYTES / 512) {
		eprintf("blkbench: no blk service, or a disk under 8 MiB\n");
		return 1;
	}
	for (unsigned r = 0; r < REPS; r++)
		if (seq(&c, BLK_OP_WRITE, khz, r) < 0)
			goto fail;
	report("seq_write", "MBps", REPS * SEQ_BYTES / SEQ_REQ);
	for (unsigned r = 0; r < REPS; r++)
		if (seq(&c, BLK_OP_READ, khz, r) < 0)
			goto fail;
	report("seq_read", "MBps", REPS * SEQ_BYTES / SEQ_REQ);
	for (unsigned r = 0; r < REPS; r++)
		if (rand_reads(&c, khz, r) < 0)
			goto fail;
	report("rand_read_iops_qd1", "iops", REPS * RAND_READS);
	for (unsigned r = 0; r < REPS; r++)
		if (rand_reads_qd16(&c, khz, r) < 0)
			goto fail;
	report("rand_read_iops_qd16", "iops", REPS * RAND_READS_QD16);
	return 0;
fail:
	eprintf("blkbench: a request failed\n");
	return 1;
}
