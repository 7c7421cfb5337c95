/* Starting user space: load init from the boot archive, give it its
 * boot capabilities, and enter it (uentry.c chooses the entry first). */
#ifndef BOOT_INIT_H
#define BOOT_INIT_H

#include "cmdline.h"

/* Never returns; panics with a clear message if init cannot start. init
 * gets the register page and the interrupt of each device in cl. */
/* app: the first PVH module's [phys, phys + size), or size 0. */
_Noreturn void boot_init(const char *cmdline, const struct cmdline *cl,
			 uint64_t app_phys, uint64_t app_size);

#endif
