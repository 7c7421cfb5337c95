/*
 * What `--app PROG` may run: a static x86-64 Linux program, checked on
 * the host before anything boots, so that a program the sandbox cannot
 * run is refused in one line that says what to do instead.
 *
 * Accepted: ELF64, little-endian, x86-64, Linux or System V ABI, of type
 * ET_EXEC (-static) or ET_DYN with an entry point and no interpreter
 * (-static-pie); at least one PT_LOAD, every PT_LOAD inside the file
 * (file bytes) and inside the lower half of the address space (memory),
 * and the entry point in an executable one. Refused with their reason:
 * a file that is no ELF (a script, say), another architecture or word
 * size, a dynamically linked program (PT_INTERP: "build it with
 * -static"), a shared library, a core file or object file.
 */
#ifndef VMM_APP_H
#define VMM_APP_H

#include <stdint.h>

#include "log.h"

enum app_kind {
	APP_STATIC,             /* ET_EXEC */
	APP_STATIC_PIE,         /* ET_DYN, no interpreter */
};

struct app_info {
	enum app_kind kind;
	uint64_t entry;         /* e_entry (a PIE's: relative to its base) */
	uint64_t file_size;
	unsigned nload;         /* PT_LOAD headers */
};

/* Checks the program at path (see above). 0 with *info, or -errno
 * (-ENOEXEC for a program we cannot run) with "PATH: reason" in *err. */
int app_check(const char *path, struct app_info *info, struct errmsg *err);

#endif
