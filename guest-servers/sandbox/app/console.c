/*
 * The console: stdout through the console server's raw session for the
 * program (its bytes as they are, to the monitor's stdout), stdin from
 * it, stderr through the kernel's log port, which the monitor sends to
 * its stderr (and, with the boot log quiet, carries nothing else). The
 * end of the monitor's stdin is the end of the program's (read returns
 * 0).
 */
#include <proto/console.h>
#include <stdarg.h>
#include "fmt.h"
#include "lx.h"
#include "regclient.h"
#include "regname.h"
#include "uk.h"
#include "ulib.h"

#define ERR_CHUNK       256     /* the kernel's log write, at most */

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

void lx_console_init(void)
{
	uint64_t cons = uk_slot_alloc(), slot = uk_slot_alloc();
	struct uk_msg m = { .label = CONS_OP_OPEN, .cap = UK_NO_CAP };

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

long lx_console_write(const uint8_t *b, size_t n)
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
long lx_console_read(uint8_t *b, size_t n, int nonblock)
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

int lx_console_tty(enum lx_kind kind)
{
	uint32_t bit = kind == LX_STDIN ? UK_APP_TTY_IN :
		       kind == LX_STDOUT ? UK_APP_TTY_OUT : UK_APP_TTY_ERR;

	return kind <= LX_STDERR && (lx_app->flags & bit) != 0;
}

#define LX_TCGETS       0x5401
#define LX_TIOCGWINSZ   0x5413

long lx_console_ioctl(enum lx_kind kind, uint64_t req, uint64_t arg)
{
	if (!lx_console_tty(kind))
		return -LX_ENOTTY;
	switch (req) {
	case LX_TIOCGWINSZ:
		if (!lx_user_ok(arg, 8, 1))
			return -LX_EFAULT;
		((uint16_t *)(uintptr_t)arg)[0] = lx_app->rows ? lx_app->rows : 24;
		((uint16_t *)(uintptr_t)arg)[1] = lx_app->cols ? lx_app->cols : 80;
		((uint16_t *)(uintptr_t)arg)[2] = 0;
		((uint16_t *)(uintptr_t)arg)[3] = 0;
		return 0;
	case LX_TCGETS:
		/* A struct termios of 60 bytes: the settings the terminal
		 * has in the monitor's character mode. */
		if (!lx_user_ok(arg, 60, 1))
			return -LX_EFAULT;
		memset((void *)(uintptr_t)arg, 0, 60);
		((uint32_t *)(uintptr_t)arg)[1] = 05;   /* c_oflag OPOST|ONLCR */
		((uint32_t *)(uintptr_t)arg)[2] = 0277;  /* c_cflag B38400|CS8.. */
		return 0;
	}
	return -LX_ENOTTY;
}
