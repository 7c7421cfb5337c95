/* What the kernel's pure files need from the rest of the kernel, for the
 * host: kpanic aborts, so a test expects .signal = SIGABRT. */
#include <string.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "panic.h"

void kpanic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("kpanic: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

void frame_clear(void *v)
{
	memset(v, 0, 4096);
}
