/*
 * The virtio-net device (virtio 1.x, 5.1) behind the net server: receive
 * queue 0 kept full of NIC_BUFS buffers, transmit queue 1 with NIC_BUFS
 * buffers of its own. Each buffer starts with the 12-byte virtio_net_hdr
 * (VERSION_1: num_buffers included); no offloads are negotiated, so the
 * header we send is all zeros and the one we receive is ignored.
 * Frames are copied in and out of the DMA buffers: nothing else the
 * server owns is ever shown to the device.
 */
#ifndef NET_NIC_H
#define NET_NIC_H

#include <stddef.h>
#include <stdint.h>
#include "virtio.h"

#define NIC_BUFS        16
#define NIC_BUF_SIZE    2048
#define VIRTIO_NET_F_MAC        (1ull << 5)
#define VIRTIO_NET_HDR_LEN      12

struct nic {
	struct virtio_dev dev;
	struct virtq rx, tx;
	uint64_t ntfn;                  /* the device's IRQ signals it */
	uint8_t mac[6];
	int broken;                     /* the device broke the protocol */
	uint8_t *buf;                   /* rx buffers, then tx buffers */
	uint64_t buf_phys;
	int16_t rx_of[VIRTQ_SIZE_MAX];  /* by chain head: rx buffer, -1 */
	int16_t tx_of[VIRTQ_SIZE_MAX];  /* by chain head: tx buffer, -1 */
	uint8_t tx_busy[NIC_BUFS];
};

/* Brings up the device the server was given (UK_SLOT_DEV_MMIO and
 * UK_SLOT_DEV_IRQ): maps it, binds its interrupt to a new notification
 * (n->ntfn), negotiates, fills the receive queue, reads the MAC (a fixed
 * local one when the device has none). Returns 0, or -1 after logging
 * why. */
int nic_init(struct nic *n);

/* Acknowledges the interrupt, then takes every received frame to
 * input(frame, len, ctx) (in the device's order; the frame is only
 * valid during the call), gives the buffers back and collects finished
 * transmissions. Call after each wake-up of n->ntfn, and whenever. */
void nic_poll(struct nic *n, void (*input)(const uint8_t *, size_t, void *),
	      void *ctx);

/* Whether every frame given to nic_tx has been sent (finished ones are
 * collected first); a broken device counts as idle. */
int nic_tx_idle(struct nic *n);

/* Sends one Ethernet frame (<= NIC_BUF_SIZE - 12 bytes). 0, or -1 when
 * every transmit buffer is in flight or the device is broken. */
int nic_tx(struct nic *n, const void *frame, size_t len);

#endif
