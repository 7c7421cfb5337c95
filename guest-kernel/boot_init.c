#include "boot_init.h"
#include "arch.h"
#include "cap.h"
#include "console.h"
#include "irq.h"
#include "platform.h"
#include "cstr.h"
#include "obj.h"
#include "panic.h"
#include "proc.h"
#include "uentry.h"
#include "vm.h"
#include "ukern/app.h"
#include "ukern/bootfs.h"
#include <elf.h>

extern const uint8_t bootfs_start[], bootfs_end[];

#define INIT_PRIO       4       /* above the servers it supervises */
#define BOOTINFO_PAGES  1

static int name_is(const char *field, const char *name)
{
	size_t i;

	for (i = 0; i < BOOTFS_NAME_MAX && name[i]; i++)
		if (field[i] != name[i])
			return 0;
	return i == BOOTFS_NAME_MAX || field[i] == 0;
}

/* The entry named name in the archive, or NULL. */
static const struct bootfs_entry *bootfs_find(const char *name, size_t *size)
{
	const struct bootfs_header *h = (const void *)bootfs_start;
	const struct bootfs_entry *e = (const void *)(h + 1);
	size_t total = (size_t)(bootfs_end - bootfs_start);

	if (total < sizeof *h || h->magic != BOOTFS_MAGIC ||
	    h->size > total || h->count > (total - sizeof *h) / sizeof *e)
		return NULL;
	for (uint32_t i = 0; i < h->count; i++, e++) {
		if (name_is(e->name, name) &&
		    e->offset <= h->size && e->size <= h->size - e->offset) {
			*size = e->size;
			return e;
		}
	}
	return NULL;
}

static size_t strnlen_k(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* A new region of pages, mapped at va in p with flags; its contents are
 * zero. Panics on failure: init must start. */
static struct region *map_new(struct proc *p, uint64_t va, uint32_t pages,
			      unsigned flags)
{
	struct region *r = obj_region_alloc(p, pages);

	if (!r || proc_map(p, r, va, flags) != UK_OK)
		kpanic("init: no memory for %u pages at 0x%lx", pages, va);
	return r;
}

/* Load init's PT_LOAD segments; returns the entry point. */
static uint64_t load_elf(struct proc *p, const uint8_t *img, size_t size)
{
	const Elf64_Ehdr *eh = (const void *)img;

	if (size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64 ||
	    eh->e_type != ET_EXEC || eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    eh->e_phnum > 16 || eh->e_phoff > size ||
	    eh->e_phnum * sizeof(Elf64_Phdr) > size - eh->e_phoff)
		kpanic("init: not an x86-64 ELF executable");
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(img + eh->e_phoff) + i;
		uint64_t va = ph->p_vaddr & ~0xfffull, end;
		struct region *r;

		if (ph->p_type != PT_LOAD)
			continue;
		end = ph->p_vaddr + ph->p_memsz;
		if (ph->p_filesz > ph->p_memsz || ph->p_offset > size ||
		    ph->p_filesz > size - ph->p_offset || va < UK_USER_MIN ||
		    end < va || end > UK_STACK_TOP - UK_STACK_PAGES * UK_PAGE_SIZE)
			kpanic("init: bad segment %u", i);
		r = map_new(p, va, (uint32_t)((end - va + 0xfff) >> 12),
			    (ph->p_flags & PF_W ? VM_W : 0) |
			    (ph->p_flags & PF_X ? VM_X : 0));
		memcpy((uint8_t *)phys_to_virt(r->phys) + (ph->p_vaddr - va),
		       img + ph->p_offset, ph->p_filesz);
	}
	return eh->e_entry;
}

/* The first device before i whose window is on i's page, or i. */
static unsigned page_sharer(const struct cmdline *cl, unsigned i)
{
	for (unsigned j = 0; j < i; j++)
		if ((cl->dev[j].base ^ cl->dev[i].base) < UK_PAGE_SIZE)
			return j;
	return i;
}

/* Each virtio-mmio device: its register page (uncached) and its
 * interrupt, routed through the IOAPIC, as capabilities for init. */
static void give_devices(struct proc *p, const struct cmdline *cl)
{
	for (unsigned i = 0; i < cl->ndev && i < UK_DEVICES_MAX; i++) {
		const struct cmdline_dev *d = &cl->dev[i];
		struct region *r;
		struct irq *q = irq_get(d->irq);
		unsigned j = page_sharer(cl, i);

		if (!q || (d->base & 0xfff) + d->size > UK_PAGE_SIZE ||
		    d->base < PLAT_RAM_MAX) {
			kerror("virtio-mmio: device %u at 0x%lx irq %u: not "
			       "usable, skipped\n", i, d->base, d->irq);
			continue;
		}
		/* ./vmm gives each window a page; QEMU packs them 0x200
		 * apart, and a page is the finest grain a driver gets. */
		if (j != i)
			kprintf("virtio-mmio: devices %u and %u share a "
				"register page: each driver can reach the "
				"other's registers\n", j, i);
		r = obj_region_alloc_fixed(p, d->base, 1);
		if (!r || irq_route(d->irq) < 0 ||
		    cap_install(p, UK_SLOT_INIT_DEV(i), UK_CAP_MEMORY,
				UK_R_READ | UK_R_WRITE, 0, r) ||
		    cap_install(p, UK_SLOT_INIT_DEV(i) + 1, UK_CAP_IRQ, 0, 0, q))
			kpanic("init: cannot give device %u", i);
		r->uncached = 1;
		p->caps[UK_SLOT_INIT_DEV(i) + 1].irq = d->irq;
	}
}

/* The sandbox's program (ukern/app.h), first PVH module: its pages, for
 * init to read. A module that is not page-aligned, too big or outside
 * low RAM is left out, with one line. */
static void give_app(struct proc *p, uint64_t phys, uint64_t size)
{
	struct region *r;

	if (!size)
		return;
	if ((phys & 0xfff) || size > UK_APP_SIZE_MAX ||
	    phys >= PLAT_RAM_MAX || size > PLAT_RAM_MAX - phys) {
		kerror("boot: module at 0x%lx (%lu bytes) not usable as the "
		       "program, ignored\n", phys, size);
		return;
	}
	r = obj_region_alloc_fixed(p, phys, (uint32_t)((size + 0xfff) >> 12));
	if (!r || cap_install(p, UK_SLOT_INIT_APP, UK_CAP_MEMORY, UK_R_READ, 0,
			      r))
		kpanic("init: cannot give the program");
}

_Noreturn void boot_init(const char *cmdline, const struct cmdline *cl,
			 uint64_t app_phys, uint64_t app_size)
{
	size_t size, total = (size_t)(bootfs_end - bootfs_start);
	const struct bootfs_entry *e = bootfs_find("init", &size);
	struct region *info, *fs;
	struct endpoint *fault;
	struct proc *p;
	uint64_t entry;

	if (!e)
		kpanic("boot archive: no init");
	if (uentry_init() < 0 || !(p = proc_create("init", INIT_PRIO, NULL, 0)))
		kpanic("init: no memory");
	p->objs.max = NENDPOINTS + NNTFNS + NREGIONS;
	p->pages.max = 0xffffffffu;
	p->tables.max = 0xffffffffu;
	entry = load_elf(p, bootfs_start + e->offset, size);
	map_new(p, UK_STACK_TOP - UK_STACK_PAGES * UK_PAGE_SIZE, UK_STACK_PAGES,
		VM_W);
	info = map_new(p, UK_BOOTINFO_VA, BOOTINFO_PAGES, 0);
	memcpy(phys_to_virt(info->phys), cmdline,
	       strnlen_k(cmdline, UK_PAGE_SIZE - 1));

	/* The archive, read-only: init loads the other servers from it. */
	fs = obj_region_alloc_fixed(p, virt_to_phys(bootfs_start),
				    (uint32_t)((total + 0xfff) >> 12));
	fault = obj_ep_alloc(p);
	if (!fs || !fault ||
	    cap_install(p, UK_SLOT_INIT_CONTROL, UK_CAP_CONTROL, 0, 0, NULL) ||
	    cap_install(p, UK_SLOT_INIT_BOOTFS, UK_CAP_MEMORY, UK_R_READ, 0, fs) ||
	    cap_install(p, UK_SLOT_INIT_FAULT, UK_CAP_ENDPOINT,
			UK_R_SEND | UK_R_RECV | UK_R_GRANT | UK_R_MINT, 0,
			fault))
		kpanic("init: cannot install boot capabilities");
	give_devices(p, cl);
	give_app(p, app_phys, app_size);
	uentry_start(p, entry, UK_STACK_TOP, UK_BOOTINFO_VA,
		     cmdline_get(cl, "entry"));
}
