/*
 * fstest: the in-guest test of the file service (proto/fs.h). The
 * argument picks what it does:
 *   0  writes blobs (empty, small, FS_BLOB_MAX bytes), reads them back,
 *      overwrites, lists, deletes, fills the directory and the disk, and
 *      checks every error; prints `utest fs: ok` (the file system must
 *      start empty: a fresh disk)
 *   1  writes the blob hello.txt with known contents
 *   2  reads hello.txt back and checks it; prints `utest fs-persist: ok`
 * Verdicts and failures go out with eprintf; the status is 0 or 1.
 */
#include "fstest.h"
#include "ipc.h"
#include "uk.h"
#include "ulib.h"

#define BUF_VA          0x100000000ull
#define HELLO           "hello from the first boot: ukern fs\n"

uint64_t ep, session = UK_NO_CAP;
uint8_t *buf;
uint64_t r[3];
int failures;
uint64_t buf_slot;

const char *err_name(uint64_t e)
{
	static const char *const names[FS_E_MAX] = {
		"FS_OK", "FS_E_BAD_REQUEST", "FS_E_NO_BUFFER",
		"FS_E_BAD_BUFFER", "FS_E_FULL", "FS_E_BAD_NAME",
		"FS_E_NOT_FOUND", "FS_E_NO_SPACE", "FS_E_TOO_BIG", "FS_E_IO",
	};

	if (e >= 100)
		return uk_strerror(e - 100);
	return e < FS_E_MAX ? names[e] : "FS_E_?";
}

/* One call; the reply's label (or 100 + the kernel's error), its words
 * in r. */
uint64_t call(uint64_t to, uint64_t op, uint64_t w0, uint64_t w1,
		     uint64_t w2)
{
	struct uk_msg m = { .label = op, .w = { w0, w1, w2 },
			    .cap = UK_NO_CAP };
	enum uk_err e = uk_call(to, &m);

	if (e != UK_OK)
		return 100 + e;
	memcpy(r, m.w, sizeof r);
	return m.label;
}

/* SETUP with cap; on FS_OK the session endpoint is in *out. */
uint64_t setup(uint64_t cap, uint64_t *out)
{
	struct uk_msg m = { .label = FS_OP_SETUP, .cap = cap };
	uint64_t slot = uk_slot_alloc();

	if (uk_call_rcv(ep, &m, slot) != UK_OK)
		return 99;
	if (m.label == FS_OK && m.cap == slot && m.w[0] == BUF_BYTES) {
		*out = slot;
		return FS_OK;
	}
	if (m.cap != UK_NO_CAP)
		uk_cap_delete(m.cap);
	uk_slot_free(slot);
	return m.label == FS_OK ? 99 : m.label;
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

uint64_t put(const char *n, uint64_t len, uint64_t seed)
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
	    uk_mem_map(UK_SELF, buf_slot, BUF_VA,
		       UK_R_READ | UK_R_WRITE) != UK_OK) {
		eprintf("fstest: cannot get a buffer\n");
		return -1;
	}
	buf = (uint8_t *)(uintptr_t)BUF_VA;
	EXPECT(setup(buf_slot, &session), FS_OK);
	return failures ? -1 : 0;
}

int main(uint64_t arg)
{
	if (open_fs() < 0)
		return 1;
	switch (arg) {
	case 0:
		full();
		break;
	case 1:
		name("hello.txt");
		memcpy(buf + DATA_OFF, HELLO, sizeof HELLO - 1);
		EXPECT(call(session, FS_OP_WRITE, NAME_OFF, DATA_OFF,
			    sizeof HELLO - 1), FS_OK);
		if (!failures)
			eprintf("fstest: wrote hello.txt\n");
		break;
	case 2:
		name("hello.txt");
		EXPECT(call(session, FS_OP_READ, NAME_OFF, DATA_OFF, 4096),
		       FS_OK);
		CHECK(r[0] == sizeof HELLO - 1 &&
		      memcmp(buf + DATA_OFF, HELLO, sizeof HELLO - 1) == 0,
		      "hello.txt: %lu bytes, not what was written", r[0]);
		if (!failures)
			eprintf("utest fs-persist: ok\n");
		break;
	default:
		eprintf("fstest: no mode %lu\n", arg);
		return 1;
	}
	if (arg == 0 && !failures)
		eprintf("utest fs: ok\n");
	return failures ? 1 : 0;
}
