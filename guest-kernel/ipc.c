#include "ipc.h"
#include "cap.h"
#include "sched.h"
#include "tqueue.h"

/*
 * Copy the message in from's registers into to's: label, four words, the
 * badge, and a capability when from sends one and may grant it. The
 * receiver named the slot for it in r14; if that slot cannot take it the
 * message arrives without the capability (r12 = UK_NO_CAP).
 */
static void deliver(struct thread *from, struct thread *to, uint64_t badge,
		    int grant)
{
	struct trap_frame *f = from->regs, *t = to->regs;
	uint64_t slot = t->r14;

	ipc_copy_msg(t, f, badge);
	if (grant && f->r12 != UK_NO_CAP &&
	    cap_copy(from->proc, f->r12, to->proc, slot, UK_R_ALL, 0, 0) == UK_OK)
		t->r12 = slot;
}

/* A server that receives while it still owes a reply lets the caller go. */
static void drop_caller(struct thread *cur)
{
	struct thread *c = cur->caller;

	if (c) {
		c->server = NULL;
		cur->caller = NULL;
		c->regs->rax = UK_E_NOREPLY;
		sched_enqueue(c);
	}
}

/* s's message has been delivered: a caller now waits for the reply of r,
 * a plain sender is done. */
static void sent(struct thread *s, struct thread *r)
{
	if (s->is_call) {
		s->state = T_REPLY;
		s->server = r;
		r->caller = s;
	} else {
		s->regs->rax = UK_OK;
	}
}

enum uk_err ipc_send(struct thread *cur, struct endpoint *ep, uint64_t badge,
		     int grant, int call)
{
	struct thread *r;

	if (ep->dead)
		return UK_E_DEAD;
	cur->is_call = (uint8_t)call;
	if (ep->recvq == NULL) {
		cur->state = T_SEND;
		cur->ep = ep;
		cur->badge = badge;
		cur->grant = (uint8_t)grant;
		tq_push(&ep->sendq, cur);
		return UK_OK;
	}
	r = tq_pop(&ep->recvq);
	r->ep = NULL;
	drop_caller(r);
	deliver(cur, r, badge, grant);
	sent(cur, r);
	if (call) {
		r->state = T_READY;     /* direct switch: no run queue */
		sched_cur = r;
	} else {
		sched_enqueue(r);
	}
	return UK_OK;
}

/* t's receive ends with its bound notification's bits. */
static void notify(struct thread *t, struct ntfn *n)
{
	struct trap_frame *r = t->regs;

	r->rax = UK_OK;
	r->rsi = UK_LABEL_NOTIFY;
	r->rdx = n->bits;
	r->r8 = r->r9 = r->r10 = 0;
	r->r12 = UK_NO_CAP;
	r->r13 = 0;
	n->bits = 0;
}

enum uk_err ipc_recv(struct thread *cur, struct endpoint *ep)
{
	struct thread *s;

	drop_caller(cur);
	if (ep->dead)
		return UK_E_DEAD;
	if (cur->bound && cur->bound->bits) {
		notify(cur, cur->bound);
		return UK_OK;
	}
	if (ep->sendq == NULL) {
		cur->state = T_RECV;
		cur->ep = ep;
		tq_push(&ep->recvq, cur);
		return UK_OK;
	}
	s = tq_pop(&ep->sendq);
	s->ep = NULL;
	deliver(s, cur, s->badge, s->grant);
	sent(s, cur);
	if (!s->is_call)
		sched_enqueue(s);
	return UK_OK;
}

/* Deliver cur's reply to its caller c; c is ready but on no queue. */
static struct thread *reply_to_caller(struct thread *cur)
{
	struct thread *c = cur->caller;

	if (!c)
		return NULL;
	deliver(cur, c, 0, 1);
	c->server = NULL;
	cur->caller = NULL;
	c->state = T_READY;
	return c;
}

enum uk_err ipc_reply(struct thread *cur)
{
	struct thread *c = reply_to_caller(cur);

	if (!c)
		return UK_E_NOREPLY;
	sched_enqueue(c);
	return UK_OK;
}

enum uk_err ipc_reply_recv(struct thread *cur, struct endpoint *ep)
{
	struct thread *c = reply_to_caller(cur);
	enum uk_err err = ipc_recv(cur, ep);

	if (!c)
		return err;
	/* cur goes on if something was waiting for it (or ep is dead): c
	 * waits its turn; else straight back to c. */
	if (cur->state == T_READY)
		sched_enqueue(c);
	else
		sched_cur = c;
	return err;
}

void ipc_signal(struct ntfn *n, uint64_t bits)
{
	struct thread *w = n->waiter, *b = n->bound;

	n->bits |= bits;
	if (!w && b && b->state == T_RECV && n->bits) {
		tq_remove(&b->ep->recvq, b);
		b->ep = NULL;
		notify(b, n);
		sched_enqueue(b);
		return;
	}
	if (w && n->bits) {
		n->waiter = NULL;
		w->ntfn = NULL;
		w->regs->rax = UK_OK;
		w->regs->rsi = n->bits;
		n->bits = 0;
		sched_enqueue(w);
	}
}

/* Unbind t's notification, if it has one. */
static void unbind(struct thread *t)
{
	if (t->bound)
		t->bound->bound = NULL;
	t->bound = NULL;
}

enum uk_err ipc_ntfn_bind(struct thread *t, struct ntfn *n)
{
	if (n && n->bound && n->bound != t)
		return UK_E_BUSY;
	unbind(t);
	t->bound = n;
	if (n)
		n->bound = t;
	return UK_OK;
}

enum uk_err ipc_wait(struct thread *cur, struct ntfn *n, int block)
{
	if (n->bits) {
		cur->regs->rsi = n->bits;
		n->bits = 0;
		return UK_OK;
	}
	if (!block)
		return UK_E_AGAIN;
	if (n->waiter)
		return UK_E_BUSY;
	cur->state = T_NTFN;
	cur->ntfn = n;
	n->waiter = cur;
	return UK_OK;
}

static void flush(struct thread **q, enum uk_err err)
{
	while (*q) {
		struct thread *t = tq_pop(q);
		t->ep = NULL;
		t->regs->rax = (uint64_t)err;
		sched_enqueue(t);
	}
}

void ipc_ep_flush(struct endpoint *ep, enum uk_err err)
{
	flush(&ep->sendq, err);
	flush(&ep->recvq, err);
}

void ipc_ntfn_flush(struct ntfn *n, enum uk_err err)
{
	struct thread *w = n->waiter;

	if (n->bound)
		unbind(n->bound);
	if (w) {
		n->waiter = NULL;
		w->ntfn = NULL;
		w->regs->rax = (uint64_t)err;
		sched_enqueue(w);
	}
}

void ipc_cancel(struct thread *t)
{
	struct thread *c = t->caller;

	switch (t->state) {
	case T_READY:
		if (t == sched_cur)
			sched_cur = NULL;
		else
			sched_dequeue(t);
		break;
	case T_SEND:
		tq_remove(&t->ep->sendq, t);
		break;
	case T_RECV:
		tq_remove(&t->ep->recvq, t);
		break;
	case T_NTFN:
		t->ntfn->waiter = NULL;
		break;
	case T_REPLY:                   /* its server no longer owes it */
		if (t->server && t->server->caller == t)
			t->server->caller = NULL;
		break;
	default:
		break;
	}
	if (c) {                        /* it owed c a reply: c hears why */
		c->server = NULL;
		c->regs->rax = UK_E_DEAD;
		sched_enqueue(c);
	}
	t->caller = NULL;
	t->server = NULL;
	unbind(t);
	t->ep = NULL;
	t->ntfn = NULL;
	t->state = T_INACTIVE;
}
