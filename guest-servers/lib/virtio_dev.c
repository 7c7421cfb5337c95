/* What every driver program does first with the device init gave it
 * (UK_SLOT_DEV_MMIO, UK_SLOT_DEV_IRQ; abi.h). */
#include "virtio.h"
#include "uk.h"
#include "ulib.h"
#include "umap.h"

volatile void *virtio_map_regs(uint64_t va)
{
	uint64_t pages, phys;

	if (uk_mem_info(UK_SLOT_DEV_MMIO, &pages, &phys) != UK_OK ||
	    (phys & 0xfff) > UK_PAGE_SIZE - VIRTIO_MMIO_SIZE ||
	    uk_mem_map(UK_SELF, UK_SLOT_DEV_MMIO, va,
		       UK_R_READ | UK_R_WRITE) != UK_OK)
		return NULL;
	return (volatile uint8_t *)(uintptr_t)va + (phys & 0xfff);
}

uint64_t virtio_bind_irq(void)
{
	uint64_t n = uk_slot_alloc();

	if (n == UK_NO_CAP)
		return UK_NO_CAP;
	if (uk_obj_create(n, UK_CAP_NTFN) != UK_OK ||
	    uk_irq_bind(UK_SLOT_DEV_IRQ, n, 1) != UK_OK) {
		uk_cap_delete(n);
		uk_slot_free(n);
		return UK_NO_CAP;
	}
	return n;
}

int virtio_driver_fail(struct virtio_dev *d, const char *why)
{
	if (d->regs)
		virtio_fail(d);
	eprintf("%s: %s\n", uk_progname(), why);
	return -1;
}

/* dma_pages of zeroed memory mapped at UMAP_DEV_DMA; their physical
 * address in *phys. 0 or -1. */
static int get_dma(uint64_t dma_pages, uint64_t *phys)
{
	uint64_t slot = uk_slot_alloc(), pages;

	return slot != UK_NO_CAP && uk_mem_alloc(slot, dma_pages) == UK_OK &&
	       uk_mem_map(UK_SELF, slot, UMAP_DEV_DMA,
			  UK_R_READ | UK_R_WRITE) == UK_OK &&
	       uk_mem_info(slot, &pages, phys) == UK_OK ? 0 : -1;
}

int virtio_driver_start(struct virtio_dev *d, uint32_t id, uint64_t want,
			uint64_t dma_pages, uint64_t *dma_phys, uint64_t *ntfn)
{
	volatile void *regs = virtio_map_regs(UMAP_DEV_MMIO);
	uint32_t got = 0, version = 0;
	enum virtio_err e;
	char why[64];

	*d = (struct virtio_dev){ 0 };
	*ntfn = UK_NO_CAP;
	if (!regs)
		return virtio_driver_fail(d, "no device register page "
					  "(UK_SLOT_DEV_MMIO)");
	e = virtio_probe(regs, &got, &version);
	if (e != VIRTIO_OK)
		return virtio_driver_fail(d, virtio_strerror(e));
	if (got != id) {
		snprintf(why, sizeof why, "the device is not %s",
			 virtio_id_name(id));
		return virtio_driver_fail(d, why);
	}
	d->regs = regs;                 /* from here, a failure marks it */
	if (get_dma(dma_pages, dma_phys) < 0)
		return virtio_driver_fail(d, "cannot get DMA memory");
	if ((*ntfn = virtio_bind_irq()) == UK_NO_CAP)
		return virtio_driver_fail(d, "cannot bind the device interrupt");
	e = virtio_begin(d, regs, want);
	if (e != VIRTIO_OK)
		return virtio_driver_fail(d, virtio_strerror(e));
	return 0;
}
