/*
 * The PVH start info: its validation and the usable RAM it describes.
 * Pure (host-tested): works on structures already read, never on raw
 * physical addresses.
 */
#ifndef KERNEL_MEMMAP_H
#define KERNEL_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>
#include "pvh.h"

#define MEMMAP_ENTRIES_MAX 128
#define MEMMAP_MODULES_MAX 16
#define MEMMAP_RANGES_MAX  32
#define MEMMAP_LOW         0x100000ull          /* nothing below 1 MiB */
#define MEMMAP_HIGH        0x100000000ull       /* end of the direct map */
#define MEMMAP_PAGE        4096ull

struct mem_range {
	uint64_t start, end;    /* [start, end) */
};

/* [addr, addr + size), the end saturated at UINT64_MAX. */
struct mem_range mem_range_of(uint64_t addr, uint64_t size);

/* Whether [addr, addr + len) lies in low RAM (below PLAT_RAM_MAX), where
 * start info structures must be. */
bool memmap_in_low_ram(uint64_t addr, uint64_t len);

/*
 * Checks a start info found at physical si_phys (already checked with
 * memmap_in_low_ram): magic, version >= 1, a memory map of 1 to
 * MEMMAP_ENTRIES_MAX entries, at most MEMMAP_MODULES_MAX modules, every
 * table in low RAM. Returns NULL when good, else the reason.
 */
const char *memmap_check(const struct pvh_start_info *si);

/*
 * Computes usable RAM: the RAM entries of map (n entries, any order, may
 * overlap), minus every other entry and every range of excl, clipped to
 * [MEMMAP_LOW, MEMMAP_HIGH) and page-aligned inward. Writes at most max
 * sorted, disjoint ranges to out and returns their count; RAM that does
 * not fit in max ranges is left out.
 */
unsigned memmap_usable(const struct pvh_memmap_entry *map, unsigned n,
		       const struct mem_range *excl, unsigned nexcl,
		       struct mem_range *out, unsigned max);

#endif
