/*
 * printf's way to the console service (proto/console.h). At the first
 * line printf writes, a program looks "console" up in the registry and
 * opens a session, whose lines the server prefixes with "[name] " (the
 * name init gave the program). The outcome is kept: without a console
 * service, without a name, or when the lookup, the OPEN or any later
 * write fails, printf stays on the kernel log for good. The one
 * exception is a console full of living programs' sessions: OPEN is
 * tried again a while, and at later lines (a few dozen), each line that
 * finds it full going to the kernel log. So a program pays one registry
 * call, and only if it prints; none after printf_log_only (ulib.h).
 */
#ifndef CONOUT_H
#define CONOUT_H

#include <stddef.h>

/* Writes n bytes (a line, or what printf held back) to my session.
 * Returns 0, or -1: the caller writes them to the kernel log instead. */
int conout_write(const char *s, size_t n);

/* Ends my session, if any (the server writes out a partial line);
 * printf stays on the kernel log afterwards. */
void conout_close(void);

#endif
