/*
 * A split virtqueue (virtio 1.x, 2.7) seen from the device, with the
 * guest never trusted: ring addresses, every descriptor address and
 * length, NEXT indices and chain lengths are checked against guest RAM
 * and the queue size before use. A violation is reported as -1; the
 * device then marks itself DEVICE_NEEDS_RESET.
 */
#ifndef VMM_VIRTQ_H
#define VMM_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>
#include "mem.h"

#define VIRTQ_MAX       256     /* the largest queue we offer */

struct virtq {
	uint16_t num;           /* size, set by the driver */
	bool ready;
	gpa_t desc, avail, used;
	uint16_t last_avail;    /* next avail entry to take */
	uint16_t used_idx;
};

struct virtq_seg {
	gpa_t addr;
	uint32_t len;
	bool write;             /* device-writable */
};

struct virtq_chain {
	uint16_t head;
	unsigned n;
	struct virtq_seg seg[VIRTQ_MAX];
};

/* Whether num is a size the driver may choose (a power of two, 1..max). */
bool virtq_num_ok(uint32_t num);
/* Take the next chain the driver made available: 1, 0 if none, -1 if
 * the driver broke the rules (why in *why). */
int virtq_pop(struct virtq *q, const struct mem *m, struct virtq_chain *c,
	      const char **why);
/* Give chain head back with len bytes written; 0, or -1 if the used ring
 * is outside RAM. */
int virtq_push(struct virtq *q, const struct mem *m, uint16_t head,
	       uint32_t len);
/* Whether every segment of c is device-writable (write) or every one
 * device-readable (!write). */
bool virtq_chain_is(const struct virtq_chain *c, bool write);

#endif
