/*
 * BLK_OP_BATCH: sixteen transfers in flight at once, written and read
 * back at scattered sectors and buffer offsets; every malformed batch is
 * refused whole, naming the entry, with nothing done (an entry whose
 * data would touch the table included).
 */
#include "blktest.h"

#define TABLE   (BUF_BYTES - 4096)      /* the table, past the data */
#define SLOT    (32 * 1024ull)          /* entry k's data: SLOT * k */

typedef struct blk_batch_entry entry;

static void fill(uint64_t off, uint64_t sector, uint64_t count)
{
	for (uint64_t i = 0; i < count * BLK_SECTOR_SIZE; i++)
		c.buf[off + i] = pattern(sector + i / BLK_SECTOR_SIZE, i);
}

static int same(uint64_t off, uint64_t sector, uint64_t count)
{
	for (uint64_t i = 0; i < count * BLK_SECTOR_SIZE; i++)
		if (c.buf[off + i] != pattern(sector + i / BLK_SECTOR_SIZE, i))
			return 0;
	return 1;
}

/* Sixteen writes of 1 to 64 sectors spread over the disk, then sixteen
 * reads of the same sectors into other buffer places, then one batch
 * mixing reads and writes of different sectors. */
void batch_round_trip(void)
{
	entry e[BLK_BATCH_MAX];
	uint64_t bad = 99, span = c.capacity - 64;

	for (unsigned k = 0; k < BLK_BATCH_MAX; k++) {
		e[k] = (entry){ .sector = (k * 7919ull + 11) % span,
				.count = 1 + (k * 5) % 64, .write = 1,
				.offset = SLOT * k };
		fill(e[k].offset, e[k].sector, e[k].count);
	}
	EXPECT(blkc_batch(&c, e, BLK_BATCH_MAX, TABLE, &bad), BLK_OK);
	CHECK(bad == BLK_BATCH_MAX, "w0 %lu after a good batch", bad);
	memset(c.buf, 0, TABLE);
	for (unsigned k = 0; k < BLK_BATCH_MAX; k++) {
		e[k].write = 0;
		e[k].offset = SLOT * (BLK_BATCH_MAX - 1 - k);
	}
	EXPECT(blkc_batch(&c, e, BLK_BATCH_MAX, TABLE, NULL), BLK_OK);
	for (unsigned k = 0; k < BLK_BATCH_MAX; k++)
		CHECK(same(e[k].offset, e[k].sector, e[k].count),
		      "batch read %u (sector %lu) differs", k, e[k].sector);
	/* Entry 0 writes sector 2000 while entry 1 reads 1000 back. */
	fill(0, 2000, 4);
	e[0] = (entry){ .sector = 2000, .count = 4, .write = 1, .offset = 0 };
	e[1] = (entry){ .sector = e[3].sector, .count = e[3].count,
			.offset = SLOT };
	memset(c.buf + SLOT, 0, SLOT);
	EXPECT(blkc_batch(&c, e, 2, TABLE, NULL), BLK_OK);
	CHECK(same(SLOT, e[1].sector, e[1].count), "mixed batch: read");
	memset(c.buf, 0, SLOT);
	EXPECT(blkc_rw(&c, BLK_OP_READ, 2000, 4, 0), BLK_OK);
	CHECK(same(0, 2000, 4), "mixed batch: write");
}

/* A bad batch: the label, the entry named, and sector 1500 untouched
 * although entry 0 would have written it. */
static void refused(entry *e, unsigned n, uint64_t off, uint64_t want,
		    uint64_t want_bad)
{
	uint64_t bad = 99;

	e[0] = (entry){ .sector = 1500, .count = 1, .write = 1, .offset = 0 };
	memset(c.buf, 0xee, BLK_SECTOR_SIZE);
	EXPECT(blkc_batch(&c, e, n, off, &bad), want);
	if (want_bad != 99)
		CHECK(bad == want_bad, "entry %lu named, want %lu", bad,
		      want_bad);
	memset(c.buf, 0, BLK_SECTOR_SIZE);
	EXPECT(blkc_rw(&c, BLK_OP_READ, 1500, 1, 0), BLK_OK);
	CHECK(same(0, 1500, 1), "a refused batch wrote sector 1500");
}

void batch_errors(void)
{
	entry e[BLK_BATCH_MAX + 1];

	fill(0, 1500, 1);
	EXPECT(blkc_rw(&c, BLK_OP_WRITE, 1500, 1, 0), BLK_OK);
	for (unsigned k = 0; k <= BLK_BATCH_MAX; k++)
		e[k] = (entry){ .sector = k, .count = 1, .offset = SLOT };
	refused(e, 0, TABLE, BLK_E_BAD_REQUEST, 99);
	refused(e, BLK_BATCH_MAX + 1, TABLE, BLK_E_BAD_REQUEST, 99);
	refused(e, 4, TABLE + 4, BLK_E_BAD_REQUEST, 99);        /* aligned */
	refused(e, 4, BUF_BYTES - 3 * sizeof(entry), BLK_E_BAD_REQUEST, 99);
	refused(e, 4, ~0ull - 7, BLK_E_BAD_REQUEST, 99);
	e[5].count = 0;
	refused(e, 8, TABLE, BLK_E_BAD_REQUEST, 5);
	e[5].count = 1;
	e[3].sector = c.capacity;
	refused(e, 8, TABLE, BLK_E_RANGE, 3);
	e[3].sector = ~0ull;
	refused(e, 8, TABLE, BLK_E_RANGE, 3);
	e[3].sector = 3;
	e[7].offset = BUF_BYTES - 256;
	refused(e, 8, TABLE, BLK_E_BAD_REQUEST, 7);
	e[7].offset = ~0ull - 511;              /* wraps around */
	refused(e, 8, TABLE, BLK_E_BAD_REQUEST, 7);
	e[7].offset = SLOT;
	e[2].write = 2;
	refused(e, 8, TABLE, BLK_E_BAD_REQUEST, 2);
	e[2].write = 0;
	/* Data on the table: a read into its last bytes, a write of its
	 * first byte. */
	e[6].offset = TABLE + 8 * sizeof(entry) - BLK_SECTOR_SIZE;
	refused(e, 8, TABLE, BLK_E_BAD_REQUEST, 6);
	e[6].offset = SLOT;
	e[4] = (entry){ .sector = 4, .count = 1, .write = 1,
			.offset = TABLE - BLK_SECTOR_SIZE + 1 };
	refused(e, 8, TABLE, BLK_E_BAD_REQUEST, 4);
	e[4] = (entry){ .sector = 4, .count = 1, .offset = SLOT };
	EXPECT(blkc_call(c.ep, BLK_OP_BATCH, 1, TABLE, 0, NULL),
	       BLK_E_NO_BUFFER);
	e[0].write = 0;                         /* then all is well */
	e[6].offset = TABLE + 8 * sizeof(entry);        /* right after it */
	EXPECT(blkc_batch(&c, e, 8, TABLE, NULL), BLK_OK);
}

void batch_read_only(void)
{
	entry e[4];
	uint64_t bad = 99;

	for (unsigned k = 0; k < 4; k++)
		e[k] = (entry){ .sector = k * 8, .count = 8,
				.offset = SLOT * k };
	EXPECT(blkc_batch(&c, e, 4, TABLE, &bad), BLK_OK);
	e[2].write = 1;
	EXPECT(blkc_batch(&c, e, 4, TABLE, &bad), BLK_E_READ_ONLY);
	CHECK(bad == 2, "entry %lu named, want 2", bad);
}
