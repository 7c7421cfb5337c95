/*
 * ext2 (revision 0 and 1; 1, 2 and 4 KiB blocks): mount checks, inodes,
 * file data through direct and indirect blocks (holes read as zeroes),
 * directories and paths (ext2.c); and writing (ext2w.c): file data,
 * new files and directories, unlink, rmdir, rename, truncate. Pure: every
 * byte goes through the device's callbacks, so the code is host-tested
 * on images that Debian's mke2fs makes, and e2fsck -fn checks what it
 * wrote. Not yet: hard links. The file service (main.c) serves it.
 *
 * The image is not trusted: every block and inode number, length and
 * directory record is checked before it is used, and a bad one is an
 * error (-EXT2_EIO here: the file system is corrupt), never a read outside
 * the image or a loop without end.
 *
 * Features. Incompatible ones other than FILETYPE refuse the mount, and
 * the reason names them; unknown read-only-compatible ones mount it read
 * only. Compatible ones change nothing
 * for a reader (DIR_INDEX directories read as linear ones).
 */
#ifndef FS_EXT2_H
#define FS_EXT2_H

#include <stddef.h>
#include <stdint.h>

/* Errors, as Linux numbers them (the personality passes them on). */
#define EXT2_ENOENT     2
#define EXT2_EIO        5
#define EXT2_EEXIST     17
#define EXT2_ENOTDIR    20
#define EXT2_EISDIR     21
#define EXT2_EINVAL     22
#define EXT2_EFBIG      27
#define EXT2_ENOSPC     28
#define EXT2_EROFS      30
#define EXT2_ENAMETOOLONG 36
#define EXT2_ENOTEMPTY  39
#define EXT2_ENOTSUP    95

#define EXT2_ROOT_INO   2u
#define EXT2_NAME_MAX   255u
#define EXT2_N_BLOCKS   15u

/* Reads n bytes at byte offset off of the device into buf: 0 or -1. */
typedef int ext2_read_fn(void *ctx, uint64_t off, void *buf, size_t n);
/* Writes n bytes of buf at byte offset off: 0 or -1. */
typedef int ext2_write_fn(void *ctx, uint64_t off, const void *buf,
			  size_t n);

struct ext2 {
	ext2_read_fn *read;
	ext2_write_fn *write;   /* NULL (ext2_mount's): read only */
	uint32_t now;           /* seconds since 1970, for the writes' times
				   (0: 2001-09-09, a time e2fsck takes) */
	void *ctx;
	uint32_t block_size;
	uint32_t blocks, inodes;
	uint32_t first_data_block;
	uint32_t blocks_per_group, inodes_per_group, groups;
	uint32_t inode_size;
	uint32_t incompat, ro_compat;
	int read_only;          /* unknown read-only-compatible features */
	uint64_t gdt_off;       /* the group descriptors' byte offset */
};

struct ext2_inode {
	uint32_t ino;
	uint16_t mode;
	uint16_t links;
	uint64_t size;
	uint32_t block[EXT2_N_BLOCKS];
	uint32_t mtime, atime, ctime;
	uint32_t uid, gid;
	uint32_t blocks;        /* 512-byte units, as i_blocks counts */
};

struct ext2_dirent {
	uint32_t ino;
	uint8_t type;           /* EXT2_FT_*, with FILETYPE; else 0 */
	uint8_t len;
	char name[EXT2_NAME_MAX + 1];
};

#define EXT2_S_IFMT     0170000u
#define EXT2_S_IFDIR    0040000u
#define EXT2_S_IFREG    0100000u
#define EXT2_S_IFLNK    0120000u

/*
 * Reads and checks the superblock and group descriptors' place of a
 * device of dev_size bytes. 0; -EXT2_EINVAL when it holds no ext2 (why: "no
 * ext2 file system"); -EXT2_ENOTSUP with the unsupported features named in
 * why ("features not supported: extents 64bit"); -EXT2_EIO when it cannot be
 * read or is inconsistent (why says what).
 */
int ext2_mount(struct ext2 *fs, ext2_read_fn *read, void *ctx,
	       uint64_t dev_size, char *why, size_t why_len);

/* Inode ino (1..inodes). 0, -EXT2_EINVAL (a bad number) or -EXT2_EIO. */
int ext2_inode(const struct ext2 *fs, uint32_t ino, struct ext2_inode *out);

/* Up to n bytes of in's data from off (stops at the file's size; holes
 * are zeroes): the count, or -EXT2_EIO. */
int64_t ext2_read(const struct ext2 *fs, const struct ext2_inode *in,
		  uint64_t off, void *buf, size_t n);

/* The directory entry at *pos of directory dir into *out, *pos moved on
 * (skipping empty records): 1, 0 at the end, -EXT2_ENOTDIR or -EXT2_EIO. */
int ext2_readdir(const struct ext2 *fs, const struct ext2_inode *dir,
		 uint64_t *pos, struct ext2_dirent *out);

/* The inode number of name (len bytes) in directory dir: 0 and *ino,
 * -EXT2_ENOENT, -EXT2_ENOTDIR or -EXT2_EIO. */
int ext2_lookup(const struct ext2 *fs, const struct ext2_inode *dir,
		const char *name, size_t len, uint32_t *ino);

/* Resolves path (absolute or not, from the root; "." and ".." as usual,
 * ".." at the root staying there, symbolic links not followed) into
 * *out. 0, -EXT2_ENOENT, -EXT2_ENOTDIR, -EXT2_ENAMETOOLONG or -EXT2_EIO. */
int ext2_walk(const struct ext2 *fs, const char *path,
	      struct ext2_inode *out);
/* The same from directory root, which ".." never leaves. */
int ext2_walk_at(const struct ext2 *fs, uint32_t root, const char *path,
		 struct ext2_inode *out);

/* Which of an inode's 15 block pointers holds file block *b: 0..11 (the
 * block itself), 12..14 (the top of a single, double or triple indirect
 * tree, whose *span data blocks cover the index left in *b), or -1 past
 * them all. Shared by ext2.c and ext2w.c. */
int ext2_slot(const struct ext2 *fs, uint64_t *b, uint64_t *span);

/*
 * The write side (ext2w.c), once fs->write is set: each call leaves the
 * file system consistent (e2fsck -fn clean) when its writes are on the
 * device. -EXT2_EROFS without a writer or on a read-only mount.
 */

/* Writes n bytes of buf at off into in (allocating blocks and indirect
 * blocks, growing the size; the inode is written back): the count (short
 * only on an error), or -EXT2_ENOSPC, -EXT2_EFBIG, -EXT2_EIO. */
int64_t ext2_pwrite(const struct ext2 *fs, struct ext2_inode *in,
		    uint64_t off, const void *buf, size_t n);

/* A new file (mode EXT2_S_IFREG | permissions) or directory (with "."
 * and "..") named name (len bytes, no NUL or '/') in dir, into *out
 * (not dir itself: -EXT2_EINVAL).
 * 0, -EXT2_EEXIST, -EXT2_ENOSPC, -EXT2_ENOTDIR, -EXT2_EINVAL,
 * -EXT2_ENAMETOOLONG or -EXT2_EIO. */
int ext2_create(const struct ext2 *fs, struct ext2_inode *dir,
		const char *name, size_t len, uint16_t mode,
		struct ext2_inode *out);

/* Removes name from dir; at its last link the file's blocks and inode
 * are freed. 0, -EXT2_ENOENT, -EXT2_EISDIR (directories stay: no rmdir
 * yet) or -EXT2_EIO. */
int ext2_unlink(const struct ext2 *fs, struct ext2_inode *dir,
		const char *name, size_t len);

/* Removes the empty directory name from dir and frees it. 0, -ENOENT,
 * -ENOTDIR, -ENOTEMPTY, -EINVAL ("." or "..") or -EIO. */
int ext2_rmdir(const struct ext2 *fs, struct ext2_inode *dir,
	       const char *name, size_t len);

/* Renames oname in odir to nname in ndir (pass one struct for one
 * directory). What nname named goes first, as Linux's rename does: a
 * file unlinked, an empty directory removed (a directory over a file:
 * -EXT2_ENOTDIR; a file over a directory: -EXT2_EISDIR). A directory
 * moved gets its ".." and the link counts right; moving one under
 * itself is -EXT2_EINVAL. Not atomic across a crash (ext2 has no
 * journal). 0, or the errors of create, unlink and rmdir. */
int ext2_rename(const struct ext2 *fs, struct ext2_inode *odir,
		const char *oname, size_t olen, struct ext2_inode *ndir,
		const char *nname, size_t nlen);

/* Sets regular file in's size: blocks past it freed (the indirect ones
 * left empty too), the last block's tail zeroed; growing leaves a hole.
 * 0, -EXT2_EINVAL (not a regular file) or -EXT2_EIO. */
int ext2_truncate(const struct ext2 *fs, struct ext2_inode *in,
		  uint64_t size);

#endif
