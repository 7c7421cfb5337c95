/*
 * The file service's disk: a client of the block service ("blk") whose
 * shared buffer is a cache of the disk's 4 KiB pages, and the byte-level
 * read and write that ext2.c calls. Writes go through to blk at once
 * (only the sectors they touch); disk_flush makes them durable.
 */
#ifndef FS_DISK_H
#define FS_DISK_H

#include <stddef.h>
#include <stdint.h>
#include "blkclient.h"

#define DISK_PAGE       4096u
#define DISK_CACHE      256u            /* pages: 1 MiB */

struct disk {
	struct blkc blk;        /* its buffer holds the cached pages */
	uint64_t bytes;         /* the disk's size */
	uint64_t tag[DISK_CACHE];       /* page number + 1; 0: empty */
	uint32_t age[DISK_CACHE];
	uint32_t clock;
	int failed;             /* a blk call failed: EIO from then on */
};

/* Finds "blk" (waiting for it), opens a session. 0, or -1 after
 * logging why. */
int disk_open(struct disk *d);

/* ext2's callbacks (ctx is the struct disk). 0 or -1. */
int disk_read(void *ctx, uint64_t off, void *buf, size_t n);
int disk_write(void *ctx, uint64_t off, const void *buf, size_t n);

/* What was written is on the disk: 0 or -1. */
int disk_flush(struct disk *d);

int disk_read_only(const struct disk *d);

#endif
