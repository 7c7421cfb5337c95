/*
 * A client of proto/blk.h (blktest, blkbench): the service, a shared
 * buffer, calls.
 */
#ifndef BLKCLIENT_H
#define BLKCLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <proto/blk.h>

#define BUF_PAGES       256             /* 1 MiB shared buffer */
#define BUF_BYTES       (BUF_PAGES * 4096ull)
#define BUF_SECTORS     (BUF_BYTES / BLK_SECTOR_SIZE)

struct client {
	uint64_t ep;            /* "blk" from the registry (no session) */
	uint64_t session;       /* the session endpoint, or UK_NO_CAP */
	uint64_t buf_slot;      /* the buffer's memory capability */
	uint8_t *buf;           /* mapped here */
	uint64_t capacity;      /* from INFO */
	uint64_t flags;
	uint64_t block_size;
};

/* Looks "blk" up, asks INFO, maps a new BUF_BYTES buffer. 0, or -1
 * after printing why. */
int client_open(struct client *c);

/* One call on ep: the reply's label (enum blk_err), or 100 + the
 * kernel's error. w: three words in; the reply's words come back in r
 * (may be NULL). */
uint64_t client_call(uint64_t ep, uint64_t label, uint64_t w0, uint64_t w1,
		     uint64_t w2, uint64_t r[3]);

/* SETUP with the capability in slot cap (UK_NO_CAP: none): the label;
 * on BLK_OK the session endpoint is in *session. */
uint64_t client_setup(struct client *c, uint64_t cap, uint64_t *session);

/* READ/WRITE count sectors from sector at buffer offset on the session:
 * the reply's label. */
uint64_t client_rw(struct client *c, uint64_t op, uint64_t sector,
		   uint64_t count, uint64_t offset);

/* BATCH of the n entries e (copied to the buffer at byte table_off):
 * the reply's label; the entry it is about in *bad (may be NULL). */
uint64_t client_batch(struct client *c, const struct blk_batch_entry *e,
		      unsigned n, uint64_t table_off, uint64_t *bad);

/* POSIX cksum (CRC-32, then the length) of n bytes: the number that
 * `cksum` prints first on the host. */
uint32_t client_cksum(const uint8_t *p, size_t n);

/* "BLK_E_RANGE" and so on. */
const char *client_strerror(uint64_t label);

#endif
