/*
 * printf on top of the shared formatter (shared/lib/fmt.c). Output is
 * held back until a newline, so that a line goes out whole: to my
 * console session when there is a console service (conout.h), else to
 * the kernel log in one UK_SYS_DEBUG_WRITE (at most UK_DEBUG_MAX bytes
 * each; longer is split). eprintf always writes to the kernel log.
 */
#include "ulib.h"
#include "conout.h"
#include "uk.h"
#include "fmt.h"

#define UK_DEBUG_MAX    256
#define LINE_CAP        256

static char line[LINE_CAP];
static size_t line_len;
static uint64_t always;         /* eprintf: shown even when quiet */

static void write_all(const char *s, size_t n)
{
	if (!always && conout_write(s, n) == 0)
		return;
	while (n) {
		size_t k = n < UK_DEBUG_MAX ? n : UK_DEBUG_MAX;

		uk_syscall(UK_SYS_DEBUG_WRITE, always, (uintptr_t)s, k, 0, 0, 0);
		s += k;
		n -= k;
	}
}

void uk_flush(void)
{
	write_all(line, line_len);
	line_len = 0;
}

/* Appends s[0..n) to the line, writing out each completed line. */
static void emit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		line[line_len++] = s[i];
		if (s[i] == '\n' || line_len == LINE_CAP)
			uk_flush();
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return (int)fmt_vsnprintf(buf, size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	char buf[512];
	size_t n = fmt_vsnprintf(buf, sizeof buf, fmt, ap);

	emit(buf, n);
	return (int)n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	size_t n = strlen(s);

	emit(s, n);
	emit("\n", 1);
	return (int)n + 1;
}

int eprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	uk_flush();
	always = UK_DEBUG_ALWAYS;
	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	uk_flush();
	always = 0;
	return n;
}
