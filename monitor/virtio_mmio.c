#include "virtio_mmio.h"

#include <stdio.h>
#include "log.h"
#include "platform.h"

enum {
	R_MAGIC = 0x000, R_VERSION = 0x004, R_DEVICE_ID = 0x008,
	R_VENDOR_ID = 0x00c, R_DEV_FEATURES = 0x010, R_DEV_FEATURES_SEL = 0x014,
	R_DRV_FEATURES = 0x020, R_DRV_FEATURES_SEL = 0x024,
	R_QUEUE_SEL = 0x030, R_QUEUE_NUM_MAX = 0x034, R_QUEUE_NUM = 0x038,
	R_QUEUE_READY = 0x044, R_QUEUE_NOTIFY = VIRTIO_MMIO_QUEUE_NOTIFY,
	R_INTERRUPT_STATUS = 0x060, R_INTERRUPT_ACK = 0x064, R_STATUS = 0x070,
	R_QUEUE_DESC_LO = 0x080, R_QUEUE_DESC_HI = 0x084,
	R_QUEUE_DRIVER_LO = 0x090, R_QUEUE_DRIVER_HI = 0x094,
	R_QUEUE_DEVICE_LO = 0x0a0, R_QUEUE_DEVICE_HI = 0x0a4,
	R_CONFIG_GEN = 0x0fc, R_CONFIG = 0x100,
};

#define MAGIC           0x74726976u     /* "virt" */
#define VENDOR          0x554b524eu     /* "NRKU" */
#define S_FEATURES_OK   8
#define S_DRIVER_OK     VIRTIO_STATUS_DRIVER_OK

void virtio_init(struct virtio_dev *d, const struct virtio_ops *ops,
		 void *opaque, const struct mem *m, uint64_t features)
{
	*d = (struct virtio_dev){ .ops = ops, .opaque = opaque, .mem = m,
				  .features = features | VIRTIO_F_VERSION_1 };
}

void virtio_set_irq(struct virtio_dev *d, unsigned gsi,
		    void (*fn)(void *ctx, unsigned gsi), void *ctx)
{
	d->gsi = gsi;
	d->irq = fn;
	d->irq_ctx = ctx;
}

static void reset(struct virtio_dev *d)
{
	d->driver_features = 0;
	d->status = d->isr = 0;
	d->dev_feat_sel = d->drv_feat_sel = d->queue_sel = 0;
	for (unsigned i = 0; i < VIRTIO_QUEUES_MAX; i++)
		d->q[i] = (struct virtq){ 0 };
}

void virtio_broken(struct virtio_dev *d, const char *why)
{
	d->status |= VIRTIO_STATUS_NEEDS_RESET;
	d->isr |= 2;                    /* configuration change */
	log_once(LOG_DEVICE_BROKEN, d->gsi, "virtio device %u (irq %u) "
		 "needs reset: %s", d->ops->device_id, d->gsi, why);
	if (d->irq)
		d->irq(d->irq_ctx, d->gsi);
}

void virtio_interrupt(struct virtio_dev *d)
{
	d->isr |= 1;
	if (d->irq)
		d->irq(d->irq_ctx, d->gsi);
}

void virtio_serve(struct virtio_dev *d, unsigned qi, struct virtq_chain *c,
		  virtio_chain_fn *fn)
{
	struct virtq *q = &d->q[qi];
	const char *why = "";
	bool any = false;
	int r;

	while ((r = virtq_pop(q, d->mem, c, &why)) > 0) {
		int64_t n = fn(d, c, &why);

		if (n < 0) {
			virtio_broken(d, why);
			return;
		}
		if (virtq_push(q, d->mem, c->head, (uint32_t)n) < 0) {
			virtio_broken(d, "the used ring is outside RAM");
			return;
		}
		any = true;
	}
	if (r < 0)
		virtio_broken(d, why);
	else if (any)
		virtio_interrupt(d);
}

/* The selected queue, or NULL when the selector is out of range. */
static struct virtq *sel(struct virtio_dev *d)
{
	return d->queue_sel < d->ops->nqueues ? &d->q[d->queue_sel] : NULL;
}

static uint64_t mmio_read(void *opaque, uint64_t off, unsigned size)
{
	struct virtio_dev *d = opaque;
	struct virtq *q = sel(d);

	if (off >= R_CONFIG)
		return d->ops->config_read ?
		       d->ops->config_read(d, off - R_CONFIG, size) : 0;
	if (size != 4)
		return bus_ones(size);
	switch (off) {
	case R_MAGIC:           return MAGIC;
	case R_VERSION:         return 2;
	case R_DEVICE_ID:       return d->ops->device_id;
	case R_VENDOR_ID:       return VENDOR;
	case R_DEV_FEATURES:
		return d->dev_feat_sel < 2 ?
		       (uint32_t)(d->features >> (32 * d->dev_feat_sel)) : 0;
	case R_QUEUE_NUM_MAX:   return q ? VIRTQ_MAX : 0;
	case R_QUEUE_READY:     return q ? q->ready : 0;
	case R_INTERRUPT_STATUS: return d->isr;
	case R_STATUS:          return d->status;
	case R_CONFIG_GEN:      return 0;
	default:                return 0;
	}
}

static void set_half(gpa_t *a, int high, uint64_t v)
{
	*a = high ? (*a & 0xffffffffull) | v << 32
		  : (*a & ~0xffffffffull) | (v & 0xffffffffull);
}

static void queue_write(struct virtio_dev *d, uint64_t off, uint64_t v)
{
	struct virtq *q = sel(d);

	if (!q)
		return;
	if (q->ready && off != R_QUEUE_READY) {
		virtio_broken(d, "queue changed while ready");
		return;
	}
	switch (off) {
	case R_QUEUE_NUM:
		if (!virtq_num_ok((uint32_t)v))
			virtio_broken(d, "queue size not a power of two <= max");
		else
			q->num = (uint16_t)v;
		break;
	case R_QUEUE_READY:
		if (v && !virtq_num_ok(q->num))
			virtio_broken(d, "queue ready without a valid size");
		else
			q->ready = v & 1;
		break;
	case R_QUEUE_DESC_LO: case R_QUEUE_DESC_HI:
		set_half(&q->desc, off == R_QUEUE_DESC_HI, v);
		break;
	case R_QUEUE_DRIVER_LO: case R_QUEUE_DRIVER_HI:
		set_half(&q->avail, off == R_QUEUE_DRIVER_HI, v);
		break;
	case R_QUEUE_DEVICE_LO: case R_QUEUE_DEVICE_HI:
		set_half(&q->used, off == R_QUEUE_DEVICE_HI, v);
		break;
	}
}

static void status_write(struct virtio_dev *d, uint32_t v)
{
	if (v == 0) {
		reset(d);
		return;
	}
	if ((v & S_FEATURES_OK) && !(d->status & S_FEATURES_OK) &&
	    (!(d->driver_features & VIRTIO_F_VERSION_1) ||
	     (d->driver_features & ~d->features)))
		v &= ~S_FEATURES_OK;    /* refused: the driver sees it */
	/* NEEDS_RESET is the device's to set, never the driver's. */
	d->status = (d->status & VIRTIO_STATUS_NEEDS_RESET) |
		    (v & ~(uint32_t)VIRTIO_STATUS_NEEDS_RESET);
}

static void mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
	struct virtio_dev *d = opaque;

	if (size != 4 || off >= R_CONFIG)
		return;                 /* config space is read-only here */
	switch (off) {
	case R_DEV_FEATURES_SEL: d->dev_feat_sel = (uint32_t)v; break;
	case R_DRV_FEATURES_SEL: d->drv_feat_sel = (uint32_t)v; break;
	case R_DRV_FEATURES:
		if (d->drv_feat_sel < 2 && !(d->status & S_FEATURES_OK))
			set_half(&d->driver_features, d->drv_feat_sel == 1, v);
		break;
	case R_QUEUE_SEL:       d->queue_sel = (uint32_t)v; break;
	case R_QUEUE_NOTIFY:
		if (v < d->ops->nqueues && (d->status & S_DRIVER_OK) &&
		    !(d->status & VIRTIO_STATUS_NEEDS_RESET))
			d->ops->notify(d, (unsigned)v);
		break;
	case R_INTERRUPT_ACK:   d->isr &= ~(uint32_t)v; break;
	case R_STATUS:          status_write(d, (uint32_t)v); break;
	default:                queue_write(d, off, v); break;
	}
}

const struct bus_ops virtio_mmio_ops = { mmio_read, mmio_write };

int virtio_announce(unsigned n, char *buf, unsigned size)
{
	return snprintf(buf, size, "virtio_mmio.device=%u@0x%x:%u",
			PLAT_VIRTIO_MMIO_SIZE, PLAT_VIRTIO_MMIO_ADDR(n),
			PLAT_VIRTIO_GSI(n));
}
