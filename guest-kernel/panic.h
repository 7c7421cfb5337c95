/*
 * Ending the kernel. Declared apart from arch.h so the host-tested files
 * can call kpanic (the unit tests supply their own, which aborts).
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

/* Writes status to the exit port (PLAT_EXIT_PORT), then halts forever in
 * case the monitor does not stop the VM. */
_Noreturn void kexit(int status);

/* A kernel invariant broke: prints "panic: <message>" and exits with
 * KEXIT_PANIC. */
_Noreturn void kpanic(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif
