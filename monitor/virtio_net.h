/*
 * virtio-net (device 1, virtio 1.x 5.1) over a host fd that carries one
 * Ethernet frame per read and per write: a TAP device opened with
 * IFF_TAP | IFF_NO_PI (tap.c) for `--net tap=NAME[,mac=MAC]`, which
 * virtio_net.c registers (devices.h), or a SOCK_SEQPACKET socket in the
 * tests.
 * Offered: VERSION_1 and MAC only (no checksum offload, no GSO, no
 * mergeable buffers, no control queue), so the 12-byte virtio_net_hdr is
 * all zeros but num_buffers = 1 on receive, and is dropped on transmit.
 *
 * transmitq (1): each chain is a header and a frame, device-readable
 * only; the frame goes to the fd in one writev, straight from guest RAM.
 * A frame the fd will not take now (EAGAIN) is dropped, as a full NIC
 * would; so is one shorter than an Ethernet header or longer than
 * VNET_FRAME_MAX.
 *
 * receiveq (0): vnet_input (an iothread_watch handler) reads frames while
 * the driver has buffers; a frame with no buffer to go to is held and the
 * watch pauses until the driver posts buffers, so the device never spins
 * and never reads what it cannot deliver. A frame larger than the
 * buffer it gets is dropped and the buffer returned empty (the driver
 * was told, by the absence of MRG_RXBUF, to post buffers of at least
 * VNET_HDR_LEN + 1514 bytes).
 *
 * A buffer of the wrong direction marks the device broken (virtq.c
 * checks everything else); drops are counted and logged once with -v.
 */
#ifndef VMM_VIRTIO_NET_H
#define VMM_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "log.h"
#include "mem.h"
#include "virtio_mmio.h"

#define VNET_ID_NET             1
#define VNET_RX                 0
#define VNET_TX                 1
#define VNET_F_MAC              (1ull << 5)
#define VNET_HDR_LEN            12      /* virtio_net_hdr with num_buffers */
#define VNET_ETH_HLEN           14
#define VNET_FRAME_MAX          1518    /* 1500 bytes of MTU, VLAN tag */
#define VNET_BATCH              64      /* frames per vnet_input call */
#define VNET_TAP_NAME_MAX       15      /* IFNAMSIZ - 1 */

struct vnet {
	struct virtio_dev dev;
	int fd;                         /* the frames (not owned) */
	uint8_t mac[6];
	size_t held;                    /* length of frame[]: 0, none */
	uint8_t frame[VNET_FRAME_MAX + 1];      /* +1: sees oversized */
	uint64_t rx_frames, tx_frames;
	uint64_t rx_dropped, tx_dropped;
	struct virtq_chain chain;       /* scratch for one request */
};

/*
 * Parse "tap=NAME[,mac=MAC]": the TAP name into name (VNET_TAP_NAME_MAX
 * + 1 bytes) and the MAC into mac; without mac=, vnet_default_mac(name).
 * A MAC must be six hex pairs split by ':' and unicast. 0, or -1 with
 * err.
 */
int vnet_parse(const char *spec, char *name, uint8_t mac[6],
	       struct errmsg *err);

/* A locally administered 52:54:00:xx:xx:xx, the same for the same
 * name every time (a hash of it), so a guest keeps its ARP entries and
 * DHCP leases across boots. */
void vnet_default_mac(const char *name, uint8_t mac[6]);

/* Set n up over guest RAM m, frames on fd (non-blocking), address mac.
 * Then iothread_add(&n->dev) and iothread_watch(&n->dev, fd, vnet_input). */
void vnet_init(struct vnet *n, const struct mem *m, int fd,
	       const uint8_t mac[6]);

/* fd is readable: move frames to the guest's receive buffers. Returns
 * true to keep watching, false to pause until the next notify. Device
 * lock held, device live (iothread_watch_fn). */
bool vnet_input(struct virtio_dev *d);

#endif
