#include "panic.h"

#include <stdarg.h>
#include "arch.h"
#include "console.h"
#include "fmt.h"
#include "platform.h"

void kexit(int status)
{
	outl(PLAT_EXIT_PORT, (uint32_t)status);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void kpanic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	kerror("panic: %s\n", msg);
	kexit(KEXIT_PANIC);
}
