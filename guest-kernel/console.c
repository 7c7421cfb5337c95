#include "console.h"

#include <stdarg.h>
#include "fmt.h"
#include "uart.h"

#define CONSOLE_LINE 1024

bool console_quiet;

static void vprint(const char *fmt, va_list ap)
{
	char line[CONSOLE_LINE];

	uart_write(line, fmt_vsnprintf(line, sizeof line, fmt, ap));
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	if (console_quiet)
		return;
	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
}

void kerror(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
}
