/*
 * The block service's client (proto/blk.h), for fs, blktest and
 * blkbench: the service found by name, a buffer shared with it at
 * UMAP_BUF, and the calls. Results are as rpc.h says: BLK_OK (0), a
 * BLK_E_* code, or minus an enum uk_err.
 */
#ifndef BLKCLIENT_H
#define BLKCLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <proto/blk.h>

struct blkc {
	uint64_t ep;            /* "blk" from the registry (no session) */
	uint64_t session;       /* my session endpoint, or UK_NO_CAP */
	uint64_t buf_slot;      /* the buffer's memory capability */
	uint8_t *buf;           /* mapped at UMAP_BUF */
	uint64_t buf_bytes;
	uint64_t capacity;      /* from INFO: sectors, BLK_INFO_* flags */
	uint64_t flags;
	uint64_t block_size;
};

/* Looks "blk" up (yielding while it is not registered yet, up to tries
 * times), asks INFO and maps a new buffer of pages at UMAP_BUF; no
 * session yet. 0, or -1 after printing why (nothing is kept then). */
int blkc_connect(struct blkc *c, uint64_t pages, unsigned tries);

/* SETUP with the capability in slot cap (UK_NO_CAP: none); on BLK_OK
 * the session endpoint is in a new slot, *session. A reply whose buffer
 * size is not at least c->buf_bytes breaks the protocol. */
int blkc_setup(struct blkc *c, uint64_t cap, uint64_t *session);

/* blkc_connect, then a session on the buffer in c->session. 0, or -1
 * after printing why (nothing is kept then). */
int blkc_open(struct blkc *c, uint64_t pages, unsigned tries);

/* Closes the session, unmaps the buffer and lets go of every
 * capability and slot c holds; c is then empty. */
void blkc_close(struct blkc *c);

/* One call on ep with three words; the reply's words in r (may be
 * NULL). */
int blkc_call(uint64_t ep, uint64_t op, uint64_t w0, uint64_t w1,
	      uint64_t w2, uint64_t r[3]);

/* READ or WRITE (op) of count sectors from sector, at buffer offset off,
 * on my session. */
int blkc_rw(struct blkc *c, uint64_t op, uint64_t sector, uint64_t count,
	    uint64_t off);

/* FLUSH on my session: what was written is on the disk. */
int blkc_flush(struct blkc *c);

/* BATCH of the n entries e, copied to the buffer at byte table_off;
 * the entry the answer is about in *bad (may be NULL). */
int blkc_batch(struct blkc *c, const struct blk_batch_entry *e, unsigned n,
	       uint64_t table_off, uint64_t *bad);

/* "BLK_E_RANGE", "UK_E_DEAD" and so on. */
const char *blkc_strerror(int r);

#endif
