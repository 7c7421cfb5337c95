/*
 * fs: the file service (proto/fs.h). An ext2 file system on the block
 * device (ext2.c, ext2w.c; the device through disk.c's cache); it
 * registers "fs" and serves: receive, check, do, reply. A client's
 * buffer is mapped here while its session is open; every path is
 * copied out of it before it is checked or used.
 *
 * Sessions belong to the client that set them up (sessions.h):
 * FS_SESSIONS_PER_CLIENT each, a dead client's taken back when the
 * registry says it died. A session's root is /NAME for the client init
 * named NAME, made on its first SETUP (the sandbox's program, "app",
 * has the whole file system): paths resolve inside it, ".." never
 * leaves it, and handles are the session's own.
 */
#include <proto/fs.h>
#include "disk.h"
#include "ext2.h"
#include "regclient.h"
#include "rpc.h"
#include "sessions.h"
#include "uk.h"
#include "ulib.h"
#include "umap.h"

#define APP_NAME        "app"   /* the sandbox's program: the whole fs */

struct handle {
	uint32_t ino;           /* 0: free */
	uint8_t write;          /* opened with FS_O_WRITE */
	uint8_t dirty;          /* written through since the last sync */
};

struct session {
	uint64_t slot;          /* the client's memory capability */
	uint64_t bytes;
	uint8_t *buf;           /* mapped here */
	uint32_t root;          /* its root directory's inode */
	struct handle h[FS_HANDLES_MAX];
};

static struct disk disk;
static struct ext2 fs;
static struct sess_table table;
static struct session sessions[FS_SESSIONS_MAX];
static uint64_t ep;             /* my endpoint */
static uint64_t rcv;            /* empty slot for a client's capability */
static uint64_t minted;         /* a session endpoint on its way out */
static char path[FS_PATH_MAX], path2[FS_PATH_MAX];
/* The clock for the times written: seconds at start (init's argument,
 * the host's time in the sandbox; 0: none), counted on by the TSC. */
static uint64_t clock_base, clock_tsc, tsc_khz;

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static void tick(void)
{
	if (clock_base && tsc_khz)
		fs.now = (uint32_t)(clock_base +
				    (rdtsc() - clock_tsc) / tsc_khz / 1000);
}

static void end(unsigned i, void *ctx);
static const struct sess_ops ops = { .alive = reg_client_alive, .end = end };

static struct session *find(uint64_t badge)
{
	int i = sess_find(&table, badge);

	return i < 0 ? NULL : &sessions[i];
}

/* Whether [off, off + n) lies in s's buffer. */
static int in_buf(const struct session *s, uint64_t off, uint64_t n)
{
	return off <= s->bytes && n <= s->bytes - off;
}

/* The client's root: /NAME, made when missing (the program "app": /). */
static int client_root(const char *name, uint32_t *root)
{
	struct ext2_inode top, dir;
	int r;

	if (strcmp(name, APP_NAME) == 0) {
		*root = EXT2_ROOT_INO;
		return 0;
	}
	if ((r = ext2_inode(&fs, EXT2_ROOT_INO, &top)) < 0)
		return r;
	r = ext2_lookup(&fs, &top, name, strlen(name), root);
	if (r == -EXT2_ENOENT) {
		r = ext2_create(&fs, &top, name, strlen(name),
				EXT2_S_IFDIR | 0755, &dir);
		if (r == 0 && disk_flush(&disk) < 0)
			r = -EXT2_EIO;
		*root = dir.ino;
	}
	if (r == 0 && ((r = ext2_inode(&fs, *root, &dir)) == 0) &&
	    (dir.mode & EXT2_S_IFMT) != EXT2_S_IFDIR)
		r = -EXT2_ENOTDIR;
	return r;
}

/* SETUP by owner: the buffer arrived in rcv; a session keeps it. */
static int setup(struct uk_msg *m, uint64_t owner)
{
	uint64_t type, rights, badge, pages, phys, need = UK_R_READ | UK_R_WRITE;
	char name[REG_NAME_MAX + 1];
	uint32_t root;
	uint64_t va;
	int i, r;

	if (uk_cap_info(rcv, &type, &rights, &badge) != UK_OK ||
	    type != UK_CAP_MEMORY || (rights & need) != need ||
	    uk_mem_info(rcv, &pages, &phys) != UK_OK || pages == 0 ||
	    pages > FS_BUFFER_MAX / UK_PAGE_SIZE)
		return FS_E_BAD_BUFFER;
	if (owner == 0 || reg_who(owner, name) != REG_OK)
		return FS_E_FULL;
	if ((r = client_root(name, &root)) < 0)
		return -r;
	if ((i = sess_open(&table, owner, &badge, &ops)) < 0)
		return FS_E_FULL;
	va = UMAP_CLIENTS + (uint64_t)i * FS_BUFFER_MAX;
	if (uk_mem_map(UK_SELF, rcv, va, need) != UK_OK) {
		sess_close(&table, (unsigned)i);
		return FS_E_BAD_BUFFER;
	}
	if (uk_cap_mint(ep, minted, UK_R_SEND, badge) != UK_OK) {
		uk_mem_unmap(UK_SELF, va, pages);
		sess_close(&table, (unsigned)i);
		return FS_E_FULL;
	}
	sessions[i] = (struct session){ .slot = rcv,
					.bytes = pages * UK_PAGE_SIZE,
					.buf = (uint8_t *)(uintptr_t)va,
					.root = root };
	m->cap = minted;
	m->w[0] = sessions[i].bytes;
	rcv = uk_slot_alloc();
	return FS_OK;
}

/* Lets go of what session i holds (its owner closed it, or died); what
 * its handles wrote is made durable. */
static void end(unsigned i, void *ctx)
{
	struct session *s = &sessions[i];

	(void)ctx;
	for (unsigned k = 0; k < FS_HANDLES_MAX; k++)
		if (s->h[k].ino && s->h[k].dirty)
			disk_flush(&disk);
	uk_mem_unmap(UK_SELF, (uintptr_t)s->buf, s->bytes / UK_PAGE_SIZE);
	uk_cap_delete(s->slot);
	uk_slot_free(s->slot);
	*s = (struct session){ 0 };
	if (rcv == UK_NO_CAP)
		rcv = uk_slot_alloc();
}

/* Copies the NUL-ended path at off in s's buffer into out. */
static int get_path(const struct session *s, uint64_t off, char *out)
{
	uint64_t n;

	if (off >= s->bytes)
		return FS_E_BAD_REQUEST;
	n = s->bytes - off < FS_PATH_MAX ? s->bytes - off : FS_PATH_MAX;
	memcpy(out, s->buf + off, n);
	if (strnlen(out, n) == n)
		return n == FS_PATH_MAX ? FS_E_NAMETOOLONG : FS_E_BAD_REQUEST;
	return FS_OK;
}

/* Splits p (trailing slashes dropped) into its directory, resolved in
 * s's root into *dir, and its last component (*name, *len). */
static int parent(const struct session *s, char *p, struct ext2_inode *dir,
		  const char **name, size_t *len)
{
	size_t n = strlen(p);
	int dir_only = n > 1 && p[n - 1] == '/';
	uint32_t ino;
	char *slash;
	int r;

	while (n > 1 && p[n - 1] == '/')
		p[--n] = 0;
	slash = NULL;
	for (size_t i = 0; i < n; i++)
		if (p[i] == '/')
			slash = &p[i];
	*name = slash ? slash + 1 : p;
	*len = strlen(*name);
	if (*len == 0 || (*len == 1 && **name == '.') ||
	    (*len == 2 && (*name)[0] == '.' && (*name)[1] == '.'))
		return FS_E_INVAL;
	if (*len > FS_NAME_MAX)
		return FS_E_NAMETOOLONG;
	if (slash)
		*slash = 0;
	r = ext2_walk_at(&fs, s->root, slash ? (slash == p ? "/" : p) : ".",
			 dir);
	if (r == 0 && (dir->mode & EXT2_S_IFMT) != EXT2_S_IFDIR)
		r = -EXT2_ENOTDIR;
	/* "name/": name must be a directory, when it is there at all. */
	if (r == 0 && dir_only &&
	    ext2_lookup(&fs, dir, *name, *len, &ino) == 0) {
		struct ext2_inode in;

		r = ext2_inode(&fs, ino, &in);
		if (r == 0 && (in.mode & EXT2_S_IFMT) != EXT2_S_IFDIR)
			r = -EXT2_ENOTDIR;
	}
	return -r;
}

static int writable(void)
{
	return fs.write && !fs.read_only;
}

static struct handle *handle(struct session *s, uint64_t h)
{
	return h < FS_HANDLES_MAX && s->h[h].ino ? &s->h[h] : NULL;
}

static int do_open(struct session *s, uint64_t *w)
{
	uint32_t flags = (uint32_t)w[1];
	struct ext2_inode in, dir;
	const char *name;
	size_t len;
	unsigned k;
	int r;

	if (w[1] & ~(uint64_t)FS_O_FLAGS || w[2] > 07777)
		return FS_E_INVAL;
	if ((r = get_path(s, w[0], path)) != FS_OK)
		return r;
	for (k = 0; k < FS_HANDLES_MAX && s->h[k].ino; k++)
		;
	if (k == FS_HANDLES_MAX)
		return FS_E_MFILE;
	r = -ext2_walk_at(&fs, s->root, path, &in);
	if (r == FS_OK && (flags & FS_O_CREAT) && (flags & FS_O_EXCL))
		return FS_E_EXIST;
	if (r == FS_E_NOENT && (flags & FS_O_CREAT)) {
		if (!writable())
			return FS_E_ROFS;
		if ((r = parent(s, path, &dir, &name, &len)) != FS_OK)
			return r;
		r = -ext2_create(&fs, &dir, name, len,
				 EXT2_S_IFREG | (uint16_t)(w[2] & 0777), &in);
	}
	if (r != FS_OK)
		return r;
	/* Links are not followed: opening one is ELOOP, as O_NOFOLLOW
	 * would have it. */
	if ((in.mode & EXT2_S_IFMT) == EXT2_S_IFLNK)
		return FS_E_LOOP;
	if ((flags & FS_O_DIRECTORY) &&
	    (in.mode & EXT2_S_IFMT) != EXT2_S_IFDIR)
		return FS_E_NOTDIR;
	if (flags & FS_O_WRITE) {
		if ((in.mode & EXT2_S_IFMT) == EXT2_S_IFDIR)
			return FS_E_ISDIR;
		if (!writable())
			return FS_E_ROFS;
		if ((in.mode & EXT2_S_IFMT) != EXT2_S_IFREG)
			return FS_E_INVAL;
		if ((flags & FS_O_TRUNC) && in.size &&
		    (r = -ext2_truncate(&fs, &in, 0)) != FS_OK)
			return r;
	}
	s->h[k] = (struct handle){ .ino = in.ino,
				   .write = (flags & FS_O_WRITE) != 0,
				   .dirty = (flags & (FS_O_CREAT |
						      FS_O_TRUNC)) != 0 };
	w[0] = k;
	w[1] = in.size;
	w[2] = in.mode;
	w[3] = in.ino;
	return FS_OK;
}

static int do_io(struct session *s, uint64_t op, uint64_t *w)
{
	struct handle *h = handle(s, w[0]);
	struct ext2_inode in;
	int64_t n;
	int r;

	if (!h || (op == FS_OP_WRITE && !h->write))
		return FS_E_BADF;
	if (w[3] > FS_IO_MAX || !in_buf(s, w[2], w[3]))
		return FS_E_BAD_REQUEST;
	if ((r = -ext2_inode(&fs, h->ino, &in)) != FS_OK)
		return r;
	if ((in.mode & EXT2_S_IFMT) == EXT2_S_IFDIR)
		return FS_E_ISDIR;
	if (w[1] > (1ull << 62))
		return FS_E_INVAL;
	if (op == FS_OP_READ)
		n = ext2_read(&fs, &in, w[1], s->buf + w[2], w[3]);
	else
		n = ext2_pwrite(&fs, &in, w[1], s->buf + w[2], w[3]);
	if (op == FS_OP_WRITE && n > 0)
		h->dirty = 1;
	if (n < 0)
		return (int)-n;
	w[0] = (uint64_t)n;
	return FS_OK;
}

static void fill_stat(struct fs_stat *st, const struct ext2_inode *in)
{
	*st = (struct fs_stat){
		.ino = in->ino, .size = in->size, .blocks = in->blocks,
		.mode = in->mode, .nlink = in->links, .uid = in->uid,
		.gid = in->gid, .mtime = in->mtime, .ctime = in->ctime,
		.atime = in->atime,
	};
}

static int do_stat(struct session *s, uint64_t op, const uint64_t *w)
{
	struct ext2_inode in;
	struct fs_stat st;
	int r;

	if (!in_buf(s, w[1], sizeof st))
		return FS_E_BAD_REQUEST;
	if (op == FS_OP_FSTAT) {
		struct handle *h = handle(s, w[0]);

		if (!h)
			return FS_E_BADF;
		r = -ext2_inode(&fs, h->ino, &in);
	} else if ((r = get_path(s, w[0], path)) == FS_OK) {
		r = -ext2_walk_at(&fs, s->root, path, &in);
	}
	if (r != FS_OK)
		return r;
	fill_stat(&st, &in);
	memcpy(s->buf + w[1], &st, sizeof st);
	return FS_OK;
}

/* Linux's DT_* for an ext2 directory entry's type (EXT2_FT_*). */
static uint8_t dt(uint8_t ft)
{
	static const uint8_t map[8] = { 0, 8, 4, 2, 6, 1, 12, 10 };

	return ft < 8 ? map[ft] : 0;
}

static int do_readdir(struct session *s, uint64_t *w)
{
	struct handle *h = handle(s, w[0]);
	struct ext2_inode dir;
	struct ext2_dirent e;
	uint64_t pos = w[1], at = w[2], used = 0;
	int r;

	if (!h)
		return FS_E_BADF;
	if (!in_buf(s, w[2], w[3]))
		return FS_E_BAD_REQUEST;
	if ((r = -ext2_inode(&fs, h->ino, &dir)) != FS_OK)
		return r;
	for (;;) {
		uint64_t next = pos, rec;
		struct fs_dirent d;

		r = ext2_readdir(&fs, &dir, &next, &e);
		if (r < 0)
			return -r;
		if (r == 0)
			break;
		rec = (sizeof d + e.len + 1 + 7) & ~7ull;
		if (used + rec > w[3]) {
			if (used == 0)
				return FS_E_INVAL;      /* no room for one */
			break;
		}
		d = (struct fs_dirent){ .ino = e.ino, .reclen = (uint16_t)rec,
					.type = dt(e.type), .namelen = e.len };
		memcpy(s->buf + at + used, &d, sizeof d);
		memcpy(s->buf + at + used + sizeof d, e.name, e.len);
		memset(s->buf + at + used + sizeof d + e.len, 0,
		       rec - sizeof d - e.len);
		used += rec;
		pos = next;
	}
	w[0] = pos;
	w[1] = used;
	return FS_OK;
}

/* MKDIR, UNLINK, RMDIR: the last component in its parent. */
static int do_entry(struct session *s, uint64_t op, const uint64_t *w)
{
	struct ext2_inode dir, in;
	const char *name;
	size_t len;
	int r;

	if (op == FS_OP_MKDIR && w[1] > 07777)
		return FS_E_INVAL;
	if ((r = get_path(s, w[0], path)) != FS_OK ||
	    (r = parent(s, path, &dir, &name, &len)) != FS_OK)
		return r;
	if (!writable())
		return FS_E_ROFS;
	if (op == FS_OP_MKDIR)
		r = -ext2_create(&fs, &dir, name, len,
				 EXT2_S_IFDIR | (uint16_t)(w[1] & 0777), &in);
	else if (op == FS_OP_UNLINK)
		r = -ext2_unlink(&fs, &dir, name, len);
	else
		r = -ext2_rmdir(&fs, &dir, name, len);
	if (r == FS_OK && disk_flush(&disk) < 0)
		r = FS_E_IO;
	return r;
}

static int do_rename(struct session *s, const uint64_t *w)
{
	struct ext2_inode odir, ndir;
	const char *oname, *nname;
	size_t olen, nlen;
	int r;

	if ((r = get_path(s, w[0], path)) != FS_OK ||
	    (r = get_path(s, w[1], path2)) != FS_OK ||
	    (r = parent(s, path, &odir, &oname, &olen)) != FS_OK ||
	    (r = parent(s, path2, &ndir, &nname, &nlen)) != FS_OK)
		return r;
	if (!writable())
		return FS_E_ROFS;
	r = -ext2_rename(&fs, &odir, oname, olen,
			 odir.ino == ndir.ino ? &odir : &ndir, nname, nlen);
	if (r == FS_OK && disk_flush(&disk) < 0)
		r = FS_E_IO;
	return r;
}

static int do_truncate(struct session *s, const uint64_t *w)
{
	struct handle *h = handle(s, w[0]);
	struct ext2_inode in;
	int r;

	if (!h || !h->write)
		return FS_E_BADF;
	if (w[1] > (1ull << 62))
		return FS_E_INVAL;
	if ((r = -ext2_inode(&fs, h->ino, &in)) != FS_OK)
		return r;
	h->dirty = 1;
	return -ext2_truncate(&fs, &in, w[1]);
}

/* SYNC, CLOSE_FILE: what the handle wrote on the disk first. */
static int do_handle(struct session *s, uint64_t op, const uint64_t *w)
{
	struct handle *h = handle(s, w[0]);
	int r = FS_OK;

	if (!h)
		return FS_E_BADF;
	if (h->dirty || op == FS_OP_SYNC)
		r = disk_flush(&disk) < 0 ? FS_E_IO : FS_OK;
	if (r == FS_OK)
		h->dirty = 0;
	if (op == FS_OP_CLOSE_FILE)
		*h = (struct handle){ 0 };
	return r;
}

static int do_info(uint64_t *w)
{
	uint8_t free[4];

	if (disk_read(&disk, 1024 + 12, free, sizeof free) < 0)
		return FS_E_IO;
	w[0] = fs.block_size;
	w[1] = fs.blocks;
	w[2] = (uint32_t)free[0] | (uint32_t)free[1] << 8 |
	       (uint32_t)free[2] << 16 | (uint32_t)free[3] << 24;
	w[3] = !writable();
	return FS_OK;
}

static int request(struct session *s, uint64_t label, uint64_t *w)
{
	switch (label) {
	case FS_OP_OPEN:        return do_open(s, w);
	case FS_OP_READ:
	case FS_OP_WRITE:       return do_io(s, label, w);
	case FS_OP_FSTAT:
	case FS_OP_STAT:        return do_stat(s, label, w);
	case FS_OP_READDIR:     return do_readdir(s, w);
	case FS_OP_MKDIR:
	case FS_OP_UNLINK:
	case FS_OP_RMDIR:       return do_entry(s, label, w);
	case FS_OP_RENAME:      return do_rename(s, w);
	case FS_OP_TRUNCATE:    return do_truncate(s, w);
	case FS_OP_SYNC:
	case FS_OP_CLOSE_FILE:  return do_handle(s, label, w);
	case FS_OP_CLOSE: {
		unsigned i = (unsigned)(s - sessions);

		end(i, NULL);
		sess_close(&table, i);
		return FS_OK;
	}
	}
	return FS_E_BAD_REQUEST;
}

/* Handles request m (a capability it carried is in rcv); the reply
 * replaces it. */
static void serve(struct uk_msg *m)
{
	uint64_t label = m->label, got = m->cap, badge = m->badge, w[4];
	struct session *s = find(badge);
	int e;

	memcpy(w, m->w, sizeof w);
	*m = (struct uk_msg){ .cap = UK_NO_CAP };
	tick();
	if (label == FS_OP_SETUP) {
		e = got == UK_NO_CAP ? FS_E_BAD_BUFFER :
		    setup(m, sess_owner(&table, badge));
		if (e == FS_OK)
			got = UK_NO_CAP;        /* the session keeps it */
	} else if (label == FS_OP_INFO) {
		e = do_info(w);
	} else if (label == FS_OP_NONE || label >= FS_OP_MAX) {
		e = FS_E_BAD_REQUEST;
	} else if (!s) {
		e = FS_E_NO_BUFFER;
	} else {
		e = request(s, label, w);
	}
	m->label = (uint64_t)e;
	if (label != FS_OP_SETUP)
		memcpy(m->w, w, sizeof w);
	if (got != UK_NO_CAP)
		uk_cap_delete(got);     /* keep nothing else a client sent */
}

int main(uint64_t arg)
{
	uint64_t deaths = UK_NO_CAP;    /* my death notices */
	char why[128];

	clock_base = arg;
	clock_tsc = rdtsc();
	if (uk_info(UK_INFO_TSC_KHZ, &tsc_khz) != UK_OK)
		tsc_khz = 0;
	sess_init(&table, FS_SESSIONS_MAX, FS_SESSIONS_PER_CLIENT);
	if (disk_open(&disk) < 0)
		return 1;
	if (ext2_mount(&fs, disk_read, &disk, disk.bytes, why,
		       sizeof why) < 0) {
		eprintf("fs: %s%s\n", why, strcmp(why, "no ext2 file system") ?
			"" : " (make one with mke2fs -t ext2)");
		return 1;
	}
	if (!disk_read_only(&disk) && !fs.read_only)
		fs.write = disk_write;
	printf("fs: ext2, %u blocks of %u bytes%s\n", fs.blocks,
	       fs.block_size, writable() ? "" : ", read-only");
	rcv = uk_slot_alloc();
	minted = uk_slot_alloc();
	ep = reg_serve("fs");
	if (ep == UK_NO_CAP)
		return 1;
	reg_watch_deaths("fs", &deaths, SESS_DEATH_BIT);
	rpc_serve_loop(ep, &rcv, &minted, serve, &table, &ops);
}
