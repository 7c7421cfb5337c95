/*
 * The file service's disk: a client of the block service ("blk") whose
 * shared buffer is a cache of the disk's 4 KiB pages, and the byte-level
 * read and write that ext2.c calls. Writes stay in the cache (dirty)
 * until disk_flush, or until their page must make room; a run of pages
 * missed one after another is read ahead, up to DISK_BATCH at once. Both
 * go to blk as BATCH requests of up to DISK_BATCH pages.
 */
#ifndef FS_DISK_H
#define FS_DISK_H

#include <stddef.h>
#include <stdint.h>
#include "blkclient.h"

#define DISK_PAGE       4096u
#define DISK_CACHE      256u            /* pages: 1 MiB */
#define DISK_BATCH      16u             /* BLK_BATCH_MAX */
#define DISK_HASH       1024u

struct disk {
	struct blkc blk;        /* its buffer holds the cached pages, then
	                           a page for BATCH's table */
	uint64_t bytes;         /* the disk's size */
	uint64_t tag[DISK_CACHE];       /* page number + 1; 0: empty */
	uint32_t age[DISK_CACHE];
	uint8_t dirty[DISK_CACHE];
	int16_t hash[DISK_HASH];        /* a page's likely slot, or -1 */
	uint32_t clock;
	uint64_t last_miss;     /* page number + 1 of the last miss */
	int failed;             /* a blk call failed: EIO from then on */
};

/* Finds "blk" (waiting for it), opens a session. 0, or -1 after
 * logging why. */
int disk_open(struct disk *d);

/* ext2's callbacks (ctx is the struct disk). 0 or -1. */
int disk_read(void *ctx, uint64_t off, void *buf, size_t n);
int disk_write(void *ctx, uint64_t off, const void *buf, size_t n);

/* Every dirty page written, then blk's FLUSH: 0 or -1. */
int disk_flush(struct disk *d);

int disk_read_only(const struct disk *d);

#endif
