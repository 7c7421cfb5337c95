/*
 * The file service's client (proto/fs.h), for the Linux personality,
 * the demo and fstest: the service found by name, a buffer shared with
 * it at a place the caller chooses, a session, and the calls. Results
 * are as rpc.h says: FS_OK (0), an FS_E_* code (Linux's errno values and
 * the protocol's own), or minus an enum uk_err.
 *
 * The buffer's layout: two path fields (for RENAME's two), a record
 * field, then the data area, FSC_DATA onwards.
 */
#ifndef FSCLIENT_H
#define FSCLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <proto/fs.h>

#define FSC_PATH0       0u
#define FSC_PATH1       FS_PATH_MAX
#define FSC_REC         (2 * FS_PATH_MAX)       /* a stat record */
#define FSC_DATA        (4 * FS_PATH_MAX)
#define FSC_ERR_MAX     (FS_E_FULL + 1)

struct fsc {
	uint64_t session;       /* my session endpoint, or UK_NO_CAP */
	uint64_t buf_slot;
	uint8_t *buf;
	uint64_t buf_bytes;
	uint64_t data_bytes;    /* of the data area */
	uint64_t last_ino;      /* what the last fsc_open opened */
};

/* Looks "fs" up (tries times, yielding), maps a new buffer of pages
 * (more than FSC_DATA's) at va, opens a session on it. 0, or a result
 * as above (nothing kept then). */
int fsc_connect(struct fsc *c, uint64_t va, uint64_t pages, unsigned tries);

/* Closes the session and lets go of everything c holds. */
void fsc_close(struct fsc *c);

/* One call on my session; the reply's four words in r (may be NULL). */
int fsc_call(struct fsc *c, uint64_t op, uint64_t w0, uint64_t w1,
	     uint64_t w2, uint64_t w3, uint64_t r[4]);

/* Copies path into path field 0 or 1 (FSC_PATH0, FSC_PATH1):
 * FS_E_NAMETOOLONG when it does not fit. */
int fsc_put_path(struct fsc *c, uint64_t field, const char *path);

int fsc_open(struct fsc *c, const char *path, uint32_t flags,
	     uint32_t mode, uint64_t *handle, uint64_t *size,
	     uint32_t *mode_out);
/* n bytes at off through the data area (in pieces when it is smaller):
 * the count (short at the end of the file), or minus a result. */
int64_t fsc_pread(struct fsc *c, uint64_t h, void *buf, size_t n,
		  uint64_t off);
int64_t fsc_pwrite(struct fsc *c, uint64_t h, const void *buf, size_t n,
		   uint64_t off);
int fsc_close_file(struct fsc *c, uint64_t h);
int fsc_stat(struct fsc *c, const char *path, struct fs_stat *st);
int fsc_fstat(struct fsc *c, uint64_t h, struct fs_stat *st);
int fsc_mkdir(struct fsc *c, const char *path, uint32_t mode);
int fsc_unlink(struct fsc *c, const char *path);
int fsc_rmdir(struct fsc *c, const char *path);
int fsc_rename(struct fsc *c, const char *from, const char *to);
int fsc_truncate(struct fsc *c, uint64_t h, uint64_t size);
int fsc_sync(struct fsc *c, uint64_t h);

/* "FS_E_NOENT" and so on, for a result. */
const char *fsc_strerror(int r);

#endif
