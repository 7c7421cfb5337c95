#include "spawn.h"
#include <ukern/app.h>
#include <ukern/bootfs.h>
#include "elf.h"
#include "uk.h"
#include "ulib.h"
#include "umap.h"

#define PAGE            UK_PAGE_SIZE

_Static_assert(BOOTFS_NAME_MAX <= UK_START_NAME_MAX,
	       "a program's name fits above its first rsp");

static uint64_t map_rights(uint32_t flags)
{
	return UK_R_READ | (flags & ELF_PF_W ? UK_R_WRITE : 0) |
	       (flags & ELF_PF_X ? UK_R_EXEC : 0);
}

/* A new region of pages mapped at va in c with rights, filled with
 * len bytes of src at offset off. Only the mapping keeps it. */
static enum uk_err map_new(struct child *c, uint64_t va, uint64_t pages,
			   uint64_t rights, const void *src, uint64_t off,
			   uint64_t len)
{
	uint64_t slot = uk_slot_alloc();
	enum uk_err e;

	if (slot == UK_NO_CAP)
		return UK_E_NOMEM;
	e = uk_mem_alloc(slot, pages);
	if (e != UK_OK) {
		uk_slot_free(slot);
		return e;
	}
	if (len) {
		/* The region is zeroed: only the file bytes are copied. */
		e = uk_mem_map(UK_SELF, slot, UMAP_INIT_SCRATCH,
			       UK_R_READ | UK_R_WRITE);
		if (e == UK_OK) {
			memcpy((void *)(uintptr_t)(UMAP_INIT_SCRATCH + off), src, len);
			e = uk_mem_unmap(UK_SELF, UMAP_INIT_SCRATCH, pages);
		}
	}
	if (e == UK_OK)
		e = uk_mem_map(c->proc, slot, va, rights);
	uk_cap_delete(slot);
	uk_slot_free(slot);
	return e;
}

/* The sandbox's program may use what the system does not need: the free
 * memory now, less a reserve for the servers' own growth. --mem sets
 * it. */
#define APP_RESERVE_PAGES       1024            /* 4 MiB */

static uint64_t app_quota(void)
{
	uint64_t free = 0;

	if (uk_info(UK_INFO_FREE_PAGES, &free) != UK_OK ||
	    free < 2 * APP_RESERVE_PAGES)
		return 0;
	free -= APP_RESERVE_PAGES;
	return free > 0xffffffffu ? 0xffffffffu : free;
}

/* Gives c the registry at UK_SLOT_REGISTRY (the registry itself: its
 * endpoint to receive on), init at UK_SLOT_SUPERVISOR, and its device. */
static enum uk_err give_caps(struct child *c, uint64_t registry_ep,
			     uint64_t tmp)
{
	enum uk_err e;

	if (c->is_registry)
		e = uk_cap_give(c->proc, registry_ep, UK_SLOT_REGISTRY,
				UK_R_RECV);
	else if ((e = uk_cap_mint(registry_ep, tmp, UK_R_SEND | UK_R_GRANT,
				  c->id)) == UK_OK) {
		e = uk_cap_give(c->proc, tmp, UK_SLOT_REGISTRY,
				UK_R_SEND | UK_R_GRANT);
		uk_cap_delete(tmp);
	}
	if (e == UK_OK &&
	    (e = uk_cap_mint(UK_SLOT_INIT_FAULT, tmp, UK_R_SEND,
			     SPAWN_SUPERVISOR_BIT | c->id)) == UK_OK) {
		e = uk_cap_give(c->proc, tmp, UK_SLOT_SUPERVISOR, UK_R_SEND);
		uk_cap_delete(tmp);
	}
	if (e == UK_OK && c->dev >= 0)
		e = uk_cap_give(c->proc, UK_SLOT_INIT_DEV(c->dev),
				UK_SLOT_DEV_MMIO, UK_R_READ | UK_R_WRITE);
	if (e == UK_OK && c->dev >= 0)
		e = uk_cap_give(c->proc, UK_SLOT_INIT_DEV(c->dev) + 1,
				UK_SLOT_DEV_IRQ, UK_R_ALL);
	return e;
}

/* Creates c's process, its memory and capabilities; tmp: a free slot. */
static enum uk_err build(struct child *c, const struct elf_image *img,
			 uint64_t registry_ep, uint64_t tmp)
{
	uint64_t type, rights;
	struct elf_seg s;
	unsigned i = 0;
	enum uk_err e;

	/* Its faults reach init with a badge naming it. */
	e = uk_cap_mint(UK_SLOT_INIT_FAULT, tmp, UK_R_SEND,
			SPAWN_FAULT_BADGE | c->id);
	if (e != UK_OK)
		return e;
	e = uk_proc_create_quota(c->proc, tmp, c->is_registry ?
				 SPAWN_PRIO_SERVER : SPAWN_PRIO,
				 uk_name7(c->name), c->is_app ? app_quota() : 0);
	uk_cap_delete(tmp);
	if (e != UK_OK)
		return e;
	/* A process capability's badge is the pid (for the log). */
	if (uk_cap_info(c->proc, &type, &rights, &c->pid) != UK_OK)
		c->pid = 0;
	while (elf_next_load(img, &i, &s)) {
		uint64_t lo = s.vaddr & ~(PAGE - 1);

		e = map_new(c, lo, (s.vaddr + s.memsz - lo + PAGE - 1) / PAGE,
			    map_rights(s.flags), img->data + s.offset,
			    s.vaddr - lo, s.filesz);
		if (e != UK_OK)
			return e;
	}
	/* Its name at the top of its stack, rsp below it (uk.h). */
	e = map_new(c, UK_STACK_TOP - UK_STACK_PAGES * PAGE, UK_STACK_PAGES,
		    UK_R_READ | UK_R_WRITE, c->name,
		    UK_STACK_PAGES * PAGE - UK_START_NAME_MAX,
		    strlen(c->name) + 1);
	if (e == UK_OK && c->is_app)
		e = uk_mem_map(c->proc, UK_SLOT_INIT_APP, UK_APP_BUNDLE_VA,
			       UK_R_READ);
	if (e == UK_OK)
		e = give_caps(c, registry_ep, tmp);
	if (e == UK_OK)
		e = uk_proc_start(c->proc, img->entry, UK_START_SP, c->arg);
	return e;
}

int spawn_start(struct child *c, uint64_t registry_ep)
{
	struct elf_image img;
	enum elf_err ee;
	enum uk_err e = UK_E_NOMEM;
	uint64_t tmp;

	c->proc = UK_NO_CAP;
	ee = elf_check(&img, c->image, c->size);
	if (ee == ELF_E_ABI) {
		eprintf("init: %s: built for ABI version %u, this system is "
			"version %u\n", c->name, img.abi, UK_ABI_VERSION);
		return UK_E_ARG;
	}
	if (ee != ELF_OK) {
		eprintf("init: %s: bad ELF: %s\n", c->name, elf_strerror(ee));
		return UK_E_ARG;
	}
	tmp = uk_slot_alloc();
	c->proc = uk_slot_alloc();
	if (tmp != UK_NO_CAP && c->proc != UK_NO_CAP)
		e = build(c, &img, registry_ep, tmp);
	uk_slot_free(tmp);
	if (e != UK_OK) {
		printf("init: %s: cannot start: %s\n", c->name,
		       uk_strerror(e));
		spawn_reap(c);
		return e;
	}
	c->state = CHILD_RUNNING;
	printf("init: started %s (pid %lu)\n", c->name, c->pid);
	return UK_OK;
}

void spawn_reap(struct child *c)
{
	if (c->proc == UK_NO_CAP)
		return;
	uk_proc_kill(c->proc);          /* also when it is stopped already */
	uk_cap_delete(c->proc);
	uk_slot_free(c->proc);
	c->proc = UK_NO_CAP;
}
