/* ext2's read side (guest-servers/services/fs/ext2.c) on images that
 * Debian's mke2fs makes from a directory (-d), at each block size; and on
 * images broken on purpose. Skipped where mke2fs is missing. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../guest-servers/services/fs/ext2.h"

static char dir[] = "/tmp/vmm-ext2-XXXXXX";
static char img[64];
static uint8_t *data;           /* the image, in memory */
static size_t size;
static struct ext2 fs;
static char why[128];

static int rd(void *ctx, uint64_t off, void *buf, size_t n)
{
	(void)ctx;
	if (off > size || n > size - off)
		return -1;
	memcpy(buf, data + off, n);
	return 0;
}

static void sh(const char *fmt, const char *arg)
{
	char cmd[512];

	snprintf(cmd, sizeof cmd, fmt, arg, arg, arg);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/* A tree in dir/t; the image of it, block size bs, in memory. */
static void make_image(unsigned bs)
{
	char cmd[512];
	FILE *f;

	if (system("command -v mke2fs >/dev/null 2>&1 || "
		   "test -x /usr/sbin/mke2fs") != 0)
		cr_skip_test("no mke2fs (apt-get install e2fsprogs)");
	cr_assert_not_null(mkdtemp(dir));
	sh("mkdir -p %s/t/sub/deeper && echo hello > %s/t/hello.txt && "
	   "ln -s hello.txt %s/t/link", dir);
	/* Four bytes at 80 MiB, the rest a hole: past the double indirect
	 * blocks of 1 KiB (64 MiB), so the triple ones hold them. */
	sh("printf FAR! | dd of=%s/t/far bs=1M seek=80 conv=notrunc "
	   "status=none%.0s%.0s", dir);
	snprintf(cmd, sizeof cmd, "%s/t/sub/deeper/big", dir);
	f = fopen(cmd, "wb");
	cr_assert_not_null(f);
	/* 3 MiB: past the double indirect blocks at every size; a hole. */
	for (unsigned i = 0; i < 3u << 20; i += 4) {
		uint32_t v = i * 2654435761u;

		if (i >= (1u << 20) && i < (2u << 20)) {
			fseek(f, 2 << 20, SEEK_SET);
			i = (2u << 20) - 4;
			continue;
		}
		fwrite(&v, 4, 1, f);
	}
	fclose(f);
	for (unsigned i = 0; i < 300; i++) {     /* a directory of blocks */
		snprintf(cmd, sizeof cmd, "touch %s/t/sub/file-with-a-long-"
			 "name-%03u", dir, i);
		cr_assert_eq(system(cmd), 0);
	}
	snprintf(img, sizeof img, "%s/i.img", dir);
	/* The size first: mke2fs 1.47 leaves a new file short of its
	 * last blocks. */
	snprintf(cmd, sizeof cmd, "truncate -s 16M %s && PATH=$PATH:/usr/sbin "
		 "mke2fs -q -F -t ext2 -b %u -d %s/t %s >/dev/null", img, bs,
		 dir, img);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	f = fopen(img, "rb");
	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	size = (size_t)ftell(f);
	rewind(f);
	data = malloc(size);
	cr_assert_eq(fread(data, 1, size, f), size);
	fclose(f);
}

static void cleanup(void)
{
	char cmd[128];

	free(data);
	data = NULL;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	(void)!system(cmd);
	strcpy(dir, "/tmp/vmm-ext2-XXXXXX");
}

TestSuite(ext2, .fini = cleanup);

/* Every byte of big is what was written, the hole zeroes. */
static void check_big(void)
{
	static uint8_t buf[3 << 20];
	struct ext2_inode in;

	cr_assert_eq(ext2_walk(&fs, "/sub/deeper/big", &in), 0);
	cr_assert_eq(in.size, 3u << 20);
	cr_assert_eq(ext2_read(&fs, &in, 0, buf, sizeof buf), 3 << 20);
	for (unsigned i = 0; i < 3u << 20; i += 4) {
		uint32_t v, want = i * 2654435761u;

		if (i >= (1u << 20) && i < (2u << 20))
			want = 0;
		memcpy(&v, buf + i, 4);
		cr_assert_eq(v, want, "byte %u", i);
	}
	cr_assert_eq(ext2_read(&fs, &in, (3u << 20) - 2, buf, 100), 2,
		     "stops at the end");
	cr_assert_eq(ext2_read(&fs, &in, 5u << 20, buf, 100), 0);
}

static void check_tree(void)
{
	struct ext2_inode in, sub;
	struct ext2_dirent d;
	uint64_t pos = 0;
	char buf[16];
	unsigned n = 0;
	int r;

	cr_assert_eq(ext2_walk(&fs, "/hello.txt", &in), 0);
	cr_assert_eq(ext2_read(&fs, &in, 0, buf, sizeof buf), 6);
	cr_assert(memcmp(buf, "hello\n", 6) == 0);
	cr_assert_eq(ext2_walk(&fs, "sub/../../../hello.txt", &in), 0,
		     ".. stops at the root");
	cr_assert_eq(ext2_walk(&fs, "/link", &in), 0);
	cr_assert_eq(in.mode & EXT2_S_IFMT, EXT2_S_IFLNK);
	cr_assert_eq(ext2_walk(&fs, "/link/x", &in), -EXT2_ENOTDIR);
	cr_assert_eq(ext2_walk(&fs, "/hello.txt/x", &in), -EXT2_ENOTDIR);
	cr_assert_eq(ext2_walk(&fs, "/hello.txt/", &in), -EXT2_ENOTDIR);
	cr_assert_eq(ext2_walk(&fs, "/sub/", &in), 0);
	cr_assert_eq(ext2_walk(&fs, "/nope", &in), -EXT2_ENOENT);
	cr_assert_eq(ext2_walk(&fs, "/sub", &sub), 0);
	/* From a client's root, ".." goes no higher: /sub is its "/". */
	cr_assert_eq(ext2_walk_at(&fs, sub.ino, "../../hello.txt", &in),
		     -EXT2_ENOENT, "nothing above the root can be named");
	cr_assert_eq(ext2_walk_at(&fs, sub.ino, "../..", &in), 0);
	cr_assert_eq(in.ino, sub.ino);
	cr_assert_eq(ext2_walk_at(&fs, sub.ino, "/file-with-a-long-name-001",
				  &in), 0);
	while ((r = ext2_readdir(&fs, &sub, &pos, &d)) > 0)
		n += strncmp(d.name, "file-with-a-long-name-", 22) == 0;
	cr_assert_eq(r, 0);
	cr_assert_eq(n, 300, "every entry, across blocks");
	cr_assert_eq(ext2_lookup(&fs, &sub, "file-with-a-long-name-299", 25,
				 &in.ino), 0);
	cr_assert_eq(ext2_walk(&fs, "/far", &in), 0);
	cr_assert_eq(in.size, (80u << 20) + 4);
	cr_assert_eq(ext2_read(&fs, &in, 80u << 20, buf, 8), 4);
	cr_assert(memcmp(buf, "FAR!", 4) == 0);
	memset(buf, 1, sizeof buf);
	cr_assert_eq(ext2_read(&fs, &in, 40u << 20, buf, 8), 8);
	cr_assert(memcmp(buf, "\0\0\0\0\0\0\0\0", 8) == 0, "a hole");
	check_big();
}

/* The tree, in an image of blocks of bs bytes. */
static void tree_at(unsigned bs)
{
	make_image(bs);
	cr_assert_eq(ext2_mount(&fs, rd, NULL, size, why, sizeof why), 0,
		     "%s", why);
	cr_assert_eq(fs.block_size, bs);
	check_tree();
}

Test(ext2, blocks_of_1k) { tree_at(1024); }
Test(ext2, blocks_of_2k) { tree_at(2048); }
Test(ext2, blocks_of_4k) { tree_at(4096); }

Test(ext2, not_ext2_and_features_named)
{
	make_image(1024);
	cr_assert_eq(ext2_mount(&fs, rd, NULL, 1000, why, sizeof why),
		     -EXT2_EINVAL, "too small");
	data[1024 + 56] ^= 0xff;                /* the magic */
	cr_assert_eq(ext2_mount(&fs, rd, NULL, size, why, sizeof why),
		     -EXT2_EINVAL);
	cr_assert_str_eq(why, "no ext2 file system");
	data[1024 + 56] ^= 0xff;
	data[1024 + 96] |= 0x40;                /* extents */
	data[1024 + 97] |= 0x02;                /* flex_bg */
	cr_assert_eq(ext2_mount(&fs, rd, NULL, size, why, sizeof why),
		     -EXT2_ENOTSUP);
	cr_assert_str_eq(why, "features not supported: extent flex_bg");
	data[1024 + 96] &= (uint8_t)~0x40;
	data[1024 + 97] &= (uint8_t)~0x02;
	data[1024 + 100] |= 0x10;               /* ro: an unknown one */
	cr_assert_eq(ext2_mount(&fs, rd, NULL, size, why, sizeof why), 0);
	cr_assert(fs.read_only);
}

/* Broken metadata: errors, never a read outside the image. */
Test(ext2, corrupt_images)
{
	struct ext2_inode in;
	uint32_t *b;

	make_image(1024);
	cr_assert_eq(ext2_mount(&fs, rd, NULL, size, why, sizeof why), 0);
	cr_assert_eq(ext2_inode(&fs, 0, &in), -EXT2_EINVAL);
	cr_assert_eq(ext2_inode(&fs, fs.inodes + 1, &in), -EXT2_EINVAL);
	/* A block number past the end, in an inode read into memory. */
	cr_assert_eq(ext2_walk(&fs, "/hello.txt", &in), 0);
	in.block[0] = 0xfffffff0u;
	cr_assert_eq(ext2_read(&fs, &in, 0, why, 4), -EXT2_EIO);
	in.block[0] = 0;
	cr_assert_eq(ext2_read(&fs, &in, 0, why, 4), 4, "a hole");
	/* A directory whose records point past their block. */
	cr_assert_eq(ext2_walk(&fs, "/", &in), 0);
	b = (uint32_t *)(data + (uint64_t)in.block[0] * fs.block_size);
	((uint16_t *)b)[2] = 0xfff0;            /* the first rec_len */
	cr_assert_eq(ext2_walk(&fs, "/hello.txt", &in), -EXT2_EIO);
	((uint16_t *)b)[2] = 0;                 /* would never move on */
	cr_assert_eq(ext2_walk(&fs, "/hello.txt", &in), -EXT2_EIO);
	((uint16_t *)b)[2] = 12;                /* ".", as it was */
	cr_assert_eq(ext2_walk(&fs, "/hello.txt", &in), 0);
	/* A '/' in a name (the third entry's, after "." and ".."): a path
	 * could not name it (found by the fuzzer, as a NUL). */
	((uint8_t *)b)[24 + 8] = '/';
	cr_assert_eq(ext2_walk(&fs, "/hello.txt", &in), -EXT2_EIO);
	/* A directory larger than its file system: refused, not read
	 * block after block (its pointers may all point back). */
	cr_assert_eq(ext2_walk(&fs, "/", &in), 0);
	in.size = (uint64_t)fs.blocks * fs.block_size + 1;
	cr_assert_eq(ext2_lookup(&fs, &in, "x", 1, &in.ino), -EXT2_EIO);
	/* The superblock: block count past the device. */
	cr_assert_eq(ext2_mount(&fs, rd, NULL, size / 2, why, sizeof why),
		     -EXT2_EIO);
}

static int wrt(void *ctx, uint64_t off, const void *buf, size_t n)
{
	(void)ctx;
	if (off > size || n > size - off)
		return -1;
	memcpy(data + off, buf, n);
	return 0;
}

/* The image in memory back to its file; e2fsck -fn's exit status. */
static int fsck(void)
{
	char cmd[256];
	FILE *f = fopen(img, "wb");

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(data, 1, size, f), size);
	fclose(f);
	snprintf(cmd, sizeof cmd, "PATH=$PATH:/usr/sbin e2fsck -fn %s "
		 ">%s/fsck.out 2>&1", img, dir);
	return system(cmd);
}

/* What debugfs (e2fsprogs, not our reader) finds at path: its bytes in
 * out (at most max); the count, or -1. */
static long debugfs_cat(const char *path, uint8_t *out, size_t max)
{
	char cmd[256], file[96];
	FILE *f;
	long n;

	snprintf(file, sizeof file, "%s/dumped", dir);
	unlink(file);
	snprintf(cmd, sizeof cmd, "PATH=$PATH:/usr/sbin debugfs -R 'dump %s "
		 "%s' %s >/dev/null 2>&1", path, file, img);
	if (system(cmd) != 0 || !(f = fopen(file, "rb")))
		return -1;
	n = (long)fread(out, 1, max, f);
	fclose(f);
	return n;
}

static void show_fsck(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "head -20 %s/fsck.out >&2", dir);
	(void)!system(cmd);
}

/* Files and directories made, written (through the indirect blocks)
 * and unlinked: e2fsck -fn finds nothing, debugfs reads what we wrote. */
static void write_at(unsigned bs)
{
	static uint8_t buf[300 << 10], back[sizeof buf];
	struct ext2_inode root, f, d, x;
	char name[32];
	long n;

	make_image(bs);
	cr_assert_eq(ext2_mount(&fs, rd, NULL, size, why, sizeof why), 0);
	cr_assert_eq(ext2_walk(&fs, "/", &root), 0);
	cr_assert_eq(ext2_create(&fs, &root, "new.txt", 7, EXT2_S_IFREG | 0644,
				 &f), -EXT2_EROFS, "no writer");
	fs.write = wrt;
	cr_assert_eq(ext2_create(&fs, &root, "new.txt", 7, EXT2_S_IFREG | 0644,
				 &f), 0);
	cr_assert_eq(ext2_create(&fs, &root, "new.txt", 7, EXT2_S_IFREG | 0644,
				 &x), -EXT2_EEXIST);
	cr_assert_eq(ext2_create(&fs, &root, "a/b", 3, EXT2_S_IFREG | 0644,
				 &x), -EXT2_EINVAL);
	for (unsigned i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)(i * 7 + i / 1000);
	/* Two writes, the second past a gap: a hole between. */
	cr_assert_eq(ext2_pwrite(&fs, &f, 0, buf, 100000), 100000);
	cr_assert_eq(ext2_pwrite(&fs, &f, 200000, buf + 200000,
				 sizeof buf - 200000),
		     (int64_t)(sizeof buf - 200000));
	cr_assert_eq(ext2_create(&fs, &root, "d", 1, EXT2_S_IFDIR | 0755, &d),
		     0);
	for (unsigned i = 0; i < 150; i++) {
		snprintf(name, sizeof name, "entry-number-%03u", i);
		cr_assert_eq(ext2_create(&fs, &d, name, strlen(name),
					 EXT2_S_IFREG | 0600, &x), 0, "%s", name);
		if (i % 3 == 0)
			cr_assert_eq(ext2_pwrite(&fs, &x, 0, name, 16), 16);
	}
	for (unsigned i = 0; i < 150; i += 2) {
		snprintf(name, sizeof name, "entry-number-%03u", i);
		cr_assert_eq(ext2_unlink(&fs, &d, name, strlen(name)), 0);
	}
	cr_assert_eq(ext2_unlink(&fs, &root, "hello.txt", 9), 0);
	cr_assert_eq(ext2_unlink(&fs, &root, "hello.txt", 9), -EXT2_ENOENT);
	/* A fast symbolic link keeps its target's text where the block
	 * pointers go: unlinking it frees no block (e2fsck says so). */
	cr_assert_eq(ext2_unlink(&fs, &root, "link", 4), 0);
	cr_assert_eq(ext2_unlink(&fs, &root, "d", 1), -EXT2_EISDIR);
	cr_assert_eq(ext2_walk(&fs, "/sub/deeper", &x), 0);
	cr_assert_eq(ext2_unlink(&fs, &x, "big", 3), 0, "through indirect");
	/* /sub marked hashed (dir_index's flag, as the kernel's ext2 sets
	 * it on large directories; mke2fs -d does not): adding to it makes
	 * it a plain directory again, or e2fsck would find a bad index. */
	cr_assert_eq(ext2_walk(&fs, "/sub", &x), 0);
	{
		uint32_t g = (x.ino - 1) / fs.inodes_per_group, table;

		memcpy(&table, data + fs.gdt_off + g * 32 + 8, 4);
		data[(uint64_t)table * fs.block_size +
		     ((x.ino - 1) % fs.inodes_per_group) * fs.inode_size +
		     33] |= 0x10;       /* flags bit 12: INDEX_FL */
	}
	cr_assert_eq(ext2_create(&fs, &x, "added", 5, EXT2_S_IFREG | 0644,
				 &f), 0);
	cr_assert_eq(ext2_unlink(&fs, &x, "file-with-a-long-name-007", 25), 0);
	/* rmdir: only an empty directory, never "." or "..". */
	cr_assert_eq(ext2_create(&fs, &root, "e", 1, EXT2_S_IFDIR | 0755, &x),
		     0);
	cr_assert_eq(ext2_create(&fs, &x, "f", 1, EXT2_S_IFREG | 0644, &f), 0);
	cr_assert_eq(ext2_walk(&fs, "/e", &x), 0);
	cr_assert_eq(ext2_rmdir(&fs, &root, "e", 1), -EXT2_ENOTEMPTY);
	cr_assert_eq(ext2_rmdir(&fs, &x, ".", 1), -EXT2_EINVAL);
	cr_assert_eq(ext2_rmdir(&fs, &x, "f", 1), -EXT2_ENOTDIR);
	cr_assert_eq(ext2_unlink(&fs, &x, "f", 1), 0);
	cr_assert_eq(ext2_rmdir(&fs, &root, "e", 1), 0);
	cr_assert_eq(ext2_walk(&fs, "/e", &x), -EXT2_ENOENT);
	/* Truncate: down past the double and single indirect blocks, then
	 * up again (a hole); a directory cannot be. */
	cr_assert_eq(ext2_walk(&fs, "/new.txt", &f), 0);
	cr_assert_eq(ext2_truncate(&fs, &f, 150000), 0);
	cr_assert_eq(ext2_truncate(&fs, &f, 50000), 0);
	cr_assert_eq(ext2_truncate(&fs, &f, 80000), 0);
	cr_assert_eq(ext2_truncate(&fs, &root, 0), -EXT2_EINVAL);
	/* Rename: over a file, which goes; a directory into another, its
	 * ".." and link counts following; never under itself. */
	cr_assert_eq(ext2_create(&fs, &root, "victim", 6, EXT2_S_IFREG | 0644,
				 &x), 0);
	cr_assert_eq(ext2_pwrite(&fs, &x, 0, "v", 1), 1);
	cr_assert_eq(ext2_rename(&fs, &root, "new.txt", 7, &root, "victim", 6),
		     0);
	cr_assert_eq(ext2_walk(&fs, "/new.txt", &x), -EXT2_ENOENT);
	cr_assert_eq(ext2_create(&fs, &root, "m", 1, EXT2_S_IFDIR | 0755, &d),
		     0);
	cr_assert_eq(ext2_create(&fs, &d, "n", 1, EXT2_S_IFDIR | 0755, &f), 0);
	cr_assert_eq(ext2_rename(&fs, &root, "d", 1, &f, "d2", 2), 0);
	cr_assert_eq(ext2_walk(&fs, "/m/n/d2/entry-number-003", &x), 0);
	cr_assert_eq(ext2_walk(&fs, "/m/n/d2/..", &x), 0);
	cr_assert_eq(x.ino, f.ino, "\"..\" is the new parent");
	cr_assert_eq(ext2_walk(&fs, "/m/n/d2", &x), 0);
	cr_assert_eq(ext2_rename(&fs, &root, "m", 1, &x, "m", 1),
		     -EXT2_EINVAL, "under itself");
	cr_assert_eq(ext2_rename(&fs, &root, "m", 1, &root, "victim", 6),
		     -EXT2_ENOTDIR, "a directory over a file");
	if (fsck() != 0) {
		show_fsck();
		cr_assert_fail("e2fsck -fn after the writes");
	}
	memset(buf + 50000, 0, 30000);          /* cut, then a hole */
	n = debugfs_cat("/victim", back, sizeof back);
	cr_assert_eq(n, 80000);
	cr_assert(memcmp(back, buf, 80000) == 0, "debugfs reads it");
	n = debugfs_cat("/m/n/d2/entry-number-003", back, sizeof back);
	cr_assert_eq(n, 16);
	cr_assert(memcmp(back, "entry-number-003", 16) == 0);
	cr_assert_eq(debugfs_cat("/m/n/d2/entry-number-002", back, 16), -1);
	cr_assert_eq(ext2_walk(&fs, "/m/n/d2/entry-number-149", &x), 0);
}

Test(ext2, writes_that_e2fsck_finds_clean_1k) { write_at(1024); }
Test(ext2, writes_that_e2fsck_finds_clean_4k) { write_at(4096); }
