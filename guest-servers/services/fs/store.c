#include "store.h"
#include <proto/blk.h>
#include "ipc.h"
#include "uk.h"
#include "ulib.h"

#define STORE_VA        0x100000000ull
#define STORE_BYTES     (FS_META_BYTES + FS_BLOB_MAX)
#define STORE_PAGES     (STORE_BYTES / UK_PAGE_SIZE)
#define LOOKUP_TRIES    10000   /* yields while "blk" is not registered */

/* One blk request; the reply's label, or BLK_E_IO when the call failed.
 * Stores the reply's first word in *w0 when w0 is not NULL. */
static uint64_t blk_call(uint64_t ep, uint64_t op, uint64_t a, uint64_t b,
			 uint64_t c, uint64_t *w0)
{
	struct uk_msg m = { .label = op, .w = { a, b, c }, .cap = UK_NO_CAP };

	if (uk_call(ep, &m) != UK_OK)
		return BLK_E_IO;
	if (w0)
		*w0 = m.w[0];
	return m.label;
}

/* Moves count sectors from sector between the disk and buffer offset off,
 * then flushes when flush is set. */
static enum fs_err rw(struct store *s, uint64_t op, uint64_t sector,
		      uint64_t count, uint64_t off, int flush)
{
	if (count && blk_call(s->session, op, sector, count, off, NULL) !=
	    BLK_OK)
		return FS_E_IO;
	if (flush && blk_call(s->session, BLK_OP_FLUSH, 0, 0, 0, NULL) !=
	    BLK_OK)
		return FS_E_IO;
	return FS_OK;
}

/* Writes the superblock and the directory, flushed. */
static enum fs_err write_meta(struct store *s)
{
	memcpy(s->buf, &s->meta, sizeof s->meta);
	return rw(s, BLK_OP_WRITE, 0, 1 + FS_DIR_SECTORS, 0, 1);
}

static int find_blk(struct store *s)
{
	int e = REG_E_NOT_FOUND;

	s->blk = uk_slot_alloc();
	for (int i = 0; i < LOOKUP_TRIES && e == REG_E_NOT_FOUND; i++) {
		e = reg_lookup("blk", s->blk);
		if (e == REG_E_NOT_FOUND)
			uk_yield();
	}
	if (e != REG_OK)
		eprintf("fs: lookup blk: %s\n", reg_strerror(e));
	return e == REG_OK ? 0 : -1;
}

static int setup(struct store *s)
{
	struct uk_msg m = { .label = BLK_OP_SETUP };
	uint64_t flags;

	s->buf_slot = uk_slot_alloc();
	s->session = uk_slot_alloc();
	if (uk_mem_alloc(s->buf_slot, STORE_PAGES) != UK_OK ||
	    uk_mem_map(UK_SELF, s->buf_slot, STORE_VA,
		       UK_R_READ | UK_R_WRITE) != UK_OK) {
		eprintf("fs: cannot get a buffer\n");
		return -1;
	}
	s->buf = (uint8_t *)(uintptr_t)STORE_VA;
	s->data = s->buf + FS_META_BYTES;
	m.cap = s->buf_slot;
	if (uk_call_rcv(s->blk, &m, s->session) != UK_OK ||
	    m.label != BLK_OK || m.cap != s->session) {
		eprintf("fs: blk SETUP failed (%lu)\n", m.label);
		return -1;
	}
	m = (struct uk_msg){ .label = BLK_OP_INFO, .cap = UK_NO_CAP };
	if (uk_call(s->blk, &m) != UK_OK || m.label != BLK_OK) {
		eprintf("fs: blk INFO failed\n");
		return -1;
	}
	s->capacity = m.w[0];
	flags = m.w[1];
	if (flags & BLK_INFO_READ_ONLY) {
		eprintf("fs: the disk is read-only\n");
		return -1;
	}
	return 0;
}

int store_open(struct store *s)
{
	unsigned dropped;

	if (find_blk(s) < 0 || setup(s) < 0)
		return -1;
	if (s->capacity < FS_DATA_START + 1) {
		eprintf("fs: the disk is too small (%lu sectors)\n",
			s->capacity);
		return -1;
	}
	if (rw(s, BLK_OP_READ, 0, FS_DATA_START, 0, 0) != FS_OK) {
		eprintf("fs: cannot read the disk\n");
		return -1;
	}
	memcpy(&s->meta, s->buf, sizeof s->meta);
	if (fs_mount_check(&s->meta, s->capacity, &dropped) == 0) {
		if (dropped)
			printf("fs: dropped %u bad directory entries\n",
			       dropped);
		printf("fs: mounted, %lu sectors\n", s->meta.super.sectors);
		return dropped && write_meta(s) != FS_OK ? -1 : 0;
	}
	printf("fs: no file system on the disk: formatting %lu sectors\n",
	       s->capacity);
	fs_format(&s->meta, s->capacity);
	if (write_meta(s) != FS_OK) {
		eprintf("fs: cannot format the disk\n");
		return -1;
	}
	return 0;
}

enum fs_err store_write(struct store *s, const char name[FS_NAME_MAX],
			uint64_t len)
{
	uint64_t n = fs_sectors(len), start = FS_DATA_START;
	int i = fs_find(&s->meta, name);
	struct fs_entry old;
	enum fs_err e;

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
