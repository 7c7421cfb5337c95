/*
 * Files: the calls that name paths or file descriptors of files, served
 * by the file service (proto/fs.h) through one session whose buffer is
 * in the personality's window. Paths are made absolute here (the
 * working directory, or a directory descriptor's path) and the server
 * resolves them in the program's root, which ".." never leaves. Without
 * a disk there is no file system: every path is ENOENT.
 */
#include <proto/fs.h>
#include "fsclient.h"
#include "lx.h"
#include "uk.h"
#include "ulib.h"

#define FS_BUF_VA       0x78000000ull   /* in UK_LINUX_ENTRY_VA's window */
#define FS_BUF_PAGES    (FSC_DATA / UK_PAGE_SIZE + 64)  /* 256 KiB data */
#define DIR_PATH_MAX    1024u   /* a directory descriptor's path, kept */
#define LOOKUP_TRIES    1       /* init starts me after every boot server
				   registered: fs is there or absent */

static struct fsc fs;
static int have_fs, read_only;
static char cwd[FS_PATH_MAX] = "/";
static char dir_path[FS_HANDLES_MAX][DIR_PATH_MAX];
static char abs_path[FS_PATH_MAX], abs_path2[FS_PATH_MAX];

/*
 * A read cache, so that a file read often costs no IPC per call: small
 * reads are served from windows of RC_WINDOW bytes, by inode. The
 * program is fs's only client in its root and every change to a file
 * goes through here, which drops what it changes (all of it when the
 * change is by path: a freed inode's number comes back).
 */
#define RC_WINDOW       16384u
#define RC_SLOTS        16u

static struct {
	uint64_t ino, off;      /* ino 0: empty */
	uint32_t len, age;
	uint8_t data[RC_WINDOW];
} rc[RC_SLOTS];
static uint32_t rc_clock;

static void rc_drop(uint64_t ino)
{
	for (unsigned i = 0; i < RC_SLOTS; i++)
		if (!ino || rc[i].ino == ino)
			rc[i].ino = 0;
}

/* n bytes at off of f from the cache (filled if need be), when they lie
 * in one window: the count, or -1 (not cacheable; go to fs). */
static long rc_read(struct lx_file *f, uint8_t *buf, uint64_t n,
		    uint64_t off)
{
	uint64_t w = off & ~(uint64_t)(RC_WINDOW - 1), in = off - w;
	unsigned v = 0;
	int64_t got;

	if (!f->ino || n > RC_WINDOW - in)
		return -1;
	for (unsigned i = 0; i < RC_SLOTS; i++) {
		if (rc[i].ino == f->ino && rc[i].off == w) {
			v = i;
			goto hit;
		}
		if (rc[i].age < rc[v].age)
			v = i;
	}
	got = fsc_pread(&fs, f->handle, rc[v].data, RC_WINDOW, w);
	if (got < 0)
		return -1;
	rc[v].ino = f->ino;
	rc[v].off = w;
	rc[v].len = (uint32_t)got;
hit:
	rc[v].age = ++rc_clock;
	if (in >= rc[v].len)
		return 0;
	if (n > rc[v].len - in)
		n = rc[v].len - in;
	memcpy(buf, rc[v].data + in, n);
	return (long)n;
}

void lx_file_init(void)
{
	uint64_t r[4];

	have_fs = fsc_connect(&fs, FS_BUF_VA, FS_BUF_PAGES, LOOKUP_TRIES) ==
		  FS_OK;
	if (have_fs && fsc_call(&fs, FS_OP_INFO, 0, 0, 0, 0, r) == FS_OK)
		read_only = r[3] != 0;
	lx_tmpfs_init(!have_fs || read_only);
}

/* fs's result as Linux's: 0, or minus an errno. */
static long err(int e)
{
	if (e == FS_OK)
		return 0;
	if (e > 0 && e < FS_E_BAD_REQUEST)
		return -e;
	return e == FS_E_NAMETOOLONG ? -LX_ENAMETOOLONG : -LX_EIO;
}

/* Drops ".", "..", and repeated slashes from the absolute path p. */
static void normalize(char *p)
{
	char *out = p, *s = p;

	while (*s) {
		char *c;
		size_t n;

		while (*s == '/')
			s++;
		for (c = s; *c && *c != '/'; c++)
			;
		n = (size_t)(c - s);
		if (n == 1 && s[0] == '.') {
			;
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (out > p && *--out != '/')
				;
		} else if (n) {
			*out++ = '/';
			memmove(out, s, n);
			out += n;
		}
		s = c;
	}
	if (out == p)
		*out++ = '/';
	*out = 0;
}

/* The path of directory descriptor fd in *path, or -errno. */
static long dir_of(int fd, const char **path)
{
	struct lx_file *f = lx_fd(fd);

	if (!f)
		return -LX_EBADF;
	if (f->kind == LX_TMPDIR)
		return -LX_ENOSYS;      /* its path is not kept */
	if (f->kind != LX_DIR)
		return -LX_ENOTDIR;
	*path = dir_path[f->handle];
	return 0;
}

/* The program's path at upath (relative to dirfd's directory, or the
 * working directory) as an absolute one in out. */
static long path_of(int dirfd, uint64_t upath, char *out)
{
	long n = lx_user_strlen(upath, FS_PATH_MAX);
	const char *base = cwd;
	size_t b;

	if (n < 0)
		return n;
	if (n == 0)
		return -LX_ENOENT;
	if (*(const char *)(uintptr_t)upath != '/' && dirfd != LX_AT_FDCWD) {
		long r = dir_of(dirfd, &base);

		if (r < 0)
			return r;
	}
	if (*(const char *)(uintptr_t)upath == '/')
		base = "";
	b = strlen(base);
	/* An absolute path is taken as it is (no '/' added before it). */
	if (b + (b != 0) + (size_t)n + 1 > FS_PATH_MAX)
		return -LX_ENAMETOOLONG;
	memcpy(out, base, b);
	if (b)
		out[b++] = '/';
	memcpy(out + b, (const char *)(uintptr_t)upath, (size_t)n + 1);
	normalize(out);
	return 0;
}

/* The devices every program finds, whatever its /: their kind. */
static int device(const char *p)
{
	if (!strcmp(p, "/dev/null"))
		return LX_NULL;
	if (!strcmp(p, "/dev/zero"))
		return LX_ZERO;
	if (!strcmp(p, "/dev/urandom") || !strcmp(p, "/dev/random"))
		return LX_RANDOM;
	return LX_NONE;
}

/* Whether there is a file system to change here: 0, or -errno. */
static long can_change(void)
{
	if (!have_fs)
		return -LX_ENOENT;
	return read_only ? -LX_EROFS : 0;
}

long lx_openat(int dirfd, uint64_t upath, uint64_t flags, uint64_t mode)
{
	uint32_t fsflags = 0, got;
	uint64_t h, size;
	long r;
	int fd;

	if ((r = path_of(dirfd, upath, abs_path)) < 0)
		return r;
	if ((r = device(abs_path)) != LX_NONE)
		return lx_fd_new(0, (enum lx_kind)r, (uint32_t)flags, 0);
	if (lx_tmpfs_path(abs_path))
		return lx_tmpfs_open(abs_path, flags, mode);
	if (!have_fs)
		return -LX_ENOENT;
	if ((flags & LX_O_ACCMODE) != 0)
		fsflags |= FS_O_WRITE;
	if ((flags & LX_O_ACCMODE) == LX_O_ACCMODE)
		return -LX_EINVAL;
	if (flags & LX_O_CREAT)
		fsflags |= FS_O_CREAT;
	if ((flags & LX_O_EXCL) && (flags & LX_O_CREAT))
		fsflags |= FS_O_EXCL;
	if ((flags & LX_O_TRUNC) && (fsflags & FS_O_WRITE))
		fsflags |= FS_O_TRUNC;
	if (flags & LX_O_DIRECTORY)
		fsflags |= FS_O_DIRECTORY;
	/* A read-only /: writing is EROFS, and so is making a file, but
	 * O_CREAT of one that is there opens it, as on Linux. */
	if (read_only && (fsflags & FS_O_WRITE))
		return -LX_EROFS;
	if (read_only && (fsflags & FS_O_CREAT)) {
		if (fsflags & FS_O_EXCL)
			return -LX_EROFS;
		fsflags &= ~(uint32_t)FS_O_CREAT;
	}
	r = err(fsc_open(&fs, abs_path, fsflags, (uint32_t)(mode & 07777),
			 &h, &size, &got));
	if (r == -LX_ENOENT && read_only && (flags & LX_O_CREAT))
		return -LX_EROFS;       /* it would have to be made */
	if (r < 0)
		return r;
	if ((got & 0170000) == 0040000) {
		size_t n = strlen(abs_path);

		if (n >= DIR_PATH_MAX) {
			fsc_close_file(&fs, h);
			return -LX_ENAMETOOLONG;
		}
		memcpy(dir_path[h], abs_path, n + 1);
	}
	fd = lx_fd_new(0, (got & 0170000) == 0040000 ? LX_DIR : LX_FILE,
		       (uint32_t)flags, h);
	if (fd < 0) {
		fsc_close_file(&fs, h);
		return fd;
	}
	lx_fd(fd)->ino = fs.last_ino;
	if (fsflags & FS_O_TRUNC)
		rc_drop(fs.last_ino);
	return fd;
}

long lx_file_close(struct lx_file *f)
{
	return err(fsc_close_file(&fs, f->handle));
}

long lx_file_io(struct lx_file *f, uint8_t *buf, uint64_t n, uint64_t off,
		int write)
{
	int64_t r;

	if (f->kind == LX_TMPFILE)
		return lx_tmpfs_io(f, buf, n, off, write);
	if (!write && (r = rc_read(f, buf, n, off)) >= 0)
		return (long)r;
	if (write)
		rc_drop(f->ino);
	r = write ? fsc_pwrite(&fs, f->handle, buf, n, off) :
		    fsc_pread(&fs, f->handle, buf, n, off);

	return r < 0 ? err((int)-r) : (long)r;
}

long lx_file_size(struct lx_file *f, uint64_t *size)
{
	struct fs_stat st;
	long r;

	if (f->kind == LX_TMPFILE)
		return lx_tmpfs_size(f, size);
	r = err(fsc_fstat(&fs, f->handle, &st));

	if (r == 0)
		*size = st.size;
	return r;
}

/* Linux's struct stat (x86-64, 144 bytes) at ust from st. */
static void put_stat(uint64_t ust, const struct fs_stat *st)
{
	uint64_t *w = (uint64_t *)(uintptr_t)ust;

	memset(w, 0, 144);
	w[0] = 1;                       /* st_dev: the one file system */
	w[1] = st->ino;
	w[2] = st->nlink;
	((uint32_t *)w)[6] = st->mode;
	((uint32_t *)w)[7] = st->uid;
	((uint32_t *)w)[8] = st->gid;
	w[6] = st->size;
	w[7] = 4096;                    /* st_blksize */
	w[8] = st->blocks;
	w[9] = st->atime;
	w[11] = st->mtime;
	w[13] = st->ctime;
}

long lx_file_fstat(struct lx_file *f, uint64_t ust)
{
	struct fs_stat st;
	long r = err(fsc_fstat(&fs, f->handle, &st));

	if (r == 0)
		put_stat(ust, &st);
	return r;
}

#define LX_AT_SYMLINK_NOFOLLOW  0x100
#define LX_AT_REMOVEDIR         0x200
#define LX_AT_EMPTY_PATH        0x1000

long lx_fstatat(int dirfd, uint64_t upath, uint64_t ust, uint64_t flags)
{
	struct fs_stat st;
	long r;

	if (flags & ~(uint64_t)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH |
				0x800 /* AT_NO_AUTOMOUNT */))
		return -LX_EINVAL;
	if (!lx_user_ok(ust, 144, 1))
		return -LX_EFAULT;
	if ((flags & LX_AT_EMPTY_PATH) && lx_user_strlen(upath, 2) == 0)
		return lx_fstat(dirfd, ust);
	if ((r = path_of(dirfd, upath, abs_path)) < 0)
		return r;
	if (lx_tmpfs_path(abs_path))
		return lx_tmpfs_stat(abs_path, ust);
	if (!have_fs)
		return -LX_ENOENT;
	r = err(fsc_stat(&fs, abs_path, &st));
	if (r == 0)
		put_stat(ust, &st);
	return r;
}

long lx_faccessat(int dirfd, uint64_t upath, uint64_t mode)
{
	struct fs_stat st;
	long r;

	if (mode & ~7ull)
		return -LX_EINVAL;
	if ((r = path_of(dirfd, upath, abs_path)) < 0)
		return r;
	if (lx_tmpfs_path(abs_path)) {
		static uint8_t scratch[144];

		/* Root may do anything to what exists. */
		return lx_tmpfs_stat(abs_path, (uint64_t)(uintptr_t)scratch);
	}
	if (!have_fs)
		return -LX_ENOENT;
	if ((r = err(fsc_stat(&fs, abs_path, &st))) < 0)
		return r;
	if ((mode & 2) && read_only)
		return -LX_EROFS;
	/* The program is root: X needs one execute bit, as for root. */
	if ((mode & 1) && !(st.mode & 0111) && (st.mode & 0170000) != 0040000)
		return -LX_EACCES;
	return 0;
}

long lx_getdents64(int fd, uint64_t ubuf, uint64_t n)
{
	struct lx_file *f = lx_fd(fd);
	uint64_t r[4], room, in = 0, out = 0;
	uint8_t *dst = (uint8_t *)(uintptr_t)ubuf;
	long e;

	if (!f)
		return -LX_EBADF;
	if (f->kind != LX_DIR && f->kind != LX_TMPDIR)
		return -LX_ENOTDIR;
	if (!lx_user_ok(ubuf, n, 1))
		return -LX_EFAULT;
	if (f->kind == LX_TMPDIR)
		return lx_tmpfs_getdents(f, ubuf, n);
	/* A Linux record is at most 8 bytes longer than fs's, and fs's is
	 * at least 24: half the room always holds what comes back. */
	room = n / 2 < fs.data_bytes ? n / 2 : fs.data_bytes;
	if (room < 24)
		return -LX_EINVAL;
	e = err(fsc_call(&fs, FS_OP_READDIR, f->handle, f->off, FSC_DATA, room,
			 r));
	if (e < 0)
		return e;
	if (r[1] > room)
		return -LX_EIO;
	while (in + sizeof(struct fs_dirent) <= r[1]) {
		const struct fs_dirent *d =
			(const void *)(fs.buf + FSC_DATA + in);
		uint16_t rec = (uint16_t)((19 + d->namelen + 1 + 7) & ~7u);

		if (d->reclen < sizeof *d + d->namelen + 1 ||
		    in + d->reclen > r[1] || out + rec > n)
			return -LX_EIO;
		memcpy(dst + out, &d->ino, 8);
		memcpy(dst + out + 8, &r[0], 8);        /* d_off */
		memcpy(dst + out + 16, &rec, 2);
		dst[out + 18] = d->type;
		memcpy(dst + out + 19, d->name, d->namelen);
		memset(dst + out + 19 + d->namelen, 0, rec - 19 - d->namelen);
		in += d->reclen;
		out += rec;
	}
	f->off = r[0];
	return (long)out;
}

long lx_mkdirat(int dirfd, uint64_t upath, uint64_t mode)
{
	long r = path_of(dirfd, upath, abs_path);

	if (r < 0)
		return r;
	if (lx_tmpfs_path(abs_path))
		return lx_tmpfs_mkdir(abs_path, mode);
	if ((r = can_change()) < 0)
		return r;
	return err(fsc_mkdir(&fs, abs_path, (uint32_t)(mode & 07777)));
}

long lx_unlinkat(int dirfd, uint64_t upath, uint64_t flags)
{
	long r;

	if (flags & ~(uint64_t)LX_AT_REMOVEDIR)
		return -LX_EINVAL;
	if ((r = path_of(dirfd, upath, abs_path)) < 0)
		return r;
	if (lx_tmpfs_path(abs_path))
		return lx_tmpfs_unlink(abs_path, flags != 0);
	if ((r = can_change()) < 0)
		return r;
	rc_drop(0);
	return err(flags ? fsc_rmdir(&fs, abs_path) :
			   fsc_unlink(&fs, abs_path));
}

long lx_renameat(int olddir, uint64_t oldp, int newdir, uint64_t newp)
{
	long r;

	if ((r = path_of(olddir, oldp, abs_path)) < 0 ||
	    (r = path_of(newdir, newp, abs_path2)) < 0)
		return r;
	if (lx_tmpfs_path(abs_path) != lx_tmpfs_path(abs_path2))
		return -LX_EXDEV;
	if (lx_tmpfs_path(abs_path))
		return lx_tmpfs_rename(abs_path, abs_path2);
	if ((r = can_change()) < 0)
		return r;
	rc_drop(0);
	return err(fsc_rename(&fs, abs_path, abs_path2));
}

long lx_ftruncate(int fd, uint64_t size)
{
	struct lx_file *f = lx_fd(fd);

	if (!f)
		return -LX_EBADF;
	if ((f->kind != LX_FILE && f->kind != LX_TMPFILE) ||
	    (f->flags & LX_O_ACCMODE) == 0)
		return f->kind == LX_DIR ? -LX_EISDIR : -LX_EINVAL;
	if ((int64_t)size < 0)
		return -LX_EINVAL;
	if (f->kind == LX_TMPFILE)
		return lx_tmpfs_ftruncate(f, size);
	rc_drop(f->ino);
	return err(fsc_truncate(&fs, f->handle, size));
}

long lx_truncate(uint64_t upath, uint64_t size)
{
	uint64_t h;
	long r;

	if ((int64_t)size < 0)
		return -LX_EINVAL;
	if ((r = path_of(LX_AT_FDCWD, upath, abs_path)) < 0)
		return r;
	if (lx_tmpfs_path(abs_path)) {
		int fd = (int)lx_tmpfs_open(abs_path, LX_O_WRONLY, 0);

		if (fd < 0)
			return fd;
		r = lx_ftruncate(fd, size);
		lx_close(fd);
		return r;
	}
	if ((r = can_change()) < 0)
		return r;
	rc_drop(0);
	if ((r = err(fsc_open(&fs, abs_path, FS_O_WRITE, 0, &h, NULL,
			      NULL))) < 0)
		return r;
	r = err(fsc_truncate(&fs, h, size));
	fsc_close_file(&fs, h);
	return r;
}

long lx_fsync(int fd)
{
	struct lx_file *f = lx_fd(fd);

	if (!f)
		return -LX_EBADF;
	if (f->kind == LX_TMPFILE || f->kind == LX_TMPDIR)
		return 0;                       /* memory: nothing to make durable */
	if (f->kind != LX_FILE && f->kind != LX_DIR)
		return -LX_EINVAL;
	return err(fsc_sync(&fs, f->handle));
}

long lx_getcwd(uint64_t buf, uint64_t n)
{
	size_t len = strlen(cwd) + 1;

	if (n < len)
		return -LX_ERANGE;
	if (!lx_user_ok(buf, len, 1))
		return -LX_EFAULT;
	memcpy((void *)(uintptr_t)buf, cwd, len);
	return (long)len;
}

static long set_cwd(const char *p)
{
	struct fs_stat st;
	long r;

	if (lx_tmpfs_path(p)) {
		static uint8_t s[144];

		if ((r = lx_tmpfs_stat(p, (uint64_t)(uintptr_t)s)) < 0)
			return r;
		if ((*(uint32_t *)(s + 24) & 0170000) != 0040000)
			return -LX_ENOTDIR;
		memcpy(cwd, p, strlen(p) + 1);
		return 0;
	}
	if (!have_fs)
		return strcmp(p, "/") ? -LX_ENOENT : 0;
	if ((r = err(fsc_stat(&fs, p, &st))) < 0)
		return r;
	if ((st.mode & 0170000) != 0040000)
		return -LX_ENOTDIR;
	memcpy(cwd, p, strlen(p) + 1);
	return 0;
}

long lx_chdir(uint64_t upath)
{
	long r = path_of(LX_AT_FDCWD, upath, abs_path);

	return r < 0 ? r : set_cwd(abs_path);
}

long lx_fchdir(int fd)
{
	const char *path;
	long r = dir_of(fd, &path);

	return r < 0 ? r : set_cwd(path);
}

long lx_readlinkat(int dirfd, uint64_t upath, uint64_t buf, uint64_t n)
{
	struct fs_stat st;
	long r;

	(void)buf;
	if ((int64_t)n <= 0)
		return -LX_EINVAL;
	if ((r = path_of(dirfd, upath, abs_path)) < 0)
		return r;
	if (!have_fs)
		return -LX_ENOENT;
	if ((r = err(fsc_stat(&fs, abs_path, &st))) < 0)
		return r;
	return -LX_EINVAL;              /* no symbolic links are served */
}

long lx_file_map(struct lx_file *f, uint64_t addr, uint64_t n, uint64_t off)
{
	long r;

	if (f->kind != LX_FILE && f->kind != LX_TMPFILE)
		return -LX_EACCES;
	r = lx_file_io(f, (uint8_t *)(uintptr_t)addr, n, off, 0);
	return r < 0 ? r : 0;           /* past the end: zeroes, as mapped */
}
