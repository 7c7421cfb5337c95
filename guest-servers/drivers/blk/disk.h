/*
 * The virtio-blk device (virtio 1.x, 5.2) behind the block server: one
 * request queue, requests of header + data + status byte. A transfer is
 * cut into requests of at most `chunk` sectors that are all in flight at
 * once (up to DISK_REQS); the device may finish them in any order.
 * Completions arrive as interrupts on a notification; the server is one
 * thread, so each call below returns only when its requests are done.
 */
#ifndef BLK_DISK_H
#define BLK_DISK_H

#include <stdint.h>
#include <proto/blk.h>
#include "virtio.h"

#define DISK_REQS       16      /* requests in flight at most */

struct disk_req;                /* in DMA memory: header and status */

struct disk {
	struct virtio_dev dev;
	struct virtq q;
	uint64_t ntfn;                  /* the device's IRQ signals it */
	uint64_t capacity;              /* in 512-byte sectors */
	uint32_t block_size;            /* bytes; 512 unless the device says */
	uint32_t chunk;                 /* sectors per request at most */
	int read_only;
	int can_flush;
	int broken;                     /* the device broke the protocol */
	volatile struct disk_req *reqs; /* DISK_REQS of them */
	uint64_t reqs_phys;
	int head[DISK_REQS];            /* chain of request i, -1: free */
	unsigned io[DISK_REQS];         /* the transfer request i is part of */
};

/* One transfer: count sectors from sector, to or from the physically
 * contiguous memory at phys. */
struct disk_io {
	int write;                      /* memory to disk */
	uint64_t sector, count, phys;
};

/* Brings up the device the server was given (UK_SLOT_DEV_MMIO and
 * UK_SLOT_DEV_IRQ): maps it, negotiates, sets up the queue and reads the
 * configuration. Returns 0, or -1 after logging why (the device is then
 * marked FAILED when it was reached). */
int disk_init(struct disk *d);

/* Moves count sectors starting at sector between the disk and the
 * physically contiguous memory at phys (write: memory to disk). The
 * caller has checked the range. Returns BLK_OK, or BLK_E_IO when the
 * device failed a request or is broken. */
enum blk_err disk_rw(struct disk *d, int write, uint64_t sector,
		     uint64_t count, uint64_t phys);

/* The n transfers, checked by the caller, all in flight together (as
 * many requests as the queue takes). BLK_OK, or BLK_E_IO with the index
 * of the first transfer that failed (n if the device broke) in *bad. */
enum blk_err disk_rwv(struct disk *d, const struct disk_io *io, unsigned n,
		      unsigned *bad);

/* Makes earlier writes durable (nothing to do when the device offers no
 * flush: it is write-through then). BLK_OK or BLK_E_IO. */
enum blk_err disk_flush(struct disk *d);

#endif
