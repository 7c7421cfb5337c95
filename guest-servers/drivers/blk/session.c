#include "session.h"

enum blk_err blk_check_rw(uint64_t capacity, uint64_t buf_bytes,
			  uint64_t sector, uint64_t count, uint64_t offset)
{
	if (count == 0 || count > buf_bytes / BLK_SECTOR_SIZE)
		return BLK_E_BAD_REQUEST;
	/* count * 512 <= buf_bytes now: no overflow. */
	if (offset > buf_bytes || count * BLK_SECTOR_SIZE > buf_bytes - offset)
		return BLK_E_BAD_REQUEST;
	if (sector > capacity || count > capacity - sector)
		return BLK_E_RANGE;
	return BLK_OK;
}

enum blk_err blk_check_batch(uint64_t buf_bytes, uint64_t n,
			     uint64_t table_off)
{
	uint64_t size = n * sizeof(struct blk_batch_entry);

	if (n == 0 || n > BLK_BATCH_MAX || table_off % 8 != 0)
		return BLK_E_BAD_REQUEST;
	/* n is small: size cannot overflow. */
	if (table_off > buf_bytes || size > buf_bytes - table_off)
		return BLK_E_BAD_REQUEST;
	return BLK_OK;
}

/* Whether count sectors at byte offset (inside the buffer) share a byte
 * with the table of n entries at table_off (inside it too). */
static int on_table(uint64_t offset, uint64_t count, uint64_t table_off,
		    unsigned n)
{
	return offset < table_off + n * sizeof(struct blk_batch_entry) &&
	       table_off < offset + count * BLK_SECTOR_SIZE;
}

enum blk_err blk_check_entries(uint64_t capacity, uint64_t buf_bytes,
			       int read_only, uint64_t table_off,
			       const struct blk_batch_entry *e, unsigned n,
			       unsigned *bad)
{
	for (unsigned i = 0; i < n; i++) {
		enum blk_err err = blk_check_rw(capacity, buf_bytes,
						e[i].sector, e[i].count,
						e[i].offset);

		/* Both ranges are inside the buffer now: no overflow. */
		if (err == BLK_OK && (e[i].write > 1 ||
		    on_table(e[i].offset, e[i].count, table_off, n)))
			err = BLK_E_BAD_REQUEST;
		if (err == BLK_OK && e[i].write && read_only)
			err = BLK_E_READ_ONLY;
		if (err != BLK_OK) {
			*bad = i;
			return err;
		}
	}
	return BLK_OK;
}
