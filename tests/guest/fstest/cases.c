#include "fstest.h"
#include "uk.h"
#include "ulib.h"

#define S_IFMT          0170000u
#define S_IFDIR         0040000u
#define S_IFREG         0100000u
#define DT_DIR          4
#define DT_REG          8

/* A fresh root holds "." and ".." only, and "..", "/" and "/.." are
 * the root itself. */
static int fresh_root(void)
{
	struct fs_stat root, st;
	char names[512];
	int n = list(".", 4096, names, sizeof names);

	CHECK(n == 2 && listed(names, ".:4") && listed(names, "..:4"),
	      "not a fresh root: %d entries:%s", n, names);
	if (check_failures)
		return -1;
	EXPECT(fsc_stat(&fs, ".", &root), FS_OK);
	CHECK((root.mode & S_IFMT) == S_IFDIR, "root: mode 0%o", root.mode);
	for (unsigned i = 0; i < 3; i++) {
		static const char *const same[] = { "..", "/", "/../.." };

		EXPECT(fsc_stat(&fs, same[i], &st), FS_OK);
		CHECK(st.ino == root.ino, "%s: inode %lu, root's %lu",
		      same[i], st.ino, root.ino);
	}
	return 0;
}

/* Pieces read at offsets: inside, across the end, at and past it. */
static void offsets(uint64_t h, uint64_t len, uint64_t seed)
{
	static const uint64_t at[][2] = {
		{ 0, 1 }, { 50, 37 }, { 4095, 2 }, { 90, 20 }, { 99, 1 },
	};
	uint8_t got[64];

	for (unsigned i = 0; i < sizeof at / sizeof at[0]; i++) {
		uint64_t off = at[i][0], n = at[i][1];
		uint64_t want = off >= len ? 0 : len - off < n ? len - off : n;
		int64_t k = fsc_pread(&fs, h, got, n, off);

		CHECK(k == (int64_t)want, "pread %lu at %lu: %ld, want %lu",
		      n, off, k, want);
		for (uint64_t j = 0; j < want && k == (int64_t)want; j++)
			if (got[j] != pattern(seed, off + j)) {
				CHECK(0, "pread at %lu: byte %lu", off, j);
				break;
			}
	}
	CHECK(fsc_pread(&fs, h, got, 8, len) == 0, "a read at the end");
	CHECK(fsc_pread(&fs, h, got, 8, len + 5000) == 0, "a read past it");
}

/* Regular files: created, written, read back in pieces, overwritten in
 * the middle, grown over a hole, emptied, truncated, synced. */
static void regular(void)
{
	uint8_t some[16], zero[16] = { 0 };
	struct fs_stat st, st2;
	uint64_t h, size = ~0ull, free0 = free_blocks();
	uint32_t mode = 0;

	EXPECT(fsc_open(&fs, "small", FS_O_WRITE | FS_O_CREAT | FS_O_EXCL,
			0640, &h, &size, &mode), FS_OK);
	CHECK(size == 0 && mode == (S_IFREG | 0640), "new file: %lu bytes, "
	      "mode 0%o", size, mode);
	EXPECT(fsc_close_file(&fs, h), FS_OK);
	EXPECT(make("small", 100, 1), FS_OK);
	check_file("small", 100, 1);
	h = open_ok("small", 0);
	offsets(h, 100, 1);
	EXPECT(fsc_fstat(&fs, h, &st), FS_OK);
	EXPECT(fsc_stat(&fs, "small", &st2), FS_OK);
	CHECK(st.ino == st2.ino && st.size == 100 && st.nlink == 1 &&
	      st.mode == (S_IFREG | 0640), "stat: inode %lu/%lu, %lu bytes, "
	      "%u links, mode 0%o", st.ino, st2.ino, st.size, st.nlink,
	      st.mode);
	EXPECT(fsc_close_file(&fs, h), FS_OK);

	EXPECT(make("big", BIG, 2), FS_OK);             /* two WRITEs */
	check_file("big", BIG, 2);
	CHECK(free_blocks() < free0, "INFO: no fewer free blocks");
	EXPECT(make("empty", 0, 3), FS_OK);
	check_file("empty", 0, 3);

	/* The middle of big overwritten, the rest unchanged. */
	h = open_ok("big", FS_O_WRITE);
	for (unsigned i = 0; i < sizeof some; i++)
		some[i] = pattern(2, 300000 + i);
	EXPECT(fsc_pwrite(&fs, h, some, sizeof some, 300000), sizeof some);
	EXPECT(fsc_sync(&fs, h), FS_OK);
	EXPECT(fsc_close_file(&fs, h), FS_OK);
	check_file("big", BIG, 2);

	/* Past the end: a hole of zeros, then the bytes. */
	h = open_ok("small", FS_O_WRITE);
	EXPECT(fsc_pwrite(&fs, h, zero, 4, 70000), 4);
	EXPECT(fsc_fstat(&fs, h, &st), FS_OK);
	CHECK(st.size == 70004, "after a write past the end: %lu", st.size);
	memset(some, 0xee, sizeof some);
	EXPECT(fsc_pread(&fs, h, some, sizeof some, 69996), 8);
	CHECK(memcmp(some, zero, 8) == 0, "the hole reads as zeros");
	EXPECT(fsc_truncate(&fs, h, 100), FS_OK);       /* shrink */
	EXPECT(fsc_close_file(&fs, h), FS_OK);
	check_file("small", 100, 1);
	h = open_ok("small", FS_O_WRITE);
	EXPECT(fsc_truncate(&fs, h, 5000), FS_OK);      /* grow: zeros */
	EXPECT(fsc_pread(&fs, h, some, sizeof some, 4990), 10);
	CHECK(memcmp(some, zero, 10) == 0, "truncate grows with zeros");
	EXPECT(fsc_pread(&fs, h, some, 4, 96), 4);
	CHECK(some[0] == pattern(1, 96) && some[3] == pattern(1, 99),
	      "truncate kept the first bytes");
	EXPECT(fsc_truncate(&fs, h, 0), FS_OK);
	EXPECT(fsc_close_file(&fs, h), FS_OK);
	check_file("small", 0, 1);
	EXPECT(make("small", 100, 1), FS_OK);
	h = open_ok("small", FS_O_WRITE | FS_O_TRUNC);
	EXPECT(fsc_fstat(&fs, h, &st), FS_OK);
	CHECK(st.size == 0, "O_TRUNC: %lu bytes left", st.size);
	EXPECT(fsc_close_file(&fs, h), FS_OK);

	EXPECT(fsc_unlink(&fs, "big"), FS_OK);
	EXPECT(fsc_unlink(&fs, "empty"), FS_OK);
	EXPECT(fsc_unlink(&fs, "small"), FS_OK);
	CHECK(free_blocks() == free0, "INFO: %lu free blocks after unlink, "
	      "%lu before", r[2], free0);
}

/* Directories: made, listed (whole, and one small piece at a time),
 * names moved between them, removed. */
static void directories(void)
{
	struct fs_stat st, st2;
	char names[1024];
	int n;

	EXPECT(fsc_mkdir(&fs, "d", 0755), FS_OK);
	EXPECT(fsc_mkdir(&fs, "d/e", 0700), FS_OK);
	EXPECT(make("d/f", 10, 4), FS_OK);
	EXPECT(make("top", 20, 5), FS_OK);
	EXPECT(fsc_stat(&fs, "d", &st), FS_OK);
	CHECK(st.mode == (S_IFDIR | 0755) && st.nlink == 3,
	      "d: mode 0%o, %u links", st.mode, st.nlink);
	n = list("d", 4096, names, sizeof names);
	CHECK(n == 4 && listed(names, "e:4") && listed(names, "f:8"),
	      "d holds %d:%s", n, names);
	n = list(".", 32, names, sizeof names);         /* two records a call */
	CHECK(n == 4 && listed(names, "d:4") && listed(names, "top:8"),
	      "root holds %d:%s", n, names);
	check_file("./d/../d/e/../f", 10, 4);

	EXPECT(fsc_stat(&fs, "d/f", &st), FS_OK);
	EXPECT(fsc_rename(&fs, "d/f", "g"), FS_OK);     /* across dirs */
	EXPECT(fsc_stat(&fs, "d/f", &st2), FS_E_NOENT);
	EXPECT(fsc_stat(&fs, "g", &st2), FS_OK);
	CHECK(st.ino == st2.ino, "rename: inode %lu became %lu", st.ino,
	      st2.ino);
	check_file("g", 10, 4);
	EXPECT(fsc_rename(&fs, "g", "top"), FS_OK);     /* replaces */
	check_file("top", 10, 4);
	EXPECT(fsc_stat(&fs, "g", &st2), FS_E_NOENT);
	EXPECT(fsc_rename(&fs, "d/e", "e2"), FS_OK);    /* a directory */
	EXPECT(fsc_stat(&fs, "d", &st), FS_OK);
	CHECK(st.nlink == 2, "d: %u links after its subdirectory left",
	      st.nlink);
	n = list("d", 4096, names, sizeof names);
	CHECK(n == 2, "d holds %d:%s", n, names);

	EXPECT(fsc_rmdir(&fs, "d"), FS_OK);
	EXPECT(fsc_rmdir(&fs, "e2"), FS_OK);
	EXPECT(fsc_stat(&fs, "d", &st), FS_E_NOENT);
	EXPECT(fsc_unlink(&fs, "top"), FS_OK);
	n = list(".", 4096, names, sizeof names);
	CHECK(n == 2, "root holds %d:%s", n, names);
}

/* ".." at my root stays there: "../../x" and "/../x" are my x, and no
 * other program's files can be named (fs.sh ran the demo first). */
static void dot_dot(void)
{
	struct fs_stat st, mine;
	uint64_t h;

	EXPECT(make("x", 30, 6), FS_OK);
	EXPECT(fsc_stat(&fs, "x", &mine), FS_OK);
	check_file("../../x", 30, 6);
	check_file("/../x", 30, 6);
	EXPECT(fsc_stat(&fs, "../../../x", &st), FS_OK);
	CHECK(st.ino == mine.ino, "../../../x: inode %lu, x's %lu", st.ino,
	      mine.ino);
	EXPECT(fsc_stat(&fs, "../demo/boots", &st), FS_E_NOENT);
	EXPECT(fsc_stat(&fs, "/demo", &st), FS_E_NOENT);
	EXPECT(fsc_open(&fs, "../../demo/boots", 0, 0, &h, NULL, NULL),
	       FS_E_NOENT);
	EXPECT(fsc_unlink(&fs, "../x"), FS_OK);         /* my own x */
	EXPECT(fsc_stat(&fs, "x", &st), FS_E_NOENT);
}

/* Fills the disk: NOSPC, and every block back after unlink. */
static void full_disk(void)
{
	uint64_t h, free0 = free_blocks(), off = 0;
	struct fs_stat st;
	uint8_t *data = malloc(FS_IO_MAX);
	int64_t n = 1;

	if (!data) {
		CHECK(0, "no memory");
		return;
	}
	memset(data, 0x5a, FS_IO_MAX);
	h = open_ok("fill", FS_O_WRITE | FS_O_CREAT | FS_O_EXCL);
	for (unsigned i = 0; i < 1024 && n > 0; i++) {
		n = fsc_pwrite(&fs, h, data, FS_IO_MAX, off);
		if (n > 0)
			off += (uint64_t)n;
	}
	CHECK(n == -(int64_t)FS_E_NOSPC, "filling: %s after %lu bytes",
	      n < 0 ? fsc_strerror((int)-n) : "no error", off);
	EXPECT(fsc_close_file(&fs, h), FS_OK);
	EXPECT(fsc_stat(&fs, "fill", &st), FS_OK);
	CHECK(st.size == off, "fill: %lu bytes, %lu written", st.size, off);
	EXPECT(fsc_unlink(&fs, "fill"), FS_OK);
	CHECK(free_blocks() == free0, "INFO: %lu free blocks after unlink, "
	      "%lu before", r[2], free0);
	free(data);
}

void files(void)
{
	if (fresh_root() < 0)
		return;
	regular();
	directories();
	dot_dot();
	full_disk();
}
