/*
 * The PVH boot ABI, shared by the monitor (which builds it) and the kernel
 * (which reads it). Layout follows the published hvm_start_info version 1;
 * every offset the other side depends on is asserted below.
 *
 * Entry state (both our monitor and QEMU): 32-bit flat protected mode,
 * paging off, interrupts off, %ebx = physical address of hvm_start_info,
 * CS/DS/ES/SS flat 4 GiB segments.
 */
#ifndef SHARED_PVH_H
#define SHARED_PVH_H

#include <stdint.h>
#include <stddef.h>

/* ELF note (name "Xen") whose descriptor is the 32-bit physical entry. */
#define PVH_NOTE_NAME           "Xen"
#define PVH_NOTE_PHYS32_ENTRY   18

#define PVH_START_MAGIC         0x336ec578u
#define PVH_START_VERSION       1

/* Memory map entry types (the E820 values). */
#define PVH_MEMMAP_RAM          1
#define PVH_MEMMAP_RESERVED     2
#define PVH_MEMMAP_ACPI         3
#define PVH_MEMMAP_NVS          4
#define PVH_MEMMAP_UNUSABLE     5

struct pvh_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;         /* NUL-terminated ASCII, 0 if none */
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;          /* version >= 1 */
	uint32_t memmap_entries;        /* version >= 1 */
	uint32_t _reserved;
};

struct pvh_module {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t _reserved;
};

struct pvh_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t _reserved;
};

_Static_assert(sizeof(struct pvh_start_info) == 56, "start info size");
_Static_assert(offsetof(struct pvh_start_info, nr_modules) == 12, "nr_modules");
_Static_assert(offsetof(struct pvh_start_info, modlist_paddr) == 16, "modlist");
_Static_assert(offsetof(struct pvh_start_info, cmdline_paddr) == 24, "cmdline");
_Static_assert(offsetof(struct pvh_start_info, rsdp_paddr) == 32, "rsdp");
_Static_assert(offsetof(struct pvh_start_info, memmap_paddr) == 40, "memmap");
_Static_assert(offsetof(struct pvh_start_info, memmap_entries) == 48, "entries");
_Static_assert(sizeof(struct pvh_module) == 32, "module size");
_Static_assert(sizeof(struct pvh_memmap_entry) == 24, "memmap entry size");
_Static_assert(offsetof(struct pvh_memmap_entry, type) == 16, "type");

#endif
