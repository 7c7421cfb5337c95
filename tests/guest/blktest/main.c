/*
 * blktest: the in-guest test of the block service (proto/blk.h). The
 * argument picks what it does:
 *   0  writes patterns (several sectors, the last one, a 1 MiB transfer
 *      split across many requests in flight), reads them back, flushes,
 *      does the same with BATCHes (batch.c), and checks every error;
 *      prints `utest blk: ok` (the disk must be writable and hold at
 *      least 2,200 sectors)
 *   1  reads the first sectors (up to 1 MiB) and prints their POSIX
 *      cksum, for the host to compare with the image
 *   2  writes "ukern-blk-test N" at the start of sectors N = 0..7 (the
 *      rest zero), flushes; the host then reads the image
 *   3  a read-only disk: INFO says so, WRITE (alone or in a BATCH) gets
 *      BLK_E_READ_ONLY, READ and FLUSH work; prints `utest blk-ro: ok`
 * Verdicts and failures go out with eprintf; the status is 0 or 1.
 */
#include "blktest.h"

struct blkc c;

uint8_t pattern(uint64_t sector, uint64_t i)
{
	return (uint8_t)(sector * 131 + i * 7 + (i >> 9) + 1);
}

/* Writes a pattern over count sectors from sector (from buffer offset
 * off), clears, reads them back at offset back, compares. */
static void round_trip(uint64_t sector, uint64_t count, uint64_t off,
		       uint64_t back)
{
	uint64_t n = count * BLK_SECTOR_SIZE;

	for (uint64_t i = 0; i < n; i++)
		c.buf[off + i] = pattern(sector + i / BLK_SECTOR_SIZE, i);
	EXPECT(blkc_rw(&c, BLK_OP_WRITE, sector, count, off), BLK_OK);
	memset(c.buf, 0, BUF_BYTES);
	EXPECT(blkc_rw(&c, BLK_OP_READ, sector, count, back), BLK_OK);
	for (uint64_t i = 0; i < n; i++) {
		if (c.buf[back + i] != pattern(sector + i / BLK_SECTOR_SIZE, i)) {
			CHECK(0, "sector %lu: byte %lu differs",
			      sector + i / BLK_SECTOR_SIZE, i % 512);
			return;
		}
	}
}

static void errors(void)
{
	uint64_t cap = c.capacity, s[BLK_SESSIONS_MAX], extra, ntfn;
	unsigned n;

	EXPECT(blkc_rw(&c, BLK_OP_READ, cap, 1, 0), BLK_E_RANGE);
	EXPECT(blkc_rw(&c, BLK_OP_READ, cap - 1, 2, 0), BLK_E_RANGE);
	EXPECT(blkc_rw(&c, BLK_OP_WRITE, ~0ull, 1, 0), BLK_E_RANGE);
	EXPECT(blkc_rw(&c, BLK_OP_READ, ~0ull - 1, 4, 0), BLK_E_RANGE);
	EXPECT(blkc_rw(&c, BLK_OP_READ, 0, 0, 0), BLK_E_BAD_REQUEST);
	EXPECT(blkc_rw(&c, BLK_OP_READ, 0, 1, BUF_BYTES), BLK_E_BAD_REQUEST);
	EXPECT(blkc_rw(&c, BLK_OP_READ, 0, 1, BUF_BYTES - 256),
	       BLK_E_BAD_REQUEST);
	EXPECT(blkc_rw(&c, BLK_OP_READ, 0, 1, ~0ull), BLK_E_BAD_REQUEST);
	EXPECT(blkc_rw(&c, BLK_OP_READ, 0, 1ull << 55, 0), BLK_E_BAD_REQUEST);
	EXPECT(blkc_rw(&c, BLK_OP_WRITE, 0, BUF_SECTORS + 1, 0),
	       BLK_E_BAD_REQUEST);
	EXPECT(blkc_call(c.session, 99, 0, 1, 0, NULL), BLK_E_BAD_REQUEST);
	EXPECT(blkc_call(c.session, BLK_OP_NONE, 0, 1, 0, NULL),
	       BLK_E_BAD_REQUEST);
	EXPECT(blkc_call(c.ep, BLK_OP_READ, 0, 1, 0, NULL), BLK_E_NO_BUFFER);
	/* SETUP needs a memory capability with read and write rights. */
	EXPECT(blkc_setup(&c, UK_NO_CAP, &extra), BLK_E_BAD_BUFFER);
	ntfn = uk_slot_alloc();
	uk_obj_create(ntfn, UK_CAP_NTFN);
	EXPECT(blkc_setup(&c, ntfn, &extra), BLK_E_BAD_BUFFER);
	uk_cap_delete(ntfn);
	uk_cap_copy(c.buf_slot, ntfn, UK_R_READ);
	EXPECT(blkc_setup(&c, ntfn, &extra), BLK_E_BAD_BUFFER);
	uk_cap_delete(ntfn);
	/* Sessions: a client gets its share; a closed one is gone for
	 * good. */
	for (n = 0; n < BLK_SESSIONS_MAX; n++)
		if (blkc_setup(&c, c.buf_slot, &s[n]) != BLK_OK)
			break;
	CHECK(n == BLK_SESSIONS_PER_CLIENT - 1, "%u more sessions opened", n);
	EXPECT(blkc_setup(&c, c.buf_slot, &extra), BLK_E_FULL);
	while (n--) {
		EXPECT(blkc_call(s[n], BLK_OP_CLOSE, 0, 0, 0, NULL), BLK_OK);
		EXPECT(blkc_call(s[n], BLK_OP_READ, 0, 1, 0, NULL),
		       BLK_E_NO_BUFFER);
		EXPECT(blkc_call(s[n], BLK_OP_CLOSE, 0, 0, 0, NULL),
		       BLK_E_NO_BUFFER);
		uk_cap_delete(s[n]);
	}
	EXPECT(blkc_setup(&c, c.buf_slot, &extra), BLK_OK);
	EXPECT(blkc_call(extra, BLK_OP_CLOSE, 0, 0, 0, NULL), BLK_OK);
}

static int full(void)
{
	CHECK(!(c.flags & BLK_INFO_READ_ONLY), "the disk is read-only");
	CHECK(c.block_size >= 512, "block size %lu", c.block_size);
	CHECK(c.capacity >= 2200, "capacity %lu sectors", c.capacity);
	if (check_failures)
		return check_verdict("blk");
	EXPECT(blkc_call(c.ep, BLK_OP_READ, 0, 1, 0, NULL), BLK_E_NO_BUFFER);
	EXPECT(blkc_call(c.ep, BLK_OP_WRITE, 0, 1, 0, NULL), BLK_E_NO_BUFFER);
	EXPECT(blkc_setup(&c, c.buf_slot, &c.session), BLK_OK);
	if (check_failures)
		return check_verdict("blk");
	round_trip(3, 16, 4096 + 512, 8192);
	round_trip(c.capacity - 1, 1, 0, 512);
	round_trip(c.capacity - 5, 5, 1536, BUF_BYTES - 5 * 512);
	round_trip(100, BUF_SECTORS, 0, 0);     /* many requests at once */
	EXPECT(blkc_call(c.session, BLK_OP_FLUSH, 0, 0, 0, NULL), BLK_OK);
	EXPECT(blkc_call(c.ep, BLK_OP_FLUSH, 0, 0, 0, NULL), BLK_OK);
	batch_round_trip();
	errors();
	batch_errors();
	round_trip(c.capacity - 2, 2, 0, 0);    /* still serving */
	return check_verdict("blk");
}

/* POSIX cksum (CRC-32, then the length) of n bytes: the number that
 * `cksum` prints first on the host. */
static uint32_t crc_byte(uint32_t crc, uint8_t b)
{
	crc ^= (uint32_t)b << 24;
	for (int k = 0; k < 8; k++)
		crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u : crc << 1;
	return crc;
}

static uint32_t cksum(const uint8_t *p, size_t n)
{
	uint32_t crc = 0;

	for (size_t i = 0; i < n; i++)
		crc = crc_byte(crc, p[i]);
	for (size_t len = n; len; len >>= 8)    /* low byte first */
		crc = crc_byte(crc, (uint8_t)len);
	return ~crc;
}

/* Mode 1: the checksum of the first sectors. */
static int checksum(void)
{
	uint64_t n = c.capacity < BUF_SECTORS ? c.capacity : BUF_SECTORS;

	EXPECT(blkc_setup(&c, c.buf_slot, &c.session), BLK_OK);
	EXPECT(blkc_rw(&c, BLK_OP_READ, 0, n, 0), BLK_OK);
	if (check_failures)
		return 1;
	eprintf("blktest: %lu sectors, cksum %u\n", n,
		cksum(c.buf, n * BLK_SECTOR_SIZE));
	return 0;
}

/* Mode 2: "ukern-blk-test N" at the start of sectors 0..7. */
static int stamp(void)
{
	EXPECT(blkc_setup(&c, c.buf_slot, &c.session), BLK_OK);
	for (uint64_t s = 0; s < 8; s++)
		snprintf((char *)c.buf + s * BLK_SECTOR_SIZE, BLK_SECTOR_SIZE,
			 "ukern-blk-test %lu", s);
	EXPECT(blkc_rw(&c, BLK_OP_WRITE, 0, 8, 0), BLK_OK);
	EXPECT(blkc_call(c.session, BLK_OP_FLUSH, 0, 0, 0, NULL), BLK_OK);
	if (check_failures)
		return 1;
	eprintf("blktest: stamped sectors 0-7\n");
	return 0;
}

/* Mode 3: a read-only disk. */
static int read_only(void)
{
	CHECK(c.flags & BLK_INFO_READ_ONLY, "INFO flags 0x%lx", c.flags);
	EXPECT(blkc_setup(&c, c.buf_slot, &c.session), BLK_OK);
	EXPECT(blkc_rw(&c, BLK_OP_WRITE, 0, 1, 0), BLK_E_READ_ONLY);
	EXPECT(blkc_rw(&c, BLK_OP_READ, 0, 8, 0), BLK_OK);
	EXPECT(blkc_call(c.session, BLK_OP_FLUSH, 0, 0, 0, NULL), BLK_OK);
	batch_read_only();
	return check_verdict("blk-ro");
}

int main(uint64_t arg)
{
	check_names = blkc_strerror;
	if (blkc_connect(&c, BUF_PAGES, 1) != 0)
		return 1;
	switch (arg) {
	case 0: return full();
	case 1: return checksum();
	case 2: return stamp();
	case 3: return read_only();
	}
	eprintf("blktest: no mode %lu\n", arg);
	return 1;
}
