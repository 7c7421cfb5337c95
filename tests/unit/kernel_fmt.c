#include <criterion/criterion.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "fmt.h"

static char buf[256];

/* No format attribute: for formats the compiler would reject. */
static size_t raw(const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return n;
}

/* Formats with ours and with the C library; both must agree. */
#define SAME(...)                                                         \
	do {                                                              \
		char want[256];                                           \
		size_t n = fmt_snprintf(buf, sizeof buf, __VA_ARGS__);    \
		int w = snprintf(want, sizeof want, __VA_ARGS__);         \
		cr_assert_str_eq(buf, want);                              \
		cr_assert_eq(n, (size_t)w);                               \
	} while (0)

Test(fmt, integers_like_libc)
{
	SAME("%d %i %u", 42, -42, 42u);
	SAME("%d", INT_MIN);
	SAME("%d", INT_MAX);
	SAME("%u", UINT_MAX);
	SAME("%x %X", 0xbeefu, 0xbeefu);
	SAME("%ld", (long)INT64_MIN);
	SAME("%ld", (long)INT64_MAX);
	SAME("%lu", (unsigned long)UINT64_MAX);
	SAME("%lx", 0xffff800000100000ul);
	SAME("%llx", 0x123456789abcdefull);
	SAME("%zu", (size_t)12345);
	SAME("%d", 0);
	SAME("%x", 0u);
}

Test(fmt, width_and_padding_like_libc)
{
	SAME("[%5d]", 42);
	SAME("[%-5d]", 42);
	SAME("[%05d]", 42);
	SAME("[%05d]", -42);
	SAME("[%5d]", -42);
	SAME("[%-6d]", -42);
	SAME("[%016lx]", 0xfeb00e00ul);
	SAME("[%016lx]", 0xffff800000000000ul);
	SAME("[%04x]", 0x8u);
	SAME("[%2d]", 12345);             /* width smaller than the number */
	SAME("[%8s]", "abc");
	SAME("[%-8s]", "abc");
	SAME("[%2s]", "abcdef");
	SAME("[%3c][%-3c]", 'x', 'y');
	SAME("100%%");
	SAME("%s=%s", "key", "");
}

Test(fmt, pointer_and_null_string)
{
	fmt_snprintf(buf, sizeof buf, "%p", (void *)0xfee00000);
	cr_assert_str_eq(buf, "0xfee00000");
	raw("%s", (char *)NULL);
	cr_assert_str_eq(buf, "(null)");
}

Test(fmt, truncation_keeps_nul_and_returns_stored_length)
{
	char small[6];

	memset(small, 'Z', sizeof small);
	cr_assert_eq(fmt_snprintf(small, sizeof small, "hello %s", "world"), 5);
	cr_assert_str_eq(small, "hello");
	cr_assert_eq(fmt_snprintf(small, 1, "abc"), 0);
	cr_assert_eq(small[0], '\0');
	cr_assert_eq(fmt_snprintf(small, sizeof small, "%016lx", 1ul), 5);
	cr_assert_str_eq(small, "00000");
}

Test(fmt, zero_capacity_writes_nothing)
{
	char c = 'Z';

	cr_assert_eq(fmt_snprintf(&c, 0, "abc"), 0);
	cr_assert_eq(c, 'Z');
}

Test(fmt, unknown_and_trailing_percent)
{
	cr_assert_eq(raw("a%qb"), 3);
	cr_assert_str_eq(buf, "aqb");
	cr_assert_eq(raw("end%"), 3);
	cr_assert_str_eq(buf, "end");
	raw("end%-0");
	cr_assert_str_eq(buf, "end");
}
