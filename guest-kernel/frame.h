/*
 * Physical frame allocator. No per-frame setup: free RAM is a few ranges
 * handed out from the bottom, and freed frames form a LIFO list linked
 * through the frames themselves. Pure (host-tested): frames are reached at
 * phys + virt_offset.
 */
#ifndef KERNEL_FRAME_H
#define KERNEL_FRAME_H

#include <stdint.h>
#include "memmap.h"

#define FRAME_SIZE 4096ull

/* Takes over n sorted, disjoint, page-aligned ranges (memmap_usable), none
 * containing physical 0; panics otherwise. Frame p is accessed at
 * p + virt_offset. Forgets all earlier state. */
void frame_init(const struct mem_range *r, unsigned n, uint64_t virt_offset);

/* Returns a free frame's physical address (contents undefined), lowest
 * first until frames are freed, then the last freed; 0 when none is left. */
uint64_t frame_alloc(void);

/* A frame whose contents are zero. Frames never handed out before are
 * zero already (both monitors give the guest zero-filled RAM, and the
 * ranges exclude everything the loader or firmware wrote), so only a
 * recycled frame is cleared, with frame_clear. 0 when none is left. */
uint64_t frame_alloc_zero(void);
/* Zero the page at v (lib.c: rep stosq; the host tests: memset). */
void frame_clear(void *v);

/* n physically contiguous frames, never used before, so zero, carved
 * from the free ranges (freed frames are not coalesced back into runs);
 * the first's address, or 0. */
uint64_t frame_alloc_run(uint64_t n);

/* Gives frame p back. Panics if p is not a frame that frame_alloc
 * returned, or (cheap check) if p is already free. */
void frame_free(uint64_t p);

/* The number of frames frame_alloc can still return. */
uint64_t frame_free_count(void);

#endif
