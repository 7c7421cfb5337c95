#include "disk.h"
#include <proto/blk.h>
#include "uk.h"
#include "ulib.h"

#define SECTORS_PER_PAGE (DISK_PAGE / BLK_SECTOR_SIZE)
#define LOOKUP_TRIES    10000   /* yields while "blk" is not registered */
#define TABLE_OFF       ((uint64_t)DISK_CACHE * DISK_PAGE)

int disk_open(struct disk *d)
{
	*d = (struct disk){ 0 };
	for (unsigned h = 0; h < DISK_HASH; h++)
		d->hash[h] = -1;
	if (blkc_open(&d->blk, (DISK_CACHE + 1) * DISK_PAGE / UK_PAGE_SIZE,
		      LOOKUP_TRIES) != 0)
		return -1;
	d->bytes = d->blk.capacity * BLK_SECTOR_SIZE;
	return 0;
}

int disk_read_only(const struct disk *d)
{
	return (d->blk.flags & BLK_INFO_READ_ONLY) != 0;
}

/* The batch entry moving cache slot i to or from its page. */
static struct blk_batch_entry entry(const struct disk *d, unsigned i,
				    int write)
{
	uint64_t sector = (d->tag[i] - 1) * SECTORS_PER_PAGE;
	uint64_t count = d->blk.capacity - sector;

	if (count > SECTORS_PER_PAGE)
		count = SECTORS_PER_PAGE;
	return (struct blk_batch_entry){ .sector = sector,
					 .count = (uint32_t)count,
					 .write = (uint32_t)write,
					 .offset = (uint64_t)i * DISK_PAGE };
}

static int batch(struct disk *d, const struct blk_batch_entry *e, unsigned n)
{
	if (n && blkc_batch(&d->blk, e, n, TABLE_OFF, NULL) != BLK_OK) {
		d->failed = 1;
		return -1;
	}
	return 0;
}

/* Writes every dirty page, DISK_BATCH at a time. */
static int write_back(struct disk *d)
{
	struct blk_batch_entry e[DISK_BATCH];
	unsigned n = 0, done[DISK_BATCH];

	if (d->failed)
		return -1;
	for (unsigned i = 0; i <= DISK_CACHE; i++) {
		if (i < DISK_CACHE && d->dirty[i]) {
			done[n] = i;
			e[n++] = entry(d, i, 1);
		}
		if (n == DISK_BATCH || (i == DISK_CACHE && n)) {
			if (batch(d, e, n) < 0)
				return -1;
			while (n)
				d->dirty[done[--n]] = 0;
		}
	}
	return 0;
}

/* The least recently used slot, written back first if dirty; -1 on an
 * error. Not one of the n slots in taken. */
static int victim(struct disk *d, const unsigned *taken, unsigned n)
{
	unsigned v = DISK_CACHE;

	for (unsigned i = 0; i < DISK_CACHE; i++) {
		unsigned k;

		for (k = 0; k < n && taken[k] != i; k++)
			;
		if (k == n && (v == DISK_CACHE || d->age[i] < d->age[v]))
			v = i;
	}
	if (d->dirty[v] && write_back(d) < 0)
		return -1;
	return (int)v;
}

/* The slot holding page p, or -1: a hash of the page number first (a
 * slot's page may have moved on, so it is checked), then a search. */
static int cached(struct disk *d, uint64_t p)
{
	unsigned h = (unsigned)(p * 2654435761u) % DISK_HASH;
	int i = d->hash[h];

	if (i >= 0 && d->tag[i] == p + 1)
		return i;
	for (unsigned k = 0; k < DISK_CACHE; k++)
		if (d->tag[k] == p + 1) {
			d->hash[h] = (int16_t)k;
			return (int)k;
		}
	return -1;
}

/* The cache slot holding page p, read in if needed (with the pages
 * after it when the misses run in order); -1 on an error. */
static int page(struct disk *d, uint64_t p)
{
	uint64_t pages = (d->blk.capacity + SECTORS_PER_PAGE - 1) /
			 SECTORS_PER_PAGE;
	struct blk_batch_entry e[DISK_BATCH];
	unsigned slot[DISK_BATCH], n = 0, ahead;
	int i = cached(d, p);

	if (i >= 0) {
		d->age[i] = ++d->clock;
		return i;
	}
	if (d->failed || p >= pages)
		return -1;
	ahead = d->last_miss == p ? DISK_BATCH : 1;
	for (uint64_t q = p; q < pages && n < ahead; q++) {
		int v;

		if (q > p && cached(d, q) >= 0)
			break;
		if ((v = victim(d, slot, n)) < 0)
			return -1;
		slot[n] = (unsigned)v;
		d->tag[v] = q + 1;
		e[n] = entry(d, (unsigned)v, 0);
		n++;
	}
	if (batch(d, e, n) < 0) {
		for (unsigned k = 0; k < n; k++)
			d->tag[slot[k]] = 0;
		return -1;
	}
	for (unsigned k = 0; k < n; k++)
		d->age[slot[k]] = ++d->clock;
	d->last_miss = p + n + 1;
	return (int)slot[0];
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
		uint64_t p = off / DISK_PAGE;
		int i = cached(d, p);

		if (k > n)
			k = n;
		/* A whole page written need not be read first. */
		if (i < 0 && k == DISK_PAGE && !d->failed &&
		    (i = victim(d, NULL, 0)) >= 0) {
			d->tag[i] = p + 1;
			d->age[i] = ++d->clock;
		}
		if (i < 0)
			i = page(d, p);
		if (i < 0)
			return -1;
		memcpy(d->blk.buf + (uint64_t)i * DISK_PAGE + in, src, k);
		d->dirty[i] = 1;
		src += k;
		off += k;
		n -= k;
	}
	return 0;
}

int disk_flush(struct disk *d)
{
	if (write_back(d) < 0 || blkc_flush(&d->blk) != BLK_OK) {
		d->failed = 1;
		return -1;
	}
	return 0;
}
