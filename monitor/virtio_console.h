/*
 * virtio-console (device 3, virtio 1.x 5.3) over two host fds: port 0
 * only, no features (no MULTIPORT, SIZE or EMERG_WRITE), so its config
 * space reads as zeros. receiveq (0) gets the bytes read from in_fd;
 * transmitq (1) bytes go to out_fd. Every buffer goes through the
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
#define VCONS_IN_BYTES          256     /* input held for the guest */

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
