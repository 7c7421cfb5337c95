/*
 * The file service's on-disk layout, and the checks and allocation on
 * it. Pure: no system calls (host-testable).
 *
 *   sector 0                  superblock (struct fs_super)
 *   sectors 1..8              directory: FS_FILES_MAX entries of 64 bytes
 *   sectors FS_DATA_START..   blob contents, one contiguous extent each
 *
 * Numbers are little-endian. An entry is free when its name starts with
 * NUL. Extents are allocated first fit, in whole sectors.
 *
 * Each blob belongs to the program that wrote it: its entry holds a tag
 * of that program's name (the one init gave it, the registry's WHO), so
 * that each program has a namespace of its own, and two may each have a
 * blob of one name. A program holds at most FS_FILES_PER_OWNER entries
 * and fs_owner_sectors() of the data. Tag 0 is nobody's: entries written
 * before blobs had owners, which any program may read and whose first
 * writer (or deleter) takes them.
 */
#ifndef FS_LAYOUT_H
#define FS_LAYOUT_H

#include <stddef.h>
#include <stdint.h>
#include <proto/fs.h>

#define FS_MAGIC                0x3173664b4e52454bull  /* "KERNKfs1" */
#define FS_VERSION              1u
#define FS_SECTOR               512u
#define FS_DIR_START            1u
#define FS_DIR_SECTORS          8u
#define FS_DATA_START           16u
#define FS_META_BYTES           (FS_DATA_START * FS_SECTOR)

struct fs_super {
	uint64_t magic;
	uint32_t version;
	uint32_t files;         /* FS_FILES_MAX */
	uint64_t data_start;    /* FS_DATA_START */
	uint64_t sectors;       /* the disk's size when formatted */
	uint8_t _reserved[FS_SECTOR - 32];
};

struct fs_entry {
	char name[FS_NAME_MAX]; /* NUL-padded; name[0] == 0: free */
	uint64_t start;         /* first sector */
	uint64_t length;        /* bytes */
	uint64_t owner;         /* fs_owner_tag() of the writer, or 0 */
	uint64_t _reserved;
};


_Static_assert(sizeof(struct fs_super) == FS_SECTOR, "superblock");
_Static_assert(sizeof(struct fs_entry) == 64, "directory entry");
_Static_assert(FS_FILES_MAX * sizeof(struct fs_entry) ==
	       FS_DIR_SECTORS * FS_SECTOR, "directory size");
_Static_assert(offsetof(struct fs_entry, start) == 32, "entry layout");

/* The metadata at the start of the disk, as kept in memory. */
struct fs_meta {
	struct fs_super super;
	struct fs_entry dir[FS_FILES_MAX];
	uint8_t _pad[FS_META_BYTES - FS_SECTOR * (1 + FS_DIR_SECTORS)];
};

_Static_assert(sizeof(struct fs_meta) == FS_META_BYTES, "metadata");

/* Sectors that n bytes occupy. */
static inline uint64_t fs_sectors(uint64_t n)
{
	return (n + FS_SECTOR - 1) / FS_SECTOR;
}

/* FS_OK if field (FS_NAME_MAX bytes) holds a valid name, else
 * FS_E_BAD_NAME. */
enum fs_err fs_name_check(const char field[FS_NAME_MAX]);

/* A fresh, empty file system for a disk of capacity sectors. */
void fs_format(struct fs_meta *m, uint64_t capacity);

/* Checks metadata read from a disk of capacity sectors: 0 when it is
 * ours, -1 when the superblock is not (format it). Entries that are
 * malformed, outside the disk or overlapping an earlier one are cleared;
 * *dropped counts them. */
int fs_mount_check(struct fs_meta *m, uint64_t capacity, unsigned *dropped);

/* The tag of a program's name (never 0): 64-bit FNV-1a. Names come from
 * whoever builds the boot image, not from the programs. */
uint64_t fs_owner_tag(const char *name);

/* The most data sectors one owner may hold: a quarter of the data, and
 * never less than two largest blobs (one, and its replacement). */
uint64_t fs_owner_sectors(const struct fs_meta *m);

/* Entries and data sectors owner holds, in *files and *sectors. */
void fs_owned(const struct fs_meta *m, uint64_t owner, unsigned *files,
	      uint64_t *sectors);

/* The index of owner's entry named name (a valid name field), else of
 * a nobody's (tag 0) one of that name, else -1. */
int fs_find(const struct fs_meta *m, uint64_t owner,
	    const char name[FS_NAME_MAX]);

/* Whether owner may see entry i: its own, or nobody's. */
int fs_visible(const struct fs_meta *m, uint64_t owner, unsigned i);

/* A free directory entry's index, or -1. */
int fs_free_entry(const struct fs_meta *m);

/* The first sector of the first free run of count sectors (count > 0)
 * between FS_DATA_START and the end of the file system; 0 when none. */
uint64_t fs_alloc(const struct fs_meta *m, uint64_t count);

/* Free data sectors. */
uint64_t fs_free_sectors(const struct fs_meta *m);

#endif
