/*
 * The IPC fast path (seL4's idea): call and reply_recv between two
 * threads in the common case (no capability travels, the partner is
 * waiting, nothing queued, and no ready thread outranks the partner)
 * switch straight to the partner: no scheduler decision, no general
 * dispatch. Each half makes every check before the line marked POINT OF
 * NO RETURN, and a failed check returns with nothing changed, so that
 * the general path (syscall.c, ipc.c) handles the call with the same
 * result; after that line the IPC is committed.
 *
 * The halves are inline here: a call would cost instructions on every
 * fast IPC, and the host tests run them without a switch.
 */
#ifndef FASTPATH_H
#define FASTPATH_H

#include "kobj.h"
#include "ipc.h"
#include "sched.h"
#include "tqueue.h"

/* Try the fast path for t's system call; returns only if it does not
 * apply (nothing was changed). */
void fastpath(struct thread *t);

#define fast_likely(x)          __builtin_expect(!!(x), 1)
#define fast_unlikely(x)        __builtin_expect(!!(x), 0)

/* The cap in slot r->rdi if it is an endpoint cap with rights and no
 * capability is to travel (r12); else NULL. */
static inline struct cap *fastpath_cap(struct thread *t,
				       const struct trap_frame *r,
				       uint8_t rights)
{
	struct cap *c;

	if (fast_unlikely(r->r12 != UK_NO_CAP || r->rdi >= UK_CAP_SLOTS))
		return NULL;
	c = &t->proc->caps[r->rdi];
	if (fast_unlikely(c->type != UK_CAP_ENDPOINT || !(c->rights & rights)))
		return NULL;
	return c;
}

/* Would the general path run p next, after t? Only if no ready thread
 * has a higher priority than p. None has one higher than t's (t runs),
 * so the run queues need looking at only when p's is lower. */
static inline int fastpath_runs_next(const struct thread *t,
				     const struct thread *p)
{
	return fast_likely(p->prio >= t->prio) || !sched_ready_at(p->prio + 1u);
}

/* call: a receiver p waits on ep, owes nobody a reply, and would run
 * next. Returns p, now to run, or NULL (nothing changed). */
static inline struct thread *fastpath_call(struct thread *t,
					   const struct trap_frame *r)
{
	struct cap *c = fastpath_cap(t, r, UK_R_SEND);
	struct endpoint *ep;
	struct thread *p;

	if (fast_unlikely(!c))
		return NULL;
	ep = c->obj;                    /* an endpoint cap always names one */
	p = ep->recvq;
	if (fast_unlikely(ep->dead || !p || p->caller ||
			  !fastpath_runs_next(t, p)))
		return NULL;

	/* --- POINT OF NO RETURN --- */
	tq_remove(&ep->recvq, p);
	p->ep = NULL;
	ipc_copy_msg(p->regs, r, c->badge);
	t->state = T_REPLY;     /* never T_SEND, so is_call is not needed */
	t->server = p;
	p->caller = t;
	p->state = T_READY;
	return p;
}

/* reply_recv: t owes its caller p a reply, p would run next, and nothing
 * ends t's receive at once (no sender queued on ep, no bits pending on
 * its bound notification). Returns p, now to run, or NULL (nothing
 * changed). */
static inline struct thread *fastpath_reply_recv(struct thread *t,
						 const struct trap_frame *r)
{
	struct cap *c = fastpath_cap(t, r, UK_R_RECV);
	struct endpoint *ep;
	struct thread *p = t->caller;

	if (fast_unlikely(!c))
		return NULL;
	ep = c->obj;
	if (fast_unlikely(ep->dead || ep->sendq || !p ||
			  (t->bound && t->bound->bits) ||
			  !fastpath_runs_next(t, p)))
		return NULL;

	/* --- POINT OF NO RETURN --- */
	ipc_copy_msg(p->regs, r, 0);
	p->server = NULL;
	t->caller = NULL;
	t->state = T_RECV;
	t->ep = ep;
	tq_push(&ep->recvq, t);
	p->state = T_READY;
	return p;
}

#endif
