#include "fsclient.h"
#include "regclient.h"
#include "rpc.h"
#include "uk.h"
#include "ulib.h"

void fsc_close(struct fsc *c)
{
	if (c->session != UK_NO_CAP)
		fsc_call(c, FS_OP_CLOSE, 0, 0, 0, 0, NULL);
	if (c->buf)
		uk_mem_unmap(UK_SELF, (uintptr_t)c->buf,
			     c->buf_bytes / UK_PAGE_SIZE);
	uk_slot_drop(&c->session);
	uk_slot_drop(&c->buf_slot);
	c->buf = NULL;
}

int fsc_connect(struct fsc *c, uint64_t va, uint64_t pages, unsigned tries)
{
	uint64_t ep = uk_slot_alloc();
	struct uk_msg m = { .label = FS_OP_SETUP };
	int e;

	*c = (struct fsc){ .session = uk_slot_alloc(),
			   .buf_slot = uk_slot_alloc(),
			   .buf_bytes = pages * UK_PAGE_SIZE };
	if (ep == UK_NO_CAP || c->session == UK_NO_CAP ||
	    c->buf_slot == UK_NO_CAP || c->buf_bytes <= FSC_DATA) {
		e = -(int)UK_E_NOMEM;
		goto out;
	}
	e = reg_lookup_wait("fs", ep, tries);
	if (e != REG_OK) {
		e = -(int)UK_E_DEAD;
		goto out;
	}
	if (uk_mem_alloc(c->buf_slot, pages) != UK_OK ||
	    uk_mem_map(UK_SELF, c->buf_slot, va, UK_R_READ | UK_R_WRITE) !=
	    UK_OK) {
		e = -(int)UK_E_NOMEM;
		goto out;
	}
	c->buf = (uint8_t *)(uintptr_t)va;
	c->data_bytes = c->buf_bytes - FSC_DATA;
	m.cap = c->buf_slot;
	e = rpc_open(ep, &m, c->session, FSC_ERR_MAX);
	if (e == FS_OK && m.w[0] < c->buf_bytes)
		e = -(int)UK_E_ARG;
out:
	uk_slot_drop(&ep);
	if (e != FS_OK) {
		uint64_t s = c->session;

		c->session = UK_NO_CAP;         /* no CLOSE: none was set up */
		uk_slot_drop(&s);
		fsc_close(c);
	}
	return e;
}

int fsc_call(struct fsc *c, uint64_t op, uint64_t w0, uint64_t w1,
	     uint64_t w2, uint64_t w3, uint64_t r[4])
{
	struct uk_msg m = { .label = op, .w = { w0, w1, w2, w3 },
			    .cap = UK_NO_CAP };
	int e = rpc_call(c->session, &m, UK_NO_CAP, FSC_ERR_MAX);

	if (r)
		memcpy(r, m.w, 4 * sizeof *r);
	return e;
}

int fsc_put_path(struct fsc *c, uint64_t field, const char *path)
{
	size_t n = strnlen(path, FS_PATH_MAX);

	if (n == FS_PATH_MAX)
		return FS_E_NAMETOOLONG;
	memcpy(c->buf + field, path, n + 1);
	return FS_OK;
}

int fsc_open(struct fsc *c, const char *path, uint32_t flags,
	     uint32_t mode, uint64_t *handle, uint64_t *size,
	     uint32_t *mode_out)
{
	uint64_t r[4];
	int e = fsc_put_path(c, FSC_PATH0, path);

	if (e == FS_OK)
		e = fsc_call(c, FS_OP_OPEN, FSC_PATH0, flags, mode, 0, r);
	if (e == FS_OK) {
		*handle = r[0];
		c->last_ino = r[3];
		if (size)
			*size = r[1];
		if (mode_out)
			*mode_out = (uint32_t)r[2];
	}
	return e;
}

static int64_t io(struct fsc *c, uint64_t op, uint64_t h, uint8_t *buf,
		  size_t n, uint64_t off)
{
	size_t done = 0;

	while (done < n) {
		size_t k = n - done;
		uint64_t r[4];
		int e;

		if (k > c->data_bytes)
			k = c->data_bytes;
		if (k > FS_IO_MAX)
			k = FS_IO_MAX;
		if (op == FS_OP_WRITE)
			memcpy(c->buf + FSC_DATA, buf + done, k);
		e = fsc_call(c, op, h, off + done, FSC_DATA, k, r);
		if (e != FS_OK)
			return done ? (int64_t)done : -(int64_t)e;
		if (r[0] > k)
			return -(int64_t)FS_E_IO;       /* a lying server */
		if (op == FS_OP_READ)
			memcpy(buf + done, c->buf + FSC_DATA, r[0]);
		done += r[0];
		if (r[0] < k)
			break;
	}
	return (int64_t)done;
}

int64_t fsc_pread(struct fsc *c, uint64_t h, void *buf, size_t n,
		  uint64_t off)
{
	return io(c, FS_OP_READ, h, buf, n, off);
}

int64_t fsc_pwrite(struct fsc *c, uint64_t h, const void *buf, size_t n,
		   uint64_t off)
{
	return io(c, FS_OP_WRITE, h, (uint8_t *)(uintptr_t)buf, n, off);
}

int fsc_close_file(struct fsc *c, uint64_t h)
{
	return fsc_call(c, FS_OP_CLOSE_FILE, h, 0, 0, 0, NULL);
}

int fsc_stat(struct fsc *c, const char *path, struct fs_stat *st)
{
	int e = fsc_put_path(c, FSC_PATH0, path);

	if (e == FS_OK)
		e = fsc_call(c, FS_OP_STAT, FSC_PATH0, FSC_REC, 0, 0, NULL);
	if (e == FS_OK)
		memcpy(st, c->buf + FSC_REC, sizeof *st);
	return e;
}

int fsc_fstat(struct fsc *c, uint64_t h, struct fs_stat *st)
{
	int e = fsc_call(c, FS_OP_FSTAT, h, FSC_REC, 0, 0, NULL);

	if (e == FS_OK)
		memcpy(st, c->buf + FSC_REC, sizeof *st);
	return e;
}

/* An operation on one path, with one more word. */
static int on_path(struct fsc *c, uint64_t op, const char *path, uint64_t w1)
{
	int e = fsc_put_path(c, FSC_PATH0, path);

	return e == FS_OK ? fsc_call(c, op, FSC_PATH0, w1, 0, 0, NULL) : e;
}

int fsc_mkdir(struct fsc *c, const char *path, uint32_t mode)
{
	return on_path(c, FS_OP_MKDIR, path, mode);
}

int fsc_unlink(struct fsc *c, const char *path)
{
	return on_path(c, FS_OP_UNLINK, path, 0);
}

int fsc_rmdir(struct fsc *c, const char *path)
{
	return on_path(c, FS_OP_RMDIR, path, 0);
}

int fsc_rename(struct fsc *c, const char *from, const char *to)
{
	int e = fsc_put_path(c, FSC_PATH0, from);

	if (e == FS_OK)
		e = fsc_put_path(c, FSC_PATH1, to);
	return e == FS_OK ? fsc_call(c, FS_OP_RENAME, FSC_PATH0, FSC_PATH1, 0,
				     0, NULL) : e;
}

int fsc_truncate(struct fsc *c, uint64_t h, uint64_t size)
{
	return fsc_call(c, FS_OP_TRUNCATE, h, size, 0, 0, NULL);
}

int fsc_sync(struct fsc *c, uint64_t h)
{
	return fsc_call(c, FS_OP_SYNC, h, 0, 0, 0, NULL);
}

const char *fsc_strerror(int r)
{
	static const char *const low[] = {
		[FS_OK] = "FS_OK", [FS_E_NOENT] = "FS_E_NOENT",
		[FS_E_IO] = "FS_E_IO", [FS_E_BADF] = "FS_E_BADF",
		[FS_E_EXIST] = "FS_E_EXIST", [FS_E_NOTDIR] = "FS_E_NOTDIR",
		[FS_E_ISDIR] = "FS_E_ISDIR", [FS_E_INVAL] = "FS_E_INVAL",
		[FS_E_MFILE] = "FS_E_MFILE", [FS_E_FBIG] = "FS_E_FBIG",
		[FS_E_NOSPC] = "FS_E_NOSPC", [FS_E_ROFS] = "FS_E_ROFS",
		[FS_E_NAMETOOLONG] = "FS_E_NAMETOOLONG",
		[FS_E_NOTEMPTY] = "FS_E_NOTEMPTY", [FS_E_NOTSUP] = "FS_E_NOTSUP",
	};
	static const char *const high[] = {
		"FS_E_BAD_REQUEST", "FS_E_NO_BUFFER", "FS_E_BAD_BUFFER",
		"FS_E_FULL",
	};

	if (r >= FS_E_BAD_REQUEST && r <= FS_E_FULL)
		return high[r - FS_E_BAD_REQUEST];
	return rpc_strerror(r, low, sizeof low / sizeof low[0]);
}
