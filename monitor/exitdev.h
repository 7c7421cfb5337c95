/*
 * The exit port (PLAT_EXIT_PORT, 0xf4): a write of one byte or one dword
 * (or a word) at the port ends the run, and the monitor exits with the
 * value written. Values above 255 become 255, so that a failure code
 * never wraps to 0 (success) in the 8-bit exit status. Writes to
 * 0xf5-0xf7 alone are ignored; reads return all ones.
 */
#ifndef VMM_EXITDEV_H
#define VMM_EXITDEV_H

#include <stdint.h>

#include "machine.h"

#define EXITDEV_NPORTS 4        /* room for a dword at PLAT_EXIT_PORT */

struct exitdev {
	struct machine *machine;
};

/* Claim the exit port on m's port bus. Returns 0 or -errno. */
int exitdev_register(struct exitdev *d, struct machine *m);

#endif
