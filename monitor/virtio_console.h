/*
 * virtio-console (device 3, virtio 1.x 5.3) over two host fds: port 0,
 * the console port. receiveq (0) gets the bytes read from in_fd;
 * transmitq (1) bytes go to out_fd. MULTIPORT is offered (max_nr_ports
 * 1) only for its control queues (2: to the driver, 3: from it), which
 * carry the one thing a single port cannot say: that in_fd has ended.
 * When input ends and every byte of it is in the driver's buffers, the
 * device sends PORT_OPEN(0, 0), the host side closed, as QEMU does when
 * its character device closes; output goes on. A driver that does not
 * take MULTIPORT gets port 0 alone and never hears of the end. Every buffer goes through the
 * checked virtqueue (virtq.c): a receive buffer the device may not write
 * or a transmit buffer it may not read marks the device broken.
 *
 * Input is read only when the I/O thread says in_fd is readable
 * (vcons_input, an iothread_watch handler), at most VCONS_IN_BYTES at a
 * time, one read() per readiness, so in_fd need not be non-blocking. What
 * no receive buffer can take yet waits here and the watch pauses until
 * the driver posts buffers (notify on receiveq), so input is never lost
 * and never spins. End of input (read 0 or an error) stops reading.
 * Output is written in full, waiting for a non-blocking out_fd to drain;
 * a failed write (EPIPE, ...) drops output from then on.
 *
 * The terminal is the caller's business: for character-at-a-time input
 * put a tty in_fd in raw mode (keep ISIG so ^C still stops the monitor)
 * and restore it at exit. ./vmm's console, on stdin and stdout unless
 * --no-console, does (term.c); virtio_console.c registers it
 * (devices.h).
 */
#ifndef VMM_VIRTIO_CONSOLE_H
#define VMM_VIRTIO_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem.h"
#include "virtio_mmio.h"

#define VCONS_ID_CONSOLE        3
#define VCONS_RX                0       /* receiveq: host to guest */
#define VCONS_TX                1       /* transmitq: guest to host */
#define VCONS_CTRL_RX           2       /* control: device to driver */
#define VCONS_CTRL_TX           3       /* control: driver to device */
#define VCONS_IN_BYTES          256     /* input held for the guest */
#define VCONS_F_MULTIPORT       (1ull << 1)

/* Control messages (virtio 1.x 5.3.6.2): little-endian, 8 bytes. */
enum vcons_event {
	VCONS_DEVICE_READY = 0,
	VCONS_DEVICE_ADD = 1,
	VCONS_PORT_READY = 3,
	VCONS_CONSOLE_PORT = 4,
	VCONS_PORT_OPEN = 6,
};

struct vcons_ctrl {
	uint32_t id;
	uint16_t event, value;
};

#define VCONS_CTRL_PENDING      8

struct vcons {
	struct virtio_dev dev;
	int in_fd;                      /* -1: no input (not owned) */
	int out_fd;                     /* not owned */
	bool in_done;                   /* end of input or a read error */
	bool out_failed;                /* a write failed: output dropped */
	size_t in_len, in_off;          /* in[in_off, in_len) not yet taken */
	uint8_t in[VCONS_IN_BYTES];
	uint64_t out_bytes;             /* written to out_fd so far */
	struct virtq_chain chain;       /* scratch for one request */
	/* MULTIPORT: control messages not yet delivered, whether the
	 * driver's port 0 is ready, whether the end was sent. */
	struct vcons_ctrl pending[VCONS_CTRL_PENDING];
	struct virtq_chain ctrl_chain;  /* scratch: a message may be sent
					   while chain is being served */
	unsigned npending;
	bool port_ready, eof_sent;
};

/* Set up c over guest RAM m with input from in_fd (-1: none) and output
 * to out_fd. Then iothread_add(&c->dev) and, with input,
 * iothread_watch(&c->dev, in_fd, vcons_input). */
void vcons_init(struct vcons *c, const struct mem *m, int in_fd, int out_fd);

/*
 * in_fd is readable: read once if nothing is held, hand what is held to
 * the guest's receive buffers. Returns true to keep watching, false to
 * pause until the next notify (input held, or input ended). Device lock
 * held, device live (iothread_watch_fn).
 */
bool vcons_input(struct virtio_dev *d);

#endif
