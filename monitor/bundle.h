/*
 * The sandbox's program as the guest receives it: one PVH module in the
 * format of ukern/app.h (header, argv and environment strings, the ELF
 * file). Built on the host after app_check() accepted the program, then
 * placed at the top of guest RAM. tools/mkapp writes the same bytes to a
 * file, for QEMU's -initrd.
 */
#ifndef VMM_BUNDLE_H
#define VMM_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "mem.h"

struct bundle {
	uint8_t *data;          /* malloc'd, size bytes */
	size_t size;
};

/* The environment every program gets unless --env changes it. */
extern const char *const bundle_default_env[];

/*
 * Build the module for the program at path (already checked) with argv
 * (argc >= 1) and the default environment changed by env[0..envc)
 * ("NAME=VALUE": replaces NAME, or is added). 0, or -errno with err.
 */
int bundle_make(struct bundle *b, const char *path, int argc,
		char *const argv[], int envc, char *const env[],
		uint32_t flags, struct errmsg *err);

/* Whether s is "NAME=VALUE" with a non-empty NAME of no '='. */
int bundle_env_ok(const char *s);

/*
 * Copy b to the top of m, page-aligned, above floor (the end of what
 * the kernel occupies). 0 with *at, or -ENOMEM with err.
 */
int bundle_place(const struct bundle *b, struct mem *m, gpa_t floor,
		 gpa_t *at, struct errmsg *err);

/* Write the host's CLOCK_REALTIME into the placed module at at. */
void bundle_stamp(struct mem *m, gpa_t at);

void bundle_free(struct bundle *b);

#endif
