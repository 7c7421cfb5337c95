/*
 * A split virtqueue (virtio 1.x, 2.7): descriptor table, available ring
 * and used ring in one physically contiguous memory block that the
 * driver owns. Pure logic, no system calls (host-tested).
 *
 * The device shares the block: it may write anything into the used ring
 * at any time. Nothing it writes is trusted: the chain links live in a
 * private copy, and a used entry must name a chain that is in flight.
 * Not thread-safe (a driver is one thread).
 */
#ifndef VIRTQ_H
#define VIRTQ_H

#include <stddef.h>
#include <stdint.h>

#define VIRTQ_SIZE_MAX          256

#define VIRTQ_DESC_F_NEXT       1
#define VIRTQ_DESC_F_WRITE      2       /* the device writes the buffer */
#define VIRTQ_USED_F_NO_NOTIFY  1

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];        /* size entries, then used_event */
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[]; /* size entries, then avail_event */
};

/* One buffer of a request: physical address, length, direction. */
struct virtq_buf {
	uint64_t phys;
	uint32_t len;
	int device_writes;
};

struct virtq {
	unsigned size;                  /* a power of two */
	volatile struct virtq_desc *desc;
	volatile struct virtq_avail *avail;
	volatile struct virtq_used *used;
	uint64_t desc_phys, avail_phys, used_phys;
	uint16_t free_head, nfree;     /* free descriptors */
	uint16_t inflight;              /* chains offered, not yet used */
	uint16_t avail_idx;             /* our copy of avail->idx */
	uint16_t last_used;             /* next used entry to read */
	uint16_t next[VIRTQ_SIZE_MAX];  /* private chain links */
	uint16_t chain[VIRTQ_SIZE_MAX]; /* by head: length, 0 = free */
};

/* Bytes of memory a queue of size entries needs (all three parts). */
size_t virtq_bytes(unsigned size);

/* Lays a queue of size entries (a power of two, <= VIRTQ_SIZE_MAX) out
 * in mem (zeroed, virtq_bytes(size), 16-aligned) at physical address
 * phys. Returns 0, or -1 for a bad size. */
int virtq_init(struct virtq *q, void *mem, uint64_t phys, unsigned size);

/* Makes b[0..n) one chain and offers it to the device (the caller then
 * notifies). Returns the chain's head (its id in the used ring), or -1
 * when fewer than n descriptors are free or n is 0. */
int virtq_add(struct virtq *q, const struct virtq_buf *b, unsigned n);

/* The next chain the device has finished, in the device's order: stores
 * the bytes it wrote in *len, frees the chain, returns its head. -1 when
 * there is none; -2 when the device broke the protocol (a used entry
 * naming no chain in flight, or more entries than were offered). */
int virtq_get(struct virtq *q, uint32_t *len);

/* Whether the device asked not to be notified (VIRTQ_USED_F_NO_NOTIFY);
 * call after virtq_add. */
int virtq_notify_off(const struct virtq *q);

#endif
