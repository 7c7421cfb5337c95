#include "disk.h"
#include "virtio_blk.h"
#include "uk.h"
#include "ulib.h"

#define MMIO_VA         0x100000000ull  /* the device's register page */
#define DMA_VA          0x100001000ull  /* queue, then request headers */
#define QUEUE_SIZE      64
#define CHUNK_SECTORS   64              /* 32 KiB per request */

_Static_assert(DISK_REQS * sizeof(struct disk_req) <= UK_PAGE_SIZE,
	       "the request headers fit a page");

static int fail(struct disk *d, const char *why)
{
	if (d->dev.regs)
		virtio_fail(&d->dev);
	eprintf("blk: %s\n", why);
	return -1;
}

/* Two pages of DMA memory: the queue, then the request headers. */
static int setup_queue(struct disk *d)
{
	uint64_t slot = uk_slot_alloc(), pages, phys;
	unsigned size = virtio_queue_max(&d->dev, 0, QUEUE_SIZE);

	if (size < 3 || virtq_bytes(size) > UK_PAGE_SIZE ||
	    slot == UK_NO_CAP || uk_mem_alloc(slot, 2) != UK_OK ||
	    uk_mem_map(UK_SELF, slot, DMA_VA, UK_R_READ | UK_R_WRITE) != UK_OK ||
	    uk_mem_info(slot, &pages, &phys) != UK_OK)
		return -1;
	d->reqs = (volatile struct disk_req *)(uintptr_t)(DMA_VA + UK_PAGE_SIZE);
	d->reqs_phys = phys + UK_PAGE_SIZE;
	for (unsigned i = 0; i < DISK_REQS; i++)
		d->head[i] = -1;
	if (virtq_init(&d->q, (void *)(uintptr_t)DMA_VA, phys, size) < 0)
		return -1;
	return virtio_queue(&d->dev, 0, &d->q) == VIRTIO_OK ? 0 : -1;
}

static void read_config(struct disk *d)
{
	uint64_t f = d->dev.features;
	uint32_t v;

	d->capacity = virtio_cfg64(&d->dev, VIRTIO_BLK_CFG_CAPACITY);
	d->read_only = (f & VIRTIO_BLK_F_RO) != 0;
	d->can_flush = (f & VIRTIO_BLK_F_FLUSH) != 0;
	d->block_size = BLK_SECTOR_SIZE;
	v = f & VIRTIO_BLK_F_BLK_SIZE ? virtio_cfg32(&d->dev, VIRTIO_BLK_CFG_BLK_SIZE) : 0;
	if (v >= BLK_SECTOR_SIZE && v <= 65536 && (v & (v - 1)) == 0)
		d->block_size = v;
	d->chunk = CHUNK_SECTORS;
	v = f & VIRTIO_BLK_F_SIZE_MAX ? virtio_cfg32(&d->dev, VIRTIO_BLK_CFG_SIZE_MAX) : 0;
	if (v && v / BLK_SECTOR_SIZE < d->chunk)
		d->chunk = v / BLK_SECTOR_SIZE ? v / BLK_SECTOR_SIZE : 1;
}

int disk_init(struct disk *d)
{
	volatile void *regs = virtio_map_regs(MMIO_VA);
	uint32_t id = 0, version = 0;
	enum virtio_err e;

	*d = (struct disk){ .ntfn = UK_NO_CAP };
	if (!regs)
		return fail(d, "no device register page (UK_SLOT_DEV_MMIO)");
	e = virtio_probe(regs, &id, &version);
	if (e != VIRTIO_OK || id != VIRTIO_ID_BLOCK)
		return fail(d, e != VIRTIO_OK ? virtio_strerror(e) :
			    "the device is not virtio-blk");
	if ((d->ntfn = virtio_bind_irq()) == UK_NO_CAP)
		return fail(d, "cannot bind the device interrupt");
	e = virtio_begin(&d->dev, regs, VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH |
			 VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_SIZE_MAX);
	if (e != VIRTIO_OK)
		return fail(d, virtio_strerror(e));
	if (setup_queue(d) < 0)
		return fail(d, "cannot set up the request queue");
	read_config(d);
	virtio_irq_ack(&d->dev);        /* nothing stale holds the line */
	virtio_driver_ok(&d->dev);
	return 0;
}
