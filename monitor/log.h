/*
 * Diagnostics for the monitor: one-line error messages built by the
 * module that failed and printed by main(), and the verbose log that
 * reports each distinct event (exit reason, unclaimed port or MMIO
 * address) once.
 */
#ifndef VMM_LOG_H
#define VMM_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* A one-line error message: the reason a call failed, without "vmm: ". */
struct errmsg {
	char text[512];
};

/* Format the message into e (truncated to fit); e may be NULL. */
void errmsg_set(struct errmsg *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The kinds of events the verbose log reports once per value. */
enum log_kind {
	LOG_EXIT_REASON = 1,    /* value: KVM exit reason */
	LOG_PORT_READ,          /* value: unclaimed port number */
	LOG_PORT_WRITE,
	LOG_MMIO_READ,          /* value: unclaimed guest physical address */
	LOG_MMIO_WRITE,
	LOG_DEVICE_BROKEN,      /* value: the device's MMIO window */
	LOG_NET_DROP,           /* value: why virtio-net dropped a frame */
	LOG_KIND_MAX
};

/* Turn the verbose log on or off; it writes to out (stderr if NULL). */
void log_setup(bool verbose, FILE *out);

/* True when -v was given. */
bool log_verbose(void);

/*
 * With -v, print "vmm: " and the message the first time (kind, value) is
 * seen, and nothing after that. Without -v, do nothing. The table of
 * seen events is bounded; once full, a last line says so and new events
 * are no longer reported.
 */
void log_once(enum log_kind kind, uint64_t value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Forget every event seen so far (for tests). */
void log_reset(void);

#endif
