/*
 * libFuzzer target: a hostile ext2 image against the file service's
 * ext2 reader (guest-servers/services/fs/ext2.c). The input is the whole
 * image. Each input is mounted; when that succeeds, the tree is walked
 * from the root (a bounded number of entries and depth), every entry
 * looked up again by name and by path, and each file's first and last
 * bytes read.
 *
 * What ext2.h promises is checked: no read outside the image (the read
 * callback aborts on one), errors only from the documented set, a read
 * never longer than asked or past the file's size, a readdir that always
 * moves on. AddressSanitizer and UBSan watch the rest.
 *
 * tests/system/fuzz-ext2.sh seeds it with small images mke2fs makes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ext2.h"

#define WALK_MAX        256     /* entries visited per input */

static const uint8_t *img;
static size_t img_size;
static unsigned visited;

static void fail(const char *what)
{
	fprintf(stderr, "ext2 fuzz: %s\n", what);
	abort();
}

static int rd(void *ctx, uint64_t off, void *buf, size_t n)
{
	(void)ctx;
	if (off > img_size || n > img_size - off)
		fail("a read outside the image");
	memcpy(buf, img + off, n);
	return 0;
}

static void known(int r)
{
	if (r < 0 && r != -EXT2_EIO && r != -EXT2_ENOENT &&
	    r != -EXT2_ENOTDIR && r != -EXT2_EINVAL &&
	    r != -EXT2_ENAMETOOLONG)
		fail("an error outside the documented set");
}

static void read_file(const struct ext2 *fs, const struct ext2_inode *in)
{
	static uint8_t buf[4096];
	int64_t n = ext2_read(fs, in, 0, buf, sizeof buf);

	if (n > (int64_t)sizeof buf || (n >= 0 && (uint64_t)n > in->size))
		fail("a read longer than asked or than the file");
	known((int)(n < 0 ? n : 0));
	if (in->size > 16) {
		n = ext2_read(fs, in, in->size - 16, buf, 64);
		if (n > 16)
			fail("a read past the file's size");
		known((int)(n < 0 ? n : 0));
	}
}

static void walk(const struct ext2 *fs, const struct ext2_inode *dir,
		 char *path, size_t len, unsigned depth)
{
	struct ext2_dirent d;
	uint64_t pos = 0, last = 0;
	int r;

	while (visited < WALK_MAX && (r = ext2_readdir(fs, dir, &pos, &d)) > 0) {
		struct ext2_inode in;
		uint32_t ino;

		if (pos <= last)
			fail("readdir did not move on");
		last = pos;
		visited++;
		if (d.len != strlen(d.name))
			fail("a name of the wrong length");
		known(ext2_lookup(fs, dir, d.name, d.len, &ino));
		if (ext2_inode(fs, d.ino, &in) != 0)
			continue;
		if ((in.mode & EXT2_S_IFMT) == EXT2_S_IFREG)
			read_file(fs, &in);
		if ((in.mode & EXT2_S_IFMT) == EXT2_S_IFDIR && depth < 4 &&
		    strcmp(d.name, ".") && strcmp(d.name, "..") &&
		    len + 1 + d.len < 1024) {
			struct ext2_inode again;

			path[len] = '/';
			memcpy(path + len + 1, d.name, d.len + 1);
			known(ext2_walk(fs, path, &again));
			walk(fs, &in, path, len + 1 + d.len, depth + 1);
			path[len] = '\0';
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ext2 fs;
	struct ext2_inode root;
	char why[96], path[1024] = "";

	img = data;
	img_size = size;
	visited = 0;
	if (ext2_mount(&fs, rd, NULL, size, why, sizeof why) != 0)
		return 0;
	if (ext2_inode(&fs, EXT2_ROOT_INO, &root) == 0)
		walk(&fs, &root, path, 0, 0);
	known(ext2_walk(&fs, "/a/../b/./c", &root));
	return 0;
}
