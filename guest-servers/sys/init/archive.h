/*
 * Reading the boot archive (ukern/bootfs.h) that the kernel hands init.
 * Pure (host-tested): every offset and size is checked before use.
 */
#ifndef ARCHIVE_H
#define ARCHIVE_H

#include <stddef.h>
#include <stdint.h>
#include <ukern/bootfs.h>

#define ARCHIVE_ENTRIES_MAX     64

struct archive {
	const unsigned char *data;
	size_t size;            /* the archive's own, <= what is mapped */
	unsigned count;
};

enum archive_err {
	ARCHIVE_OK = 0,
	ARCHIVE_E_SHORT,        /* the header or the entries do not fit */
	ARCHIVE_E_MAGIC,        /* not a boot archive, or another version */
	ARCHIVE_E_COUNT,        /* no entries, or more than ENTRIES_MAX */
	ARCHIVE_E_ENTRY,        /* a name not NUL-terminated, data outside
	                           the archive, or not 16-aligned */
	ARCHIVE_E_MAX
};

/* Checks the archive at data (mapped bytes: size) and every entry;
 * fills *a. Returns ARCHIVE_OK or what is wrong. */
enum archive_err archive_open(struct archive *a, const void *data,
			      size_t size);

/* Entry i (< a->count) of a checked archive: its name (NUL-terminated)
 * and its bytes. */
void archive_entry(const struct archive *a, unsigned i, const char **name,
		   const void **data, size_t *size);

/* The index of the entry called name, or -1. */
int archive_find(const struct archive *a, const char *name);

#endif
