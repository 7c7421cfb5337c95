/*
 * console: the virtio-console driver and console service
 * (proto/console.h). init gives it its device; it registers "console"
 * and serves: receive, check, do, reply. Its device's interrupt is a
 * notification bound to its thread, so a receive also ends when input
 * arrives (label UK_LABEL_NOTIFY, nobody to reply to); input is taken
 * in then and on every request, and READ never waits.
 *
 * Sessions are a cache: a client that dies never says so, so OPEN with
 * every session taken ends the one used least recently (its partial
 * line written out first), and that client's next WRITE is told
 * CONS_E_NO_SESSION and opens again (libuk's conout does).
 */
#include <proto/console.h>
#include "dev.h"
#include "regname.h"
#include "regclient.h"
#include "uk.h"
#include "ulib.h"

struct session {
	int open;
	uint64_t gen;                           /* 56 bits of it in a badge */
	uint64_t used;                          /* when last asked, in requests */
	char prefix[CONS_NAME_MAX + 4];         /* "[name] " */
	size_t plen;
	char line[CONS_LINE_MAX + 1];           /* the line so far */
	size_t len;
};

static struct cons_dev dev;
static struct session sessions[CONS_SESSIONS_MAX];
static uint64_t gen;
static uint64_t requests;       /* the clock of struct session.used */
static uint64_t ep;             /* my endpoint */
static uint64_t minted;         /* a session endpoint on its way out */

/* The badge of the endpoint I register: not 0, which only the kernel's
 * UK_LABEL_NOTIFY carries, and naming no session. */
#define PUBLIC_BADGE    0xffu

/* The open session badge names (index + 1 in the low byte, the
 * generation above), or NULL. */
static struct session *find(uint64_t badge)
{
	uint64_t i = (badge & 0xff) - 1;

	if (i >= CONS_SESSIONS_MAX || !sessions[i].open ||
	    sessions[i].gen != badge >> 8)
		return NULL;
	return &sessions[i];
}

/* Writes s's line (prefix, text, a newline) and empties it. */
static int flush_line(struct session *s)
{
	char out[sizeof s->prefix + sizeof s->line + 1];
	size_t n = s->plen;

	memcpy(out, s->prefix, s->plen);
	memcpy(out + n, s->line, s->len);
	n += s->len;
	out[n++] = '\n';
	s->len = 0;
	return dev_write(&dev, out, n);
}

static enum cons_err put_bytes(struct session *s, const uint8_t *b, size_t n)
{
	int r = 0;

	if (!s)
		return dev_write(&dev, b, n) < 0 ? CONS_E_IO : CONS_OK;
	for (size_t i = 0; i < n && r == 0; i++) {
		if (b[i] == '\n' || s->len == CONS_LINE_MAX)
			r = flush_line(s);
		if (b[i] != '\n')
			s->line[s->len++] = (char)b[i];
	}
	return r < 0 ? CONS_E_IO : CONS_OK;
}

/* The open session asked least recently (all are open). */
static unsigned least_recent(void)
{
	unsigned lru = 0;

	for (unsigned i = 1; i < CONS_SESSIONS_MAX; i++)
		if (sessions[i].used < sessions[lru].used)
			lru = i;
	return lru;
}

static enum cons_err open_session(struct uk_msg *m, const uint64_t *w)
{
	char name[REG_NAME_MAX + 1];
	unsigned i;

	if (reg_name_unpack(w, name) != REG_OK)
		return CONS_E_BAD_NAME;
	for (i = 0; i < CONS_SESSIONS_MAX && sessions[i].open; i++)
		;
	if (i == CONS_SESSIONS_MAX)
		i = least_recent();
	if (uk_cap_mint(ep, minted, UK_R_SEND, (uint64_t)(gen + 1) << 8 |
			(i + 1)) != UK_OK)
		return CONS_E_FULL;
	if (sessions[i].open && sessions[i].len)
		flush_line(&sessions[i]);       /* its last words */
	sessions[i] = (struct session){ .open = 1, .gen = ++gen,
					.used = ++requests };
	sessions[i].plen = (size_t)snprintf(sessions[i].prefix,
					    sizeof sessions[i].prefix,
					    "[%s] ", name);
	m->cap = minted;
	return CONS_OK;
}

/* Handles request m; the reply replaces it. */
static void serve(struct uk_msg *m)
{
	uint64_t label = m->label, op = CONS_OP(label), n = CONS_COUNT(label);
	uint64_t w[4], badge = m->badge;
	struct session *s = find(badge);
	enum cons_err e = CONS_OK;

	memcpy(w, m->w, sizeof w);
	if (s)
		s->used = ++requests;
	if (m->cap != UK_NO_CAP)
		uk_cap_delete(m->cap);  /* none is ever taken */
	*m = (struct uk_msg){ .cap = UK_NO_CAP };
	dev_poll(&dev);
	if (n > CONS_BYTES_MAX || (label >> 24))
		e = CONS_E_BAD_REQUEST;
	else if (op == CONS_OP_WRITE && !s && badge != PUBLIC_BADGE)
		e = CONS_E_NO_SESSION;  /* a session that was ended */
	else if (op == CONS_OP_WRITE)
		e = put_bytes(s, (const uint8_t *)w, n);
	else if (op == CONS_OP_READ)
		n = dev_read(&dev, m->w, n);
	else if (op == CONS_OP_OPEN)
		e = open_session(m, w);
	else if (op == CONS_OP_CLOSE && !s)
		e = CONS_E_NO_SESSION;
	else if (op == CONS_OP_CLOSE) {
		if (s->len && flush_line(s) < 0)
			e = CONS_E_IO;
		s->open = 0;
	} else
		e = CONS_E_BAD_REQUEST;
	m->label = CONS_LABEL(e, e == CONS_OK && op == CONS_OP_READ ? n : 0);
}

int main(uint64_t arg)
{
	struct uk_msg m;
	int r;

	(void)arg;
	printf_log_only();      /* my own lines: never a call to myself */
	if (dev_init(&dev) < 0)
		return 1;
	ep = uk_slot_alloc();
	minted = uk_slot_alloc();
	if (uk_obj_create(ep, UK_CAP_ENDPOINT) != UK_OK) {
		eprintf("console: cannot create my endpoint\n");
		return 1;
	}
	if (uk_ntfn_bind(dev.ntfn) != UK_OK)
		printf("console: no bound notification: input taken in on "
		       "requests only\n");
	if (uk_cap_mint(ep, minted, UK_R_SEND | UK_R_GRANT,
			PUBLIC_BADGE) != UK_OK) {
		eprintf("console: cannot mint my public endpoint\n");
		return 1;
	}
	r = reg_register("console", minted);
	uk_cap_delete(minted);
	if (r != REG_OK) {
		eprintf("console: register: %s\n", reg_strerror(r));
		return 1;
	}
	printf("console: virtio-console, serving\n");
	uk_recv(ep, &m);
	for (;;) {
		uint64_t sent;

		if (m.label == UK_LABEL_NOTIFY && m.badge == 0) {
			dev_poll(&dev);         /* the interrupt: no caller */
			m = (struct uk_msg){ .cap = UK_NO_CAP };
			if (uk_recv(ep, &m) != UK_OK)
				m.label = CONS_OP_NONE;
			continue;
		}
		serve(&m);
		sent = m.cap;
		if (uk_reply_recv(ep, &m) != UK_OK)
			m = (struct uk_msg){ .label = CONS_OP_NONE,
					     .cap = UK_NO_CAP };
		if (sent == minted)
			uk_cap_delete(minted);  /* the client has its copy */
	}
}
