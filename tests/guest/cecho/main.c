/*
 * cecho: the console service's test (proto/console.h). It says hello
 * through a session named "cecho" (the line comes out as "[cecho] ..."),
 * then reads lines from the console's input and writes each back as
 * "[cecho] echo: LINE" through the same session, until the line "quit".
 * A WRITE outside a session must be refused. Then
 * it prints `utest console: ok` with eprintf (the kernel log) and exits
 * 0. A READ that finds nothing is retried after uk_yield: the service
 * never blocks a reader.
 */
#include <proto/console.h>
#include "regclient.h"
#include "regname.h"
#include "uk.h"
#include "ulib.h"

#define LINE_MAX        200
#define IDLE_MAX        20000000ul      /* empty READs before giving up */

static uint64_t cons;

/* Writes n bytes on to, in pieces of CONS_BYTES_MAX; 0 or -1. */
static int put(uint64_t to, const char *s, size_t n)
{
	while (n) {
		size_t k = n < CONS_BYTES_MAX ? n : CONS_BYTES_MAX;
		struct uk_msg m = { .label = CONS_LABEL(CONS_OP_WRITE, k),
				    .cap = UK_NO_CAP };

		memcpy(m.w, s, k);
		if (uk_call(to, &m) != UK_OK || m.label != CONS_OK)
			return -1;
		s += k;
		n -= k;
	}
	return 0;
}

/* A session named name: its endpoint's slot, or UK_NO_CAP. While every
 * session is a living program's, it asks again, a yield apart. */
static uint64_t open_session(const char *name)
{
	uint64_t slot = uk_slot_alloc();
	enum uk_err e = UK_E_ARG;
	struct uk_msg m;

	for (unsigned tries = 0; slot != UK_NO_CAP && tries < 1000; tries++) {
		m = (struct uk_msg){ .label = CONS_OP_OPEN, .cap = UK_NO_CAP };
		if (reg_name_pack(name, m.w) == REG_OK)
			e = uk_call_rcv(cons, &m, slot);
		if (e == UK_OK && m.label == CONS_OK && m.cap == slot)
			return slot;
		if (e == UK_OK && m.cap == slot)
			uk_cap_delete(slot);    /* a capability with a refusal */
		if (e != UK_OK || m.label != CONS_E_FULL)
			break;
		uk_yield();
	}
	uk_slot_free(slot);
	return UK_NO_CAP;
}

/* Reads one line (without its newline) into line; its length, or -1
 * when the input stays empty too long or the service fails. */
static long get_line(char *line)
{
	static char pending[CONS_BYTES_MAX];
	static size_t np, pos;
	unsigned long idle = 0;
	long n = 0;

	for (;;) {
		while (pos < np) {
			char c = pending[pos++];

			if (c == '\n')
				return n;
			if (c != '\r' && n < LINE_MAX)
				line[n++] = c;
		}
		struct uk_msg m = { .label = CONS_LABEL(CONS_OP_READ,
							 CONS_BYTES_MAX),
				    .cap = UK_NO_CAP };

		if (uk_call(cons, &m) != UK_OK ||
		    CONS_OP(m.label) != CONS_OK)
			return -1;
		np = CONS_COUNT(m.label);
		pos = 0;
		memcpy(pending, m.w, np);
		if (np == 0 && ++idle > IDLE_MAX)
			return -1;
		if (np == 0)
			uk_yield();
	}
}

/* Says s through my session me, or through a new one when the service
 * ended it. 0 or -1. */
static int say(uint64_t *me, const char *s)
{
	if (*me != UK_NO_CAP && put(*me, s, strlen(s)) == 0)
		return 0;
	if (*me != UK_NO_CAP) {
		uk_cap_delete(*me);
		uk_slot_free(*me);
	}
	*me = open_session("cecho");
	return *me == UK_NO_CAP ? -1 : put(*me, s, strlen(s));
}

int main(uint64_t arg)
{
	static char line[LINE_MAX + 8], out[LINE_MAX + 16];
	uint64_t me;
	long n;
	int r, lines = 0;

	(void)arg;
	cons = uk_slot_alloc();
	r = reg_lookup("console", cons);
	if (r != REG_OK) {
		eprintf("cecho: lookup console: %s\n", reg_strerror(r));
		return 1;
	}
	struct uk_msg raw = { .label = CONS_LABEL(CONS_OP_WRITE, 9),
			      .cap = UK_NO_CAP };
	memcpy(raw.w, "untagged\n", 9);
	if (uk_call(cons, &raw) != UK_OK || raw.label != CONS_E_NO_SESSION) {
		eprintf("cecho: a WRITE outside a session was not refused\n");
		return 1;
	}
	me = open_session("cecho");
	if (say(&me, "ready\n") < 0) {
		eprintf("cecho: cannot open a session\n");
		return 1;
	}
	while ((n = get_line(line)) >= 0) {
		line[n] = 0;
		if (strcmp(line, "quit") == 0)
			break;
		snprintf(out, sizeof out, "echo: %s\n", line);
		if (say(&me, out) < 0) {
			eprintf("cecho: write failed\n");
			return 1;
		}
		lines++;
	}
	if (n < 0) {
		eprintf("cecho: no more input after %d lines\n", lines);
		return 1;
	}
	say(&me, "bye\n");
	eprintf("cecho: %d lines echoed\n", lines);
	eprintf("utest console: ok\n");
	return 0;
}
