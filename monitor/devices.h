/*
 * The virtio devices of one run, from the command line: --disk (blk),
 * --net (net), and the console unless --no-console. They take MMIO
 * windows 0, 1, 2... in that order (so the only device is always window
 * 0, GSI 5) and are announced on the kernel command line as QEMU
 * microvm does. Every device is served by the I/O thread.
 */
#ifndef VMM_DEVICES_H
#define VMM_DEVICES_H

#include <stdbool.h>

#include "cli.h"
#include "iothread.h"
#include "virtio_blk.h"
#include "virtio_console.h"
#include "virtio_net.h"

struct devices {
	struct vblk blk;
	struct vnet net;
	struct vcons cons;
	bool has_blk, has_net, has_cons;
	int tap_fd;             /* -1: none */
	int serial_fd;          /* the UART's output: stdout or --serial */
	int ready_fd;           /* stands in for an stdin epoll refuses */
};

/* Nothing open; devices_close is safe after this. */
void devices_init(struct devices *dv);

/*
 * Before KVM is touched: open the disk image, the TAP device and the
 * --serial file, and announce the devices on c->cmdline. Each device
 * keeps m, which is mapped later. 0, or -1 with err (a usage error: the
 * message names the option).
 */
int devices_open(struct devices *dv, struct cli *c, const struct mem *m,
		 struct errmsg *err);

/* Add every device to io (claiming its window on mmio) and watch the
 * console's and the TAP's input. 0, or -1 with err. */
int devices_attach(struct devices *dv, struct iothread *io, struct bus *mmio,
		   struct errmsg *err);

/* Close what devices_open opened (not stdin/stdout). */
void devices_close(struct devices *dv);

#endif
