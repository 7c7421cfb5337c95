#include "fmt.h"

#include <stdbool.h>
#include <stdint.h>

struct out {
	char *buf;
	size_t cap, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len++] = c;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

/* Emits prefix + digits of v in base, padded to width. */
static void number(struct out *o, uint64_t v, unsigned base, bool upper,
		   const char *prefix, int width, bool left, bool zero)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, plen = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	while (prefix[plen])
		plen++;
	width -= n + plen;
	if (!left && !zero)
		pad(o, ' ', width);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	if (!left && zero)
		pad(o, '0', width);
	while (n)
		put(o, tmp[--n]);
	if (left)
		pad(o, ' ', width);
}

size_t fmt_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct out o = { buf, cap, 0 };

	for (; *fmt; fmt++) {
		bool left = false, zero = false;
		int width = 0, lng = 0;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		for (fmt++; *fmt == '-' || *fmt == '0'; fmt++) {
			if (*fmt == '-')
				left = true;
			else
				zero = true;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng++;

		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
			number(&o, u, 10, false, v < 0 ? "-" : "", width, left,
			       zero);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = lng ? va_arg(ap, uint64_t)
					 : va_arg(ap, unsigned int);
			number(&o, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', "",
			       width, left, zero);
			break;
		}
		case 'p':
			number(&o, (uintptr_t)va_arg(ap, void *), 16, false,
			       "0x", width, left, zero);
			break;
		case 'c':
			pad(&o, ' ', left ? 0 : width - 1);
			put(&o, (char)va_arg(ap, int));
			pad(&o, ' ', left ? width - 1 : 0);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int n = 0;

			if (!s)
				s = "(null)";
			while (s[n])
				n++;
			pad(&o, ' ', left ? 0 : width - n);
			while (*s)
				put(&o, *s++);
			pad(&o, ' ', left ? width - n : 0);
			break;
		}
		case '\0':                      /* a lone '%' at the end */
			fmt--;
			break;
		default:                        /* %% and anything unknown */
			put(&o, *fmt);
			break;
		}
	}
	if (cap)
		buf[o.len] = '\0';
	return o.len;
}

size_t fmt_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}
