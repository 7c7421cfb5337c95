/*
 * Address spaces: one 4-level page table per process. The user half
 * (PML4 slots 0-255) is private and built here with 4 KiB pages; the
 * kernel half (slots 256-511) is the boot table's, shared and
 * supervisor-only, so the kernel runs unchanged in every address space.
 * Every table of the user half, and the PML4, is charged to a quota (the
 * process's tables), and a table that unmapping leaves empty is freed at
 * once: mapping and unmapping can never pile up tables.
 */
#ifndef VM_H
#define VM_H

#include <stdint.h>
#include "quota.h"

#define VM_W    0x1u    /* writable */
#define VM_X    0x2u    /* executable (else NX) */
#define VM_UC   0x4u    /* uncached (device registers) */

/* A new address space (physical address of its PML4, charged to q), or
 * 0 (q full or no frame). */
uint64_t vm_create(struct quota *q);
/* Free the user half's page tables and the PML4, giving them back to q
 * (not the mapped frames, which regions own). */
void vm_destroy(uint64_t pml4, struct quota *q);
/* Map n user pages from va (page-aligned, user half, none of them mapped
 * now) to phys.. contiguously, charging the tables it makes to q; 0, or
 * -1 (q full or no frame for a table) with nothing mapped or charged. */
int vm_map_range(uint64_t pml4, uint64_t va, uint64_t phys, uint64_t n,
		 unsigned flags, struct quota *q);
/* Unmap n pages from va, all mapped by vm_map_range; each table left
 * empty is freed and given back to q. */
void vm_unmap_range(uint64_t pml4, uint64_t va, uint64_t n, struct quota *q);
/* The physical address behind user va if mapped user-accessible (and
 * writable when write is set), else -1. */
int64_t vm_user_phys(uint64_t pml4, uint64_t va, int write);
/* Switch to pml4 if it is not the current one. */
void vm_switch(uint64_t pml4);
/* TSC ticks for one pair of address-space switches (pml4 -> the boot
 * table -> pml4), averaged over a batch: the floor of an IPC round trip. */
uint64_t vm_switch_cost(uint64_t pml4);
/* Copy n bytes from user va in pml4 into dst; 0, or -1 if any byte is
 * not user-readable. */
int vm_copy_in(uint64_t pml4, void *dst, uint64_t va, uint64_t n);

#endif
