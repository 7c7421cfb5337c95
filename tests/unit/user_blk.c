/* The block server's request checks
 * (guest-servers/drivers/blk/session.c). */
#include <criterion/criterion.h>

#include "../../guest-servers/drivers/blk/session.h"

#define MiB     (1ull << 20)

Test(user_blk, transfers_that_fit)
{
	cr_assert_eq(blk_check_rw(100, MiB, 0, 1, 0), BLK_OK);
	cr_assert_eq(blk_check_rw(100, MiB, 99, 1, 0), BLK_OK, "last sector");
	cr_assert_eq(blk_check_rw(100, MiB, 0, 100, 0), BLK_OK, "whole disk");
	cr_assert_eq(blk_check_rw(4096, MiB, 0, 2048, 0), BLK_OK, "whole buf");
	cr_assert_eq(blk_check_rw(100, MiB, 0, 1, MiB - 512), BLK_OK);
	cr_assert_eq(blk_check_rw(100, MiB, 5, 3, 7), BLK_OK, "odd offset");
}

Test(user_blk, malformed_requests)
{
	cr_assert_eq(blk_check_rw(100, MiB, 0, 0, 0), BLK_E_BAD_REQUEST);
	cr_assert_eq(blk_check_rw(100, MiB, 0, 1, MiB), BLK_E_BAD_REQUEST);
	cr_assert_eq(blk_check_rw(100, MiB, 0, 1, MiB - 511),
		     BLK_E_BAD_REQUEST);
	cr_assert_eq(blk_check_rw(100, MiB, 0, 1, UINT64_MAX),
		     BLK_E_BAD_REQUEST);
	cr_assert_eq(blk_check_rw(1ull << 62, MiB, 0, 2049, 0),
		     BLK_E_BAD_REQUEST, "more than the buffer");
	cr_assert_eq(blk_check_rw(UINT64_MAX, MiB, 0, 1ull << 55, 0),
		     BLK_E_BAD_REQUEST, "count * 512 wraps to 0");
	cr_assert_eq(blk_check_rw(UINT64_MAX, MiB, 0, UINT64_MAX, 0),
		     BLK_E_BAD_REQUEST);
	cr_assert_eq(blk_check_rw(100, 0, 0, 1, 0), BLK_E_BAD_REQUEST,
		     "no buffer");
	cr_assert_eq(blk_check_rw(100, 100, 0, 1, 0), BLK_E_BAD_REQUEST,
		     "buffer below a sector");
}

Test(user_blk, past_the_end)
{
	cr_assert_eq(blk_check_rw(100, MiB, 100, 1, 0), BLK_E_RANGE);
	cr_assert_eq(blk_check_rw(100, MiB, 99, 2, 0), BLK_E_RANGE);
	cr_assert_eq(blk_check_rw(100, MiB, UINT64_MAX, 1, 0), BLK_E_RANGE);
	cr_assert_eq(blk_check_rw(100, MiB, UINT64_MAX - 1, 4, 0),
		     BLK_E_RANGE, "sector + count wraps");
	cr_assert_eq(blk_check_rw(0, MiB, 0, 1, 0), BLK_E_RANGE, "empty disk");
}

Test(user_blk, batch_tables)
{
	uint64_t b = 1 << 20, t = sizeof(struct blk_batch_entry);

	cr_assert_eq(blk_check_batch(b, 1, 0), BLK_OK);
	cr_assert_eq(blk_check_batch(b, BLK_BATCH_MAX, b - BLK_BATCH_MAX * t),
		     BLK_OK, "the table ends at the buffer's end");
	cr_assert_eq(blk_check_batch(b, 0, 0), BLK_E_BAD_REQUEST);
	cr_assert_eq(blk_check_batch(b, BLK_BATCH_MAX + 1, 0), BLK_E_BAD_REQUEST);
	cr_assert_eq(blk_check_batch(b, ~0ull, 0), BLK_E_BAD_REQUEST);
	cr_assert_eq(blk_check_batch(b, 1, 4), BLK_E_BAD_REQUEST, "unaligned");
	cr_assert_eq(blk_check_batch(b, 2, b - t), BLK_E_BAD_REQUEST);
	cr_assert_eq(blk_check_batch(b, 1, b), BLK_E_BAD_REQUEST);
	cr_assert_eq(blk_check_batch(b, 1, ~0ull - 7), BLK_E_BAD_REQUEST);
	cr_assert_eq(blk_check_batch(8, 1, 0), BLK_E_BAD_REQUEST,
		     "a buffer smaller than one entry");
}

#define T       16384ull        /* the table's offset in these tests */

Test(user_blk, batch_entries)
{
	struct blk_batch_entry e[4] = {
		{ .sector = 0, .count = 8, .offset = 0 },
		{ .sector = 100, .count = 1, .write = 1, .offset = 4096 },
		{ .sector = 999, .count = 1, .offset = 8192 },
		{ .sector = 50, .count = 16, .write = 1, .offset = 0 },
	};
	unsigned bad = 77;

	cr_assert_eq(blk_check_entries(1000, 65536, 0, T, e, 4, &bad), BLK_OK);
	cr_assert_eq(bad, 77, "untouched when all pass");
	cr_assert_eq(blk_check_entries(1000, 65536, 1, T, e, 4, &bad),
		     BLK_E_READ_ONLY);
	cr_assert_eq(bad, 1);
	e[2].sector = 1000;
	cr_assert_eq(blk_check_entries(1000, 65536, 0, T, e, 4, &bad), BLK_E_RANGE);
	cr_assert_eq(bad, 2);
	e[2].sector = 0;
	e[3].write = 3;
	cr_assert_eq(blk_check_entries(1000, 65536, 0, T, e, 4, &bad),
		     BLK_E_BAD_REQUEST);
	cr_assert_eq(bad, 3);
	e[3].write = 0;
	e[0].offset = 65536 - 512 * 7;
	cr_assert_eq(blk_check_entries(1000, 65536, 0, T, e, 4, &bad),
		     BLK_E_BAD_REQUEST, "data past the buffer");
	cr_assert_eq(bad, 0);
	e[0].offset = ~0ull - 511;
	cr_assert_eq(blk_check_entries(1000, 65536, 0, T, e, 4, &bad),
		     BLK_E_BAD_REQUEST, "an offset that wraps around");
	cr_assert_eq(bad, 0);
}

/* The table of 4 entries is bytes T..T+96 of the buffer. */
Test(user_blk, batch_entries_off_the_table)
{
	struct blk_batch_entry e[4] = {
		{ .sector = 0, .count = 8, .offset = T - 4096 },
		{ .sector = 8, .count = 1, .offset = T + 96 },
		{ .sector = 9, .count = 1, .offset = 0 },
		{ .sector = 10, .count = 1, .offset = 512 },
	};
	unsigned bad = 77;

	cr_assert_eq(blk_check_entries(1000, 65536, 0, T, e, 4, &bad), BLK_OK,
		     "data just before and just after the table");
	e[2].offset = T + 95;
	cr_assert_eq(blk_check_entries(1000, 65536, 0, T, e, 4, &bad),
		     BLK_E_BAD_REQUEST, "a read over the table's last byte");
	cr_assert_eq(bad, 2);
	e[2].offset = 0;
	e[3] = (struct blk_batch_entry){ .sector = 10, .count = 1,
					 .write = 1, .offset = T - 511 };
	cr_assert_eq(blk_check_entries(1000, 65536, 0, T, e, 4, &bad),
		     BLK_E_BAD_REQUEST, "a write from the table's first byte");
	cr_assert_eq(bad, 3);
	e[3].offset = T - 4096 - 512;
	e[3].count = 16;
	cr_assert_eq(blk_check_entries(1000, 65536, 0, T, e, 4, &bad),
		     BLK_E_BAD_REQUEST, "data all around the table");
	cr_assert_eq(bad, 3);
}
