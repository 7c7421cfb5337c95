#include "disk.h"
#include <proto/blk.h>
#include "uk.h"
#include "ulib.h"

#define SECTORS_PER_PAGE (DISK_PAGE / BLK_SECTOR_SIZE)
#define LOOKUP_TRIES    10000   /* yields while "blk" is not registered */

int disk_open(struct disk *d)
{
	*d = (struct disk){ 0 };
	if (blkc_open(&d->blk, DISK_CACHE * DISK_PAGE / UK_PAGE_SIZE,
		      LOOKUP_TRIES) != 0)
		return -1;
	d->bytes = d->blk.capacity * BLK_SECTOR_SIZE;
	return 0;
}

int disk_read_only(const struct disk *d)
{
	return (d->blk.flags & BLK_INFO_READ_ONLY) != 0;
}

/* The cache slot holding page p, read in if needed; -1 on an error. */
static int page(struct disk *d, uint64_t p)
{
	uint64_t sector = p * SECTORS_PER_PAGE, count;
	unsigned victim = 0;

	for (unsigned i = 0; i < DISK_CACHE; i++) {
		if (d->tag[i] == p + 1) {
			d->age[i] = ++d->clock;
			return (int)i;
		}
		if (d->age[i] < d->age[victim])
			victim = i;
	}
	if (d->failed || sector >= d->blk.capacity)
		return -1;
	count = d->blk.capacity - sector;
	if (count > SECTORS_PER_PAGE)
		count = SECTORS_PER_PAGE;
	d->tag[victim] = 0;
	if (blkc_rw(&d->blk, BLK_OP_READ, sector, count,
		    (uint64_t)victim * DISK_PAGE) != BLK_OK) {
		d->failed = 1;
		return -1;
	}
	d->tag[victim] = p + 1;
	d->age[victim] = ++d->clock;
	return (int)victim;
}

int disk_read(void *ctx, uint64_t off, void *buf, size_t n)
{
	struct disk *d = ctx;
	uint8_t *out = buf;

	if (off > d->bytes || n > d->bytes - off)
		return -1;
	while (n) {
		uint64_t in = off % DISK_PAGE, k = DISK_PAGE - in;
		int i = page(d, off / DISK_PAGE);

		if (i < 0)
			return -1;
		if (k > n)
			k = n;
		memcpy(out, d->blk.buf + (uint64_t)i * DISK_PAGE + in, k);
		out += k;
		off += k;
		n -= k;
	}
	return 0;
}

int disk_write(void *ctx, uint64_t off, const void *buf, size_t n)
{
	struct disk *d = ctx;
	const uint8_t *src = buf;

	if (off > d->bytes || n > d->bytes - off || disk_read_only(d))
		return -1;
	while (n) {
		uint64_t in = off % DISK_PAGE, k = DISK_PAGE - in;
		uint64_t first, last;
		int i = page(d, off / DISK_PAGE);

		if (i < 0)
			return -1;
		if (k > n)
			k = n;
		memcpy(d->blk.buf + (uint64_t)i * DISK_PAGE + in, src, k);
		/* Only the sectors touched go to the disk. */
		first = in / BLK_SECTOR_SIZE;
		last = (in + k + BLK_SECTOR_SIZE - 1) / BLK_SECTOR_SIZE;
		if (blkc_rw(&d->blk, BLK_OP_WRITE,
			    off / DISK_PAGE * SECTORS_PER_PAGE + first,
			    last - first, (uint64_t)i * DISK_PAGE +
			    first * BLK_SECTOR_SIZE) != BLK_OK) {
			d->failed = 1;
			d->tag[i] = 0;
			return -1;
		}
		src += k;
		off += k;
		n -= k;
	}
	return 0;
}

int disk_flush(struct disk *d)
{
	if (d->failed || blkc_flush(&d->blk) != BLK_OK)
		return -1;
	return 0;
}
