#include "fastpath.h"
#include "ipc.h"
#include "kentry.h"
#include "sched.h"
#include "tqueue.h"

/* The endpoint in slot r->rdi if the cap has rights and no capability is
 * to travel; else NULL. */
static inline struct endpoint *fast_ep(struct thread *t, struct trap_frame *r,
				       uint8_t rights)
{
	struct cap *c;

	if (r->r12 != UK_NO_CAP || r->rdi >= UK_CAP_SLOTS)
		return NULL;
	c = &t->proc->caps[r->rdi];
	if (c->type != UK_CAP_ENDPOINT || !(c->rights & rights))
		return NULL;
	return c->obj;
}

void fastpath(struct thread *t)
{
	struct trap_frame *r = t->regs;
	struct endpoint *ep;
	struct thread *p;

	if (r->rax == UK_SYS_CALL) {
		ep = fast_ep(t, r, UK_R_SEND);
		if (!ep || ep->dead || !(p = ep->recvq) || p->caller)
			return;
		tq_remove(&ep->recvq, p);
		p->ep = NULL;
		ipc_copy_msg(p->regs, r, t->proc->caps[r->rdi].badge);
		t->state = T_REPLY;
		t->is_call = 1;
		t->server = p;
		p->caller = t;
	} else if (r->rax == UK_SYS_REPLY_RECV) {
		ep = fast_ep(t, r, UK_R_RECV);
		if (!ep || ep->dead || ep->sendq || !(p = t->caller) ||
		    (t->bound && t->bound->bits))
			return;
		ipc_copy_msg(p->regs, r, 0);
		p->server = NULL;
		t->caller = NULL;
		t->state = T_RECV;
		t->ep = ep;
		tq_push(&ep->recvq, t);
	} else {
		return;
	}
	p->state = T_READY;
	sched_cur = p;
	switch_to(p);
}
