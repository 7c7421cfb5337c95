#include "store.h"
#include <proto/blk.h>
#include "uk.h"
#include "ulib.h"

#define STORE_PAGES     ((FS_META_BYTES + FS_BLOB_MAX) / UK_PAGE_SIZE)
#define LOOKUP_TRIES    10000   /* yields while "blk" is not registered */

/* Moves count sectors from sector between the disk and buffer offset off,
 * then flushes when flush is set. */
static enum fs_err rw(struct store *s, uint64_t op, uint64_t sector,
		      uint64_t count, uint64_t off, int flush)
{
	if (count && blkc_rw(&s->blk, op, sector, count, off) != BLK_OK)
		return FS_E_IO;
	if (flush && blkc_flush(&s->blk) != BLK_OK)
		return FS_E_IO;
	return FS_OK;
}

/* Writes the superblock and the directory, flushed. */
static enum fs_err write_meta(struct store *s)
{
	memcpy(s->blk.buf, &s->meta, sizeof s->meta);
	return rw(s, BLK_OP_WRITE, 0, 1 + FS_DIR_SECTORS, 0, 1);
}

int store_open(struct store *s)
{
	unsigned dropped;

	if (blkc_open(&s->blk, STORE_PAGES, LOOKUP_TRIES) != 0)
		return -1;
	s->data = s->blk.buf + FS_META_BYTES;
	if (s->blk.flags & BLK_INFO_READ_ONLY) {
		eprintf("fs: the disk is read-only\n");
		return -1;
	}
	if (s->blk.capacity < FS_DATA_START + 1) {
		eprintf("fs: the disk is too small (%lu sectors)\n",
			s->blk.capacity);
		return -1;
	}
	if (rw(s, BLK_OP_READ, 0, FS_DATA_START, 0, 0) != FS_OK) {
		eprintf("fs: cannot read the disk\n");
		return -1;
	}
	memcpy(&s->meta, s->blk.buf, sizeof s->meta);
	if (fs_mount_check(&s->meta, s->blk.capacity, &dropped) == 0) {
		if (dropped)
			printf("fs: dropped %u bad directory entries\n",
			       dropped);
		printf("fs: mounted, %lu sectors\n", s->meta.super.sectors);
		return dropped && write_meta(s) != FS_OK ? -1 : 0;
	}
	printf("fs: no file system on the disk: formatting %lu sectors\n",
	       s->blk.capacity);
	fs_format(&s->meta, s->blk.capacity);
	if (write_meta(s) != FS_OK) {
		eprintf("fs: cannot format the disk\n");
		return -1;
	}
	return 0;
}

enum fs_err store_write(struct store *s, uint64_t owner,
			const char name[FS_NAME_MAX], uint64_t len)
{
	uint64_t n = fs_sectors(len), start = FS_DATA_START, held;
	int i = fs_find(&s->meta, owner, name);
	struct fs_entry old;
	unsigned files;
	enum fs_err e;

	/* owner's share: what it holds, less what this write replaces. */
	fs_owned(&s->meta, owner, &files, &held);
	if (i >= 0 && s->meta.dir[i].owner == owner)
		held -= fs_sectors(s->meta.dir[i].length);
	else if (files >= FS_FILES_PER_OWNER)
		return FS_E_NO_SPACE;
	if (held + n > fs_owner_sectors(&s->meta))
		return FS_E_NO_SPACE;
	if (i < 0)
		i = fs_free_entry(&s->meta);
	if (i < 0 || len > FS_BLOB_MAX || (n && !(start = fs_alloc(&s->meta, n))))
		return FS_E_NO_SPACE;
	/* The old contents (if any) stay allocated until the new are safe. */
	memset(s->data + len, 0, n * FS_SECTOR - len);
	e = rw(s, BLK_OP_WRITE, start, n, FS_META_BYTES, 1);
	if (e != FS_OK)
		return e;
	old = s->meta.dir[i];
	memcpy(s->meta.dir[i].name, name, FS_NAME_MAX);
	s->meta.dir[i].start = start;
	s->meta.dir[i].length = len;
	s->meta.dir[i].owner = owner;
	s->meta.dir[i]._reserved = 0;
	e = write_meta(s);
	if (e != FS_OK)
		s->meta.dir[i] = old;
	return e;
}

enum fs_err store_read(struct store *s, int i)
{
	const struct fs_entry *d = &s->meta.dir[i];

	return rw(s, BLK_OP_READ, d->start, fs_sectors(d->length),
		  FS_META_BYTES, 0);
}

enum fs_err store_delete(struct store *s, int i)
{
	struct fs_entry old = s->meta.dir[i];
	enum fs_err e;

	memset(&s->meta.dir[i], 0, sizeof old);
	e = write_meta(s);
	if (e != FS_OK)
		s->meta.dir[i] = old;
	return e;
}
