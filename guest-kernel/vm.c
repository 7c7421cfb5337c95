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

extern uint64_t boot_pml4[];
static uint64_t cur_pml4;

static uint64_t *table(uint64_t phys)
{
	return phys_to_virt(phys & PTE_ADDR);
}

uint64_t vm_create(void)
{
	uint64_t pml4 = frame_alloc_zero();

	if (pml4)
		memcpy(table(pml4) + 256, boot_pml4 + 256, 256 * 8);
	return pml4;
}

static void free_level(uint64_t phys, int level)
{
	uint64_t *t = table(phys);

	if (level > 1)
		for (int i = 0; i < 512; i++)
			if (t[i] & PTE_P)
				free_level(t[i], level - 1);
	frame_free(phys & PTE_ADDR);
}

void vm_destroy(uint64_t pml4)
{
	uint64_t *t = table(pml4);

	if (cur_pml4 == pml4)
		vm_switch(virt_to_phys(boot_pml4));
	for (int i = 0; i < 256; i++)
		if (t[i] & PTE_P)
			free_level(t[i], 3);
	frame_free(pml4);
}

/* The page-table entry for va, creating tables on the way if create. */
static uint64_t *walk(uint64_t pml4, uint64_t va, int create)
{
	uint64_t *t = table(pml4);

	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = &t[(va >> shift) & 511];
		if (!(*e & PTE_P)) {
			uint64_t f;
			if (!create || !(f = frame_alloc_zero()))
				return NULL;
			*e = f | PTE_P | PTE_W | PTE_U;
		}
		t = table(*e);
	}
	return &t[(va >> 12) & 511];
}

/* Walk once per page table, not once per page. */
int vm_map_range(uint64_t pml4, uint64_t va, uint64_t phys, uint64_t n,
		 unsigned flags)
{
	uint64_t bits = PTE_P | PTE_U | (flags & VM_W ? PTE_W : 0) |
			(flags & VM_X ? 0 : PTE_NX) |
			(flags & VM_UC ? PTE_PCD | PTE_PWT : 0);

	for (uint64_t done = 0; done < n; ) {
		uint64_t *pte = walk(pml4, va + done * 4096, 1);
		uint64_t k = 512 - (((va >> 12) + done) & 511);

		if (!pte) {
			vm_unmap_range(pml4, va, done);
			return -1;
		}
		for (; k && done < n; k--, done++)
			*pte++ = (phys + done * 4096) | bits;
	}
	return 0;
}

void vm_unmap_range(uint64_t pml4, uint64_t va, uint64_t n)
{
	for (uint64_t done = 0; done < n; ) {
		uint64_t *pte = walk(pml4, va + done * 4096, 0);
		uint64_t k = 512 - (((va >> 12) + done) & 511);

		if (!pte) {             /* no table: nothing mapped there */
			done += k;
			continue;
		}
		for (; k && done < n; k--, done++)
			*pte++ = 0;
	}
	if (pml4 == cur_pml4)
		__asm__ volatile("mov %%cr3, %%rax; mov %%rax, %%cr3"
				 : : : "rax", "memory");
}

int64_t vm_user_phys(uint64_t pml4, uint64_t va, int write)
{
	uint64_t *pte;

	if (va >= UK_USER_MAX + UK_PAGE_SIZE)
		return -1;
	pte = walk(pml4, va, 0);
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
