/*
 * The small C library of user space: printf, malloc, and the string
 * functions of shared/lib (cstr.h). The names are the standard ones.
 */
#ifndef ULIB_H
#define ULIB_H

#include <stdarg.h>
#include <stddef.h>

#include "cstr.h"

/* printf.c: printf and puts go out a line at a time, to the console
 * service when one is running (conout.h: then each line carries
 * "[program] "), else to the kernel log (UK_SYS_DEBUG_WRITE); snprintf
 * returns the characters stored (the shared formatter's convention, not
 * C's "would have been" length). */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int puts(const char *s);
/* printf for errors and test verdicts: always to the kernel log, shown
 * even on a quiet boot. */
int eprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes out what printf holds back (a line without its newline yet). */
void uk_flush(void);
/* conout.c: from now on printf goes to the kernel log only, never
 * through the console service. For the processes the console depends
 * on (init, the registry, the console server): call it first thing. */
void printf_log_only(void);

/* heap.c: the process heap (alloc.c over UK_SYS_MEM_ALLOC / MEM_MAP). */
void *malloc(size_t n);
void free(void *p);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);

/* crt.c: prints "NAME: what" and ends the process with status 134. */
__attribute__((noreturn)) void uk_abort(const char *what);

#endif
