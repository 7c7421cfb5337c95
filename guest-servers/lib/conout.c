#include "conout.h"
#include <proto/console.h>
#include "regclient.h"
#include "uk.h"
#include "ulib.h"

#define CONOUT_REOPEN_MAX       16
/* OPEN answered CONS_E_FULL (every session a living program's): tries,
 * a yield apart, before a line goes to the kernel log; and lines that
 * may still try before the log is for good. */
#define CONOUT_FULL_TRIES       64
#define CONOUT_FULL_LINES       32

enum conout_state {
	CONOUT_UNKNOWN = 0,     /* not looked for yet */
	CONOUT_OPEN,            /* session holds my session endpoint */
	CONOUT_LOG,             /* the kernel log, for good */
};

static enum conout_state state;
static uint64_t session = UK_NO_CAP;

/* Opens my session on the console service in slot cons; its slot, or
 * UK_NO_CAP. While the console is full of living programs' sessions, it
 * asks again a while (a dead program's come back once init has told the
 * registry); *full says whether that is why it failed. Only a capability
 * that landed is ever deleted: the slot allocator may hand out a slot
 * that raw system calls filled. */
static uint64_t open_on(uint64_t cons, const char *name, int *full)
{
	uint64_t slot = uk_slot_alloc();
	enum uk_err e = UK_OK;
	struct uk_msg m;

	*full = 0;
	for (unsigned tries = 0; slot != UK_NO_CAP && e == UK_OK &&
	     tries < CONOUT_FULL_TRIES; tries++) {
		m = (struct uk_msg){ .label = CONS_OP_OPEN, .cap = UK_NO_CAP };
		if (reg_name_pack(name, m.w) != REG_OK)
			break;
		e = uk_call_rcv(cons, &m, slot);
		if (e == UK_OK && m.label == CONS_OK && m.cap == slot)
			return slot;
		if (e == UK_OK && m.cap == slot)
			uk_cap_delete(slot);
		*full = e == UK_OK && m.label == CONS_E_FULL;
		if (!*full)
			break;
		uk_yield();
	}
	uk_slot_free(slot);
	return UK_NO_CAP;
}

/* Lines that found the console full so far. */
static unsigned full_lines;

/* Looks the console service up and opens my session: 0; -1, or -2 when
 * the console was full (worth trying again at a later line). */
static int find_console(void)
{
	const char *name = uk_progname();
	uint64_t cons;
	int full = 0;

	if (!name[0])
		return -1;              /* nameless (init): no session */
	cons = uk_slot_alloc();
	if (cons == UK_NO_CAP)
		return -1;
	if (reg_lookup("console", cons) == REG_OK) {
		session = open_on(cons, name, &full);
		uk_cap_delete(cons);    /* the session is all I keep */
	}
	uk_slot_free(cons);
	if (session != UK_NO_CAP)
		return 0;
	return full && ++full_lines < CONOUT_FULL_LINES ? -2 : -1;
}

static void give_up(void)
{
	if (session != UK_NO_CAP) {
		uk_cap_delete(session);
		uk_slot_free(session);
		session = UK_NO_CAP;
	}
	state = CONOUT_LOG;
}

/* Sessions opened in a row with no write getting through between them. */
static unsigned reopened;

/* My session was ended (the server made room for a newer one): open a
 * new one, at most CONOUT_REOPEN_MAX times in a row, so that more writers
 * than sessions cannot take turns ending each other's forever (past
 * that, the kernel log). */
static int reopen(void)
{
	uk_cap_delete(session);
	uk_slot_free(session);
	session = UK_NO_CAP;
	if (reopened++ >= CONOUT_REOPEN_MAX || find_console() < 0) {
		state = CONOUT_LOG;
		return -1;
	}
	return 0;
}

int conout_write(const char *s, size_t n)
{
	if (n == 0)
		return 0;               /* no reason to look for a console */
	if (state == CONOUT_UNKNOWN) {
		int r = find_console();

		if (r == -2)
			return -1;      /* this line to the log; later, again */
		state = r == 0 ? CONOUT_OPEN : CONOUT_LOG;
	}
	if (state != CONOUT_OPEN)
		return -1;
	while (n) {
		size_t k = n < CONS_BYTES_MAX ? n : CONS_BYTES_MAX;
		struct uk_msg m = { .label = CONS_LABEL(CONS_OP_WRITE, k),
				    .cap = UK_NO_CAP };
		enum uk_err e;

		memcpy(m.w, s, k);
		e = uk_call(session, &m);
		if (e == UK_OK && m.label == CONS_E_NO_SESSION && reopen() == 0)
			continue;       /* ended for a newer one: again */
		if (e != UK_OK || m.label != CONS_OK) {
			give_up();      /* the server died (UK_E_DEAD) or broke */
			return -1;
		}
		reopened = 0;
		s += k;
		n -= k;
	}
	return 0;
}

void conout_close(void)
{
	struct uk_msg m = { .label = CONS_OP_CLOSE, .cap = UK_NO_CAP };

	if (state == CONOUT_OPEN)
		uk_call(session, &m);   /* nothing to do if it fails */
	give_up();
}

void printf_log_only(void)
{
	conout_close();
}
