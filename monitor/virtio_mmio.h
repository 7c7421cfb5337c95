/*
 * The virtio-mmio transport, version 2 (modern only), as a device on the
 * MMIO bus: window n at PLAT_VIRTIO_MMIO_ADDR(n), interrupt
 * PLAT_VIRTIO_GSI(n) (platform.h), announced on the kernel command line
 * as QEMU microvm does. VIRTIO_F_VERSION_1 is offered and required. A
 * driver that breaks the rules gets DEVICE_NEEDS_RESET and nothing more;
 * the monitor and other devices go on.
 */
#ifndef VMM_VIRTIO_MMIO_H
#define VMM_VIRTIO_MMIO_H

#include <stdint.h>
#include "bus.h"
#include "mem.h"
#include "virtq.h"

#define VIRTIO_QUEUES_MAX       4       /* the console's, with MULTIPORT */
#define VIRTIO_F_VERSION_1      (1ull << 32)
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_NEEDS_RESET 64
/* The QueueNotify register's offset in a window (virtio 1.x, 4.2.2). */
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050

struct virtio_dev;

/* What a device type provides. */
struct virtio_ops {
	uint32_t device_id;
	unsigned nqueues;
	/* Config space byte off (0-based) for a read of size bytes; NULL:
	 * none, all zeros. */
	uint64_t (*config_read)(struct virtio_dev *d, uint64_t off,
				unsigned size);
	/* The driver notified queue q: process it. */
	void (*notify)(struct virtio_dev *d, unsigned q);
};

struct virtio_dev {
	const struct virtio_ops *ops;
	void *opaque;                   /* the device type's state */
	const struct mem *mem;
	uint64_t features;              /* offered (VERSION_1 added) */
	uint64_t driver_features;
	uint32_t dev_feat_sel, drv_feat_sel, queue_sel;
	uint32_t status, isr;
	struct virtq q[VIRTIO_QUEUES_MAX];
	/* Raise the interrupt (edge): set with virtio_set_irq. */
	void (*irq)(void *ctx, unsigned gsi);
	void *irq_ctx;
	unsigned gsi;
};

/* Set up d for ops over guest RAM m, offering features. */
void virtio_init(struct virtio_dev *d, const struct virtio_ops *ops,
		 void *opaque, const struct mem *m, uint64_t features);
/* Route d's interrupt: it is GSI gsi, and fn(ctx, gsi) raises it (fn
 * NULL: nothing does). For whoever serves d (iothread_add). */
void virtio_set_irq(struct virtio_dev *d, unsigned gsi,
		    void (*fn)(void *ctx, unsigned gsi), void *ctx);
/* The command-line announcement of window n into buf (QEMU's form). */
int virtio_announce(unsigned n, char *buf, unsigned size);
/* The driver broke the rules: DEVICE_NEEDS_RESET, tell it, log once. */
void virtio_broken(struct virtio_dev *d, const char *why);
/* Completed used buffers on a queue: set the ISR bit and interrupt. */
void virtio_interrupt(struct virtio_dev *d);

/*
 * Serve one chain (c) of a queue: the bytes written into it, its used
 * length, or -1 with *why when it breaks the rules.
 */
typedef int64_t virtio_chain_fn(struct virtio_dev *d,
				const struct virtq_chain *c, const char **why);

/*
 * Serve every chain the driver made available on queue qi, in order,
 * with fn (c is scratch space for one chain) and give each back on the
 * used ring; one interrupt at the end if any was. A chain fn refuses, a
 * ring that breaks the rules or a used ring outside RAM marks the device
 * broken, and nothing more is done.
 */
void virtio_serve(struct virtio_dev *d, unsigned qi, struct virtq_chain *c,
		  virtio_chain_fn *fn);
/* The register accesses of a window, opaque the struct virtio_dev; the
 * I/O thread claims the window and calls them under the device's lock. */
extern const struct bus_ops virtio_mmio_ops;

#endif
