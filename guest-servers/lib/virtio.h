/*
 * The virtio-mmio transport, version 2 (virtio 1.x, 4.2.2), for drivers
 * in user space. The caller maps the device's register page (uncached)
 * and passes the address of the registers themselves: QEMU packs
 * devices 0x200 apart, so they rarely start at the page.
 *
 * The order of a driver's start (3.1.1): virtio_begin (reset,
 * ACKNOWLEDGE, DRIVER, features, FEATURES_OK), virtio_queue (each
 * queue), device-specific setup, virtio_driver_ok. On any failure after
 * virtio_begin, call virtio_fail. No system calls here.
 */
#ifndef VIRTIO_H
#define VIRTIO_H

#include <stdint.h>
#include "virtq.h"

#define VIRTIO_MMIO_MAGIC       0x74726976u     /* "virt" */

/* Register offsets. */
#define VIRTIO_MMIO_MAGIC_VALUE         0x000
#define VIRTIO_MMIO_VERSION             0x004
#define VIRTIO_MMIO_DEVICE_ID           0x008
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL           0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034
#define VIRTIO_MMIO_QUEUE_NUM           0x038
#define VIRTIO_MMIO_QUEUE_READY         0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064
#define VIRTIO_MMIO_STATUS              0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fc
#define VIRTIO_MMIO_CONFIG              0x100
#define VIRTIO_MMIO_SIZE                0x200

/* Device status bits. */
#define VIRTIO_S_ACKNOWLEDGE    1u
#define VIRTIO_S_DRIVER         2u
#define VIRTIO_S_DRIVER_OK      4u
#define VIRTIO_S_FEATURES_OK    8u
#define VIRTIO_S_NEEDS_RESET    64u
#define VIRTIO_S_FAILED         128u

/* Device IDs (5). */
#define VIRTIO_ID_NET           1
#define VIRTIO_ID_BLOCK         2
#define VIRTIO_ID_CONSOLE       3

#define VIRTIO_F_VERSION_1      (1ull << 32)

/* Interrupt status bits. */
#define VIRTIO_INT_USED         1u
#define VIRTIO_INT_CONFIG       2u

enum virtio_err {
	VIRTIO_OK = 0,
	VIRTIO_E_MAGIC,         /* no virtio-mmio registers there */
	VIRTIO_E_VERSION,       /* not version 2 (legacy devices: 1) */
	VIRTIO_E_NO_DEVICE,     /* device ID 0: an empty slot */
	VIRTIO_E_FEATURES,      /* no VERSION_1, or FEATURES_OK refused */
	VIRTIO_E_QUEUE,         /* no such queue, in use, or bad memory */
	VIRTIO_E_MAX
};

struct virtio_dev {
	volatile uint8_t *regs;         /* the device's register window */
	uint64_t features;              /* negotiated */
};

/* Reads the header at regs: VIRTIO_OK with the device ID in *id, or why
 * the window holds no usable device (*id and *version are set when the
 * magic matched). */
enum virtio_err virtio_probe(volatile void *regs, uint32_t *id,
			     uint32_t *version);

/* Resets the device at regs (status 0, read back) so it stops all DMA. */
void virtio_reset(volatile void *regs);

/* Resets d, acknowledges it and negotiates features: want & offered,
 * VIRTIO_F_VERSION_1 required. VIRTIO_OK with d->features set, or
 * VIRTIO_E_FEATURES (the device is then marked FAILED). */
enum virtio_err virtio_begin(struct virtio_dev *d, volatile void *regs,
			     uint64_t want);

/* Sets up queue index over q's memory (virtq_init done, q->size no more
 * than the device's maximum) and makes it ready. */
enum virtio_err virtio_queue(struct virtio_dev *d, unsigned index,
			     const struct virtq *q);

/* The largest queue size (a power of two, <= want) that queue index
 * allows, or 0 when the queue does not exist. */
unsigned virtio_queue_max(struct virtio_dev *d, unsigned index,
			  unsigned want);

/* DRIVER_OK: the device is live. */
void virtio_driver_ok(struct virtio_dev *d);
/* FAILED: the driver gives up on the device. */
void virtio_fail(struct virtio_dev *d);
/* Whether the device says it needs a reset (it saw an error). */
int virtio_broken(struct virtio_dev *d);

/* Tells the device that queue index has new buffers. */
void virtio_notify(struct virtio_dev *d, unsigned index);
/* Reads InterruptStatus and acknowledges exactly those bits. */
uint32_t virtio_irq_ack(struct virtio_dev *d);

/* Device-specific configuration at offset off (from 0x100): one 32-bit
 * read; a 64-bit field is two, retried until the config generation is
 * the same before and after. */
uint32_t virtio_cfg32(struct virtio_dev *d, unsigned off);
uint64_t virtio_cfg64(struct virtio_dev *d, unsigned off);

/* "virtio-blk", "virtio-net", "virtio-console"; "virtio device" for
 * another ID. */
const char *virtio_id_name(uint32_t id);

/* "VIRTIO_E_VERSION" and so on. */
const char *virtio_strerror(enum virtio_err e);

/* virtio_dev.c: the first steps of every driver program, with the
 * device init gave it (UK_SLOT_DEV_MMIO, UK_SLOT_DEV_IRQ): map its
 * registers at UMAP_DEV_MMIO, check that they are a virtio-mmio version
 * 2 device of type id, get dma_pages of zeroed DMA memory at
 * UMAP_DEV_DMA (its physical address in *dma_phys), bind the interrupt
 * to a new notification (*ntfn, signalled with bit 0), reset the device
 * and negotiate want (virtio_begin). 0, or -1 after printing why. */
int virtio_driver_start(struct virtio_dev *d, uint32_t id, uint64_t want,
			uint64_t dma_pages, uint64_t *dma_phys, uint64_t *ntfn);
/* Marks d FAILED when its registers were reached, prints "PROG: why",
 * returns -1. */
int virtio_driver_fail(struct virtio_dev *d, const char *why);
/* Maps my device's register page (UK_SLOT_DEV_MMIO) at va; the
 * registers' address in it, or NULL. */
volatile void *virtio_map_regs(uint64_t va);
/* A new notification that my device's interrupt (UK_SLOT_DEV_IRQ)
 * signals with bit 0; its slot, or UK_NO_CAP. */
uint64_t virtio_bind_irq(void);

#endif
