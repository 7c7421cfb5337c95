/*
 * The values the system calls accept in their argument registers, beyond
 * capability slots. A rights mask, flag word or name with a bit outside
 * its defined set is refused with UK_E_ARG before anything changes, not
 * masked, so that the bit can get a meaning later (abi.h). Pure, so that
 * the host tests check every boundary.
 */
#ifndef SYSARG_H
#define SYSARG_H

#include <stdint.h>
#include "ukern/abi.h"

/* The rights a memory mapping can have. */
#define SYSARG_MAP_RIGHTS       (UK_R_READ | UK_R_WRITE | UK_R_EXEC)

/* A rights mask (cap_copy, cap_mint, cap_give): bits of UK_R_ALL only. */
static inline int sysarg_rights_ok(uint64_t rights)
{
	return (rights & ~(uint64_t)UK_R_ALL) == 0;
}

/* mem_map's rights: READ, WRITE, EXEC only. */
static inline int sysarg_map_rights_ok(uint64_t rights)
{
	return (rights & ~(uint64_t)SYSARG_MAP_RIGHTS) == 0;
}

/* debug_write's flags (rdi): 0 or UK_DEBUG_ALWAYS. */
static inline int sysarg_debug_flags_ok(uint64_t flags)
{
	return (flags & ~(uint64_t)UK_DEBUG_ALWAYS) == 0;
}

/* proc_create's name: seven bytes packed, so the top byte is 0. */
static inline int sysarg_name7_ok(uint64_t name)
{
	return name >> 56 == 0;
}

/* proc_start's entry and stack: addresses in the user half (a stack may
 * start at its very top). iretq to an entry that is not canonical would
 * fault in the kernel rather than in the new process. */
static inline int sysarg_user_start_ok(uint64_t entry, uint64_t stack)
{
	return entry < UK_USER_MAX && stack <= UK_USER_MAX;
}

/* machine_exit's status: one byte, what the exit port passes on. */
static inline int sysarg_status_ok(uint64_t status)
{
	return status <= 0xff;
}

/* An FS base: a lower-half address (canonical), or 0. */
static inline int sysarg_fs_base_ok(uint64_t base)
{
	return base < UK_USER_MAX;
}

#endif
