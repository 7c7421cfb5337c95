#include "blkclient.h"
#include "ipc.h"
#include "uk.h"
#include "ulib.h"

#define BUF_VA          0x100000000ull

uint64_t client_call(uint64_t ep, uint64_t label, uint64_t w0, uint64_t w1,
		     uint64_t w2, uint64_t r[3])
{
	struct uk_msg m = { .label = label, .w = { w0, w1, w2 },
			    .cap = UK_NO_CAP };
	enum uk_err e = uk_call(ep, &m);

	if (e != UK_OK)
		return 100 + e;
	if (r) {
		r[0] = m.w[0];
		r[1] = m.w[1];
		r[2] = m.w[2];
	}
	return m.label;
}

int client_open(struct client *c)
{
	uint64_t r[3];
	int e;

	*c = (struct client){ .ep = uk_slot_alloc(), .session = UK_NO_CAP,
			      .buf_slot = uk_slot_alloc() };
	e = reg_lookup("blk", c->ep);
	if (e != REG_OK) {
		eprintf("blktest: lookup blk: %s\n", reg_strerror(e));
		return -1;
	}
	if (client_call(c->ep, BLK_OP_INFO, 0, 0, 0, r) != BLK_OK) {
		eprintf("blktest: INFO failed\n");
		return -1;
	}
	c->capacity = r[0];
	c->flags = r[1];
	c->block_size = r[2];
	if (uk_mem_alloc(c->buf_slot, BUF_PAGES) != UK_OK ||
	    uk_mem_map(UK_SELF, c->buf_slot, BUF_VA,
		       UK_R_READ | UK_R_WRITE) != UK_OK) {
		eprintf("blktest: cannot get a buffer\n");
		return -1;
	}
	c->buf = (uint8_t *)(uintptr_t)BUF_VA;
	return 0;
}

uint64_t client_setup(struct client *c, uint64_t cap, uint64_t *session)
{
	struct uk_msg m = { .label = BLK_OP_SETUP, .cap = cap };
	uint64_t slot = uk_slot_alloc();
	enum uk_err e = uk_call_rcv(c->ep, &m, slot);

	if (e != UK_OK)
		return 100 + e;
	if (m.label == BLK_OK && m.cap == slot && m.w[0] >= BUF_BYTES) {
		*session = slot;
		return BLK_OK;
	}
	if (m.cap != UK_NO_CAP)
		uk_cap_delete(m.cap);
	uk_slot_free(slot);
	return m.label == BLK_OK ? 99 : m.label;        /* 99: bad reply */
}

uint64_t client_rw(struct client *c, uint64_t op, uint64_t sector,
		   uint64_t count, uint64_t offset)
{
	return client_call(c->session, op, sector, count, offset, NULL);
}

uint64_t client_batch(struct client *c, const struct blk_batch_entry *e,
		      unsigned n, uint64_t table_off, uint64_t *bad)
{
	uint64_t r[3] = { 0 }, label;

	if (table_off <= BUF_BYTES && n * sizeof *e <= BUF_BYTES - table_off)
		memcpy(c->buf + table_off, e, n * sizeof *e);
	label = client_call(c->session, BLK_OP_BATCH, n, table_off, 0, r);
	if (bad)
		*bad = r[0];
	return label;
}

static uint32_t crc_byte(uint32_t crc, uint8_t b)
{
	crc ^= (uint32_t)b << 24;
	for (int k = 0; k < 8; k++)
		crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u : crc << 1;
	return crc;
}

uint32_t client_cksum(const uint8_t *p, size_t n)
{
	uint32_t crc = 0;

	for (size_t i = 0; i < n; i++)
		crc = crc_byte(crc, p[i]);
	for (size_t len = n; len; len >>= 8)    /* low byte first */
		crc = crc_byte(crc, (uint8_t)len);
	return ~crc;
}

const char *client_strerror(uint64_t label)
{
	static const char *const names[BLK_E_MAX] = {
		[BLK_OK] = "BLK_OK",
		[BLK_E_BAD_REQUEST] = "BLK_E_BAD_REQUEST",
		[BLK_E_RANGE] = "BLK_E_RANGE",
		[BLK_E_IO] = "BLK_E_IO",
		[BLK_E_READ_ONLY] = "BLK_E_READ_ONLY",
		[BLK_E_NO_BUFFER] = "BLK_E_NO_BUFFER",
		[BLK_E_BAD_BUFFER] = "BLK_E_BAD_BUFFER",
		[BLK_E_FULL] = "BLK_E_FULL",
	};

	if (label >= 100)
		return uk_strerror(label - 100);
	return label < BLK_E_MAX ? names[label] : "BLK_E_?";
}
