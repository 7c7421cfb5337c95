#include "fstest.h"
#include "uk.h"
#include "ulib.h"

/* Writes, reads back, overwrites, lists, deletes. */
static void blobs(void)
{
	char got[FS_NAME_MAX + 1];
	unsigned seen = 0;

	EXPECT(put("small", 100, 1), FS_OK);
	EXPECT(put("big.bin", FS_BLOB_MAX, 2), FS_OK);
	EXPECT(put("empty", 0, 3), FS_OK);
	check_blob("small", 100, 1);
	check_blob("big.bin", FS_BLOB_MAX, 2);
	check_blob("empty", 0, 3);
	EXPECT(put("small", 3000, 4), FS_OK);          /* overwrite */
	check_blob("small", 3000, 4);
	check_blob("big.bin", FS_BLOB_MAX, 2);
	EXPECT(put("small", 10, 5), FS_OK);            /* and shrink */
	check_blob("small", 10, 5);
	name("big.bin");
	EXPECT(call(session, FS_OP_READ, NAME_OFF, DATA_OFF, FS_BLOB_MAX - 1),
	       FS_E_TOO_BIG);
	CHECK(r[0] == FS_BLOB_MAX, "TOO_BIG: length %lu", r[0]);
	for (uint64_t i = 0; call(session, FS_OP_LIST, i, 64, 0) == FS_OK;
	     i++) {
		memcpy(got, buf + 64, FS_NAME_MAX);
		got[FS_NAME_MAX] = 0;
		seen |= (strcmp(got, "small") == 0 && r[0] == 10) << 0 |
			(strcmp(got, "big.bin") == 0 && r[0] == FS_BLOB_MAX) << 1 |
			(strcmp(got, "empty") == 0 && r[0] == 0) << 2;
		CHECK(i < 3, "LIST: a fourth blob %s", got);
	}
	CHECK(seen == 7, "LIST: saw 0x%x of 0x7", seen);
	name("big.bin");
	EXPECT(call(session, FS_OP_DELETE, NAME_OFF, 0, 0), FS_OK);
	EXPECT(call(session, FS_OP_READ, NAME_OFF, DATA_OFF, 100),
	       FS_E_NOT_FOUND);
	EXPECT(call(session, FS_OP_DELETE, NAME_OFF, 0, 0), FS_E_NOT_FOUND);
	check_blob("small", 10, 5);
}

/* Every malformed request. */
static void errors(void)
{
	static const char *const bad[] = { "", "a/b", "with space", "\x7f" };
	uint64_t extra, tmp = uk_slot_alloc(), ro = uk_slot_alloc();

	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		name(bad[i]);
		EXPECT(call(session, FS_OP_WRITE, NAME_OFF, DATA_OFF, 1),
		       FS_E_BAD_NAME);
		EXPECT(call(session, FS_OP_READ, NAME_OFF, DATA_OFF, 1),
		       FS_E_BAD_NAME);
	}
	name("ab");
	buf[NAME_OFF + 5] = 'x';                        /* not NUL-padded */
	EXPECT(call(session, FS_OP_WRITE, NAME_OFF, DATA_OFF, 1),
	       FS_E_BAD_NAME);
	memset(buf + NAME_OFF, 'n', FS_NAME_MAX);       /* 32 bytes: fine */
	EXPECT(call(session, FS_OP_WRITE, NAME_OFF, DATA_OFF, 1), FS_OK);
	EXPECT(call(session, FS_OP_DELETE, NAME_OFF, 0, 0), FS_OK);
	name("x");
	EXPECT(call(session, FS_OP_WRITE, BUF_BYTES - 16, DATA_OFF, 1),
	       FS_E_BAD_REQUEST);
	EXPECT(call(session, FS_OP_WRITE, ~0ull, DATA_OFF, 1),
	       FS_E_BAD_REQUEST);
	EXPECT(call(session, FS_OP_WRITE, NAME_OFF, BUF_BYTES - 1, 2),
	       FS_E_BAD_REQUEST);
	EXPECT(call(session, FS_OP_WRITE, NAME_OFF, 8, ~0ull - 4),
	       FS_E_BAD_REQUEST);
	EXPECT(call(session, FS_OP_WRITE, NAME_OFF, DATA_OFF, FS_BLOB_MAX + 1),
	       FS_E_TOO_BIG);
	EXPECT(call(session, FS_OP_READ, NAME_OFF, BUF_BYTES, 1),
	       FS_E_BAD_REQUEST);
	EXPECT(call(session, FS_OP_LIST, 0, BUF_BYTES - 31, 0),
	       FS_E_BAD_REQUEST);
	EXPECT(call(session, FS_OP_LIST, ~0ull, 64, 0), FS_E_NOT_FOUND);
	EXPECT(call(session, FS_OP_NONE, 0, 0, 0), FS_E_BAD_REQUEST);
	EXPECT(call(session, FS_OP_MAX, 0, 0, 0), FS_E_BAD_REQUEST);
	EXPECT(call(session, 12345, 0, 0, 0), FS_E_BAD_REQUEST);
	EXPECT(call(ep, FS_OP_READ, NAME_OFF, DATA_OFF, 1), FS_E_NO_BUFFER);
	EXPECT(call(ep, FS_OP_CLOSE, 0, 0, 0), FS_E_NO_BUFFER);
	EXPECT(setup(UK_NO_CAP, &extra), FS_E_BAD_BUFFER);
	uk_obj_create(tmp, UK_CAP_NTFN);
	EXPECT(setup(tmp, &extra), FS_E_BAD_BUFFER);
	uk_cap_delete(tmp);
	uk_mem_alloc(tmp, 1);
	uk_cap_copy(tmp, ro, UK_R_READ);
	EXPECT(setup(ro, &extra), FS_E_BAD_BUFFER);
	uk_cap_delete(ro);
	uk_cap_delete(tmp);
	/* No region can exceed FS_BUFFER_MAX: the kernel's limit is 16 MiB. */
}

/* Fills the directory, then the disk; empties both. */
static void full_disk(void)
{
	char n[16];
	unsigned i, made;

	for (made = 0; made < FS_FILES_MAX + 1; made++) {
		snprintf(n, sizeof n, "f%u", made);
		if (put(n, 1, made) != FS_OK)
			break;
	}
	EXPECT(put("one-more", 1, 0), FS_E_NO_SPACE);
	CHECK(made == FS_FILES_PER_OWNER - 2, "%u entries: my share (+ small, "
	      "empty)", made);
	for (i = 0; i < made; i++) {
		snprintf(n, sizeof n, "f%u", i);
		name(n);
		EXPECT(call(session, FS_OP_DELETE, NAME_OFF, 0, 0), FS_OK);
	}
	EXPECT(call(ep, FS_OP_INFO, 0, 0, 0), FS_OK);
	for (made = 0; made < 64; made++) {
		snprintf(n, sizeof n, "big%u", made);
		if (put(n, FS_BLOB_MAX, made) != FS_OK)
			break;
	}
	CHECK(made > 0 && made < 64, "%u big blobs", made);
	snprintf(n, sizeof n, "big%u", made);
	EXPECT(put(n, FS_BLOB_MAX, 0), FS_E_NO_SPACE);
	check_blob("big0", FS_BLOB_MAX, 0);
	for (i = 0; i < made; i++) {
		snprintf(n, sizeof n, "big%u", i);
		name(n);
		EXPECT(call(session, FS_OP_DELETE, NAME_OFF, 0, 0), FS_OK);
	}
}

void full(void)
{
	uint64_t total, extra[FS_SESSIONS_MAX];
	unsigned n;

	EXPECT(call(ep, FS_OP_INFO, 0, 0, 0), FS_OK);
	total = r[0];
	CHECK(r[1] == total && r[2] == FS_FILES_MAX,
	      "not a fresh file system: %lu of %lu sectors free, %lu entries",
	      r[1], total, r[2]);
	if (check_failures)
		return;
	blobs();
	errors();
	full_disk();
	EXPECT(call(ep, FS_OP_INFO, 0, 0, 0), FS_OK);
	CHECK(r[1] == total - 1 && r[2] == FS_FILES_MAX - 2,
	      "after: %lu sectors free, %lu entries", r[1], r[2]);
	for (n = 0; n < FS_SESSIONS_MAX; n++)
		if (setup(buf_slot, &extra[n]) != FS_OK)
			break;
	CHECK(n == FS_SESSIONS_PER_CLIENT - 1, "%u more sessions opened", n);
	EXPECT(setup(buf_slot, &extra[0]), FS_E_FULL);
	while (n--) {
		EXPECT(call(extra[n], FS_OP_CLOSE, 0, 0, 0), FS_OK);
		EXPECT(call(extra[n], FS_OP_CLOSE, 0, 0, 0), FS_E_NO_BUFFER);
		uk_cap_delete(extra[n]);
	}
	EXPECT(call(session, FS_OP_CLOSE, 0, 0, 0), FS_OK);
	name("small");
	EXPECT(call(session, FS_OP_READ, NAME_OFF, DATA_OFF, 100),
	       FS_E_NO_BUFFER);
}
