/*
 * Descriptors. 0, 1 and 2 start as the console: stdout through the
 * console server's raw session for the program (its bytes as they are,
 * to the monitor's stdout), stdin from it, stderr through the kernel's
 * log port, which the monitor sends to its stderr (and, with the boot
 * log quiet, carries nothing else). The end of the monitor's stdin is
 * the end of the program's (read returns 0). Files are not served yet.
 */
#include <proto/console.h>
#include <stdarg.h>
#include "fmt.h"
#include "lx.h"
#include "regclient.h"
#include "regname.h"
#include "uk.h"
#include "ulib.h"

#define FDS_MAX         64
#define ERR_CHUNK       256     /* the kernel's log write, at most */

enum fd_kind { FD_NONE, FD_STDIN, FD_STDOUT, FD_STDERR };

static struct fd {
	enum fd_kind kind;
	int cloexec;
	uint32_t flags;         /* O_NONBLOCK etc., as set */
} fds[FDS_MAX];

static uint64_t session = UK_NO_CAP;    /* the console, raw */

void lx_stderr(const char *s, size_t n)
{
	while (n) {
		size_t k = n < ERR_CHUNK ? n : ERR_CHUNK;

		uk_syscall(UK_SYS_DEBUG_WRITE, UK_DEBUG_ALWAYS, (uintptr_t)s, k,
			   0, 0, 0);
		s += k;
		n -= k;
	}
}

void lx_note(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof line - 2)
		n = sizeof line - 2;
	line[n++] = '\n';
	lx_stderr(line, (size_t)n);
}

void lx_io_init(void)
{
	uint64_t cons = uk_slot_alloc(), slot = uk_slot_alloc();
	struct uk_msg m = { .label = CONS_OP_OPEN, .cap = UK_NO_CAP };

	fds[0].kind = FD_STDIN;
	fds[1].kind = FD_STDOUT;
	fds[2].kind = FD_STDERR;
	if (cons == UK_NO_CAP || slot == UK_NO_CAP ||
	    reg_lookup("console", cons) != REG_OK)
		return;
	reg_name_pack("app", m.w);
	if (uk_call_rcv(cons, &m, slot) == UK_OK && m.label == CONS_OK &&
	    m.cap == slot)
		session = slot;
	uk_cap_delete(cons);
	uk_slot_free(cons);
}

static struct fd *get(int fd)
{
	return fd >= 0 && fd < FDS_MAX && fds[fd].kind != FD_NONE ?
	       &fds[fd] : NULL;
}

/* Sends n (<= CONS_BYTES_MAX) bytes to the console with op. */
static int cons_send(uint64_t op, const void *b, size_t n)
{
	struct uk_msg m = { .label = CONS_LABEL(op, n), .cap = UK_NO_CAP };

	memcpy(m.w, b, n);
	return uk_call(session, &m) == UK_OK && m.label == CONS_OK ? 0 : -1;
}

void lx_io_flush(void)
{
	if (session != UK_NO_CAP)
		cons_send(CONS_OP_FLUSH, NULL, 0);
}

static long out(const uint8_t *b, size_t n)
{
	if (session == UK_NO_CAP)
		return -LX_EIO;
	for (size_t i = 0; i < n; i += CONS_BYTES_MAX)
		if (cons_send(CONS_OP_WRITE, b + i, n - i < CONS_BYTES_MAX ?
			      n - i : CONS_BYTES_MAX) < 0)
			return i ? (long)i : -LX_EIO;
	lx_io_flush();
	return (long)n;
}

/* Up to n bytes of input; waits for the first unless nonblocking. */
static long in(uint8_t *b, size_t n, int nonblock)
{
	size_t got = 0;
	int eof = 0;

	if (session == UK_NO_CAP)
		return 0;
	lx_io_flush();                  /* a prompt first */
	while (got < n) {
		struct uk_msg m = { .cap = UK_NO_CAP };
		size_t want = n - got < CONS_BYTES_MAX ? n - got :
			      CONS_BYTES_MAX, k;

		m.label = CONS_LABEL(CONS_OP_READ, want);
		if (uk_call(session, &m) != UK_OK)
			return got ? (long)got : -LX_EIO;
		if (CONS_OP(m.label) == CONS_E_EOF) {
			eof = 1;                /* read() returns what it has */
			break;
		}
		if (CONS_OP(m.label) != CONS_OK)
			return got ? (long)got : -LX_EIO;
		k = CONS_COUNT(m.label);
		if (k == 0) {
			/* Nothing yet: READ never blocks (proto/console.h). */
			if (got || nonblock)
				break;
			uk_yield();
			continue;
		}
		memcpy(b + got, m.w, k);
		got += k;
		if (k < want)
			break;
	}
	if (!got && nonblock && !eof)
		return -LX_EAGAIN;
	return (long)got;
}

long lx_read(int fd, uint64_t buf, uint64_t n)
{
	struct fd *f = get(fd);

	if (!f)
		return -LX_EBADF;
	if (!lx_user_ok(buf, n, 1))
		return -LX_EFAULT;
	if (f->kind != FD_STDIN)
		return -LX_EBADF;
	return in((uint8_t *)(uintptr_t)buf, n, f->flags & 04000);
}

long lx_write(int fd, uint64_t buf, uint64_t n)
{
	struct fd *f = get(fd);

	if (!f)
		return -LX_EBADF;
	if (!lx_user_ok(buf, n, 0))
		return -LX_EFAULT;
	if (n > 0x7ffff000)
		n = 0x7ffff000;         /* Linux's cap on one write */
	switch (f->kind) {
	case FD_STDOUT:
		return out((const uint8_t *)(uintptr_t)buf, n);
	case FD_STDERR:
		lx_stderr((const char *)(uintptr_t)buf, n);
		return (long)n;
	default:
		return -LX_EBADF;
	}
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
		long r;

		if (!v[2 * i + 1])
			continue;
		r = write ? lx_write(fd, v[2 * i], v[2 * i + 1]) :
			    lx_read(fd, v[2 * i], v[2 * i + 1]);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((uint64_t)r < v[2 * i + 1])
			break;
	}
	return total;
}

long lx_close(int fd)
{
	struct fd *f = get(fd);

	if (!f)
		return -LX_EBADF;
	f->kind = FD_NONE;
	return 0;
}

/* dup (to < 0: the lowest free at or above min), dup2, dup3. */
long lx_dup(int fd, int to, int min, int flags)
{
	struct fd *f = get(fd);

	if (!f)
		return -LX_EBADF;
	if (to < 0) {
		for (to = min; to < FDS_MAX && fds[to].kind != FD_NONE; to++)
			;
		if (to >= FDS_MAX)
			return -LX_EMFILE;
	} else if (to >= FDS_MAX) {
		return -LX_EBADF;
	}
	if (to == fd)
		return to;
	fds[to] = *f;
	fds[to].cloexec = (flags & 02000000) != 0;
	return to;
}

#define LX_TCGETS       0x5401
#define LX_TIOCGWINSZ   0x5413
#define LX_FIONBIO      0x5421

static int is_tty(const struct fd *f)
{
	uint32_t bit = f->kind == FD_STDIN ? UK_APP_TTY_IN :
		       f->kind == FD_STDOUT ? UK_APP_TTY_OUT : UK_APP_TTY_ERR;

	return (lx_app->flags & bit) != 0;
}

long lx_ioctl(int fd, uint64_t req, uint64_t arg)
{
	struct fd *f = get(fd);

	if (!f)
		return -LX_EBADF;
	switch (req) {
	case LX_TIOCGWINSZ:
		if (!is_tty(f))
			return -LX_ENOTTY;
		if (!lx_user_ok(arg, 8, 1))
			return -LX_EFAULT;
		((uint16_t *)(uintptr_t)arg)[0] = lx_app->rows ? lx_app->rows : 24;
		((uint16_t *)(uintptr_t)arg)[1] = lx_app->cols ? lx_app->cols : 80;
		((uint16_t *)(uintptr_t)arg)[2] = 0;
		((uint16_t *)(uintptr_t)arg)[3] = 0;
		return 0;
	case LX_TCGETS:
		if (!is_tty(f))
			return -LX_ENOTTY;
		/* A struct termios of 60 bytes: the settings the terminal
		 * has in the monitor's character mode. */
		if (!lx_user_ok(arg, 60, 1))
			return -LX_EFAULT;
		memset((void *)(uintptr_t)arg, 0, 60);
		((uint32_t *)(uintptr_t)arg)[1] = 05;   /* c_oflag OPOST|ONLCR */
		((uint32_t *)(uintptr_t)arg)[2] = 0277;  /* c_cflag B38400|CS8.. */
		return 0;
	case LX_FIONBIO:
		if (!lx_user_ok(arg, 4, 0))
			return -LX_EFAULT;
		if (*(const int *)(uintptr_t)arg)
			f->flags |= 04000;
		else
			f->flags &= ~04000u;
		return 0;
	}
	return -LX_ENOTTY;
}

#define LX_F_DUPFD      0
#define LX_F_GETFD      1
#define LX_F_SETFD      2
#define LX_F_GETFL      3
#define LX_F_SETFL      4
#define LX_F_DUPFD_CLOEXEC 1030

long lx_fcntl(int fd, uint64_t cmd, uint64_t arg)
{
	struct fd *f = get(fd);

	if (!f)
		return -LX_EBADF;
	switch (cmd) {
	case LX_F_DUPFD:
	case LX_F_DUPFD_CLOEXEC:
		if (arg >= FDS_MAX)
			return -LX_EINVAL;
		return lx_dup(fd, -1, (int)arg,
			      cmd == LX_F_DUPFD_CLOEXEC ? 02000000 : 0);
	case LX_F_GETFD:
		return f->cloexec;
	case LX_F_SETFD:
		f->cloexec = arg & 1;
		return 0;
	case LX_F_GETFL:
		return (f->kind == FD_STDIN ? 0 : 1) | f->flags;
	case LX_F_SETFL:
		f->flags = (uint32_t)(arg & 04000);     /* O_NONBLOCK */
		return 0;
	}
	return -LX_EINVAL;
}

long lx_fstat(int fd, uint64_t st)
{
	struct fd *f = get(fd);
	uint8_t *s = (uint8_t *)(uintptr_t)st;

	if (!f)
		return -LX_EBADF;
	if (!lx_user_ok(st, 144, 1))
		return -LX_EFAULT;
	memset(s, 0, 144);
	/* struct stat (x86-64): st_mode at 24, st_rdev at 40, st_blksize
	 * at 56. A terminal is a character device, else a pipe. */
	*(uint32_t *)(s + 24) = is_tty(f) ? 020620 : 010600;
	*(uint64_t *)(s + 40) = is_tty(f) ? (136ull << 8) : 0;
	*(uint64_t *)(s + 56) = 4096;
	*(uint64_t *)(s + 16) = 1;      /* st_nlink */
	return 0;
}

long lx_lseek(int fd, int64_t off, int whence)
{
	(void)off;
	(void)whence;
	return get(fd) ? -LX_ESPIPE : -LX_EBADF;
}

long lx_poll(uint64_t pfds, uint64_t n, int64_t timeout_ms)
{
	struct pollfd_lx {
		int32_t fd;
		int16_t events, revents;
	} *p = (struct pollfd_lx *)(uintptr_t)pfds;
	long ready = 0;

	(void)timeout_ms;
	if (n > FDS_MAX * 4)
		return -LX_EINVAL;
	if (!lx_user_ok(pfds, n * sizeof *p, 1))
		return -LX_EFAULT;
	for (uint64_t i = 0; i < n; i++) {
		struct fd *f = p[i].fd >= 0 ? get(p[i].fd) : NULL;

		p[i].revents = 0;
		if (p[i].fd < 0)
			continue;
		if (!f)
			p[i].revents = 0x20;            /* POLLNVAL */
		else if (f->kind != FD_STDIN)
			p[i].revents = p[i].events & 0x4;       /* POLLOUT */
		else
			p[i].revents = p[i].events & 0x1;       /* POLLIN */
		ready += p[i].revents != 0;
	}
	return ready;
}
