/*
 * fstest: the in-guest test of the file service (proto/fs.h), in its own
 * root /fstest on the disk. The argument picks what it does:
 *   0  files and directories made, written, read back, renamed and
 *      removed; ".." at the root; a full disk; every error; the handle
 *      and session limits. Prints `utest fs: ok`; its root must start
 *      empty (a disk it has not run on)
 *   1  writes hello.txt and keep/nested.txt with known contents
 *   2  reads them back; prints `utest fs-persist: ok`
 *   3  on a read-only disk that mode 1 wrote: reads work, writes are
 *      FS_E_ROFS; prints `utest fs-ro: ok`
 * Verdicts and failures go out with eprintf (check.h); the status is 0
 * or 1.
 */
#include "fstest.h"
#include "regclient.h"
#include "rpc.h"
#include "umap.h"

#define HELLO           "hello from the first boot: ukern fs\n"
#define NESTED          "a file in a directory, kept across boots\n"

struct fsc fs;
uint64_t ep;
uint64_t r[4];

int call(uint64_t to, uint64_t op, uint64_t w0, uint64_t w1, uint64_t w2,
	 uint64_t w3)
{
	struct uk_msg m = { .label = op, .w = { w0, w1, w2, w3 },
			    .cap = UK_NO_CAP };
	int e = rpc_call(to, &m, UK_NO_CAP, FSC_ERR_MAX);

	memcpy(r, m.w, sizeof r);
	return e;
}

int setup(uint64_t cap, uint64_t *out)
{
	struct uk_msg m = { .label = FS_OP_SETUP, .cap = cap };
	uint64_t slot = uk_slot_alloc();
	int e = rpc_open(ep, &m, slot, FSC_ERR_MAX);

	if (e != FS_OK) {
		uk_slot_free(slot);
		return e;
	}
	*out = slot;
	return FS_OK;
}

uint8_t pattern(uint64_t seed, uint64_t i)
{
	return (uint8_t)(seed * 37 + i * 13 + (i >> 8));
}

uint64_t open_ok(const char *path, uint32_t flags)
{
	uint64_t h = ~0ull;

	EXPECT(fsc_open(&fs, path, flags, 0644, &h, NULL, NULL), FS_OK);
	return h;
}

int make(const char *path, uint64_t len, uint64_t seed)
{
	uint8_t *data = malloc(len + 1);
	uint64_t h;
	int64_t n;
	int e;

	if (!data)
		return -(int)UK_E_NOMEM;
	for (uint64_t i = 0; i < len; i++)
		data[i] = pattern(seed, i);
	e = fsc_open(&fs, path, FS_O_WRITE | FS_O_CREAT | FS_O_TRUNC, 0644,
		     &h, NULL, NULL);
	if (e == FS_OK) {
		n = fsc_pwrite(&fs, h, data, len, 0);
		e = fsc_close_file(&fs, h);
		if (n != (int64_t)len)
			e = n < 0 ? (int)-n : FS_E_IO;
	}
	free(data);
	return e;
}

void check_file(const char *path, uint64_t len, uint64_t seed)
{
	uint8_t *data = malloc(len + 1);
	struct fs_stat st;
	uint64_t h, size = ~0ull;
	int64_t n;

	if (!data) {
		CHECK(0, "%s: no memory for %lu bytes", path, len);
		return;
	}
	EXPECT(fsc_open(&fs, path, 0, 0, &h, &size, NULL), FS_OK);
	CHECK(size == len, "%s: OPEN says %lu bytes, want %lu", path, size,
	      len);
	EXPECT(fsc_fstat(&fs, h, &st), FS_OK);
	CHECK(st.size == len, "%s: FSTAT says %lu bytes", path, st.size);
	memset(data, 0xee, len + 1);
	n = fsc_pread(&fs, h, data, len + 1, 0);        /* one past: short */
	CHECK(n == (int64_t)len, "%s: read %ld bytes, want %lu", path, n,
	      len);
	for (uint64_t i = 0; i < len && n == (int64_t)len; i++) {
		if (data[i] != pattern(seed, i)) {
			CHECK(0, "%s: byte %lu differs", path, i);
			break;
		}
	}
	EXPECT(fsc_close_file(&fs, h), FS_OK);
	free(data);
}

/* Appends " name:type" of each record of the n bytes at rec to out;
 * -1 (a failure counted) if one is malformed, else their count. */
static int records(const uint8_t *rec, uint64_t n, char *out, size_t size)
{
	uint64_t off = 0;
	int count = 0;

	while (off < n) {
		const struct fs_dirent *d = (const void *)(rec + off);
		size_t len = strlen(out);

		if (n - off < sizeof *d || d->reclen % 8 ||
		    d->reclen < sizeof *d + d->namelen + 1u ||
		    d->reclen > n - off || d->name[d->namelen] != '\0' ||
		    strlen(d->name) != d->namelen) {
			CHECK(0, "READDIR: a bad record at byte %lu", off);
			return -1;
		}
		snprintf(out + len, size - len, " %s:%u", d->name, d->type);
		off += d->reclen;
		count++;
	}
	return count;
}

int list(const char *path, uint64_t room, char *out, size_t size)
{
	uint64_t h = open_ok(path, FS_O_DIRECTORY), pos = 0;
	int total = 0, n = 1;

	out[0] = '\0';
	for (unsigned i = 0; i < 1000 && n > 0; i++) {
		int e = call(fs.session, FS_OP_READDIR, h, pos, FSC_DATA, room);

		if (e != FS_OK) {
			EXPECT(e, FS_OK);
			total = -1;
			break;
		}
		CHECK(r[1] <= room, "READDIR: %lu bytes in %lu", r[1], room);
		n = r[1] ? records(fs.buf + FSC_DATA, r[1], out, size) : 0;
		if (n < 0) {
			total = -1;
			break;
		}
		total += n;
		pos = r[0];
	}
	CHECK(n == 0 || total < 0, "READDIR: no end after 1000 calls");
	fsc_close_file(&fs, h);
	return total;
}

int listed(const char *names, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = strchr(names, ' '); p; p = strchr(p + 1, ' '))
		if (strncmp(p + 1, word, n) == 0 &&
		    (p[n + 1] == ' ' || p[n + 1] == '\0'))
			return 1;
	return 0;
}

uint64_t free_blocks(void)
{
	EXPECT(call(ep, FS_OP_INFO, 0, 0, 0, 0), FS_OK);
	return r[2];
}

static int connect(void)
{
	int e;

	ep = uk_slot_alloc();
	e = reg_lookup("fs", ep);
	if (e != REG_OK) {
		eprintf("fstest: lookup fs: %s\n", reg_strerror(e));
		return -1;
	}
	EXPECT(fsc_connect(&fs, UMAP_BUF, BUF_PAGES, 1), FS_OK);
	return check_failures ? -1 : 0;
}

/* Mode 1: files for a later boot to read. */
static void write_kept(void)
{
	uint64_t h;
	int e = fsc_mkdir(&fs, "keep", 0755);

	CHECK(e == FS_OK || e == FS_E_EXIST, "mkdir keep: %s",
	      fsc_strerror(e));
	EXPECT(fsc_open(&fs, "hello.txt", FS_O_WRITE | FS_O_CREAT |
			FS_O_TRUNC, 0644, &h, NULL, NULL), FS_OK);
	EXPECT(fsc_pwrite(&fs, h, HELLO, sizeof HELLO - 1, 0),
	       sizeof HELLO - 1);
	EXPECT(fsc_close_file(&fs, h), FS_OK);
	EXPECT(fsc_open(&fs, "keep/nested.txt", FS_O_WRITE | FS_O_CREAT |
			FS_O_TRUNC, 0600, &h, NULL, NULL), FS_OK);
	EXPECT(fsc_pwrite(&fs, h, NESTED, sizeof NESTED - 1, 0),
	       sizeof NESTED - 1);
	EXPECT(fsc_sync(&fs, h), FS_OK);
	EXPECT(fsc_close_file(&fs, h), FS_OK);
	if (!check_failures)
		eprintf("fstest: wrote hello.txt\n");
}

/* CHECKs that path holds text. */
static void check_text(const char *path, const char *text)
{
	char got[128] = "";
	size_t len = strlen(text);
	uint64_t h = open_ok(path, 0);
	int64_t n = fsc_pread(&fs, h, got, sizeof got - 1, 0);

	CHECK(n == (int64_t)len && memcmp(got, text, len) == 0,
	      "%s: %ld bytes, not what was written", path, n);
	fsc_close_file(&fs, h);
}

/* Mode 3: a read-only disk serves reads and refuses every change. */
static void read_only(void)
{
	uint64_t h;

	EXPECT(call(ep, FS_OP_INFO, 0, 0, 0, 0), FS_OK);
	CHECK(r[3] == 1, "INFO: read-only %lu, want 1", r[3]);
	check_text("hello.txt", HELLO);
	EXPECT(fsc_open(&fs, "hello.txt", FS_O_WRITE, 0, &h, NULL, NULL),
	       FS_E_ROFS);
	EXPECT(fsc_open(&fs, "new", FS_O_WRITE | FS_O_CREAT, 0644, &h, NULL,
			NULL), FS_E_ROFS);
	EXPECT(fsc_mkdir(&fs, "dir", 0755), FS_E_ROFS);
	EXPECT(fsc_unlink(&fs, "hello.txt"), FS_E_ROFS);
	EXPECT(fsc_rmdir(&fs, "keep"), FS_E_ROFS);
	EXPECT(fsc_rename(&fs, "hello.txt", "moved"), FS_E_ROFS);
	check_text("hello.txt", HELLO);
}

int main(uint64_t arg)
{
	check_names = fsc_strerror;
	if (connect() < 0)
		return check_verdict("fs");
	switch (arg) {
	case 0:
		files();
		errors();
		return check_verdict("fs");
	case 1:
		write_kept();
		break;
	case 2:
		check_text("hello.txt", HELLO);
		check_text("keep/nested.txt", NESTED);
		return check_verdict("fs-persist");
	case 3:
		read_only();
		return check_verdict("fs-ro");
	default:
		eprintf("fstest: no mode %lu\n", arg);
		return 1;
	}
	fsc_close(&fs);
	return check_failures != 0;
}
