#include "rpc.h"
#include "sessions.h"
#include "uk.h"

int rpc_call(uint64_t ep, struct uk_msg *m, uint64_t rcv_slot, uint64_t nerr)
{
	enum uk_err e = uk_call_rcv(ep, m, rcv_slot);

	if (e != UK_OK)
		return -(int)e;
	if (m->label != 0 && m->cap != UK_NO_CAP) {
		uk_cap_delete(m->cap);
		m->cap = UK_NO_CAP;
	}
	if (m->label >= nerr)
		return -(int)UK_E_ARG;
	return (int)m->label;
}

int rpc_open(uint64_t ep, struct uk_msg *m, uint64_t dst, uint64_t nerr)
{
	int r;

	if (dst == UK_NO_CAP)           /* no slot for what comes back */
		return -(int)UK_E_NOMEM;
	r = rpc_call(ep, m, dst, nerr);
	if (r != 0 || m->cap == dst)
		return r;
	if (m->cap != UK_NO_CAP)
		uk_cap_delete(m->cap);
	return -(int)UK_E_ARG;
}

const char *rpc_strerror(int r, const char *const *names, size_t n)
{
	if (r < 0)
		return uk_strerror((uint64_t)-(int64_t)r);
	return (size_t)r < n && names[r] ? names[r] : "?";
}

void rpc_serve_loop(uint64_t ep, const uint64_t *rcv, const uint64_t *minted,
		    void (*serve)(struct uk_msg *m), struct sess_table *t,
		    const struct sess_ops *ops)
{
	struct uk_msg m;

	uk_recv_rcv(ep, &m, *rcv);
	for (;;) {
		uint64_t sent;

		if (m.label == UK_LABEL_NOTIFY && m.badge == 0) {
			/* My bound notification (no caller): a death? */
			if (t && (m.w[0] & SESS_DEATH_BIT))
				sess_reap(t, ops);
			if (uk_recv_rcv(ep, &m, *rcv) != UK_OK)
				m = (struct uk_msg){ .cap = UK_NO_CAP };
			continue;
		}
		serve(&m);
		sent = m.cap;
		if (uk_reply_recv_rcv(ep, &m, *rcv) != UK_OK)
			m = (struct uk_msg){ .label = 0, .cap = UK_NO_CAP };
		if (sent == *minted)
			uk_cap_delete(*minted); /* the client has its copy */
	}
}
