/*
 * /tmp in memory, when the program's / cannot be written (--dir, a
 * read-only --disk) or there is none: files and directories kept in the
 * program's own memory (charged to it, as everything it allocates),
 * gone when it ends. Paths here are absolute and normalized (file.c);
 * anything under /tmp comes here, the rest goes to fs.
 */
#include "lx.h"
#include "uk.h"
#include "ulib.h"

#define NODES_MAX       256
#define TMP_NAME_MAX    255

struct node {
	int used;
	int dir;
	int parent;             /* node index; the root's is itself */
	int unlinked;           /* gone from its directory, still open */
	uint32_t refs;          /* open descriptions */
	uint32_t mode;
	uint64_t mtime;
	uint8_t *data;          /* lx_mmap'd, cap bytes */
	uint64_t size, cap;
	char name[TMP_NAME_MAX + 1];
};

static struct node nodes[NODES_MAX];
static int enabled;

static uint64_t now_s(void)
{
	return (lx_app->realtime_ns + lx_monotonic_ns()) / 1000000000u;
}

void lx_tmpfs_init(int on)
{
	enabled = on;
	nodes[0] = (struct node){ .used = 1, .dir = 1, .parent = 0,
				  .mode = 041777, .mtime = now_s() };
	memcpy(nodes[0].name, "tmp", 4);
}

int lx_tmpfs_path(const char *p)
{
	return enabled && !strncmp(p, "/tmp", 4) && (p[4] == 0 || p[4] == '/');
}

static int child(int dir, const char *name, size_t len)
{
	for (int i = 1; i < NODES_MAX; i++)
		if (nodes[i].used && !nodes[i].unlinked &&
		    nodes[i].parent == dir && strlen(nodes[i].name) == len &&
		    !memcmp(nodes[i].name, name, len))
			return i;
	return -1;
}

/* The node of p (under /tmp), or -errno; with want_parent, p's parent
 * directory's node and its last component in *name, *len. */
static int walk(const char *p, int want_parent, const char **name,
		size_t *len)
{
	int n = 0;

	p += 4;
	while (*p == '/')
		p++;
	while (*p) {
		const char *s = p;
		size_t l;
		int c;

		while (*p && *p != '/')
			p++;
		l = (size_t)(p - s);
		while (*p == '/')
			p++;
		if (l > TMP_NAME_MAX)
			return -LX_ENAMETOOLONG;
		if (!nodes[n].dir)
			return -LX_ENOTDIR;
		if (want_parent && !*p) {
			*name = s;
			*len = l;
			return n;
		}
		if ((c = child(n, s, l)) < 0)
			return -LX_ENOENT;
		n = c;
	}
	if (want_parent)
		return -LX_EINVAL;      /* /tmp itself has no parent here */
	return n;
}

static int new_node(int parent, const char *name, size_t len, int dir,
		    uint32_t mode)
{
	for (int i = 1; i < NODES_MAX; i++) {
		if (nodes[i].used)
			continue;
		nodes[i] = (struct node){ .used = 1, .dir = dir,
					  .parent = parent, .mode = mode,
					  .mtime = now_s() };
		memcpy(nodes[i].name, name, len);
		nodes[i].name[len] = 0;
		return i;
	}
	return -28;                     /* ENOSPC */
}

static void release(int n)
{
	if (nodes[n].refs || !nodes[n].unlinked)
		return;
	if (nodes[n].data)
		lx_munmap((uint64_t)(uintptr_t)nodes[n].data, nodes[n].cap);
	nodes[n] = (struct node){ 0 };
}

long lx_tmpfs_open(const char *p, uint64_t flags, uint64_t mode)
{
	const char *name;
	size_t len;
	int n = walk(p, 0, NULL, NULL), dir, fd;

	if (n >= 0 && (flags & LX_O_CREAT) && (flags & LX_O_EXCL))
		return -LX_EEXIST;
	if (n == -LX_ENOENT && (flags & LX_O_CREAT)) {
		if ((dir = walk(p, 1, &name, &len)) < 0)
			return dir;
		n = new_node(dir, name, len, 0,
			     0100000 | (uint32_t)(mode & 07777));
	}
	if (n < 0)
		return n;
	if ((flags & LX_O_DIRECTORY) && !nodes[n].dir)
		return -LX_ENOTDIR;
	if ((flags & LX_O_ACCMODE) && nodes[n].dir)
		return -LX_EISDIR;
	if ((flags & LX_O_TRUNC) && (flags & LX_O_ACCMODE))
		nodes[n].size = 0;
	fd = lx_fd_new(0, nodes[n].dir ? LX_TMPDIR : LX_TMPFILE,
		       (uint32_t)flags, (uint64_t)n);
	if (fd >= 0)
		nodes[n].refs++;
	return fd;
}

void lx_tmpfs_close(struct lx_file *f)
{
	nodes[f->handle].refs--;
	release((int)f->handle);
}

/* Room for need bytes in n's data: 0 or -ENOSPC (the program's memory
 * is spent; it was charged for it). */
static long grow(struct node *n, uint64_t need)
{
	uint64_t cap = n->cap ? n->cap : 4096;
	long va;

	if (need <= n->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	va = lx_mmap(0, cap, 3, 0x22, (uint64_t)-1, 0);
	if (va < 0)
		return -28;
	if (n->data) {
		memcpy((void *)(uintptr_t)va, n->data, n->size);
		lx_munmap((uint64_t)(uintptr_t)n->data, n->cap);
	}
	n->data = (uint8_t *)(uintptr_t)va;
	n->cap = cap;
	return 0;
}

static long set_size(struct node *n, uint64_t size)
{
	long r = grow(n, size);

	if (r < 0)
		return r;
	if (size > n->size)
		memset(n->data + n->size, 0, size - n->size);
	n->size = size;
	n->mtime = now_s();
	return 0;
}

long lx_tmpfs_io(struct lx_file *f, uint8_t *buf, uint64_t len,
		 uint64_t off, int write)
{
	struct node *n = &nodes[f->handle];
	long r;

	if (!write) {
		if (off >= n->size)
			return 0;
		if (len > n->size - off)
			len = n->size - off;
		memcpy(buf, n->data + off, len);
		return (long)len;
	}
	if (off > (1ull << 40) || len > (1ull << 40))
		return -27;                     /* EFBIG */
	if (off + len > n->size && (r = set_size(n, off + len)) < 0)
		return r;
	memcpy(n->data + off, buf, len);
	n->mtime = now_s();
	return (long)len;
}

long lx_tmpfs_size(struct lx_file *f, uint64_t *size)
{
	*size = nodes[f->handle].size;
	return 0;
}

long lx_tmpfs_ftruncate(struct lx_file *f, uint64_t size)
{
	if (size > (1ull << 40))
		return -27;
	return set_size(&nodes[f->handle], size);
}

/* Linux's struct stat for node i at ust (checked by the caller). */
static void put_stat(int i, uint64_t ust)
{
	uint64_t *w = (uint64_t *)(uintptr_t)ust;
	const struct node *n = &nodes[i];

	memset(w, 0, 144);
	w[0] = 2;                       /* st_dev: not fs's */
	w[1] = (uint64_t)i + 1;
	w[2] = n->dir ? 2 : 1;
	((uint32_t *)w)[6] = n->mode;
	w[6] = n->dir ? 4096 : n->size;
	w[7] = 4096;
	w[8] = (n->cap + 511) / 512;
	w[9] = w[11] = w[13] = n->mtime;
}

long lx_tmpfs_fstat(struct lx_file *f, uint64_t ust)
{
	put_stat((int)f->handle, ust);
	return 0;
}

long lx_tmpfs_stat(const char *p, uint64_t ust)
{
	int n = walk(p, 0, NULL, NULL);

	if (n < 0)
		return n;
	put_stat(n, ust);
	return 0;
}

long lx_tmpfs_getdents(struct lx_file *f, uint64_t ubuf, uint64_t room)
{
	uint8_t *dst = (uint8_t *)(uintptr_t)ubuf;
	int dir = (int)f->handle;
	uint64_t out = 0;

	/* Position: 0 ".", 1 "..", then node index + 2. */
	for (; f->off < NODES_MAX + 2; f->off++) {
		const char *name;
		uint64_t ino;
		uint16_t rec;
		uint8_t type;
		size_t len;

		if (f->off == 0 || f->off == 1) {
			name = f->off ? ".." : ".";
			ino = (uint64_t)dir + 1;
			type = 4;
		} else {
			const struct node *n = &nodes[f->off - 2];

			if (f->off - 2 == 0 || !n->used || n->unlinked ||
			    n->parent != dir)
				continue;
			name = n->name;
			ino = f->off - 1;
			type = n->dir ? 4 : 8;
		}
		len = strlen(name);
		rec = (uint16_t)((19 + len + 1 + 7) & ~7u);
		if (out + rec > room)
			return out ? (long)out : -LX_EINVAL;
		memcpy(dst + out, &ino, 8);
		memcpy(dst + out + 8, &(uint64_t){ f->off + 1 }, 8);
		memcpy(dst + out + 16, &rec, 2);
		dst[out + 18] = type;
		memcpy(dst + out + 19, name, len);
		memset(dst + out + 19 + len, 0, rec - 19 - len);
		out += rec;
	}
	return (long)out;
}

long lx_tmpfs_mkdir(const char *p, uint64_t mode)
{
	const char *name;
	size_t len;
	int dir = walk(p, 1, &name, &len);

	if (dir < 0)
		return dir == -LX_EINVAL ? -LX_EEXIST : dir;
	if (child(dir, name, len) >= 0)
		return -LX_EEXIST;
	dir = new_node(dir, name, len, 1, 040000 | (uint32_t)(mode & 07777));
	return dir < 0 ? dir : 0;
}

long lx_tmpfs_unlink(const char *p, int rmdir)
{
	int n = walk(p, 0, NULL, NULL);

	if (n < 0)
		return n;
	if (n == 0)
		return -LX_EBUSY;
	if (rmdir && !nodes[n].dir)
		return -LX_ENOTDIR;
	if (!rmdir && nodes[n].dir)
		return -LX_EISDIR;
	for (int i = 1; rmdir && i < NODES_MAX; i++)
		if (nodes[i].used && !nodes[i].unlinked && nodes[i].parent == n)
			return -39;             /* ENOTEMPTY */
	nodes[n].unlinked = 1;
	release(n);
	return 0;
}

long lx_tmpfs_rename(const char *from, const char *to)
{
	const char *name;
	size_t len;
	int n = walk(from, 0, NULL, NULL), dir, old;

	if (n < 0)
		return n;
	if (n == 0)
		return -LX_EBUSY;
	if ((dir = walk(to, 1, &name, &len)) < 0)
		return dir;
	for (int d = dir; ; d = nodes[d].parent) {
		if (d == n)
			return -LX_EINVAL;      /* under itself */
		if (d == 0)
			break;
	}
	old = child(dir, name, len);
	if (old == n)
		return 0;
	if (old >= 0) {
		if (nodes[old].dir != nodes[n].dir)
			return nodes[old].dir ? -LX_EISDIR : -LX_ENOTDIR;
		if (lx_tmpfs_unlink(to, nodes[old].dir) < 0)
			return -39;
	}
	nodes[n].parent = dir;
	memcpy(nodes[n].name, name, len);
	nodes[n].name[len] = 0;
	return 0;
}
