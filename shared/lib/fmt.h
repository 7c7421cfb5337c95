/* printf-style formatting into a caller's buffer; pure (host-tested). */
#ifndef SHARED_FMT_H
#define SHARED_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Formats into buf (capacity cap, always NUL-terminated when cap > 0) and
 * returns the number of characters stored, without the NUL (output that
 * does not fit is dropped). Conversions: %s %c %d %i %u %x %X %p %%, with
 * flags '-' and '0', a width, and length l, ll or z.
 */
size_t fmt_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
size_t fmt_snprintf(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
