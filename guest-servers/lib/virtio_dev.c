/* What every driver program does first with the device init gave it
 * (UK_SLOT_DEV_MMIO, UK_SLOT_DEV_IRQ; abi.h). */
#include "virtio.h"
#include "uk.h"

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
