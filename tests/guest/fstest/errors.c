#include "fstest.h"
#include "umap.h"
#include "uk.h"
#include "ulib.h"

#define TWO_VA  (UMAP_BUF + 0x1000000)  /* a second session's buffer */

/* Each errno a path can earn. */
static void paths(void)
{
	char name[FS_NAME_MAX + 2];
	struct fs_stat st;
	uint64_t h;

	EXPECT(fsc_mkdir(&fs, "dir", 0755), FS_OK);
	EXPECT(make("dir/file", 5, 7), FS_OK);
	EXPECT(make("file", 5, 8), FS_OK);

	EXPECT(fsc_open(&fs, "nothere", 0, 0, &h, NULL, NULL), FS_E_NOENT);
	EXPECT(fsc_open(&fs, "nodir/x", FS_O_WRITE | FS_O_CREAT, 0644, &h,
			NULL, NULL), FS_E_NOENT);
	EXPECT(fsc_stat(&fs, "dir/nothere", &st), FS_E_NOENT);
	EXPECT(fsc_unlink(&fs, "nothere"), FS_E_NOENT);
	EXPECT(fsc_rmdir(&fs, "nothere"), FS_E_NOENT);
	EXPECT(fsc_rename(&fs, "nothere", "y"), FS_E_NOENT);
	EXPECT(fsc_mkdir(&fs, "nodir/sub", 0755), FS_E_NOENT);

	EXPECT(fsc_open(&fs, "file", FS_O_WRITE | FS_O_CREAT | FS_O_EXCL,
			0644, &h, NULL, NULL), FS_E_EXIST);
	EXPECT(fsc_open(&fs, "dir", FS_O_CREAT | FS_O_EXCL, 0644, &h, NULL,
			NULL), FS_E_EXIST);
	EXPECT(fsc_mkdir(&fs, "dir", 0755), FS_E_EXIST);
	EXPECT(fsc_mkdir(&fs, "file", 0755), FS_E_EXIST);

	EXPECT(fsc_open(&fs, "dir", FS_O_WRITE, 0, &h, NULL, NULL),
	       FS_E_ISDIR);
	EXPECT(fsc_unlink(&fs, "dir"), FS_E_ISDIR);
	h = open_ok("dir", 0);
	EXPECT(call(fs.session, FS_OP_READ, h, 0, FSC_DATA, 16), FS_E_ISDIR);
	EXPECT(fsc_close_file(&fs, h), FS_OK);

	EXPECT(fsc_open(&fs, "file", FS_O_DIRECTORY, 0, &h, NULL, NULL),
	       FS_E_NOTDIR);
	EXPECT(fsc_open(&fs, "file/x", 0, 0, &h, NULL, NULL), FS_E_NOTDIR);
	EXPECT(fsc_stat(&fs, "file/", &st), FS_E_NOTDIR);
	EXPECT(fsc_rmdir(&fs, "file"), FS_E_NOTDIR);
	h = open_ok("file", 0);
	EXPECT(call(fs.session, FS_OP_READDIR, h, 0, FSC_DATA, 4096),
	       FS_E_NOTDIR);
	EXPECT(fsc_close_file(&fs, h), FS_OK);

	EXPECT(fsc_rmdir(&fs, "dir"), FS_E_NOTEMPTY);
	EXPECT(fsc_rename(&fs, "file", "dir"), FS_E_ISDIR);
	EXPECT(fsc_open(&fs, "file", FS_O_FLAGS + 1, 0, &h, NULL, NULL),
	       FS_E_INVAL);
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';                   /* 256 bytes */
	EXPECT(fsc_open(&fs, name, FS_O_WRITE | FS_O_CREAT, 0644, &h, NULL,
			NULL), FS_E_NAMETOOLONG);
	name[FS_NAME_MAX] = '\0';                       /* 255: fine */
	EXPECT(make(name, 1, 9), FS_OK);
	EXPECT(fsc_unlink(&fs, name), FS_OK);

	check_file("file", 5, 8);                       /* all untouched */
	check_file("dir/file", 5, 7);
	EXPECT(fsc_unlink(&fs, "dir/file"), FS_OK);
	EXPECT(fsc_rmdir(&fs, "dir"), FS_OK);
}

/* Handles: none of another number, none after close, a read-only one
 * cannot write, and FS_HANDLES_MAX of them at most. */
static void handles(void)
{
	static const uint64_t ops[] = {
		FS_OP_READ, FS_OP_WRITE, FS_OP_FSTAT, FS_OP_READDIR,
		FS_OP_TRUNCATE, FS_OP_SYNC, FS_OP_CLOSE_FILE,
	};
	uint64_t bogus[] = { FS_HANDLES_MAX, 12345, ~0ull, 0 };
	uint64_t h[FS_HANDLES_MAX + 1];
	unsigned n;

	bogus[3] = open_ok("file", 0);                  /* closed below */
	EXPECT(fsc_close_file(&fs, bogus[3]), FS_OK);
	for (unsigned i = 0; i < sizeof bogus / sizeof bogus[0]; i++)
		for (unsigned j = 0; j < sizeof ops / sizeof ops[0]; j++)
			EXPECT(call(fs.session, ops[j], bogus[i], 0,
				    FSC_DATA, 16), FS_E_BADF);

	h[0] = open_ok("file", 0);
	EXPECT(fsc_pwrite(&fs, h[0], "abc", 3, 0), -(int)FS_E_BADF);
	EXPECT(fsc_truncate(&fs, h[0], 0), FS_E_BADF);
	EXPECT(fsc_close_file(&fs, h[0]), FS_OK);
	check_file("file", 5, 8);

	for (n = 0; n < FS_HANDLES_MAX; n++)
		if (fsc_open(&fs, "file", 0, 0, &h[n], NULL, NULL) != FS_OK)
			break;
	CHECK(n == FS_HANDLES_MAX, "%u handles, want %u", n, FS_HANDLES_MAX);
	EXPECT(fsc_open(&fs, "file", 0, 0, &h[n], NULL, NULL), FS_E_MFILE);
	EXPECT(fsc_close_file(&fs, h[0]), FS_OK);
	EXPECT(fsc_open(&fs, "file", 0, 0, &h[0], NULL, NULL), FS_OK);
	while (n--)
		EXPECT(fsc_close_file(&fs, h[n]), FS_OK);
}

/* Requests that break the protocol: ranges outside the buffer (and
 * ones that wrap), a path with no NUL in it, unknown labels, session
 * requests on the service's own endpoint, bad buffers. */
static void protocol(void)
{
	uint64_t end = fs.buf_bytes, h = open_ok("file", FS_O_WRITE);
	uint64_t extra, tmp = uk_slot_alloc(), ro = uk_slot_alloc();
	int e;

	EXPECT(call(fs.session, FS_OP_OPEN, end, 0, 0, 0), FS_E_BAD_REQUEST);
	EXPECT(call(fs.session, FS_OP_OPEN, ~0ull, 0, 0, 0),
	       FS_E_BAD_REQUEST);
	memset(fs.buf + end - 16, 'a', 16);             /* no NUL in it */
	EXPECT(call(fs.session, FS_OP_OPEN, end - 16, 0, 0, 0),
	       FS_E_BAD_REQUEST);
	EXPECT(call(fs.session, FS_OP_STAT, end - 16, FSC_REC, 0, 0),
	       FS_E_BAD_REQUEST);
	EXPECT(call(fs.session, FS_OP_MKDIR, end - 16, 0755, 0, 0),
	       FS_E_BAD_REQUEST);
	fsc_put_path(&fs, FSC_PATH0, "file");
	EXPECT(call(fs.session, FS_OP_RENAME, FSC_PATH0, end - 16, 0, 0),
	       FS_E_BAD_REQUEST);
	EXPECT(call(fs.session, FS_OP_STAT, FSC_PATH0, end - 8, 0, 0),
	       FS_E_BAD_REQUEST);
	EXPECT(call(fs.session, FS_OP_FSTAT, h, end - 8, 0, 0),
	       FS_E_BAD_REQUEST);
	EXPECT(call(fs.session, FS_OP_FSTAT, h, ~0ull - 8, 0, 0),
	       FS_E_BAD_REQUEST);
	EXPECT(call(fs.session, FS_OP_READ, h, 0, end - 1, 2),
	       FS_E_BAD_REQUEST);
	EXPECT(call(fs.session, FS_OP_WRITE, h, 0, end - 100, 200),
	       FS_E_BAD_REQUEST);
	EXPECT(call(fs.session, FS_OP_WRITE, h, 0, ~0ull - 50, 100),
	       FS_E_BAD_REQUEST);
	e = call(fs.session, FS_OP_READ, h, 0, FSC_DATA, FS_IO_MAX + 1);
	CHECK(e == FS_E_INVAL || e == FS_E_BAD_REQUEST,
	      "READ of FS_IO_MAX + 1 bytes: %s", fsc_strerror(e));
	EXPECT(call(fs.session, FS_OP_NONE, 0, 0, 0, 0), FS_E_BAD_REQUEST);
	EXPECT(call(fs.session, FS_OP_MAX, 0, 0, 0, 0), FS_E_BAD_REQUEST);
	EXPECT(call(fs.session, 12345, 0, 0, 0, 0), FS_E_BAD_REQUEST);
	EXPECT(fsc_close_file(&fs, h), FS_OK);
	check_file("file", 5, 8);

	EXPECT(call(ep, FS_OP_OPEN, FSC_PATH0, 0, 0, 0), FS_E_NO_BUFFER);
	EXPECT(call(ep, FS_OP_READ, 0, 0, FSC_DATA, 1), FS_E_NO_BUFFER);
	EXPECT(call(ep, FS_OP_CLOSE, 0, 0, 0, 0), FS_E_NO_BUFFER);
	EXPECT(call(ep, FS_OP_INFO, 0, 0, 0, 0), FS_OK);
	CHECK((r[0] == 1024 || r[0] == 2048 || r[0] == 4096) && r[1] > 0 &&
	      r[2] <= r[1] && r[3] == 0, "INFO: %lu-byte blocks, %lu, %lu "
	      "free, read-only %lu", r[0], r[1], r[2], r[3]);
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

/* Handles belong to their session; a client holds its share of them;
 * a closed session serves nothing. */
static void sessions(void)
{
	uint64_t h = open_ok("file", 0), extra[FS_SESSIONS_MAX];
	struct fsc two;
	uint8_t got[8];
	unsigned n;

	EXPECT(fsc_connect(&two, TWO_VA, 8, 1), FS_OK);
	EXPECT(fsc_pread(&two, h, got, 5, 0), -(int)FS_E_BADF);
	EXPECT(fsc_fstat(&two, h, (struct fs_stat *)(void *)got), FS_E_BADF);
	EXPECT(fsc_close_file(&two, h), FS_E_BADF);
	EXPECT(fsc_pread(&fs, h, got, 5, 0), 5);        /* still mine */
	check_file("../../file", 5, 8);                 /* the same root */
	fsc_close(&two);
	EXPECT(fsc_pread(&fs, h, got, 5, 0), 5);

	for (n = 0; n < FS_SESSIONS_MAX; n++)
		if (setup(fs.buf_slot, &extra[n]) != FS_OK)
			break;
	CHECK(n == FS_SESSIONS_PER_CLIENT - 1, "%u more sessions opened", n);
	EXPECT(setup(fs.buf_slot, &extra[0]), FS_E_FULL);
	while (n--) {
		EXPECT(call(extra[n], FS_OP_CLOSE, 0, 0, 0, 0), FS_OK);
		EXPECT(call(extra[n], FS_OP_CLOSE, 0, 0, 0, 0),
		       FS_E_NO_BUFFER);
		uk_cap_delete(extra[n]);
	}
	EXPECT(fsc_unlink(&fs, "file"), FS_OK);
	EXPECT(call(fs.session, FS_OP_CLOSE, 0, 0, 0, 0), FS_OK);
	EXPECT(call(fs.session, FS_OP_READ, h, 0, FSC_DATA, 5),
	       FS_E_NO_BUFFER);
	EXPECT(call(fs.session, FS_OP_CLOSE, 0, 0, 0, 0), FS_E_NO_BUFFER);
}

void errors(void)
{
	if (check_failures)
		return;
	paths();
	handles();
	protocol();
	sessions();
}
