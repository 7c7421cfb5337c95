/* Host tests of the kernel's capability table, run queues and IPC state
 * machine (guest-kernel/cap.c, sched.c, ipc.c, obj.c). */
#include <criterion/criterion.h>
#include <string.h>
#include "cap.h"
#include "ipc.h"
#include "kernel_fixture.h"
#include "obj.h"
#include "sched.h"

static uint64_t next_phys = 0x100000;
uint64_t region_frames_alloc(uint32_t pages)
{
	uint64_t p = next_phys;
	next_phys += (uint64_t)pages * 4096;
	return p;
}
void region_frames_free(uint64_t phys, uint32_t pages)
{
	(void)phys; (void)pages;
}

TestSuite(kcore, .init = kfix_reset);

static struct endpoint *mkep(struct proc *owner, uint64_t slot)
{
	struct endpoint *ep = obj_ep_alloc(owner);
	cr_assert_not_null(ep);
	cr_assert_eq(cap_install(owner, slot, UK_CAP_ENDPOINT, UK_R_ALL, 0, ep), UK_OK);
	return ep;
}

static void msg(struct thread *t, uint64_t label, uint64_t w0)
{
	t->regs->rsi = label;
	t->regs->rdx = w0;
	t->regs->r8 = w0 + 1;
	t->regs->r9 = w0 + 2;
	t->regs->r10 = w0 + 3;
}

Test(kcore, cap_lookup_errors)
{
	struct proc *p = kfix_proc(1);
	enum uk_err err = UK_OK;
	mkep(p, 3);
	cr_assert_null(cap_lookup(p, 64, UK_CAP_NULL, 0, &err));
	cr_assert_eq(err, UK_E_CAP);
	cr_assert_null(cap_lookup(p, 4, UK_CAP_NULL, 0, &err));
	cr_assert_eq(err, UK_E_CAP);
	cr_assert_null(cap_lookup(p, 3, UK_CAP_NTFN, 0, &err));
	cr_assert_eq(err, UK_E_TYPE);
	cr_assert_not_null(cap_lookup(p, 3, UK_CAP_ENDPOINT, UK_R_SEND, &err));
}

Test(kcore, cap_copy_fewer_rights_and_mint)
{
	struct proc *p = kfix_proc(1), *q = kfix_proc(2);
	enum uk_err err = UK_OK;
	struct endpoint *ep = mkep(p, 3);
	cr_assert_eq(cap_copy(p, 3, q, 5, UK_R_SEND, 0, 0), UK_OK);
	cr_assert_eq(ep->refs, 2);
	cr_assert_null(cap_lookup(q, 5, UK_CAP_ENDPOINT, UK_R_RECV, &err));
	cr_assert_eq(err, UK_E_RIGHTS);
	cr_assert_eq(cap_copy(p, 3, q, 5, UK_R_ALL, 0, 0), UK_E_BUSY);
	cr_assert_eq(cap_copy(p, 9, q, 6, UK_R_ALL, 0, 0), UK_E_CAP);
	cr_assert_eq(cap_copy(p, 3, q, 6, UK_R_SEND, 1, 77), UK_OK);
	cr_assert_eq(q->caps[6].badge, 77);
	/* A badged cap cannot be re-minted; a zero badge is refused. */
	cr_assert_eq(cap_copy(q, 6, q, 7, UK_R_SEND, 1, 78), UK_E_ARG);
	cr_assert_eq(cap_copy(p, 3, q, 7, UK_R_SEND, 1, 0), UK_E_ARG);
	/* Minting takes the MINT right; a copy without it cannot mint. */
	cr_assert_eq(cap_copy(p, 3, q, 8, UK_R_SEND | UK_R_GRANT, 0, 0), UK_OK);
	cr_assert_eq(cap_copy(q, 8, q, 7, UK_R_SEND, 1, 79), UK_E_RIGHTS);
	cr_assert_eq(q->caps[7].type, UK_CAP_NULL);
	cr_assert_eq(cap_delete(q, 8), UK_OK);
	cr_assert_eq(ep->refs, 3);
	cr_assert_eq(cap_delete(q, 6), UK_OK);
	cr_assert_eq(cap_delete(q, 6), UK_E_CAP);
	cr_assert_eq(ep->refs, 2);
}

Test(kcore, cap_copy_refuses_unknown_rights_bits)
{
	struct proc *p = kfix_proc(1), *q = kfix_proc(2);
	struct endpoint *ep = mkep(p, 3);

	/* Bits past UK_R_ALL, in the low byte and above it, are refused
	 * before anything changes; the lookup errors come after. */
	cr_assert_eq(cap_copy(p, 3, q, 5, UK_R_SEND | 0x80, 0, 0), UK_E_ARG);
	cr_assert_eq(cap_copy(p, 3, q, 5, 0x100, 0, 0), UK_E_ARG);
	cr_assert_eq(cap_copy(p, 3, q, 5, 1ull << 63, 0, 0), UK_E_ARG);
	cr_assert_eq(cap_copy(p, 3, q, 5, UK_R_SEND | 0x80, 1, 9), UK_E_ARG);
	cr_assert_eq(cap_copy(p, 60, q, 5, 0x80, 0, 0), UK_E_ARG);
	cr_assert_eq(q->caps[5].type, UK_CAP_NULL);
	cr_assert_eq(ep->refs, 1);
	/* The whole set is fine. */
	cr_assert_eq(cap_copy(p, 3, q, 5, UK_R_ALL, 0, 0), UK_OK);
	cr_assert_eq(q->caps[5].rights, UK_R_ALL);
	cr_assert_eq(ep->refs, 2);
}

Test(kcore, endpoint_freed_with_last_cap)
{
	struct proc *p = kfix_proc(1);
	struct endpoint *ep = mkep(p, 3);
	cr_assert_eq(p->objs.used, 1);
	cr_assert_eq(cap_delete(p, 3), UK_OK);
	cr_assert_eq(ep->refs, 0);
	cr_assert_eq(p->objs.used, 0);
}

Test(kcore, quota_limits_objects)
{
	struct proc *p = kfix_proc(1);
	p->objs.max = 2;
	cr_assert_not_null(obj_ep_alloc(p));
	cr_assert_not_null(obj_ntfn_alloc(p));
	cr_assert_null(obj_ep_alloc(p));
	cr_assert_null(obj_region_alloc(p, 65));
}

Test(kcore, regions_count_against_the_object_quota)
{
	struct proc *p = kfix_proc(1);
	struct region *a, *b;

	p->objs.max = 2;
	cr_assert_not_null(a = obj_region_alloc(p, 1));
	cr_assert_not_null(b = obj_region_alloc_fixed(p, 0xfeb00000, 1));
	cr_assert_eq(p->objs.used, 2);
	cr_assert_eq(p->pages.used, 1);         /* fixed: frames not its own */
	cr_assert_null(obj_region_alloc(p, 1));
	cr_assert_null(obj_region_alloc_fixed(p, 0xfeb01000, 1));
	cr_assert_null(obj_ntfn_alloc(p));
	cr_assert_eq(p->objs.used, 2);
	cr_assert_eq(p->pages.used, 1);
	cr_assert_eq(cap_install(p, 3, UK_CAP_MEMORY, UK_R_ALL, 0, a), UK_OK);
	cr_assert_eq(cap_install(p, 4, UK_CAP_MEMORY, UK_R_ALL, 0, b), UK_OK);
	cr_assert_eq(cap_delete(p, 3), UK_OK);
	cr_assert_eq(cap_delete(p, 4), UK_OK);
	cr_assert_eq(p->objs.used, 0);
	cr_assert_eq(p->pages.used, 0);
	cr_assert_not_null(obj_ntfn_alloc(p));
}

/* A region another process holds outlives its owner. The owner's quota
 * ends with the owner (proc_kill: cap_clear, obj_disown); the last
 * holder's delete frees the region and charges nobody. */
Test(kcore, region_outlives_its_owner)
{
	struct proc *p = kfix_proc(1), *q = kfix_proc(2), *n;
	struct region *r = obj_region_alloc(p, 4);

	cr_assert_eq(cap_install(p, 3, UK_CAP_MEMORY, UK_R_ALL, 0, r), UK_OK);
	cr_assert_eq(cap_copy(p, 3, q, 5, UK_R_ALL, 0, 0), UK_OK);
	cap_clear(p);
	obj_disown(p);
	p->live = 0;
	cr_assert_null(r->owner);
	cr_assert_eq(r->refs, 1);
	n = kfix_proc(3);                       /* p's slot again */
	cr_assert_eq(n, p);
	cr_assert_eq(cap_delete(q, 5), UK_OK);
	cr_assert_eq(r->refs, 0);
	cr_assert_eq(r->pages, 0);              /* free again */
	cr_assert_eq(n->objs.used, 0);
	cr_assert_eq(n->pages.used, 0);
	cr_assert_eq(q->objs.used, 0);
}

/* Pids never come back: after more processes than 16 bits count, all
 * made and killed in the same slot, a capability to the first names
 * none of them. */
Test(kcore, pids_never_wrap)
{
	struct proc *first = obj_proc_alloc(), *p = first;
	struct cap stale = { .type = UK_CAP_PROCESS, .obj = first };
	uint64_t prev = first->pid;

	stale.badge = first->pid;
	for (unsigned i = 0; i < 70000; i++) {
		p->live = 0;                    /* what proc_kill does last */
		p = obj_proc_alloc();
		cr_assert_eq(p, first, "the same slot");
		cr_assert_gt(p->pid, prev);
		cr_assert_null(cap_proc(&stale), "pid %lu named again",
			       (unsigned long)p->pid);
		prev = p->pid;
	}
	cr_assert_gt(prev, 0xffff);
}

Test(kcore, runqueue_priority_and_round_robin)
{
	struct proc *p = kfix_proc(1);
	struct thread *a = kfix_thread(p, 2), *b = kfix_thread(p, 2), *c = kfix_thread(p, 5);
	sched_enqueue(a);
	sched_enqueue(b);
	cr_assert_eq(sched_choose(), a);
	sched_rotate();                 /* a's slice is over: b runs */
	cr_assert_eq(sched_cur, b);
	sched_enqueue(c);               /* a higher priority preempts */
	cr_assert_eq(sched_choose(), c);
	c->state = T_RECV;              /* c blocks */
	cr_assert_eq(sched_choose(), a);
	sched_rotate();
	cr_assert_eq(sched_cur, b);
	b->state = T_RECV;
	a->state = T_RECV;
	sched_dequeue(a);
	cr_assert_null(sched_choose());
}

Test(kcore, call_to_waiting_server_switches_directly)
{
	struct proc *cp = kfix_proc(1), *sp = kfix_proc(2);
	struct thread *client = kfix_thread(cp, 1), *server = kfix_thread(sp, 1);
	struct endpoint *ep = mkep(sp, 3);

	sched_cur = server;
	server->state = T_READY;
	ipc_recv(server, ep);
	cr_assert_eq(server->state, T_RECV);
	cr_assert_null(sched_choose());

	sched_cur = client;
	client->state = T_READY;
	msg(client, 42, 100);
	cr_assert_eq(ipc_send(client, ep, 9, 0, 1), UK_OK);
	cr_assert_eq(sched_cur, server);
	cr_assert_eq(client->state, T_REPLY);
	cr_assert_eq(server->regs->rsi, 42);
	cr_assert_eq(server->regs->r10, 103);
	cr_assert_eq(server->regs->r13, 9);
	cr_assert_eq(server->regs->r12, UK_NO_CAP);

	msg(server, 7, 200);
	cr_assert_eq(ipc_reply_recv(server, ep), UK_OK);
	cr_assert_eq(sched_cur, client);
	cr_assert_eq(client->state, T_READY);
	cr_assert_eq(client->regs->rax, UK_OK);
	cr_assert_eq(client->regs->rsi, 7);
	cr_assert_eq(client->regs->rdx, 200);
	cr_assert_eq(server->state, T_RECV);
}

Test(kcore, senders_queue_in_order)
{
	struct proc *cp = kfix_proc(1), *sp = kfix_proc(2);
	struct thread *a = kfix_thread(cp, 1), *b = kfix_thread(cp, 1), *s = kfix_thread(sp, 1);
	struct endpoint *ep = mkep(sp, 3);

	msg(a, 1, 0);
	a->state = T_READY;
	ipc_send(a, ep, 11, 0, 1);
	msg(b, 2, 0);
	b->state = T_READY;
	ipc_send(b, ep, 22, 0, 0);
	cr_assert_eq(a->state, T_SEND);
	cr_assert_eq(b->state, T_SEND);

	sched_cur = s;
	s->state = T_READY;
	ipc_recv(s, ep);
	cr_assert_eq(s->regs->rsi, 1);
	cr_assert_eq(s->regs->r13, 11);
	cr_assert_eq(a->state, T_REPLY);
	cr_assert_eq(ipc_reply(s), UK_OK);
	cr_assert_eq(a->state, T_READY);
	cr_assert_eq(ipc_reply(s), UK_E_NOREPLY);
	ipc_recv(s, ep);
	cr_assert_eq(s->regs->rsi, 2);
	cr_assert_eq(s->regs->r13, 22);
	cr_assert_eq(b->state, T_READY);  /* a plain send is done */
	cr_assert_eq(b->regs->rax, UK_OK);
}

Test(kcore, capability_travels_with_grant)
{
	struct proc *cp = kfix_proc(1), *sp = kfix_proc(2);
	struct thread *c = kfix_thread(cp, 1), *s = kfix_thread(sp, 1);
	struct endpoint *ep = mkep(sp, 3);
	struct endpoint *gift = mkep(cp, 10);

	s->state = T_READY;
	s->regs->r14 = 20;
	ipc_recv(s, ep);
	c->state = T_READY;
	sched_cur = c;
	c->regs->r12 = 10;
	ipc_send(c, ep, 0, 1, 1);
	cr_assert_eq(s->regs->r12, 20);
	cr_assert_eq(sp->caps[20].obj, gift);
	cr_assert_eq(gift->refs, 2);
	/* Without grant, the message arrives without the cap. */
	s->regs->r14 = 21;
	ipc_reply_recv(s, ep);
	c->regs->r12 = 10;
	sched_cur = c;
	ipc_send(c, ep, 0, 0, 1);
	cr_assert_eq(s->regs->r12, UK_NO_CAP);
	cr_assert_eq(sp->caps[21].type, UK_CAP_NULL);
}

Test(kcore, server_death_releases_callers)
{
	struct proc *cp = kfix_proc(1), *sp = kfix_proc(2);
	struct thread *c = kfix_thread(cp, 1), *d = kfix_thread(cp, 1), *s = kfix_thread(sp, 1);
	struct endpoint *ep = mkep(sp, 3);

	s->state = T_READY;
	ipc_recv(s, ep);
	c->state = T_READY;
	sched_cur = c;
	ipc_send(c, ep, 0, 0, 1);       /* c waits for s's reply */
	d->state = T_READY;
	ipc_send(d, ep, 0, 0, 1);       /* d is queued behind */
	cr_assert_eq(d->state, T_SEND);

	ipc_cancel(s);
	obj_disown(sp);
	cr_assert_eq(c->state, T_READY);
	cr_assert_eq(c->regs->rax, UK_E_DEAD);
	cr_assert_eq(d->state, T_READY);
	cr_assert_eq(d->regs->rax, UK_E_DEAD);
	/* Later calls fail at once. */
	cr_assert_eq(ipc_send(d, ep, 0, 0, 1), UK_E_DEAD);
	cr_assert_eq(ipc_recv(s, ep), UK_E_DEAD);
}

Test(kcore, client_death_clears_reply)
{
	struct proc *cp = kfix_proc(1), *sp = kfix_proc(2);
	struct thread *c = kfix_thread(cp, 1), *s = kfix_thread(sp, 1);
	struct endpoint *ep = mkep(sp, 3);

	s->state = T_READY;
	ipc_recv(s, ep);
	c->state = T_READY;
	ipc_send(c, ep, 0, 0, 1);
	ipc_cancel(c);
	cr_assert_null(s->caller);
	cr_assert_eq(ipc_reply(s), UK_E_NOREPLY);
}

Test(kcore, notifications_or_and_clear)
{
	struct proc *p = kfix_proc(1);
	struct thread *t = kfix_thread(p, 1);
	struct ntfn *n = obj_ntfn_alloc(p);

	ipc_signal(n, 1);
	ipc_signal(n, 4);
	t->state = T_READY;
	cr_assert_eq(ipc_wait(t, n, 1), UK_OK);
	cr_assert_eq(t->regs->rsi, 5);
	cr_assert_eq(ipc_wait(t, n, 0), UK_E_AGAIN);
	cr_assert_eq(ipc_wait(t, n, 1), UK_OK);
	cr_assert_eq(t->state, T_NTFN);
	cr_assert_eq(ipc_wait(kfix_thread(p, 1), n, 1), UK_E_BUSY,
		     "one waiter at a time");
	ipc_signal(n, 2);
	cr_assert_eq(t->state, T_READY);
	cr_assert_eq(t->regs->rsi, 2);
	cr_assert_eq(n->bits, 0);
}

Test(kcore, bound_notification_ends_a_receive)
{
	struct proc *p = kfix_proc(1), *cp = kfix_proc(2);
	struct thread *s = kfix_thread(p, 1), *c = kfix_thread(cp, 1);
	struct endpoint *ep = mkep(p, 3);
	struct ntfn *n = obj_ntfn_alloc(p);

	cr_assert_eq(ipc_ntfn_bind(s, n), UK_OK);
	cr_assert_eq(ipc_ntfn_bind(c, n), UK_E_BUSY);
	s->state = T_READY;
	ipc_recv(s, ep);
	cr_assert_eq(s->state, T_RECV);
	ipc_signal(n, 0x30);
	cr_assert_eq(s->state, T_READY);
	cr_assert_eq(s->regs->rsi, UK_LABEL_NOTIFY);
	cr_assert_eq(s->regs->rdx, 0x30);
	cr_assert_null(ep->recvq);
	/* Pending bits end the next receive at once, before any sender. */
	ipc_signal(n, 1);
	c->state = T_READY;
	ipc_send(c, ep, 0, 0, 1);
	ipc_recv(s, ep);
	cr_assert_eq(s->regs->rsi, UK_LABEL_NOTIFY);
	cr_assert_eq(s->regs->rdx, 1);
	ipc_recv(s, ep);                /* now the queued caller */
	cr_assert_eq(s->caller, c);
	/* A thread that dies unbinds. */
	ipc_cancel(s);
	cr_assert_null(n->bound);
}
