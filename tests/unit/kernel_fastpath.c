/* Host tests of the IPC fast path's two halves (guest-kernel/
 * fastpath.h): each hands over to the partner in the common case, and
 * every check that fails leaves everything as it was, so that the
 * general path gives the same result. */
#include <criterion/criterion.h>
#include <string.h>
#include "cap.h"
#include "fastpath.h"
#include "ipc.h"
#include "kernel_fixture.h"
#include "obj.h"
#include "sched.h"

/* What fastpath() does for t's call, short of the switch: the thread it
 * would switch to (now sched_cur), or NULL. */
static struct thread *fast(struct thread *t)
{
	struct thread *p = NULL;

	if (t->regs->rax == UK_SYS_CALL)
		p = fastpath_call(t, t->regs);
	else if (t->regs->rax == UK_SYS_REPLY_RECV)
		p = fastpath_reply_recv(t, t->regs);
	if (p)
		sched_cur = p;
	return p;
}

TestSuite(fastpath, .init = kfix_reset);

/* A server s (slot 3: the endpoint) waiting in receive, and a client c
 * (slot 4: a send cap badged 9) running, about to call. */
struct pair {
	struct proc *sp, *cp;
	struct thread *s, *c;
	struct endpoint *ep;
};

static struct pair pair(uint8_t server_prio, uint8_t client_prio)
{
	struct pair x;

	x.sp = kfix_proc(1);
	x.cp = kfix_proc(2);
	x.s = kfix_thread(x.sp, server_prio);
	x.c = kfix_thread(x.cp, client_prio);
	x.ep = obj_ep_alloc(x.sp);
	cr_assert_not_null(x.ep);
	cr_assert_eq(cap_install(x.sp, 3, UK_CAP_ENDPOINT, UK_R_ALL, 0, x.ep),
		     UK_OK);
	cr_assert_eq(cap_copy(x.sp, 3, x.cp, 4, UK_R_SEND, 1, 9), UK_OK);
	x.s->state = T_READY;
	cr_assert_eq(ipc_recv(x.s, x.ep), UK_OK);
	x.c->state = T_READY;
	sched_cur = x.c;
	*x.c->regs = (struct trap_frame){ .rax = UK_SYS_CALL, .rdi = 4,
		.rsi = 42, .rdx = 100, .r8 = 101, .r9 = 102, .r10 = 103,
		.r12 = UK_NO_CAP, .r14 = UK_NO_CAP };
	return x;
}

/* Everything the fast path could change. */
struct world {
	struct thread threads[NTHREADS];
	struct trap_frame regs[NTHREADS];
	struct endpoint ep;
	struct thread *cur;
	uint32_t nonempty;
};

static void snap(struct world *w, const struct endpoint *ep)
{
	memcpy(w->threads, obj_threads, sizeof(w->threads));
	memcpy(w->regs, kfix_regs, sizeof(w->regs));
	w->ep = *ep;
	w->cur = sched_cur;
	w->nonempty = sched_nonempty;
}

/* The fast path does not apply to t, and nothing changed. */
static void falls_back(struct thread *t, const struct endpoint *ep,
		       const char *why)
{
	static struct world before, after;

	snap(&before, ep);
	cr_assert_null(fast(t), "fast path taken: %s", why);
	snap(&after, ep);
	cr_assert(memcmp(&before, &after, sizeof(before)) == 0,
		  "state changed: %s", why);
}

Test(fastpath, call_then_reply_recv)
{
	struct pair x = pair(1, 1);

	cr_assert_eq(fast(x.c), x.s);
	cr_assert_eq(sched_cur, x.s);
	cr_assert_eq(x.s->state, T_READY);
	cr_assert_eq(x.c->state, T_REPLY);
	cr_assert_eq(x.c->server, x.s);
	cr_assert_eq(x.s->caller, x.c);
	cr_assert_null(x.ep->recvq);
	cr_assert_eq(x.s->regs->rax, UK_OK);
	cr_assert_eq(x.s->regs->rsi, 42);
	cr_assert_eq(x.s->regs->r10, 103);
	cr_assert_eq(x.s->regs->r13, 9);
	cr_assert_eq(x.s->regs->r12, UK_NO_CAP);

	*x.s->regs = (struct trap_frame){ .rax = UK_SYS_REPLY_RECV, .rdi = 3,
		.rsi = 7, .rdx = 200, .r12 = UK_NO_CAP, .r14 = UK_NO_CAP };
	cr_assert_eq(fast(x.s), x.c);
	cr_assert_eq(sched_cur, x.c);
	cr_assert_eq(x.c->state, T_READY);
	cr_assert_eq(x.c->regs->rax, UK_OK);
	cr_assert_eq(x.c->regs->rsi, 7);
	cr_assert_eq(x.c->regs->rdx, 200);
	cr_assert_eq(x.c->regs->r13, 0);
	cr_assert_null(x.c->server);
	cr_assert_null(x.s->caller);
	cr_assert_eq(x.s->state, T_RECV);
	cr_assert_eq(x.ep->recvq, x.s);
}

Test(fastpath, call_checks_change_nothing)
{
	struct pair x = pair(1, 1);
	struct trap_frame *r = x.c->regs;
	struct thread *other;

	r->r12 = 4;
	falls_back(x.c, x.ep, "a capability to send");
	r->r12 = UK_NO_CAP;
	r->rdi = UK_CAP_SLOTS;
	falls_back(x.c, x.ep, "slot out of range");
	r->rdi = 5;
	falls_back(x.c, x.ep, "empty slot");
	cr_assert_eq(cap_copy(x.cp, 4, x.cp, 5, UK_R_GRANT, 0, 0), UK_OK);
	falls_back(x.c, x.ep, "no send right");
	cr_assert_eq(cap_install(x.cp, 6, UK_CAP_NTFN, UK_R_ALL, 0,
				 obj_ntfn_alloc(x.cp)), UK_OK);
	r->rdi = 6;
	falls_back(x.c, x.ep, "not an endpoint");
	r->rdi = 4;

	/* The receiver still owes another caller a reply. */
	other = kfix_thread(x.cp, 1);
	x.s->caller = other;
	falls_back(x.c, x.ep, "receiver owes a reply");
	x.s->caller = NULL;

	/* No receiver waiting. */
	tq_remove(&x.ep->recvq, x.s);
	falls_back(x.c, x.ep, "nobody receives");
	tq_push(&x.ep->recvq, x.s);

	x.ep->dead = 1;
	falls_back(x.c, x.ep, "dead endpoint");
	x.ep->dead = 0;
	cr_assert_eq(fast(x.c), x.s, "and now it applies");
}

Test(fastpath, reply_recv_checks_change_nothing)
{
	struct pair x = pair(1, 1);
	struct thread *d = kfix_thread(x.cp, 1);
	struct ntfn *n = obj_ntfn_alloc(x.sp);
	struct trap_frame *r = x.s->regs;

	cr_assert_eq(fast(x.c), x.s);           /* s now owes c a reply */
	*r = (struct trap_frame){ .rax = UK_SYS_REPLY_RECV, .rdi = 3,
		.r12 = UK_NO_CAP, .r14 = UK_NO_CAP };

	r->r12 = 3;
	falls_back(x.s, x.ep, "a capability to send");
	r->r12 = UK_NO_CAP;
	cr_assert_eq(cap_copy(x.sp, 3, x.sp, 6, UK_R_SEND, 0, 0), UK_OK);
	r->rdi = 6;
	falls_back(x.s, x.ep, "no receive right");
	r->rdi = 3;

	/* A sender is queued: the receive ends at once. */
	d->state = T_READY;
	cr_assert_eq(ipc_send(d, x.ep, 0, 0, 0), UK_OK);
	falls_back(x.s, x.ep, "a sender is queued");
	tq_remove(&x.ep->sendq, d);
	d->state = T_INACTIVE;

	/* Bits pending on its bound notification end it too. */
	cr_assert_eq(ipc_ntfn_bind(x.s, n), UK_OK);
	n->bits = 1;
	falls_back(x.s, x.ep, "bound notification bits pending");
	n->bits = 0;

	x.ep->dead = 1;
	falls_back(x.s, x.ep, "dead endpoint");
	x.ep->dead = 0;

	x.s->caller = NULL;
	falls_back(x.s, x.ep, "nobody to reply to");
	x.s->caller = x.c;
	cr_assert_eq(fast(x.s), x.c, "and now it applies");
}

/* The general path runs the partner next only if no ready thread has a
 * higher priority; the fast path must not switch to it otherwise. */
Test(fastpath, partner_of_lower_priority)
{
	struct pair x = pair(1, 5);             /* server 1, client 5 */
	struct thread *mid = kfix_thread(x.cp, 3), *low;

	sched_enqueue(mid);
	falls_back(x.c, x.ep, "a ready thread outranks the server");
	/* What the general path does instead: the call is delivered, and
	 * the thread of priority 3 runs before the server. */
	cr_assert_eq(ipc_send(x.c, x.ep, 9, 0, 1), UK_OK);
	cr_assert_eq(sched_cur, x.s);
	cr_assert_eq(sched_choose(), mid);

	/* Only threads of the server's own priority ready: it runs. */
	kfix_reset();
	x = pair(1, 5);
	low = kfix_thread(x.cp, 1);
	sched_enqueue(low);
	cr_assert_eq(fast(x.c), x.s);
	cr_assert_eq(sched_choose(), x.s);

	/* And back: the client is the lower one now. */
	kfix_reset();
	x = pair(5, 1);
	cr_assert_eq(fast(x.c), x.s);           /* up to a higher one */
	mid = kfix_thread(x.cp, 3);
	sched_enqueue(mid);
	*x.s->regs = (struct trap_frame){ .rax = UK_SYS_REPLY_RECV, .rdi = 3,
		.r12 = UK_NO_CAP, .r14 = UK_NO_CAP };
	falls_back(x.s, x.ep, "a ready thread outranks the client");
	sched_dequeue(mid);
	cr_assert_eq(fast(x.s), x.c);
}
