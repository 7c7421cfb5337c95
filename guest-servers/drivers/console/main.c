/*
 * console: the virtio-console driver and console service
 * (proto/console.h). init gives it its device; it registers "console"
 * and serves: receive, check, do, reply. Its device's interrupt is a
 * notification bound to its thread, so a receive also ends when input
 * arrives (label UK_LABEL_NOTIFY, nobody to reply to); input is taken
 * in then and on every request, and READ never waits.
 *
 * A session belongs to the client that opened it (sessions.h), and its
 * lines carry that client's name as init gave it (the registry's WHO),
 * whatever the client says: nobody writes as someone else. There is no
 * writing outside a session. A client
 * holds CONS_SESSIONS_PER_CLIENT; a dead client's sessions are ended
 * (their partial lines written out) when the registry says a client
 * died, and when OPEN finds all taken.
 */
#include <proto/console.h>
#include "dev.h"
#include "regname.h"
#include "regclient.h"
#include "sessions.h"
#include "uk.h"
#include "ulib.h"

struct session {
	char prefix[CONS_NAME_MAX + 4];         /* "[name] " */
	size_t plen;
	char line[CONS_LINE_MAX + 1];           /* the line so far */
	size_t len;
	int raw;                /* the sandbox's program: bytes as they are */
};

static int app_mode;            /* CONS_ARG_APP: only the program's bytes */
static char raw[CONS_RAW_MAX];  /* its output, not yet written */
static size_t raw_len;

static struct cons_dev dev;
static struct sess_table table;
static struct session sessions[CONS_SESSIONS_MAX];
static uint64_t ep;             /* my endpoint */
static uint64_t minted;         /* a session endpoint on its way out */

static void end(unsigned i, void *ctx);
static const struct sess_ops ops = { .alive = reg_client_alive, .end = end };

/* The open session badge names, or NULL. */
static struct session *find(uint64_t badge)
{
	int i = sess_find(&table, badge);

	return i < 0 ? NULL : &sessions[i];
}

/* Writes s's line (prefix, text, a newline) and empties it: to the
 * device, or in the sandbox to the kernel's log. */
static int flush_line(struct session *s)
{
	char out[sizeof s->prefix + sizeof s->line + 1];
	size_t n = s->plen;

	memcpy(out, s->prefix, s->plen);
	memcpy(out + n, s->line, s->len);
	n += s->len;
	out[n++] = '\n';
	s->len = 0;
	if (app_mode) {
		uk_debug_write(out, n);
		return 0;
	}
	return dev_write(&dev, out, n);
}

static int flush_raw(void)
{
	int r = raw_len ? dev_write(&dev, raw, raw_len) : 0;

	raw_len = 0;
	return r;
}

static enum cons_err put_raw(const uint8_t *b, size_t n)
{
	if (raw_len + n > sizeof raw && flush_raw() < 0)
		return CONS_E_IO;
	memcpy(raw + raw_len, b, n);
	raw_len += n;
	return CONS_OK;
}

/* Adds n bytes to session s's line, writing out each line it ends. A
 * control byte (a carriage return, an escape sequence's start, C0 or
 * C1, raw or UTF-8) could move the cursor back over the tag: only
 * printable ASCII and tabs go out, anything else as '?'. */
static enum cons_err put_bytes(struct session *s, const uint8_t *b, size_t n)
{
	int r = 0;

	if (s->raw)
		return put_raw(b, n);
	for (size_t i = 0; i < n && r == 0; i++) {
		uint8_t c = b[i];

		if (c == '\n' || s->len == CONS_LINE_MAX)
			r = flush_line(s);
		if (c == '\n')
			continue;
		if ((c < 0x20 && c != '\t') || c >= 0x7f)
			c = '?';
		s->line[s->len++] = (char)c;
	}
	return r < 0 ? CONS_E_IO : CONS_OK;
}

/* Writes out session i's partial line: its owner closed it, or died. */
static void end(unsigned i, void *ctx)
{
	(void)ctx;
	if (sessions[i].raw)
		flush_raw();
	else if (sessions[i].len)
		flush_line(&sessions[i]);       /* its last words */
}

/* OPEN by owner: the session's tag is the name init gave the owner (a
 * name the client sends is checked, and otherwise unused). */
static enum cons_err open_session(struct uk_msg *m, const uint64_t *w,
				  uint64_t owner)
{
	char name[REG_NAME_MAX + 1];
	uint64_t badge;
	int i;

	if (reg_name_unpack(w, name) != REG_OK)
		return CONS_E_BAD_NAME;
	if (owner == 0 || reg_who(owner, name) != REG_OK)
		snprintf(name, sizeof name, "?");
	if (owner == 0 || (i = sess_open(&table, owner, &badge, &ops)) < 0)
		return CONS_E_FULL;
	if (uk_cap_mint(ep, minted, UK_R_SEND, badge) != UK_OK) {
		sess_close(&table, (unsigned)i);
		return CONS_E_FULL;
	}
	sessions[i] = (struct session){ 0 };
	sessions[i].raw = app_mode && strcmp(name, "app") == 0;
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
	if (m->cap != UK_NO_CAP)
		uk_cap_delete(m->cap);  /* none is ever taken */
	*m = (struct uk_msg){ .cap = UK_NO_CAP };
	dev_poll(&dev);
	if (n > CONS_BYTES_MAX || (label >> 24))
		e = CONS_E_BAD_REQUEST;
	else if (op == CONS_OP_WRITE && !s)
		e = CONS_E_NO_SESSION;  /* untagged, or a session ended */
	else if (op == CONS_OP_WRITE)
		e = put_bytes(s, (const uint8_t *)w, n);
	else if (op == CONS_OP_READ && flush_raw() < 0)
		e = CONS_E_IO;
	else if (op == CONS_OP_READ) {
		n = dev_read(&dev, m->w, n);
		if (n == 0 && dev_eof(&dev))
			e = CONS_E_EOF;
	}
	else if (op == CONS_OP_FLUSH && !s)
		e = CONS_E_NO_SESSION;
	else if (op == CONS_OP_FLUSH)
		e = s->raw && flush_raw() < 0 ? CONS_E_IO : CONS_OK;
	else if (op == CONS_OP_OPEN)
		e = open_session(m, w, sess_owner(&table, badge));
	else if (op == CONS_OP_CLOSE && !s)
		e = CONS_E_NO_SESSION;
	else if (op == CONS_OP_CLOSE) {
		if ((s->raw ? flush_raw() : s->len ? flush_line(s) : 0) < 0)
			e = CONS_E_IO;
		s->len = 0;
		sess_close(&table, (unsigned)(s - sessions));
	} else
		e = CONS_E_BAD_REQUEST;
	m->label = CONS_LABEL(e, e == CONS_OK && op == CONS_OP_READ ? n : 0);
}

int main(uint64_t arg)
{
	struct uk_msg m;
	int bound;
	int r;

	app_mode = (arg & CONS_ARG_APP) != 0;
	printf_log_only();      /* my own lines: never a call to myself */
	sess_init(&table, CONS_SESSIONS_MAX, CONS_SESSIONS_PER_CLIENT);
	if (dev_init(&dev) < 0)
		return 1;
	ep = uk_slot_alloc();
	minted = uk_slot_alloc();
	if (uk_obj_create(ep, UK_CAP_ENDPOINT) != UK_OK) {
		eprintf("console: cannot create my endpoint\n");
		return 1;
	}
	bound = uk_ntfn_bind(dev.ntfn) == UK_OK;
	if (!bound)
		printf("console: no bound notification: input taken in on "
		       "requests only\n");
	r = reg_register("console", ep);
	if (r != REG_OK) {
		eprintf("console: register: %s\n", reg_strerror(r));
		return 1;
	}
	if (bound)
		reg_watch_deaths("console", &dev.ntfn, SESS_DEATH_BIT);
	printf("console: virtio-console, serving\n");
	uk_recv(ep, &m);
	for (;;) {
		uint64_t sent;

		if (m.label == UK_LABEL_NOTIFY && m.badge == 0) {
			if (m.w[0] & SESS_DEATH_BIT)    /* a client died */
				sess_reap(&table, &ops);
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
