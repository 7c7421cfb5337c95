#include "check.h"

#include <stdarg.h>

int check_failures;
const char *(*check_names)(int result);

void check_fail(int line, const char *cond, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	eprintf("%s: FAIL line %d: %s;%s\n", uk_progname(), line, cond, msg);
	check_failures++;
}

const char *check_name(int r, int buffer)
{
	static char num[2][16];

	if (check_names)
		return check_names(r);
	snprintf(num[buffer & 1], sizeof num[0], "%d", r);
	return num[buffer & 1];
}

int check_verdict(const char *suite)
{
	if (check_failures == 0) {
		eprintf("utest %s: ok\n", suite);
		return 0;
	}
	eprintf("utest %s: FAIL (%d failures)\n", suite, check_failures);
	return 1;
}
