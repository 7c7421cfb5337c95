#include "blkclient.h"
#include "regclient.h"
#include "rpc.h"
#include "uk.h"
#include "ulib.h"
#include "umap.h"

int blkc_call(uint64_t ep, uint64_t op, uint64_t w0, uint64_t w1, uint64_t w2,
	      uint64_t r[3])
{
	struct uk_msg m = { .label = op, .w = { w0, w1, w2 },
			    .cap = UK_NO_CAP };
	int e = rpc_call(ep, &m, UK_NO_CAP, BLK_E_MAX);

	if (r)
		memcpy(r, m.w, 3 * sizeof *r);
	return e;
}

void blkc_close(struct blkc *c)
{
	if (c->session != UK_NO_CAP)
		blkc_call(c->session, BLK_OP_CLOSE, 0, 0, 0, NULL);
	if (c->buf)
		uk_mem_unmap(UK_SELF, UMAP_BUF, c->buf_bytes / UK_PAGE_SIZE);
	uk_slot_drop(&c->session);
	uk_slot_drop(&c->buf_slot);
	uk_slot_drop(&c->ep);
	c->buf = NULL;
}

int blkc_connect(struct blkc *c, uint64_t pages, unsigned tries)
{
	uint64_t r[3];
	int e;

	*c = (struct blkc){ .ep = uk_slot_alloc(), .session = UK_NO_CAP,
			    .buf_slot = uk_slot_alloc(),
			    .buf_bytes = pages * UK_PAGE_SIZE };
	e = c->ep == UK_NO_CAP || c->buf_slot == UK_NO_CAP ?
	    -(int)UK_E_NOMEM : reg_lookup_wait("blk", c->ep, tries);
	if (e != REG_OK) {
		eprintf("%s: lookup blk: %s\n", uk_progname(), reg_strerror(e));
		goto fail;
	}
	e = blkc_call(c->ep, BLK_OP_INFO, 0, 0, 0, r);
	if (e != BLK_OK) {
		eprintf("%s: blk INFO: %s\n", uk_progname(), blkc_strerror(e));
		goto fail;
	}
	c->capacity = r[0];
	c->flags = r[1];
	c->block_size = r[2];
	if (uk_mem_alloc(c->buf_slot, pages) != UK_OK ||
	    uk_mem_map(UK_SELF, c->buf_slot, UMAP_BUF,
		       UK_R_READ | UK_R_WRITE) != UK_OK) {
		eprintf("%s: cannot get a buffer\n", uk_progname());
		goto fail;
	}
	c->buf = (uint8_t *)(uintptr_t)UMAP_BUF;
	return 0;
fail:
	blkc_close(c);
	return -1;
}

int blkc_setup(struct blkc *c, uint64_t cap, uint64_t *session)
{
	struct uk_msg m = { .label = BLK_OP_SETUP, .cap = cap };
	uint64_t slot = uk_slot_alloc();
	int e = rpc_open(c->ep, &m, slot, BLK_E_MAX);

	if (e == BLK_OK && m.w[0] < c->buf_bytes) {
		uk_cap_delete(slot);
		e = -(int)UK_E_ARG;
	}
	if (e != BLK_OK) {
		uk_slot_free(slot);
		return e;
	}
	*session = slot;
	return BLK_OK;
}

int blkc_open(struct blkc *c, uint64_t pages, unsigned tries)
{
	int e;

	if (blkc_connect(c, pages, tries) != 0)
		return -1;
	e = blkc_setup(c, c->buf_slot, &c->session);
	if (e == BLK_OK)
		return 0;
	eprintf("%s: blk SETUP: %s\n", uk_progname(), blkc_strerror(e));
	blkc_close(c);
	return -1;
}

int blkc_rw(struct blkc *c, uint64_t op, uint64_t sector, uint64_t count,
	    uint64_t off)
{
	return blkc_call(c->session, op, sector, count, off, NULL);
}

int blkc_flush(struct blkc *c)
{
	return blkc_call(c->session, BLK_OP_FLUSH, 0, 0, 0, NULL);
}

int blkc_batch(struct blkc *c, const struct blk_batch_entry *e, unsigned n,
	       uint64_t table_off, uint64_t *bad)
{
	uint64_t r[3] = { 0 };
	int res;

	if (table_off <= c->buf_bytes &&
	    n * sizeof *e <= c->buf_bytes - table_off)
		memcpy(c->buf + table_off, e, n * sizeof *e);
	res = blkc_call(c->session, BLK_OP_BATCH, n, table_off, 0, r);
	if (bad)
		*bad = r[0];
	return res;
}

const char *blkc_strerror(int r)
{
	static const char *const names[] = {
		[BLK_OK] = "BLK_OK",
		[BLK_E_BAD_REQUEST] = "BLK_E_BAD_REQUEST",
		[BLK_E_RANGE] = "BLK_E_RANGE",
		[BLK_E_IO] = "BLK_E_IO",
		[BLK_E_READ_ONLY] = "BLK_E_READ_ONLY",
		[BLK_E_NO_BUFFER] = "BLK_E_NO_BUFFER",
		[BLK_E_BAD_BUFFER] = "BLK_E_BAD_BUFFER",
		[BLK_E_FULL] = "BLK_E_FULL",
	};

	_Static_assert(sizeof names / sizeof *names == BLK_E_MAX, "names");
	return rpc_strerror(r, names, BLK_E_MAX);
}
