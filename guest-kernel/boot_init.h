/* Starting user space: load init from the boot archive, give it its
 * boot capabilities, and enter it (uentry.c chooses the entry first). */
#ifndef BOOT_INIT_H
#define BOOT_INIT_H

/* Never returns; panics with a clear message if init cannot start. */
_Noreturn void boot_init(const char *cmdline, const char *entry_force);

#endif
