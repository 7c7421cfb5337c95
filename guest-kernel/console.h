/* Kernel log on the early console, one write per call (per line). */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdbool.h>

/* Set from the command line flag `quiet`: kprintf prints nothing. */
extern bool console_quiet;

/* Formats (fmt.h) and writes to the UART unless quiet. Callers pass whole
 * lines: each call is one burst of port writes. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The same, always printed: errors, exception dumps, test verdicts. */
void kerror(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
