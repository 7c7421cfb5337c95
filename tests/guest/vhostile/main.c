/*
 * vhostile: a hostile virtio driver. It takes a block device (init's
 * manifest) and posts what a monitor must refuse: descriptors outside
 * RAM, a length that wraps, a chain that loops, a NEXT past the queue, an
 * available index far ahead, a queue size that is not a power of two.
 * After each it reads the status (DEVICE_NEEDS_RESET expected from our
 * monitor) and resets the device. Prints one line per case and
 * `utest vhostile: survived`: that it can print at all is the point.
 */
#include "uk.h"
#include "ulib.h"
#include "umap.h"
#include "virtio.h"

#define QNUM            8

static volatile uint8_t *regs;
static uint8_t *dma;
static uint64_t phys;

static void wr(unsigned off, uint32_t v) { *(volatile uint32_t *)(regs + off) = v; }
static uint32_t rd(unsigned off) { return *(volatile uint32_t *)(regs + off); }

/* Reset and bring the device up with one queue of num entries whose
 * rings are in the DMA page. */
static void bringup(uint32_t num)
{
	memset(dma, 0, 3 * 4096);
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);             /* VERSION_1 */
	wr(VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER |
	   VIRTIO_S_FEATURES_OK);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, num);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)phys);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(phys >> 32));
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(phys + 4096));
	wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)((phys + 4096) >> 32));
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(phys + 8192));
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)((phys + 8192) >> 32));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER |
	   VIRTIO_S_FEATURES_OK | VIRTIO_S_DRIVER_OK);
}

static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
		 uint16_t next)
{
	uint8_t *d = dma + 16 * i;

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

/* Make chain head 0 available (advance the index by step) and notify. */
static void post(uint16_t step)
{
	uint16_t *avail = (uint16_t *)(dma + 4096);

	avail[2] = 0;
	__atomic_store_n(&avail[1], (uint16_t)(avail[1] + step), __ATOMIC_RELEASE);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

static void verdict(const char *what)
{
	for (int i = 0; i < 100 && !(rd(VIRTIO_MMIO_STATUS) & VIRTIO_S_NEEDS_RESET); i++)
		uk_yield();                     /* a device may answer late */
	eprintf("vhostile: %s: %s\n", what,
		rd(VIRTIO_MMIO_STATUS) & VIRTIO_S_NEEDS_RESET ?
		"needs reset" : "no complaint");
	wr(VIRTIO_MMIO_STATUS, 0);
}

int main(uint64_t arg)
{
	uint64_t slot = uk_slot_alloc(), pages;
	uint64_t hdr;

	(void)arg;
	regs = (volatile uint8_t *)virtio_map_regs(UMAP_DEV_MMIO);
	if (!regs || slot == UK_NO_CAP || uk_mem_alloc(slot, 4) != UK_OK ||
	    uk_mem_map(UK_SELF, slot, UMAP_DEV_DMA, UK_R_READ | UK_R_WRITE) != UK_OK ||
	    uk_mem_info(slot, &pages, &phys) != UK_OK) {
		eprintf("vhostile: no device or no memory\n");
		return 1;
	}
	dma = (uint8_t *)(uintptr_t)UMAP_DEV_DMA;
	hdr = phys + 3 * 4096;                          /* a request header */

	bringup(QNUM);
	desc(0, hdr, 16, 1, 1);
	desc(1, 0x7ff000000000ull, 512, 1 | 2, 2);      /* outside RAM */
	desc(2, hdr + 512, 1, 2, 0);
	post(1);
	verdict("buffer outside RAM");

	bringup(QNUM);
	desc(0, hdr, 16, 1, 1);
	desc(1, 0xfffffffffffff000ull, 0x2000, 1 | 2, 2); /* wraps */
	desc(2, hdr + 512, 1, 2, 0);
	post(1);
	verdict("address + length wraps");

	bringup(QNUM);
	desc(0, hdr, 16, 1, 1);
	desc(1, hdr + 1024, 512, 1 | 2, 0);             /* 0 -> 1 -> 0 ... */
	post(1);
	verdict("descriptor loop");

	bringup(QNUM);
	desc(0, hdr, 16, 1, 200);                       /* next past the queue */
	post(1);
	verdict("next out of range");

	bringup(QNUM);
	desc(0, hdr, 16, 0, 0);
	post(100);
	verdict("available index far ahead");

	bringup(3);
	verdict("queue size 3");

	eprintf("utest vhostile: survived\n");
	return 0;
}
