#include "devices.h"
#include "virtio.h"
#include "uk.h"
#include "ulib.h"
#include "umap.h"


struct device {
	uint32_t type;          /* virtio device ID; 0: not usable */
	uint64_t phys;          /* of its registers */
	uint64_t owner;         /* id of the child holding it, 0: free */
};

/* Driver programs and the device type each one drives. */
static const struct {
	const char *program;
	uint32_t type;
} manifest[] = {
	{ "blk", VIRTIO_ID_BLOCK },
	{ "vhostile", VIRTIO_ID_BLOCK },        /* the hostile test */
	{ "net", VIRTIO_ID_NET },
	{ "console", VIRTIO_ID_CONSOLE },
};

#define MANIFEST_LEN    (sizeof manifest / sizeof manifest[0])

static struct device devs[UK_DEVICES_MAX];

/* Maps device i's page; the registers' address, or NULL (no device). */
static volatile void *map(unsigned i, uint64_t *phys)
{
	uint64_t pages;

	if (uk_mem_info(UK_SLOT_INIT_DEV(i), &pages, phys) != UK_OK ||
	    uk_mem_map(UK_SELF, UK_SLOT_INIT_DEV(i), UMAP_INIT_DEVICE,
		       UK_R_READ | UK_R_WRITE) != UK_OK)
		return NULL;
	return (volatile uint8_t *)(uintptr_t)UMAP_INIT_DEVICE + (*phys & 0xfff);
}

static void unmap(void)
{
	uk_mem_unmap(UK_SELF, UMAP_INIT_DEVICE, 1);
}

void devices_probe(void)
{
	for (unsigned i = 0; i < UK_DEVICES_MAX; i++) {
		uint32_t type = 0, version = 0;
		enum virtio_err e;
		uint64_t phys;
		volatile void *regs;

		/* The kernel's device slots are not free for uk_slot_alloc. */
		uk_slot_reserve(UK_SLOT_INIT_DEV(i));
		uk_slot_reserve(UK_SLOT_INIT_DEV(i) + 1);
		regs = map(i, &phys);
		if (!regs)
			continue;
		/* The window is 0x200 bytes: it must not cross the page. */
		e = (phys & 0xfff) > UK_PAGE_SIZE - VIRTIO_MMIO_SIZE ?
		    VIRTIO_E_MAGIC : virtio_probe(regs, &type, &version);
		unmap();
		if (e == VIRTIO_OK) {
			devs[i] = (struct device){ .type = type, .phys = phys };
			printf("init: device %u: %s at 0x%lx\n", i,
			       virtio_id_name(type), phys);
		} else {
			printf("init: device %u at 0x%lx: %s (version %u, "
			       "ID %u), not used\n", i, phys,
			       virtio_strerror(e), version, type);
		}
	}
}

int devices_claim(struct child *c)
{
	unsigned m;

	if (c->dev >= 0)
		return 0;               /* a restart keeps its device */
	for (m = 0; m < MANIFEST_LEN; m++)
		if (strcmp(c->name, manifest[m].program) == 0)
			break;
	if (m == MANIFEST_LEN)
		return 0;               /* not a driver */
	for (unsigned i = 0; i < UK_DEVICES_MAX; i++) {
		if (devs[i].type == manifest[m].type && devs[i].owner == 0) {
			devs[i].owner = c->id;
			c->dev = (int)i;
			printf("init: %s gets device %u\n", c->name, i);
			return 0;
		}
	}
	eprintf("init: %s: no free %s device, not started\n", c->name,
		virtio_id_name(manifest[m].type));
	return -1;
}

unsigned devices_count(uint32_t id)
{
	unsigned n = 0;

	for (unsigned i = 0; i < UK_DEVICES_MAX; i++)
		n += devs[i].type == id;
	return n;
}

void devices_reset(int dev)
{
	uint64_t phys;
	volatile void *regs;

	if (dev < 0 || dev >= UK_DEVICES_MAX || !devs[dev].type)
		return;
	regs = map((unsigned)dev, &phys);
	if (!regs)
		return;
	virtio_reset(regs);
	unmap();
}
