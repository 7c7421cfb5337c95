/*
 * The boot structures the monitor writes into guest RAM before the PVH
 * entry: hvm_start_info (shared/include/pvh.h), its memory map, the
 * command line, and a flat GDT whose descriptors match the segment
 * registers the vCPU starts with. They all live in the boot area
 * [BOOT_AREA_START, BOOT_AREA_END), which the loader keeps free of
 * kernel segments. The area is RAM in the memory map: a kernel copies
 * what it needs before it reuses low memory.
 */
#ifndef VMM_BOOTINFO_H
#define VMM_BOOTINFO_H

#include <stdint.h>

#include "log.h"
#include "mem.h"

#define BOOT_AREA_START         0x1000ull
#define BOOT_START_INFO         0x1000ull       /* struct pvh_start_info */
#define BOOT_MEMMAP             0x1040ull       /* pvh_memmap_entry[] */
#define BOOT_MEMMAP_MAX         8
#define BOOT_GDT                0x1100ull       /* BOOT_GDT_ENTRIES x 8 */
#define BOOT_GDT_ENTRIES        4
#define BOOT_MODLIST            0x1120ull       /* one struct pvh_module */
#define BOOT_CMDLINE            0x2000ull       /* up to 4 KiB with NUL */
#define BOOT_CMDLINE_SIZE       0x1000ull
#define BOOT_AREA_END           0x3000ull

/* Selectors of the boot GDT. */
#define BOOT_SEL_CODE32         0x08
#define BOOT_SEL_DATA32         0x10
#define BOOT_SEL_TSS32          0x18
#define BOOT_TSS_LIMIT          0x67    /* PVH: TR base 0, limit 0x67 */

/* The PC hole between low RAM and 1 MiB (reserved in the memory map). */
#define BOOT_LOW_RAM_END        0xa0000ull
#define BOOT_HIGH_RAM_START     0x100000ull

/*
 * KVM's private pages on Intel hosts, outside RAM and outside the
 * 0xfeb00000-0xfeefffff device window: the identity-map page table
 * (KVM's default address, 0xfffbc000) and the three-page real-mode TSS
 * set with KVM_SET_TSS_ADDR. Reserved in the memory map.
 */
#define BOOT_KVM_IDENTITY_MAP   0xfffbc000ull
#define BOOT_KVM_TSS            0xfffbd000ull
#define BOOT_KVM_PRIVATE_SIZE   0x4000ull

/*
 * A GDT descriptor: base, 20-bit limit, access byte (P, DPL, S, type)
 * and the flags nibble (G, D/B, L, AVL).
 */
uint64_t bootinfo_gdt_entry(uint32_t base, uint32_t limit, uint8_t access,
			    uint8_t flags);

/*
 * Write the boot structures into guest RAM: start info (version 1, no
 * modules, no RSDP), the memory map for m->size bytes of RAM, cmdline
 * (copied with its NUL; may be empty) and the boot GDT. Returns 0 and
 * sets *start_info to the guest address for %ebx, -E2BIG if cmdline
 * does not fit, or -EINVAL if RAM is too small to hold the map.
 */
/* After bootinfo_build: pass [paddr, paddr + size) as the one module
 * (the sandbox's program). */
void bootinfo_add_module(struct mem *m, gpa_t paddr, uint64_t size);

int bootinfo_build(struct mem *m, const char *cmdline, gpa_t *start_info,
		   struct errmsg *err);

#endif
