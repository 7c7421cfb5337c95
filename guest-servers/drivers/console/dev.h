/*
 * The virtio-console device (virtio 1.x, 5.3) behind the console
 * server: port 0, receiveq 0 and transmitq 1. Received bytes go into a
 * ring here; the device gets a buffer back only when the ring has room
 * for it, so a full ring stalls the device instead of losing input.
 * When the device offers MULTIPORT, its control queues (2, 3) are set
 * up for one message only: PORT_OPEN(0, 0), the host side closed,
 * which is how the end of the host's input arrives (dev_eof).
 */
#ifndef CONSOLE_DEV_H
#define CONSOLE_DEV_H

#include <stddef.h>
#include <stdint.h>
#include "virtio.h"

#define DEV_RX_BUFS     16
#define DEV_RX_BYTES    64              /* each receive buffer */
#define DEV_IN_BYTES    4096            /* the input ring */
#define DEV_CTRL_BUFS   8               /* control receive buffers */

struct cons_dev {
	struct virtio_dev dev;
	struct virtq rx, tx;
	uint64_t ntfn;                  /* the device's IRQ signals it */
	volatile uint8_t *dma;          /* rx buffers, then the tx buffer */
	uint64_t dma_phys;
	int broken;
	uint8_t in[DEV_IN_BYTES];       /* received, not yet read */
	size_t in_head, in_len;
	int rx_head[DEV_RX_BUFS];       /* chain of rx buffer i, -1: none */
	struct virtq crx, ctx;          /* MULTIPORT's control queues */
	int crx_head[DEV_CTRL_BUFS];
	int multiport;
	int host_closed;                /* PORT_OPEN(0, 0) arrived */
};

/* Brings up the device given to the server (UK_SLOT_DEV_MMIO, _IRQ).
 * Returns 0, or -1 after logging why. */
int dev_init(struct cons_dev *d);

/* Takes in what the device received (acknowledges its interrupt). */
void dev_poll(struct cons_dev *d);

/* Writes n bytes (<= 4096) and waits (on the interrupt) until the device
 * has taken them; takes in input too. 0, or -1 when the device is
 * broken. */
int dev_write(struct cons_dev *d, const void *buf, size_t n);

/* Moves up to n bytes of input to buf; returns how many. */
size_t dev_read(struct cons_dev *d, void *buf, size_t n);

/* Whether the host's input has ended and every byte of it was read. */
int dev_eof(struct cons_dev *d);

#endif
