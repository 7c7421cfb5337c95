/*
 * echo: the demo service. Registers "echo" and answers proto/echo.h:
 * receive, check, do, reply. It trusts nothing in a request: an unknown
 * label or a missing capability gets an error code.
 */
#include <proto/echo.h>
#include "regclient.h"
#include "uk.h"
#include "ulib.h"

static uint64_t ep, rcv, minted;

/* Handle request m (its capability, if any, is in slot rcv); the reply
 * goes back in m. */
static void serve(struct uk_msg *m)
{
	uint64_t label = m->label, badge = m->badge, got = m->cap;

	*m = (struct uk_msg){ .label = ECHO_OK, .cap = UK_NO_CAP,
			      .w = { m->w[0], m->w[1], m->w[2], m->w[3] } };
	switch (label) {
	case ECHO_OP_ECHO:
		break;
	case ECHO_OP_MINT:
		/* A server's badge: never a client's identity. */
		if (uk_cap_mint(ep, minted, UK_R_SEND,
				m->w[0] | REG_SERVER_BADGE_BIT) != UK_OK)
			m->label = ECHO_E_FAILED;
		else
			m->cap = minted;
		break;
	case ECHO_OP_WHO:
		m->w[0] = badge;
		break;
	case ECHO_OP_SIGNAL:
		if (got == UK_NO_CAP)
			m->label = ECHO_E_NO_CAP;
		else if (uk_signal(rcv, m->w[0]) != UK_OK)
			m->label = ECHO_E_FAILED;
		break;
	default:
		m->label = ECHO_E_BAD_REQUEST;
		break;
	}
	if (got != UK_NO_CAP)
		uk_cap_delete(rcv);     /* keep nothing a client sent */
}

int main(uint64_t arg)
{
	struct uk_msg m = { .cap = UK_NO_CAP };

	(void)arg;
	rcv = uk_slot_alloc();
	minted = uk_slot_alloc();
	ep = reg_serve("echo");
	if (ep == UK_NO_CAP)
		return 1;
	printf("echo: registered, serving\n");
	/* rpc_serve_loop's work, inlined: echo is the IPC benchmark's peer,
	 * and the shared loop's indirect call costs it 36 user instructions
	 * per round trip. */
	uk_recv_rcv(ep, &m, rcv);
	for (;;) {
		serve(&m);
		uint64_t sent = m.cap;

		if (uk_reply_recv_rcv(ep, &m, rcv) != UK_OK)
			m.label = ECHO_OP_NONE;
		/* The minted copy left with the reply; drop ours. */
		if (sent == minted)
			uk_cap_delete(minted);
	}
}
