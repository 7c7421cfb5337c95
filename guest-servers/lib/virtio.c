#include "virtio.h"

#define RESET_POLLS     1000000         /* reads of status after a reset */
#define CONFIG_TRIES    16

static uint32_t rd(volatile void *regs, unsigned off)
{
	return *(volatile uint32_t *)((volatile uint8_t *)regs + off);
}

static void wr(volatile void *regs, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)((volatile uint8_t *)regs + off) = v;
}

enum virtio_err virtio_probe(volatile void *regs, uint32_t *id,
			     uint32_t *version)
{
	if (rd(regs, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC)
		return VIRTIO_E_MAGIC;
	*version = rd(regs, VIRTIO_MMIO_VERSION);
	*id = rd(regs, VIRTIO_MMIO_DEVICE_ID);
	if (*version != 2)
		return VIRTIO_E_VERSION;
	return *id ? VIRTIO_OK : VIRTIO_E_NO_DEVICE;
}

void virtio_reset(volatile void *regs)
{
	wr(regs, VIRTIO_MMIO_STATUS, 0);
	for (unsigned i = 0; i < RESET_POLLS; i++)
		if (rd(regs, VIRTIO_MMIO_STATUS) == 0)
			return;
}

static void set_status(struct virtio_dev *d, uint32_t bits)
{
	wr(d->regs, VIRTIO_MMIO_STATUS, rd(d->regs, VIRTIO_MMIO_STATUS) | bits);
}

enum virtio_err virtio_begin(struct virtio_dev *d, volatile void *regs,
			     uint64_t want)
{
	uint64_t offered;

	d->regs = regs;
	d->features = 0;
	virtio_reset(regs);
	set_status(d, VIRTIO_S_ACKNOWLEDGE);
	set_status(d, VIRTIO_S_DRIVER);
	wr(regs, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	offered = (uint64_t)rd(regs, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	wr(regs, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	offered |= rd(regs, VIRTIO_MMIO_DEVICE_FEATURES);
	want = (want | VIRTIO_F_VERSION_1) & offered;
	if (!(want & VIRTIO_F_VERSION_1)) {
		virtio_fail(d);
		return VIRTIO_E_FEATURES;
	}
	wr(regs, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(regs, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(want >> 32));
	wr(regs, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(regs, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)want);
	set_status(d, VIRTIO_S_FEATURES_OK);
	if (!(rd(regs, VIRTIO_MMIO_STATUS) & VIRTIO_S_FEATURES_OK)) {
		virtio_fail(d);
		return VIRTIO_E_FEATURES;
	}
	d->features = want;
	return VIRTIO_OK;
}

unsigned virtio_queue_max(struct virtio_dev *d, unsigned index,
			  unsigned want)
{
	uint32_t max;

	wr(d->regs, VIRTIO_MMIO_QUEUE_SEL, index);
	max = rd(d->regs, VIRTIO_MMIO_QUEUE_NUM_MAX);
	while (want > max)
		want /= 2;
	return want;
}

enum virtio_err virtio_queue(struct virtio_dev *d, unsigned index,
			     const struct virtq *q)
{
	volatile uint8_t *r = d->regs;

	wr(r, VIRTIO_MMIO_QUEUE_SEL, index);
	if (rd(r, VIRTIO_MMIO_QUEUE_READY) ||
	    rd(r, VIRTIO_MMIO_QUEUE_NUM_MAX) < q->size)
		return VIRTIO_E_QUEUE;
	wr(r, VIRTIO_MMIO_QUEUE_NUM, q->size);
	wr(r, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)q->desc_phys);
	wr(r, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(q->desc_phys >> 32));
	wr(r, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)q->avail_phys);
	wr(r, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(q->avail_phys >> 32));
	wr(r, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)q->used_phys);
	wr(r, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(q->used_phys >> 32));
	wr(r, VIRTIO_MMIO_QUEUE_READY, 1);
	return rd(r, VIRTIO_MMIO_QUEUE_READY) == 1 ? VIRTIO_OK : VIRTIO_E_QUEUE;
}

void virtio_driver_ok(struct virtio_dev *d)
{
	set_status(d, VIRTIO_S_DRIVER_OK);
}

void virtio_fail(struct virtio_dev *d)
{
	set_status(d, VIRTIO_S_FAILED);
}

int virtio_broken(struct virtio_dev *d)
{
	return (rd(d->regs, VIRTIO_MMIO_STATUS) & VIRTIO_S_NEEDS_RESET) != 0;
}

void virtio_notify(struct virtio_dev *d, unsigned index)
{
	wr(d->regs, VIRTIO_MMIO_QUEUE_NOTIFY, index);
}

uint32_t virtio_irq_ack(struct virtio_dev *d)
{
	uint32_t isr = rd(d->regs, VIRTIO_MMIO_INTERRUPT_STATUS);

	if (isr)
		wr(d->regs, VIRTIO_MMIO_INTERRUPT_ACK, isr);
	return isr;
}

uint32_t virtio_cfg32(struct virtio_dev *d, unsigned off)
{
	return rd(d->regs, VIRTIO_MMIO_CONFIG + off);
}

uint64_t virtio_cfg64(struct virtio_dev *d, unsigned off)
{
	uint32_t gen, lo = 0, hi = 0;

	for (unsigned i = 0; i < CONFIG_TRIES; i++) {
		gen = rd(d->regs, VIRTIO_MMIO_CONFIG_GENERATION);
		lo = virtio_cfg32(d, off);
		hi = virtio_cfg32(d, off + 4);
		if (rd(d->regs, VIRTIO_MMIO_CONFIG_GENERATION) == gen)
			break;
	}
	return (uint64_t)hi << 32 | lo;
}

const char *virtio_id_name(uint32_t id)
{
	switch (id) {
	case VIRTIO_ID_NET:
		return "virtio-net";
	case VIRTIO_ID_BLOCK:
		return "virtio-blk";
	case VIRTIO_ID_CONSOLE:
		return "virtio-console";
	}
	return "virtio device";
}

const char *virtio_strerror(enum virtio_err e)
{
	static const char *const names[VIRTIO_E_MAX] = {
		[VIRTIO_OK] = "VIRTIO_OK",
		[VIRTIO_E_MAGIC] = "no virtio-mmio device (bad magic)",
		[VIRTIO_E_VERSION] = "not virtio-mmio version 2 (legacy)",
		[VIRTIO_E_NO_DEVICE] = "empty slot (device ID 0)",
		[VIRTIO_E_FEATURES] = "feature negotiation failed",
		[VIRTIO_E_QUEUE] = "queue setup failed",
	};

	return (unsigned)e < VIRTIO_E_MAX ? names[e] : "VIRTIO_E_?";
}
