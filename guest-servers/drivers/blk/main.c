/*
 * blk: the virtio-blk driver and block service (proto/blk.h). init gives
 * it its device (UK_SLOT_DEV_MMIO, UK_SLOT_DEV_IRQ); it brings the
 * device up (disk.c), registers "blk" and serves: receive, check, do,
 * reply. Clients' buffers are their own memory regions, which the device
 * reads and writes directly; the server maps one (read-only) only to
 * read a BATCH table out of it. One request at a time: the reply goes
 * out when the device has finished it (a BATCH is one request holding up
 * to BLK_BATCH_MAX transfers). Sessions belong to the client that set
 * them up (sessions.h): BLK_SESSIONS_PER_CLIENT each, and a dead
 * client's are taken back when the table is full.
 */
#include <proto/blk.h>
#include "disk.h"
#include "session.h"
#include "sessions.h"
#include "regclient.h"
#include "rpc.h"
#include "uk.h"
#include "ulib.h"
#include "umap.h"

#define SESSION_VA_MAX  0x40000000ull   /* a session's buffer: 1 GiB at most */

static struct disk disk;
static struct sess_table table;
static struct blk_session sessions[BLK_SESSIONS_MAX];
static uint64_t ep;             /* my endpoint */
static uint64_t rcv;            /* empty slot for a client's capability */
static uint64_t minted;         /* a session endpoint on its way out */

static void end(unsigned i, void *ctx);
static const struct sess_ops ops = { .alive = reg_client_alive, .end = end };

/* The open session badge names, or NULL. */
static struct blk_session *find(uint64_t badge)
{
	int i = sess_find(&table, badge);

	return i < 0 ? NULL : &sessions[i];
}

/* SETUP by owner: the buffer arrived in rcv; a session keeps it there. */
static enum blk_err setup(struct uk_msg *m, uint64_t owner)
{
	uint64_t type, rights, badge, pages, phys;
	uint64_t need = UK_R_READ | UK_R_WRITE;
	int i;

	if (uk_cap_info(rcv, &type, &rights, &badge) != UK_OK ||
	    type != UK_CAP_MEMORY || (rights & need) != need ||
	    uk_mem_info(rcv, &pages, &phys) != UK_OK || pages == 0)
		return BLK_E_BAD_BUFFER;
	if (owner == 0 || (i = sess_open(&table, owner, &badge, &ops)) < 0)
		return BLK_E_FULL;
	if (uk_cap_mint(ep, minted, UK_R_SEND | UK_R_GRANT, badge) != UK_OK) {
		sess_close(&table, (unsigned)i);
		return BLK_E_FULL;
	}
	sessions[i] = (struct blk_session){ .slot = rcv,
					    .bytes = pages * UK_PAGE_SIZE,
					    .phys = phys };
	m->cap = minted;
	m->w[0] = pages * UK_PAGE_SIZE;
	rcv = uk_slot_alloc();  /* UK_NO_CAP: no more capabilities taken */
	return BLK_OK;
}

static enum blk_err transfer(const struct uk_msg *m, uint64_t badge,
			     int write)
{
	struct blk_session *s = find(badge);
	enum blk_err err;

	if (!s)
		return BLK_E_NO_BUFFER;
	err = blk_check_rw(disk.capacity, s->bytes, m->w[0], m->w[1],
			   m->w[2]);
	if (err == BLK_OK && write && disk.read_only)
		err = BLK_E_READ_ONLY;
	if (err == BLK_OK)
		err = disk_rw(&disk, write, m->w[0], m->w[1], s->phys + m->w[2]);
	return err;
}

/* The session's buffer, mapped read-only on first use; NULL if it
 * cannot be. */
static const volatile uint8_t *session_map(struct blk_session *s)
{
	uint64_t va = UMAP_CLIENTS + (uint64_t)(s - sessions) * SESSION_VA_MAX;

	if (!s->map && s->bytes <= SESSION_VA_MAX &&
	    uk_mem_map(UK_SELF, s->slot, va, UK_R_READ) == UK_OK)
		s->map = (const volatile uint8_t *)(uintptr_t)va;
	return s->map;
}

/* BATCH: copy the table out of the buffer, check it all, then do it. */
static enum blk_err batch(struct uk_msg *m, const struct uk_msg *in,
			  uint64_t badge)
{
	struct blk_session *s = find(badge);
	struct blk_batch_entry e[BLK_BATCH_MAX];
	struct disk_io io[BLK_BATCH_MAX];
	const volatile uint8_t *buf;
	unsigned n = (unsigned)in->w[0], bad = 0;
	enum blk_err err;

	if (!s)
		return BLK_E_NO_BUFFER;
	err = blk_check_batch(s->bytes, in->w[0], in->w[1]);
	if (err != BLK_OK)
		return err;
	buf = session_map(s);
	if (!buf)
		return BLK_E_BAD_BUFFER;
	/* The client may change the table meanwhile: use the copy only. */
	for (size_t i = 0; i < n * sizeof e[0]; i++)
		((uint8_t *)e)[i] = buf[in->w[1] + i];
	err = blk_check_entries(disk.capacity, s->bytes, disk.read_only,
				in->w[1], e, n, &bad);
	if (err == BLK_OK) {
		for (unsigned i = 0; i < n; i++)
			io[i] = (struct disk_io){ e[i].write, e[i].sector,
						  e[i].count,
						  s->phys + e[i].offset };
		err = disk_rwv(&disk, io, n, &bad);
	}
	m->w[0] = err == BLK_OK ? n : bad;
	return err;
}

/* Lets go of what session i holds (its owner closed it, or died). */
static void end(unsigned i, void *ctx)
{
	struct blk_session *s = &sessions[i];

	(void)ctx;
	if (s->map)
		uk_mem_unmap(UK_SELF, (uintptr_t)s->map,
			     (s->bytes + UK_PAGE_SIZE - 1) / UK_PAGE_SIZE);
	uk_cap_delete(s->slot);
	uk_slot_free(s->slot);
	*s = (struct blk_session){ 0 };
}

static enum blk_err end_session(uint64_t badge)
{
	int i = sess_find(&table, badge);

	if (i < 0)
		return BLK_E_NO_BUFFER;
	end((unsigned)i, NULL);
	sess_close(&table, (unsigned)i);
	return BLK_OK;
}

/* Handles request m (a capability it carried is in rcv); the reply
 * replaces it. */
static void serve(struct uk_msg *m)
{
	uint64_t label = m->label, badge = m->badge, got = m->cap;
	struct uk_msg in = *m;
	enum blk_err err;

	*m = (struct uk_msg){ .cap = UK_NO_CAP };
	switch (label) {
	case BLK_OP_SETUP:
		err = got == UK_NO_CAP ? BLK_E_BAD_BUFFER :
		      setup(m, sess_owner(&table, badge));
		if (err == BLK_OK)
			got = UK_NO_CAP;        /* the session keeps it */
		break;
	case BLK_OP_READ:
	case BLK_OP_WRITE:
		err = transfer(&in, badge, label == BLK_OP_WRITE);
		break;
	case BLK_OP_FLUSH:
		err = disk_flush(&disk);
		break;
	case BLK_OP_INFO:
		m->w[0] = disk.capacity;
		m->w[1] = disk.read_only ? BLK_INFO_READ_ONLY : 0;
		m->w[2] = disk.block_size;
		err = BLK_OK;
		break;
	case BLK_OP_CLOSE:
		err = end_session(badge);
		break;
	case BLK_OP_BATCH:
		err = batch(m, &in, badge);
		break;
	default:
		err = BLK_E_BAD_REQUEST;
		break;
	}
	m->label = err;
	if (got != UK_NO_CAP)
		uk_cap_delete(got);     /* keep nothing else a client sent */
}

int main(uint64_t arg)
{
	uint64_t deaths = UK_NO_CAP;    /* my death notices */

	(void)arg;
	sess_init(&table, BLK_SESSIONS_MAX, BLK_SESSIONS_PER_CLIENT);
	if (disk_init(&disk) < 0)
		return 1;
	rcv = uk_slot_alloc();
	minted = uk_slot_alloc();
	ep = reg_serve("blk");
	if (ep == UK_NO_CAP)
		return 1;
	printf("blk: virtio-blk, %lu sectors (%lu MiB)%s\n", disk.capacity,
	       disk.capacity >> 11, disk.read_only ? ", read-only" : "");
	reg_watch_deaths("blk", &deaths, SESS_DEATH_BIT);
	rpc_serve_loop(ep, &rcv, &minted, serve, &table, &ops);
}
