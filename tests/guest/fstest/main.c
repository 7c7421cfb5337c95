/*
 * fstest: the in-guest test of the file service (proto/fs.h). The
 * argument picks what it does:
 *   0  writes blobs (empty, small, FS_BLOB_MAX bytes), reads them back,
 *      overwrites, lists, deletes, fills the directory and the disk, and
 *      checks every error; prints `utest fs: ok` (the file system must
 *      start empty: a fresh disk)
 *   1  writes the blob hello.txt with known contents
 *   2  reads hello.txt back and checks it; prints `utest fs-persist: ok`
 * Verdicts and failures go out with eprintf (check.h); the status is 0
 * or 1.
 */
#include "fstest.h"
#include "regclient.h"
#include "rpc.h"
#include "umap.h"

#define HELLO           "hello from the first boot: ukern fs\n"

uint64_t ep, session = UK_NO_CAP;
uint8_t *buf;
uint64_t r[3];
uint64_t buf_slot;

const char *fs_strerror(int e)
{
	static const char *const names[] = {
		"FS_OK", "FS_E_BAD_REQUEST", "FS_E_NO_BUFFER",
		"FS_E_BAD_BUFFER", "FS_E_FULL", "FS_E_BAD_NAME",
		"FS_E_NOT_FOUND", "FS_E_NO_SPACE", "FS_E_TOO_BIG", "FS_E_IO",
	};

	_Static_assert(sizeof names / sizeof *names == FS_E_MAX, "names");
	return rpc_strerror(e, names, FS_E_MAX);
}

int call(uint64_t to, uint64_t op, uint64_t w0, uint64_t w1, uint64_t w2)
{
	struct uk_msg m = { .label = op, .w = { w0, w1, w2 },
			    .cap = UK_NO_CAP };
	int e = rpc_call(to, &m, UK_NO_CAP, FS_E_MAX);

	memcpy(r, m.w, sizeof r);
	return e;
}

int setup(uint64_t cap, uint64_t *out)
{
	struct uk_msg m = { .label = FS_OP_SETUP, .cap = cap };
	uint64_t slot = uk_slot_alloc();
	int e = rpc_open(ep, &m, slot, FS_E_MAX);

	if (e == FS_OK && m.w[0] != BUF_BYTES) {
		uk_cap_delete(slot);
		e = -(int)UK_E_ARG;
	}
	if (e != FS_OK) {
		uk_slot_free(slot);
		return e;
	}
	*out = slot;
	return FS_OK;
}

/* Puts name in the name field. */
void name(const char *n)
{
	memset(buf + NAME_OFF, 0, FS_NAME_MAX);
	memcpy(buf + NAME_OFF, n, strnlen(n, FS_NAME_MAX));
}

uint8_t pattern(uint64_t seed, uint64_t i)
{
	return (uint8_t)(seed * 37 + i * 13 + (i >> 8));
}

int put(const char *n, uint64_t len, uint64_t seed)
{
	name(n);
	for (uint64_t i = 0; i < len; i++)
		buf[DATA_OFF + i] = pattern(seed, i);
	return call(session, FS_OP_WRITE, NAME_OFF, DATA_OFF, len);
}

/* Reads n back and checks its length and contents. */
void check_blob(const char *n, uint64_t len, uint64_t seed)
{
	name(n);
	memset(buf + DATA_OFF, 0xee, FS_BLOB_MAX);
	EXPECT(call(session, FS_OP_READ, NAME_OFF, DATA_OFF, FS_BLOB_MAX),
	       FS_OK);
	CHECK(r[0] == len, "%s: length %lu, want %lu", n, r[0], len);
	for (uint64_t i = 0; i < len && r[0] == len; i++) {
		if (buf[DATA_OFF + i] != pattern(seed, i)) {
			CHECK(0, "%s: byte %lu differs", n, i);
			return;
		}
	}
}

static int open_fs(void)
{
	int e;

	ep = uk_slot_alloc();
	buf_slot = uk_slot_alloc();
	e = reg_lookup("fs", ep);
	if (e != REG_OK) {
		eprintf("fstest: lookup fs: %s\n", reg_strerror(e));
		return -1;
	}
	if (uk_mem_alloc(buf_slot, BUF_PAGES) != UK_OK ||
	    uk_mem_map(UK_SELF, buf_slot, UMAP_BUF,
		       UK_R_READ | UK_R_WRITE) != UK_OK) {
		eprintf("fstest: cannot get a buffer\n");
		return -1;
	}
	buf = (uint8_t *)(uintptr_t)UMAP_BUF;
	EXPECT(setup(buf_slot, &session), FS_OK);
	return check_failures ? -1 : 0;
}

int main(uint64_t arg)
{
	check_names = fs_strerror;
	if (open_fs() < 0)
		return check_verdict("fs");
	switch (arg) {
	case 0:
		full();
		break;
	case 1:
		name("hello.txt");
		memcpy(buf + DATA_OFF, HELLO, sizeof HELLO - 1);
		EXPECT(call(session, FS_OP_WRITE, NAME_OFF, DATA_OFF,
			    sizeof HELLO - 1), FS_OK);
		if (!check_failures)
			eprintf("fstest: wrote hello.txt\n");
		break;
	case 2:
		name("hello.txt");
		EXPECT(call(session, FS_OP_READ, NAME_OFF, DATA_OFF, 4096),
		       FS_OK);
		CHECK(r[0] == sizeof HELLO - 1 &&
		      memcmp(buf + DATA_OFF, HELLO, sizeof HELLO - 1) == 0,
		      "hello.txt: %lu bytes, not what was written", r[0]);
		return check_verdict("fs-persist");
	default:
		eprintf("fstest: no mode %lu\n", arg);
		return 1;
	}
	return arg == 0 ? check_verdict("fs") : check_failures != 0;
}
