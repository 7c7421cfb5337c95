/*
 * Requests in flight on the virtio-blk queue (disk.h): submit, notify,
 * wait for the interrupt, collect completions in whatever order the
 * device finishes them.
 *
 * The IOAPIC delivers the device's interrupt edge-triggered, and the
 * virtio-mmio line stays up while InterruptStatus is non-zero: a
 * completion that lands while the status is still set makes no new
 * edge. So after each wake-up the status is acknowledged first and the
 * used ring drained after: whatever finished before the acknowledgement
 * is found by the drain, whatever finishes after it raises a new edge,
 * and the notification keeps that edge until the next wait.
 */
#include "disk.h"
#include "virtio_blk.h"
#include "uk.h"
#include "ulib.h"

/* The device broke the protocol: stop it (no more DMA), fail all. */
static void broken(struct disk *d, const char *why)
{
	if (!d->broken)
		eprintf("blk: device broken: %s; reset\n", why);
	d->broken = 1;
	virtio_reset(d->dev.regs);
	for (unsigned i = 0; i < DISK_REQS; i++)
		d->head[i] = -1;
}

/* Offers one request of transfer io (data: bytes at phys, none when
 * bytes is 0). Returns 0, or -1 when no request slot or descriptors are
 * free. */
static int submit(struct disk *d, uint32_t type, uint64_t sector,
		  uint64_t phys, uint32_t bytes, unsigned io)
{
	struct virtq_buf b[3];
	unsigned i, n = 0;
	uint64_t hdr;
	int head;

	for (i = 0; i < DISK_REQS && d->head[i] >= 0; i++)
		;
	if (i == DISK_REQS)
		return -1;
	d->reqs[i].type = type;
	d->reqs[i].reserved = 0;
	d->reqs[i].sector = sector;
	d->reqs[i].status = 0xff;       /* not written by the device yet */
	hdr = d->reqs_phys + i * sizeof(struct disk_req);
	b[n++] = (struct virtq_buf){ hdr, 16, 0 };
	if (bytes)
		b[n++] = (struct virtq_buf){ phys, bytes,
					     type == VIRTIO_BLK_T_IN };
	b[n++] = (struct virtq_buf){ hdr + DISK_REQ_STATUS, 1, 1 };
	head = virtq_add(&d->q, b, n);
	if (head < 0)
		return -1;
	d->head[i] = head;
	d->io[i] = io;
	return 0;
}

static void kick(struct disk *d)
{
	if (!virtq_notify_off(&d->q))
		virtio_notify(&d->dev, 0);
}

/* Collects finished requests; a failed one sets *err and lowers *bad to
 * its transfer. Returns how many. */
static unsigned drain(struct disk *d, enum blk_err *err, unsigned *bad)
{
	unsigned done = 0;
	uint32_t len;
	int head;

	while ((head = virtq_get(&d->q, &len)) >= 0) {
		unsigned i;

		for (i = 0; i < DISK_REQS && d->head[i] != head; i++)
			;
		if (i == DISK_REQS) {
			broken(d, "completion of no request");
			return done;
		}
		if (d->reqs[i].status != VIRTIO_BLK_S_OK) {
			*err = BLK_E_IO;
			if (d->io[i] < *bad)
				*bad = d->io[i];
		}
		d->head[i] = -1;
		done++;
	}
	if (head == -2)
		broken(d, "bad used ring");
	return done;
}

/* Waits until at least one request finished; returns how many did (0:
 * the device is broken). */
static unsigned complete(struct disk *d, enum blk_err *err, unsigned *bad)
{
	unsigned done = 0;
	uint64_t bits;

	while (!d->broken && (done = drain(d, err, bad)) == 0) {
		if (uk_wait(d->ntfn, &bits) != UK_OK) {
			broken(d, "interrupt notification gone");
			break;
		}
		if ((virtio_irq_ack(&d->dev) & VIRTIO_INT_CONFIG) &&
		    virtio_broken(&d->dev))
			broken(d, "it needs a reset");
	}
	return d->broken ? 0 : done;
}

/*
 * Offers the requests of transfers io[*t..n) that fit, from sector *next
 * of transfer *t on, moving *t and *next along; the number offered.
 */
static unsigned offer(struct disk *d, const struct disk_io *io, unsigned n,
		      unsigned *t, uint64_t *next)
{
	unsigned offered = 0;

	while (*t < n) {
		const struct disk_io *x = &io[*t];
		uint64_t k = x->count - *next < d->chunk ? x->count - *next :
			     d->chunk;

		if (submit(d, x->write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN,
			   x->sector + *next, x->phys + *next * BLK_SECTOR_SIZE,
			   (uint32_t)(k * BLK_SECTOR_SIZE), *t) < 0)
			break;
		offered++;
		*next += k;
		if (*next == x->count) {
			(*t)++;
			*next = 0;
		}
	}
	return offered;
}

enum blk_err disk_rwv(struct disk *d, const struct disk_io *io, unsigned n,
		      unsigned *bad)
{
	enum blk_err err = BLK_OK;
	uint64_t next = 0;      /* sectors of transfer t offered so far */
	unsigned t = 0, busy = 0;       /* requests in flight */

	*bad = n;
	while (!d->broken && (t < n || busy)) {
		unsigned offered = err == BLK_OK ? offer(d, io, n, &t, &next) : 0;

		if (offered)
			kick(d);
		busy += offered;
		if (!busy && t < n && err == BLK_OK) {
			*bad = t;
			return BLK_E_IO;        /* nothing fits: cannot be */
		}
		if (err != BLK_OK)
			t = n;  /* offer no more; wait for the rest */
		if (busy)
			busy -= complete(d, &err, bad);
	}
	if (d->broken) {
		*bad = n;
		return BLK_E_IO;
	}
	return err;
}

enum blk_err disk_rw(struct disk *d, int write, uint64_t sector,
		     uint64_t count, uint64_t phys)
{
	struct disk_io io = { write, sector, count, phys };
	unsigned bad;

	return disk_rwv(d, &io, 1, &bad);
}

enum blk_err disk_flush(struct disk *d)
{
	enum blk_err err = BLK_OK;
	unsigned bad;

	if (d->broken)
		return BLK_E_IO;
	if (!d->can_flush)
		return BLK_OK;
	if (submit(d, VIRTIO_BLK_T_FLUSH, 0, 0, 0, 0) < 0)
		return BLK_E_IO;        /* cannot happen: nothing in flight */
	kick(d);
	complete(d, &err, &bad);
	return d->broken ? BLK_E_IO : err;
}
