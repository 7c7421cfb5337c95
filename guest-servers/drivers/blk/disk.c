#include "disk.h"
#include "virtio_blk.h"
#include "uk.h"
#include "ulib.h"
#include "umap.h"

#define QUEUE_SIZE      64
#define DMA_PAGES       2
#define CHUNK_SECTORS   64              /* 32 KiB per request */

_Static_assert(DISK_REQS * sizeof(struct disk_req) <= UK_PAGE_SIZE,
	       "the request headers fit a page");

/* The DMA memory (DMA_PAGES at phys): the queue, then the request
 * headers. */
static int setup_queue(struct disk *d, uint64_t phys)
{
	unsigned size = virtio_queue_max(&d->dev, 0, QUEUE_SIZE);

	if (size < 3 || virtq_bytes(size) > UK_PAGE_SIZE)
		return -1;
	d->reqs = (volatile struct disk_req *)(uintptr_t)(UMAP_DEV_DMA + UK_PAGE_SIZE);
	d->reqs_phys = phys + UK_PAGE_SIZE;
	for (unsigned i = 0; i < DISK_REQS; i++)
		d->head[i] = -1;
	if (virtq_init(&d->q, (void *)(uintptr_t)UMAP_DEV_DMA, phys, size) < 0)
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
	uint64_t phys;

	*d = (struct disk){ .ntfn = UK_NO_CAP };
	if (virtio_driver_start(&d->dev, VIRTIO_ID_BLOCK, VIRTIO_BLK_F_RO |
				VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_BLK_SIZE |
				VIRTIO_BLK_F_SIZE_MAX, DMA_PAGES, &phys,
				&d->ntfn) < 0)
		return -1;
	if (setup_queue(d, phys) < 0)
		return virtio_driver_fail(&d->dev,
					  "cannot set up the request queue");
	read_config(d);
	virtio_irq_ack(&d->dev);        /* nothing stale holds the line */
	virtio_driver_ok(&d->dev);
	return 0;
}
