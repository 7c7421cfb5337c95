/*
 * fs: the file service (proto/fs.h). Named blobs on the block device
 * (store.h, layout.h); it registers "fs" and serves: receive, check, do,
 * reply. A client's buffer is mapped here while its session is open;
 * every name and byte is copied out of it before it is checked or used.
 * Sessions belong to the client that set them up (sessions.h):
 * FS_SESSIONS_PER_CLIENT each, a dead client's taken back when the
 * registry says it died. Blobs belong to the program that wrote them
 * (layout.h): a session sees, writes and deletes its owner's only (and
 * nobody's), within the owner's share of the disk.
 */
#include <proto/fs.h>
#include "store.h"
#include "regclient.h"
#include "rpc.h"
#include "sessions.h"
#include "uk.h"
#include "ulib.h"
#include "umap.h"


struct session {
	uint64_t slot;          /* the client's memory capability */
	uint64_t bytes;
	uint8_t *buf;           /* mapped here */
	uint64_t owner;         /* fs_owner_tag of the client's name */
};

static struct store st;
static struct sess_table table;
static struct session sessions[FS_SESSIONS_MAX];
static uint64_t ep;             /* my endpoint */
static uint64_t rcv;            /* empty slot for a client's capability */
static uint64_t minted;         /* a session endpoint on its way out */

static void end(unsigned i, void *ctx);
static const struct sess_ops ops = { .alive = reg_client_alive, .end = end };

/* The open session a badge names, or NULL. */
static struct session *find(uint64_t badge)
{
	int i = sess_find(&table, badge);

	return i < 0 ? NULL : &sessions[i];
}

/* Whether [off, off + n) lies in s's buffer. */
static int in_buf(const struct session *s, uint64_t off, uint64_t n)
{
	return off <= s->bytes && n <= s->bytes - off;
}

/* SETUP by owner: the buffer arrived in rcv; a session keeps it. */
static enum fs_err setup(struct uk_msg *m, uint64_t owner)
{
	uint64_t type, rights, badge, pages, phys, need = UK_R_READ | UK_R_WRITE;
	char name[REG_NAME_MAX + 1];
	uint64_t va;
	int i;

	if (uk_cap_info(rcv, &type, &rights, &badge) != UK_OK ||
	    type != UK_CAP_MEMORY || (rights & need) != need ||
	    uk_mem_info(rcv, &pages, &phys) != UK_OK || pages == 0 ||
	    pages > FS_BUFFER_MAX / UK_PAGE_SIZE)
		return FS_E_BAD_BUFFER;
	/* Whose blobs: the name init gave the client (a dead one: none). */
	if (owner == 0 || reg_who(owner, name) != REG_OK ||
	    (i = sess_open(&table, owner, &badge, &ops)) < 0)
		return FS_E_FULL;
	va = UMAP_CLIENTS + (uint64_t)i * FS_BUFFER_MAX;
	if (uk_mem_map(UK_SELF, rcv, va, need) != UK_OK) {
		sess_close(&table, (unsigned)i);
		return FS_E_BAD_BUFFER;
	}
	if (uk_cap_mint(ep, minted, UK_R_SEND, badge) != UK_OK) {
		uk_mem_unmap(UK_SELF, va, pages);
		sess_close(&table, (unsigned)i);
		return FS_E_FULL;
	}
	sessions[i] = (struct session){ .slot = rcv,
					.bytes = pages * UK_PAGE_SIZE,
					.buf = (uint8_t *)(uintptr_t)va,
					.owner = fs_owner_tag(name) };
	m->cap = minted;
	m->w[0] = sessions[i].bytes;
	rcv = uk_slot_alloc();
	return FS_OK;
}

/* Lets go of what session i holds (its owner closed it, or died). */
static void end(unsigned i, void *ctx)
{
	struct session *s = &sessions[i];

	(void)ctx;
	uk_mem_unmap(UK_SELF, (uintptr_t)s->buf, s->bytes / UK_PAGE_SIZE);
	uk_cap_delete(s->slot);
	uk_slot_free(s->slot);
	*s = (struct session){ 0 };
	if (rcv == UK_NO_CAP)
		rcv = uk_slot_alloc();
}

static enum fs_err end_session(struct session *s)
{
	unsigned i = (unsigned)(s - sessions);

	end(i, NULL);
	sess_close(&table, i);
	return FS_OK;
}

/* Copies the name field at off in s's buffer into name and checks it. */
static enum fs_err get_name(const struct session *s, uint64_t off,
			    char name[FS_NAME_MAX])
{
	if (!in_buf(s, off, FS_NAME_MAX))
		return FS_E_BAD_REQUEST;
	memcpy(name, s->buf + off, FS_NAME_MAX);
	return fs_name_check(name);
}

static enum fs_err do_write(struct session *s, const uint64_t *w)
{
	char name[FS_NAME_MAX];
	enum fs_err e = get_name(s, w[0], name);

	if (e == FS_OK && !in_buf(s, w[1], w[2]))
		e = FS_E_BAD_REQUEST;
	if (e == FS_OK && w[2] > FS_BLOB_MAX)
		e = FS_E_TOO_BIG;
	if (e != FS_OK)
		return e;
	memcpy(st.data, s->buf + w[1], w[2]);
	return store_write(&st, s->owner, name, w[2]);
}

static enum fs_err do_read(struct session *s, uint64_t *w)
{
	char name[FS_NAME_MAX];
	enum fs_err e = get_name(s, w[0], name);
	int i;

	if (e == FS_OK && !in_buf(s, w[1], w[2]))
		e = FS_E_BAD_REQUEST;
	if (e != FS_OK)
		return e;
	i = fs_find(&st.meta, s->owner, name);
	if (i < 0)
		return FS_E_NOT_FOUND;
	if (st.meta.dir[i].length > w[2]) {
		w[0] = st.meta.dir[i].length;
		return FS_E_TOO_BIG;
	}
	e = store_read(&st, i);
	if (e == FS_OK) {
		memcpy(s->buf + w[1], st.data, st.meta.dir[i].length);
		w[0] = st.meta.dir[i].length;
	}
	return e;
}

static enum fs_err do_delete(struct session *s, const uint64_t *w)
{
	char name[FS_NAME_MAX];
	enum fs_err e = get_name(s, w[0], name);
	int i;

	if (e != FS_OK)
		return e;
	i = fs_find(&st.meta, s->owner, name);
	return i < 0 ? FS_E_NOT_FOUND : store_delete(&st, i);
}

static enum fs_err do_list(struct session *s, uint64_t *w)
{
	uint64_t n = 0;

	if (!in_buf(s, w[1], FS_NAME_MAX))
		return FS_E_BAD_REQUEST;
	for (unsigned i = 0; i < FS_FILES_MAX; i++) {
		if (!fs_visible(&st.meta, s->owner, i) || n++ != w[0])
			continue;
		memcpy(s->buf + w[1], st.meta.dir[i].name, FS_NAME_MAX);
		w[0] = st.meta.dir[i].length;
		return FS_OK;
	}
	return FS_E_NOT_FOUND;
}

/* Handles request m (a capability it carried is in rcv); the reply
 * replaces it. */
static void serve(struct uk_msg *m)
{
	uint64_t label = m->label, got = m->cap, badge = m->badge, w[4];
	struct session *s = find(badge);
	enum fs_err e = FS_OK;

	memcpy(w, m->w, sizeof w);
	*m = (struct uk_msg){ .cap = UK_NO_CAP };
	if (label == FS_OP_SETUP) {
		e = got == UK_NO_CAP ? FS_E_BAD_BUFFER :
		    setup(m, sess_owner(&table, badge));
		if (e == FS_OK)
			got = UK_NO_CAP;        /* the session keeps it */
	} else if (label == FS_OP_INFO) {
		w[0] = st.meta.super.sectors - FS_DATA_START;
		w[1] = fs_free_sectors(&st.meta);
		w[2] = 0;
		for (unsigned i = 0; i < FS_FILES_MAX; i++)
			w[2] += !st.meta.dir[i].name[0];
	} else if (label == FS_OP_NONE || label >= FS_OP_MAX) {
		e = FS_E_BAD_REQUEST;
	} else if (!s) {
		e = FS_E_NO_BUFFER;
	} else {
		switch (label) {
		case FS_OP_WRITE: e = do_write(s, w); break;
		case FS_OP_READ: e = do_read(s, w); break;
		case FS_OP_DELETE: e = do_delete(s, w); break;
		case FS_OP_LIST: e = do_list(s, w); break;
		case FS_OP_CLOSE: e = end_session(s); break;
		}
	}
	m->label = e;
	if (label != FS_OP_SETUP)
		memcpy(m->w, w, 3 * sizeof w[0]);
	if (got != UK_NO_CAP)
		uk_cap_delete(got);     /* keep nothing else a client sent */
}

int main(uint64_t arg)
{
	uint64_t deaths = UK_NO_CAP;    /* my death notices */

	(void)arg;
	sess_init(&table, FS_SESSIONS_MAX, FS_SESSIONS_PER_CLIENT);
	if (store_open(&st) < 0)
		return 1;
	rcv = uk_slot_alloc();
	minted = uk_slot_alloc();
	ep = reg_serve("fs");
	if (ep == UK_NO_CAP)
		return 1;
	reg_watch_deaths("fs", &deaths, SESS_DEATH_BIT);
	rpc_serve_loop(ep, &rcv, &minted, serve, &table, &ops);
}
