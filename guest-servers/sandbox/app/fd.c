/*
 * Descriptors: Linux's numbers, each naming an open file description
 * (struct lx_file) that dup shares. 0, 1 and 2 start as the console
 * (console.c); files and directories are fs's handles (file.c).
 */
#include "lx.h"
#include "uk.h"
#include "ulib.h"

#define FILES_MAX       LX_FDS_MAX

static struct {
	struct lx_file *f;
	int cloexec;
} fds[LX_FDS_MAX];
static struct lx_file files[FILES_MAX];

/*
 * Pipes. The program is one thread, so nothing can empty a full pipe
 * or fill an empty one while it waits: where Linux would block for
 * ever, these answer EAGAIN at once (a read of an empty pipe whose
 * write end is closed is the end, 0).
 */
#define PIPES_MAX       16
#define PIPE_BYTES      65536

static struct pipe {
	uint8_t *buf;           /* PIPE_BYTES, lx_mmap'd; NULL: free */
	uint32_t head, len;
	uint32_t readers, writers;
} pipes[PIPES_MAX];

long lx_pipe2(uint64_t ufds, uint64_t flags)
{
	int32_t *out = (int32_t *)(uintptr_t)ufds;
	struct pipe *p = NULL;
	long va;
	int r, w;

	if (flags & ~(uint64_t)(LX_O_CLOEXEC | LX_O_NONBLOCK))
		return -LX_EINVAL;
	if (!lx_user_ok(ufds, 8, 1))
		return -LX_EFAULT;
	for (unsigned i = 0; i < PIPES_MAX && !p; i++)
		if (!pipes[i].buf)
			p = &pipes[i];
	if (!p)
		return -23;                     /* ENFILE */
	va = lx_mmap(0, PIPE_BYTES, 3, 0x22, (uint64_t)-1, 0);
	if (va < 0)
		return va;
	r = lx_fd_new(0, LX_PIPE_R, (uint32_t)flags, (uint64_t)(p - pipes));
	w = r < 0 ? r : lx_fd_new(0, LX_PIPE_W, LX_O_WRONLY | (uint32_t)flags,
				  (uint64_t)(p - pipes));
	if (w < 0) {
		if (r >= 0) {
			fds[r].f->refs = 0;
			fds[r].f = NULL;
		}
		lx_munmap((uint64_t)va, PIPE_BYTES);
		return w;
	}
	*p = (struct pipe){ .buf = (uint8_t *)(uintptr_t)va, .readers = 1,
			    .writers = 1 };
	out[0] = r;
	out[1] = w;
	return 0;
}

static void pipe_put(struct lx_file *f)
{
	struct pipe *p = &pipes[f->handle];

	if (f->kind == LX_PIPE_R)
		p->readers--;
	else
		p->writers--;
	if (!p->readers && !p->writers) {
		lx_munmap((uint64_t)(uintptr_t)p->buf, PIPE_BYTES);
		*p = (struct pipe){ 0 };
	}
}

static long pipe_io(struct lx_file *f, uint8_t *b, uint64_t n, int write)
{
	struct pipe *p = &pipes[f->handle];
	uint64_t done = 0;

	if (write != (f->kind == LX_PIPE_W))
		return -LX_EBADF;
	if (write && !p->readers) {
		lx_exit_signal(13);             /* SIGPIPE's default */
		return -LX_EPIPE;
	}
	if (!n)
		return 0;
	if (!write && !p->len)
		return p->writers ? -LX_EAGAIN : 0;
	if (write && p->len == PIPE_BYTES)
		return -LX_EAGAIN;
	while (done < n && (write ? p->len < PIPE_BYTES : p->len > 0)) {
		uint32_t at = write ? (p->head + p->len) % PIPE_BYTES : p->head;

		if (write) {
			p->buf[at] = b[done];
			p->len++;
		} else {
			b[done] = p->buf[at];
			p->head = (p->head + 1) % PIPE_BYTES;
			p->len--;
		}
		done++;
	}
	return (long)done;
}

static struct lx_file *new_file(enum lx_kind kind, uint32_t flags,
				uint64_t handle)
{
	for (unsigned i = 0; i < FILES_MAX; i++)
		if (!files[i].refs) {
			files[i] = (struct lx_file){ .kind = kind, .refs = 1,
						     .flags = flags,
						     .handle = handle };
			return &files[i];
		}
	return NULL;
}

void lx_fd_init(void)
{
	fds[0].f = new_file(LX_STDIN, 0, 0);
	fds[1].f = new_file(LX_STDOUT, LX_O_WRONLY, 0);
	fds[2].f = new_file(LX_STDERR, LX_O_WRONLY, 0);
}

struct lx_file *lx_fd(int fd)
{
	return fd >= 0 && fd < LX_FDS_MAX ? fds[fd].f : NULL;
}

static int lowest_free(int min)
{
	for (int fd = min; fd < LX_FDS_MAX; fd++)
		if (!fds[fd].f)
			return fd;
	return -1;
}

int lx_fd_new(int min, enum lx_kind kind, uint32_t flags, uint64_t handle)
{
	int fd = lowest_free(min);
	struct lx_file *f;

	if (fd < 0)
		return -LX_EMFILE;
	if (!(f = new_file(kind, flags, handle)))
		return -23;                     /* ENFILE */
	fds[fd].f = f;
	fds[fd].cloexec = (flags & LX_O_CLOEXEC) != 0;
	return fd;
}

/* One reference less; the last closes the file. */
static long put(struct lx_file *f)
{
	if (--f->refs)
		return 0;
	if (f->kind == LX_FILE || f->kind == LX_DIR)
		return lx_file_close(f);
	if (f->kind == LX_TMPFILE || f->kind == LX_TMPDIR)
		lx_tmpfs_close(f);
	if (f->kind == LX_PIPE_R || f->kind == LX_PIPE_W)
		pipe_put(f);
	return 0;
}

long lx_close(int fd)
{
	struct lx_file *f = lx_fd(fd);

	if (!f)
		return -LX_EBADF;
	fds[fd].f = NULL;
	return put(f);
}

/* dup (to < 0: the lowest free at or above min), dup2, dup3. */
long lx_dup(int fd, int to, int min, int flags)
{
	struct lx_file *f = lx_fd(fd);

	if (!f)
		return -LX_EBADF;
	if (to < 0) {
		if ((to = lowest_free(min)) < 0)
			return -LX_EMFILE;
	} else if (to >= LX_FDS_MAX) {
		return -LX_EBADF;
	}
	if (to == fd)
		return to;
	if (fds[to].f)
		put(fds[to].f);
	f->refs++;
	fds[to].f = f;
	fds[to].cloexec = (flags & LX_O_CLOEXEC) != 0;
	return to;
}

/* n bytes at buf, checked, to or from f at off (-1: its offset). */
static long io(struct lx_file *f, uint64_t buf, uint64_t n, int64_t off,
	       int write)
{
	long r;

	if (!lx_user_ok(buf, n, !write))
		return -LX_EFAULT;
	if (n > 0x7ffff000)
		n = 0x7ffff000;         /* Linux's cap on one call */
	switch (f->kind) {
	case LX_STDIN:
		if (write)
			return -LX_EBADF;
		return lx_console_read((uint8_t *)(uintptr_t)buf, n,
				       f->flags & LX_O_NONBLOCK);
	case LX_STDOUT:
	case LX_STDERR:
		if (!write)
			return -LX_EBADF;
		if (f->kind == LX_STDOUT)
			return lx_console_write((uint8_t *)(uintptr_t)buf, n);
		lx_stderr((const char *)(uintptr_t)buf, n);
		return (long)n;
	case LX_DIR:
	case LX_TMPDIR:
		return -LX_EISDIR;
	case LX_PIPE_R:
	case LX_PIPE_W:
		return pipe_io(f, (uint8_t *)(uintptr_t)buf, n, write);
	case LX_NULL:
		return write ? (long)n : 0;
	case LX_ZERO:
	case LX_RANDOM:
		if (write)
			return (long)n;
		if (f->kind == LX_ZERO)
			memset((void *)(uintptr_t)buf, 0, n);
		else
			lx_random((void *)(uintptr_t)buf, n);
		return (long)n;
	case LX_FILE:
	case LX_TMPFILE:
		if (write ? (f->flags & LX_O_ACCMODE) == 0 :
			    (f->flags & LX_O_ACCMODE) == LX_O_WRONLY)
			return -LX_EBADF;
		if (off >= 0)
			return lx_file_io(f, (uint8_t *)(uintptr_t)buf, n,
					  (uint64_t)off, write);
		if (write && (f->flags & LX_O_APPEND)) {
			uint64_t size;

			if ((r = lx_file_size(f, &size)) < 0)
				return r;
			f->off = size;
		}
		r = lx_file_io(f, (uint8_t *)(uintptr_t)buf, n, f->off, write);
		if (r > 0)
			f->off += (uint64_t)r;
		return r;
	default:
		return -LX_EBADF;
	}
}

long lx_read(int fd, uint64_t buf, uint64_t n)
{
	struct lx_file *f = lx_fd(fd);

	return f ? io(f, buf, n, -1, 0) : -LX_EBADF;
}

long lx_write(int fd, uint64_t buf, uint64_t n)
{
	struct lx_file *f = lx_fd(fd);

	return f ? io(f, buf, n, -1, 1) : -LX_EBADF;
}

long lx_pread(int fd, uint64_t buf, uint64_t n, int64_t off, int write)
{
	struct lx_file *f = lx_fd(fd);

	if (!f)
		return -LX_EBADF;
	if (f->kind != LX_FILE && f->kind != LX_TMPFILE)
		return f->kind == LX_DIR || f->kind == LX_TMPDIR ? -LX_EISDIR :
		       -LX_ESPIPE;
	if (off < 0)
		return -LX_EINVAL;
	return io(f, buf, n, off, write);
}

long lx_iov(int fd, uint64_t iov, uint64_t cnt, int write)
{
	const uint64_t *v = (const uint64_t *)(uintptr_t)iov;
	long total = 0;

	if (cnt > 1024)
		return -LX_EINVAL;
	if (!lx_user_ok(iov, cnt * 16, 0))
		return -LX_EFAULT;
	for (uint64_t i = 0; i < cnt; i++) {
		uint64_t base = v[2 * i], len = v[2 * i + 1];
		long r;

		if (!len)
			continue;
		r = write ? lx_write(fd, base, len) : lx_read(fd, base, len);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((uint64_t)r < len)
			break;
	}
	return total;
}

#define LX_FIONBIO      0x5421

long lx_ioctl(int fd, uint64_t req, uint64_t arg)
{
	struct lx_file *f = lx_fd(fd);

	if (!f)
		return -LX_EBADF;
	if (req == LX_FIONBIO) {
		if (!lx_user_ok(arg, 4, 0))
			return -LX_EFAULT;
		if (*(const int *)(uintptr_t)arg)
			f->flags |= LX_O_NONBLOCK;
		else
			f->flags &= ~(uint32_t)LX_O_NONBLOCK;
		return 0;
	}
	return lx_console_ioctl(f->kind, req, arg);
}

#define LX_F_DUPFD      0
#define LX_F_GETFD      1
#define LX_F_SETFD      2
#define LX_F_GETFL      3
#define LX_F_SETFL      4
#define LX_F_DUPFD_CLOEXEC 1030

long lx_fcntl(int fd, uint64_t cmd, uint64_t arg)
{
	struct lx_file *f = lx_fd(fd);

	if (!f)
		return -LX_EBADF;
	switch (cmd) {
	case LX_F_DUPFD:
	case LX_F_DUPFD_CLOEXEC:
		if (arg >= LX_FDS_MAX)
			return -LX_EINVAL;
		return lx_dup(fd, -1, (int)arg,
			      cmd == LX_F_DUPFD_CLOEXEC ? LX_O_CLOEXEC : 0);
	case LX_F_GETFD:
		return fds[fd].cloexec;
	case LX_F_SETFD:
		fds[fd].cloexec = arg & 1;
		return 0;
	case LX_F_GETFL:
		return f->flags & ~(uint32_t)(LX_O_CLOEXEC | LX_O_CREAT |
					      LX_O_EXCL | LX_O_TRUNC);
	case LX_F_SETFL:
		f->flags = (f->flags & ~(uint32_t)(LX_O_APPEND | LX_O_NONBLOCK)) |
			   (uint32_t)(arg & (LX_O_APPEND | LX_O_NONBLOCK));
		return 0;
	}
	return -LX_EINVAL;
}

long lx_fstat(int fd, uint64_t st)
{
	struct lx_file *f = lx_fd(fd);
	uint8_t *s = (uint8_t *)(uintptr_t)st;
	int tty;

	if (!f)
		return -LX_EBADF;
	if (!lx_user_ok(st, 144, 1))
		return -LX_EFAULT;
	if (f->kind == LX_FILE || f->kind == LX_DIR)
		return lx_file_fstat(f, st);
	if (f->kind == LX_TMPFILE || f->kind == LX_TMPDIR)
		return lx_tmpfs_fstat(f, st);
	/* struct stat (x86-64): st_nlink at 16, st_mode at 24, st_rdev at
	 * 40, st_blksize at 56. A terminal is a character device, anything
	 * else the monitor has on that descriptor a pipe; /dev/null and the
	 * others are character devices with Linux's numbers. */
	tty = lx_console_tty(f->kind);
	if (f->kind >= LX_NULL && f->kind <= LX_RANDOM) {
		static const uint8_t minor[] = { 3, 5, 9 };

		memset(s, 0, 144);
		*(uint64_t *)(s + 16) = 1;
		*(uint32_t *)(s + 24) = 020666;
		*(uint64_t *)(s + 40) = 1ull << 8 | minor[f->kind - LX_NULL];
		*(uint64_t *)(s + 56) = 4096;
		return 0;
	}
	memset(s, 0, 144);
	*(uint64_t *)(s + 16) = 1;
	*(uint32_t *)(s + 24) = tty ? 020620 : 010600;
	*(uint64_t *)(s + 40) = tty ? (136ull << 8) : 0;
	*(uint64_t *)(s + 56) = 4096;
	return 0;
}

long lx_lseek(int fd, int64_t off, int whence)
{
	struct lx_file *f = lx_fd(fd);
	uint64_t size, base;
	long r;

	if (!f)
		return -LX_EBADF;
	if (f->kind != LX_FILE && f->kind != LX_DIR &&
	    f->kind != LX_TMPFILE && f->kind != LX_TMPDIR)
		return -LX_ESPIPE;
	if (f->kind == LX_DIR || f->kind == LX_TMPDIR) {
		if (whence != 0 || off != 0)
			return -LX_EINVAL;
		f->off = 0;                     /* rewinddir */
		return 0;
	}
	switch (whence) {
	case 0: base = 0; break;
	case 1: base = f->off; break;
	case 2:
		if ((r = lx_file_size(f, &size)) < 0)
			return r;
		base = size;
		break;
	default:
		return -LX_EINVAL;
	}
	if ((off < 0 && (uint64_t)-off > base) ||
	    (off > 0 && (uint64_t)off > (1ull << 62) - base))
		return -LX_EINVAL;
	f->off = base + (uint64_t)off;
	return (long)f->off;
}

long lx_poll(uint64_t pfds, uint64_t n, int64_t timeout_ms)
{
	struct pollfd_lx {
		int32_t fd;
		int16_t events, revents;
	} *p = (struct pollfd_lx *)(uintptr_t)pfds;
	long ready = 0;

	(void)timeout_ms;
	if (n > LX_FDS_MAX)
		return -LX_EINVAL;
	if (!lx_user_ok(pfds, n * sizeof *p, 1))
		return -LX_EFAULT;
	for (uint64_t i = 0; i < n; i++) {
		struct lx_file *f = p[i].fd >= 0 ? lx_fd(p[i].fd) : NULL;

		p[i].revents = 0;
		if (p[i].fd < 0)
			continue;
		if (!f)
			p[i].revents = 0x20;            /* POLLNVAL */
		else if (f->kind == LX_PIPE_R)
			p[i].revents = (int16_t)((pipes[f->handle].len ||
						  !pipes[f->handle].writers ?
						  p[i].events & 0x1 : 0) |
						 (!pipes[f->handle].writers ?
						  0x10 : 0));   /* POLLHUP */
		else if (f->kind == LX_PIPE_W)
			p[i].revents = (int16_t)(pipes[f->handle].len < PIPE_BYTES ?
						 p[i].events & 0x4 : 0);
		else if (f->kind == LX_STDIN)
			p[i].revents = p[i].events & 0x1;       /* POLLIN */
		else
			p[i].revents = p[i].events & 0x5;       /* IN, OUT */
		ready += p[i].revents != 0;
	}
	return ready;
}
