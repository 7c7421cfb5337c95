#include "syscall.h"
#include "sys.h"
#include "cap.h"
#include "ipc.h"
#include "irq.h"
#include "sched.h"

int syscall_entry_mode;

/* The endpoint cap in slot r->rdi with rights; also checks that a cap to
 * send (r12) exists and that the endpoint cap may grant it. */
static struct cap *ep_cap(struct thread *t, struct trap_frame *r, uint8_t rights)
{
	int err = UK_OK;
	struct cap *c = cap_lookup(t->proc, r->rdi, UK_CAP_ENDPOINT, rights, &err);

	if (c && r->r12 != UK_NO_CAP) {
		if (!(c->rights & UK_R_GRANT)) {
			err = UK_E_RIGHTS;
			c = NULL;
		} else if (!cap_lookup(t->proc, r->r12, UK_CAP_NULL, 0, &err)) {
			c = NULL;
		}
	}
	if (!c)
		r->rax = (uint64_t)err;
	return c;
}

static void sys_call(struct thread *t, struct trap_frame *r)
{
	struct cap *c = ep_cap(t, r, UK_R_SEND);

	if (c)
		ipc_send(t, c->obj, c->badge, c->rights & UK_R_GRANT, 1);
}

static void sys_send(struct thread *t, struct trap_frame *r)
{
	struct cap *c = ep_cap(t, r, UK_R_SEND);

	if (c)
		ipc_send(t, c->obj, c->badge, c->rights & UK_R_GRANT, 0);
}

static void sys_recv(struct thread *t, struct trap_frame *r)
{
	int err = UK_OK;
	struct cap *c = cap_lookup(t->proc, r->rdi, UK_CAP_ENDPOINT, UK_R_RECV, &err);

	if (!c) {
		r->rax = (uint64_t)err;
		return;
	}
	ipc_recv(t, c->obj);
}

static void sys_reply_recv(struct thread *t, struct trap_frame *r)
{
	int err = UK_OK;
	struct cap *c = cap_lookup(t->proc, r->rdi, UK_CAP_ENDPOINT, UK_R_RECV, &err);

	if (c && r->r12 != UK_NO_CAP &&
	    !cap_lookup(t->proc, r->r12, UK_CAP_NULL, 0, &err))
		c = NULL;
	if (!c) {
		r->rax = (uint64_t)err;
		return;
	}
	ipc_reply_recv(t, c->obj);
}

static void sys_reply(struct thread *t, struct trap_frame *r)
{
	int err = UK_OK;

	if (r->r12 != UK_NO_CAP && !cap_lookup(t->proc, r->r12, UK_CAP_NULL, 0, &err)) {
		r->rax = (uint64_t)err;
		return;
	}
	r->rax = (uint64_t)ipc_reply(t);
}

static struct ntfn *ntfn_cap(struct thread *t, struct trap_frame *r, uint8_t rights)
{
	int err = UK_OK;
	struct cap *c = cap_lookup(t->proc, r->rdi, UK_CAP_NTFN, rights, &err);

	if (!c) {
		r->rax = (uint64_t)err;
		return NULL;
	}
	r->rax = UK_OK;
	return c->obj;
}

static void sys_signal(struct thread *t, struct trap_frame *r)
{
	struct ntfn *n = ntfn_cap(t, r, UK_R_SEND);

	if (n)
		ipc_signal(n, r->rsi);
}

static void sys_wait(struct thread *t, struct trap_frame *r)
{
	struct ntfn *n = ntfn_cap(t, r, UK_R_RECV);

	if (n)
		ipc_wait(t, n, 1);
}

static void sys_poll(struct thread *t, struct trap_frame *r)
{
	struct ntfn *n = ntfn_cap(t, r, UK_R_RECV);

	if (n)
		ipc_wait(t, n, 0);
}

static void sys_yield(struct thread *t, struct trap_frame *r)
{
	(void)t;
	r->rax = UK_OK;
	sched_rotate();
}

static void sys_irq_bind(struct thread *t, struct trap_frame *r)
{
	int err = UK_OK;
	struct cap *q = cap_lookup(t->proc, r->rdi, UK_CAP_IRQ, 0, &err);
	struct cap *n = q ? cap_lookup(t->proc, r->rsi, UK_CAP_NTFN, UK_R_SEND,
				       &err) : NULL;

	if (n)
		irq_bind(q->obj, n->obj, r->rdx);
	r->rax = (uint64_t)err;
}

static void sys_ntfn_bind(struct thread *t, struct trap_frame *r)
{
	int err = UK_OK;
	struct cap *n = r->rdi == UK_NO_CAP ? NULL :
			cap_lookup(t->proc, r->rdi, UK_CAP_NTFN, UK_R_RECV, &err);

	r->rax = err != UK_OK ? (uint64_t)err :
		 (uint64_t)ipc_ntfn_bind(t, n ? n->obj : NULL);
}

static sys_fn *const table[UK_SYS_MAX] = {
	[UK_SYS_CALL] = sys_call,
	[UK_SYS_REPLY_RECV] = sys_reply_recv,
	[UK_SYS_RECV] = sys_recv,
	[UK_SYS_SEND] = sys_send,
	[UK_SYS_REPLY] = sys_reply,
	[UK_SYS_SIGNAL] = sys_signal,
	[UK_SYS_WAIT] = sys_wait,
	[UK_SYS_POLL] = sys_poll,
	[UK_SYS_YIELD] = sys_yield,
	[UK_SYS_CAP_COPY] = sys_cap_copy,
	[UK_SYS_CAP_MINT] = sys_cap_mint,
	[UK_SYS_CAP_DELETE] = sys_cap_delete,
	[UK_SYS_CAP_INFO] = sys_cap_info,
	[UK_SYS_CAP_GIVE] = sys_cap_give,
	[UK_SYS_OBJ_CREATE] = sys_obj_create,
	[UK_SYS_MEM_ALLOC] = sys_mem_alloc,
	[UK_SYS_MEM_MAP] = sys_mem_map,
	[UK_SYS_MEM_UNMAP] = sys_mem_unmap,
	[UK_SYS_MEM_INFO] = sys_mem_info,
	[UK_SYS_PROC_CREATE] = sys_proc_create,
	[UK_SYS_PROC_START] = sys_proc_start,
	[UK_SYS_PROC_KILL] = sys_proc_kill,
	[UK_SYS_EXIT] = sys_exit,
	[UK_SYS_DEBUG_WRITE] = sys_debug_write,
	[UK_SYS_INFO] = sys_info,
	[UK_SYS_MACHINE_EXIT] = sys_machine_exit,
	[UK_SYS_IRQ_BIND] = sys_irq_bind,
	[UK_SYS_NTFN_BIND] = sys_ntfn_bind,
};

void syscall_dispatch(struct thread *t)
{
	struct trap_frame *r = t->regs;

	if (r->rax >= UK_SYS_MAX || !table[r->rax]) {
		r->rax = UK_E_SYSCALL;
		return;
	}
	table[r->rax](t, r);
}
