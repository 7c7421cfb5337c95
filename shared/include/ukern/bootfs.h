/*
 * The boot archive: the user-space servers' ELF files packed into
 * kernel.elf at build time. The kernel loads the entry named "init" and
 * hands init the whole archive (read-only) to load the rest.
 */
#ifndef UKERN_BOOTFS_H
#define UKERN_BOOTFS_H

#include <stdint.h>

#define BOOTFS_MAGIC            0x5346424bu     /* "KBFS" */
#define BOOTFS_VERSION          1
#define BOOTFS_NAME_MAX         32

struct bootfs_header {
	uint32_t magic;
	uint32_t version;
	uint32_t count;         /* entries that follow the header */
	uint32_t size;          /* whole archive, bytes */
};

struct bootfs_entry {
	char name[BOOTFS_NAME_MAX];     /* NUL-padded */
	uint32_t offset;                /* from the header, 16-aligned */
	uint32_t size;
	uint64_t _reserved;
};

_Static_assert(sizeof(struct bootfs_header) == 16, "bootfs header");
_Static_assert(sizeof(struct bootfs_entry) == 48, "bootfs entry");

#endif
