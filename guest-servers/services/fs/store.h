/*
 * The file service's disk: a client of the block service ("blk",
 * proto/blk.h) with one session over a buffer of its own that holds
 * the metadata (layout.h) and one blob's contents. Every change of the
 * metadata is written and flushed before the call returns; a blob's
 * contents are flushed before the directory names them.
 */
#ifndef FS_STORE_H
#define FS_STORE_H

#include <stdint.h>
#include <proto/fs.h>
#include "blkclient.h"
#include "layout.h"

struct store {
	struct blkc blk;        /* my blk session; its buffer holds the
	                           metadata image, then the data area */
	uint8_t *data;          /* FS_BLOB_MAX bytes: one blob's contents */
	struct fs_meta meta;    /* the metadata as it is on the disk */
};

/* Finds "blk" (waiting for it to register), opens a session, reads the
 * metadata; formats a disk that holds none of ours (logged). Returns 0,
 * or -1 after logging why. */
int store_open(struct store *s);

/* Stores the len bytes (<= FS_BLOB_MAX) at s->data as owner's blob
 * name (a checked name field), replacing owner's of that name or taking
 * a nobody's (layout.h). FS_OK, FS_E_NO_SPACE (the disk's, or owner's
 * share of entries or sectors) or FS_E_IO (the directory unchanged). */
enum fs_err store_write(struct store *s, uint64_t owner,
			const char name[FS_NAME_MAX], uint64_t len);

/* Reads the blob of directory entry i into s->data. FS_OK or FS_E_IO. */
enum fs_err store_read(struct store *s, int i);

/* Deletes the blob of directory entry i. FS_OK or FS_E_IO (then the
 * entry is kept). */
enum fs_err store_delete(struct store *s, int i);

#endif
