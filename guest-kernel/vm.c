#include "vm.h"
#include "arch.h"
#include "frame.h"
#include "cstr.h"
#include "ukern/abi.h"

#define PTE_P   0x001ull
#define PTE_W   0x002ull
#define PTE_U   0x004ull
#define PTE_PWT 0x008ull
#define PTE_PCD 0x010ull
#define PTE_NX  (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull
/* In an entry that points to a table, bits 52-61 (which the MMU ignores
 * there) count the table's present entries, so that unmapping knows when
 * a table is empty without reading it. */
#define PTE_COUNT_ONE   (1ull << 52)
#define PTE_COUNT       (0x3ffull << 52)

/* Empty page tables kept for the next table made, so that a window
 * mapped and unmapped again and again (init's, for writing a program's
 * pages) does not pay the frame allocator each time. All zero, nobody's:
 * a bounded reserve of the kernel's own. */
#define SPARE_TABLES    4

extern uint64_t boot_pml4[];
static uint64_t cur_pml4;
static uint64_t spare[SPARE_TABLES];
static unsigned nspare;

static uint64_t *table(uint64_t phys)
{
	return phys_to_virt(phys & PTE_ADDR);
}

uint64_t vm_create(struct quota *q)
{
	uint64_t pml4;

	if (quota_take(q, 1) < 0)
		return 0;
	if (!(pml4 = frame_alloc_zero())) {
		quota_give(q, 1);
		return 0;
	}
	memcpy(table(pml4) + 256, boot_pml4 + 256, 256 * 8);
	return pml4;
}

/* Frees the table e points to and those below it; returns their count. */
static uint32_t free_level(uint64_t e, int level)
{
	uint64_t *t = table(e);
	uint32_t n = 1;

	if (level > 1)
		for (int i = 0; i < 512; i++)
			if (t[i] & PTE_P)
				n += free_level(t[i], level - 1);
	frame_free(e & PTE_ADDR);
	return n;
}

void vm_destroy(uint64_t pml4, struct quota *q)
{
	uint64_t *t = table(pml4);
	uint32_t n = 1;

	if (cur_pml4 == pml4)
		vm_switch(virt_to_phys(boot_pml4));
	for (int i = 0; i < 256; i++)
		if (t[i] & PTE_P)
			n += free_level(t[i], 3);
	frame_free(pml4);
	quota_give(q, n);
}

/* A zeroed frame for a page table, or 0. */
static uint64_t table_alloc(void)
{
	return nspare ? spare[--nspare] : frame_alloc_zero();
}

/* Frees the page table at t, which is empty, so all zero. */
static void table_free(uint64_t t)
{
	if (nspare < SPARE_TABLES)
		spare[nspare++] = t;
	else
		frame_free_zero(t);
}

/* Frees each table on the path e that is empty, from the one e[i] points
 * to upwards (never the PML4), giving it back to q and taking it off its
 * parent's count. */
static void prune(uint64_t *e[3], int i, struct quota *q)
{
	for (; i >= 0 && !(*e[i] & PTE_COUNT); i--) {
		table_free(*e[i] & PTE_ADDR);
		quota_give(q, 1);
		*e[i] = 0;
		if (i)
			*e[i - 1] -= PTE_COUNT_ONE;
	}
}

/* Makes the table that e[i] should point to, charged to q and counted
 * in its parent; 0, or -1 (q full or no frame) with the tables above it
 * that are left empty freed again. */
static int make(uint64_t *e[3], int i, struct quota *q)
{
	uint64_t f;

	if (quota_take(q, 1) < 0)
		goto fail;
	if (!(f = table_alloc())) {
		quota_give(q, 1);
		goto fail;
	}
	*e[i] = f | PTE_P | PTE_W | PTE_U;
	if (i)
		*e[i - 1] += PTE_COUNT_ONE;
	return 0;
fail:
	prune(e, i - 1, q);
	return -1;
}

/* The page-table entry for va, with in e the entries that lead to it (in
 * the PML4, the PDPT, the page directory); NULL if a table on the way is
 * missing. With q, missing tables are made (make); NULL then only if one
 * cannot be. */
static inline uint64_t *walk(uint64_t pml4, uint64_t va, uint64_t *e[3],
			     struct quota *q)
{
	uint64_t *t = table(pml4);

	for (int i = 0; i < 3; i++) {
		e[i] = &t[(va >> (39 - 9 * i)) & 511];
		if (!(*e[i] & PTE_P) && (!q || make(e, i, q) < 0))
			return NULL;
		t = table(*e[i]);
	}
	return &t[(va >> 12) & 511];
}

/* Walk once per page table, not once per page. */
int vm_map_range(uint64_t pml4, uint64_t va, uint64_t phys, uint64_t n,
		 unsigned flags, struct quota *q)
{
	uint64_t bits = PTE_P | PTE_U | (flags & VM_W ? PTE_W : 0) |
			(flags & VM_X ? 0 : PTE_NX) |
			(flags & VM_UC ? PTE_PCD | PTE_PWT : 0);

	for (uint64_t done = 0; done < n; ) {
		uint64_t *e[3], *pte = walk(pml4, va + done * 4096, e, q);
		uint64_t k = 512 - (((va >> 12) + done) & 511);

		if (!pte) {
			vm_unmap_range(pml4, va, done, q);
			return -1;
		}
		if (k > n - done)
			k = n - done;
		*e[2] += k * PTE_COUNT_ONE;
		for (; k; k--, done++)
			*pte++ = (phys + done * 4096) | bits;
	}
	return 0;
}

void vm_unmap_range(uint64_t pml4, uint64_t va, uint64_t n, struct quota *q)
{
	for (uint64_t done = 0; done < n; ) {
		uint64_t *e[3], *pte = walk(pml4, va + done * 4096, e, NULL);
		uint64_t k = 512 - (((va >> 12) + done) & 511);

		if (k > n - done)
			k = n - done;
		done += k;
		if (!pte)               /* no table: nothing mapped there */
			continue;
		*e[2] -= k * PTE_COUNT_ONE;
		for (; k; k--)
			*pte++ = 0;
		prune(e, 2, q);
	}
	if (pml4 == cur_pml4)
		__asm__ volatile("mov %%cr3, %%rax; mov %%rax, %%cr3"
				 : : : "rax", "memory");
}

int64_t vm_user_phys(uint64_t pml4, uint64_t va, int write)
{
	uint64_t *e[3], *pte;

	if (va >= UK_USER_MAX + UK_PAGE_SIZE)
		return -1;
	pte = walk(pml4, va, e, NULL);
	if (!pte || !(*pte & PTE_P) || !(*pte & PTE_U) ||
	    (write && !(*pte & PTE_W)))
		return -1;
	return (int64_t)((*pte & PTE_ADDR) | (va & 0xfff));
}

void vm_switch(uint64_t pml4)
{
	if (pml4 != cur_pml4) {
		cur_pml4 = pml4;
		__asm__ volatile("mov %0, %%cr3" : : "r"(pml4) : "memory");
	}
}

int vm_copy_in(uint64_t pml4, void *dst, uint64_t va, uint64_t n)
{
	uint8_t *d = dst;

	while (n) {
		int64_t p = vm_user_phys(pml4, va, 0);
		uint64_t chunk = 4096 - (va & 0xfff);
		if (p < 0)
			return -1;
		if (chunk > n)
			chunk = n;
		memcpy(d, phys_to_virt((uint64_t)p), chunk);
		d += chunk;
		va += chunk;
		n -= chunk;
	}
	return 0;
}

uint64_t vm_switch_cost(uint64_t pml4)
{
	uint64_t boot = virt_to_phys(boot_pml4), t0;

	vm_switch(pml4);
	t0 = rdtsc();
	for (int i = 0; i < 100; i++) {
		__asm__ volatile("mov %0, %%cr3" : : "r"(boot) : "memory");
		__asm__ volatile("mov %0, %%cr3" : : "r"(pml4) : "memory");
	}
	return (rdtsc() - t0) / 100;
}
