/*
 * Physical frame allocator: a buddy allocator over untouched RAM. Free
 * memory is blocks of 2^k frames, each aligned to its size; a freed block
 * merges with its buddy whenever that is free too, so freed frames
 * coalesce back into runs. No per-frame setup: RAM never handed out stays
 * as the ranges it came in (handed out from the bottom, a bump allocator
 * on the common path at boot) and is cut into blocks only when a range
 * cannot serve a request. One byte per frame, in a map taken from the
 * ranges themselves (zero already), says which frames head a free block
 * of which order, clean (all zero) or not, and which head a block in use;
 * merging reads only the map, never a word a user could have written
 * into a frame. Pure (host-tested): frames are reached at
 * phys + virt_offset.
 */
#ifndef KERNEL_FRAME_H
#define KERNEL_FRAME_H

#include <stdint.h>
#include "memmap.h"

#define FRAME_SIZE      4096ull
#define FRAME_ORDERS    20      /* blocks of 1 frame to 2 GiB */
#define FRAME_RUN_MAX   (1ull << (FRAME_ORDERS - 1))

/* Takes over n sorted, disjoint, page-aligned ranges (memmap_usable),
 * none containing physical 0, whose contents are zero (both monitors give
 * the guest zero-filled RAM, and the ranges exclude everything the loader
 * or firmware wrote); panics otherwise, or if no range can hold the frame
 * map (one byte per frame from the first range's start to the last's
 * end, taken from the start of the first range it fits in). Frame p is
 * accessed at p + virt_offset. Forgets all earlier state. */
void frame_init(const struct mem_range *r, unsigned n, uint64_t virt_offset);

/* Returns a free frame's physical address (contents undefined), or 0
 * when none is left. */
uint64_t frame_alloc(void);

/* A frame whose contents are zero, or 0. The allocator knows which free
 * blocks are zero (never used, or given back with frame_free_zero) and
 * clears only the others, with frame_clear. */
uint64_t frame_alloc_zero(void);
/* Zero the page at v (frame_x86.c: rep stosq; the host tests: memset). */
void frame_clear(void *v);

/* n (1..FRAME_RUN_MAX) physically contiguous zeroed frames; the first's
 * address, or 0. From untouched RAM, or from a free block of the power of
 * two above n, whose rest stays free. Given back with frame_free_run and
 * the same n. */
uint64_t frame_alloc_run(uint64_t n);

/* Gives back frame p from frame_alloc or frame_alloc_zero. Panics if p is
 * not a frame in use (never handed out, freed twice, outside the ranges,
 * inside a run). */
void frame_free(uint64_t p);
/* Like frame_free, for a frame the caller knows is all zero (an empty
 * page table): it is handed out again without clearing. */
void frame_free_zero(uint64_t p);
/* Gives back the run of n frames at p from frame_alloc_run(n). Panics,
 * changing nothing, if p does not start a run in use (the size is the
 * caller's to remember). */
void frame_free_run(uint64_t p, uint64_t n);

/* The number of free frames. */
uint64_t frame_free_count(void);

#endif
