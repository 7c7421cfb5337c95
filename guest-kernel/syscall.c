#include "syscall.h"
#include "sys.h"
#include "cap.h"
#include "ipc.h"
#include "irq.h"
#include "sched.h"

int syscall_entry_mode;

/* The endpoint cap in slot r->rdi with rights; also checks that a cap to
 * send (r12) exists and that the endpoint cap may grant it. NULL with
 * *err set if not. */
static struct cap *ep_cap(struct thread *t, struct trap_frame *r,
			  uint8_t rights, enum uk_err *err)
{
	struct cap *c = cap_lookup(t->proc, r->rdi, UK_CAP_ENDPOINT, rights, err);

	if (!c || r->r12 == UK_NO_CAP)
		return c;
	if (!(c->rights & UK_R_GRANT)) {
		*err = UK_E_RIGHTS;
		return NULL;
	}
	return cap_lookup(t->proc, r->r12, UK_CAP_NULL, 0, err) ? c : NULL;
}

static enum uk_err sys_call(struct thread *t, struct trap_frame *r)
{
	enum uk_err err;
	struct cap *c = ep_cap(t, r, UK_R_SEND, &err);

	if (!c)
		return err;
	return ipc_send(t, c->obj, c->badge, c->rights & UK_R_GRANT, 1);
}

static enum uk_err sys_send(struct thread *t, struct trap_frame *r)
{
	enum uk_err err;
	struct cap *c = ep_cap(t, r, UK_R_SEND, &err);

	if (!c)
		return err;
	return ipc_send(t, c->obj, c->badge, c->rights & UK_R_GRANT, 0);
}

static enum uk_err sys_recv(struct thread *t, struct trap_frame *r)
{
	enum uk_err err;
	struct cap *c = cap_lookup(t->proc, r->rdi, UK_CAP_ENDPOINT, UK_R_RECV, &err);

	if (!c)
		return err;
	return ipc_recv(t, c->obj);
}

static enum uk_err sys_reply_recv(struct thread *t, struct trap_frame *r)
{
	enum uk_err err;
	struct cap *c = cap_lookup(t->proc, r->rdi, UK_CAP_ENDPOINT, UK_R_RECV, &err);

	if (!c)
		return err;
	if (r->r12 != UK_NO_CAP && !cap_lookup(t->proc, r->r12, UK_CAP_NULL, 0, &err))
		return err;
	return ipc_reply_recv(t, c->obj);
}

static enum uk_err sys_reply(struct thread *t, struct trap_frame *r)
{
	enum uk_err err;

	if (r->r12 != UK_NO_CAP && !cap_lookup(t->proc, r->r12, UK_CAP_NULL, 0, &err))
		return err;
	return ipc_reply(t);
}

/* The notification in slot with rights; NULL with *err set if not. */
static struct ntfn *ntfn_cap(struct thread *t, uint64_t slot, uint8_t rights,
			     enum uk_err *err)
{
	struct cap *c = cap_lookup(t->proc, slot, UK_CAP_NTFN, rights, err);

	return c ? c->obj : NULL;
}

static enum uk_err sys_signal(struct thread *t, struct trap_frame *r)
{
	enum uk_err err;
	struct ntfn *n = ntfn_cap(t, r->rdi, UK_R_SEND, &err);

	if (!n)
		return err;
	ipc_signal(n, r->rsi);
	return UK_OK;
}

static enum uk_err sys_wait(struct thread *t, struct trap_frame *r)
{
	enum uk_err err;
	struct ntfn *n = ntfn_cap(t, r->rdi, UK_R_RECV, &err);

	if (!n)
		return err;
	return ipc_wait(t, n, 1);
}

static enum uk_err sys_poll(struct thread *t, struct trap_frame *r)
{
	enum uk_err err;
	struct ntfn *n = ntfn_cap(t, r->rdi, UK_R_RECV, &err);

	if (!n)
		return err;
	return ipc_wait(t, n, 0);
}

static enum uk_err sys_yield(struct thread *t, struct trap_frame *r)
{
	(void)t;
	(void)r;
	sched_rotate();
	return UK_OK;
}

static enum uk_err sys_irq_bind(struct thread *t, struct trap_frame *r)
{
	enum uk_err err;
	struct cap *q = cap_lookup(t->proc, r->rdi, UK_CAP_IRQ, 0, &err);
	struct cap *n = q ? cap_lookup(t->proc, r->rsi, UK_CAP_NTFN, UK_R_SEND,
				       &err) : NULL;

	if (!n)
		return err;
	irq_bind(q->obj, n->obj, r->rdx);
	return UK_OK;
}

static enum uk_err sys_ntfn_bind(struct thread *t, struct trap_frame *r)
{
	enum uk_err err;
	struct cap *n = NULL;

	if (r->rdi != UK_NO_CAP &&
	    !(n = cap_lookup(t->proc, r->rdi, UK_CAP_NTFN, UK_R_RECV, &err)))
		return err;
	return ipc_ntfn_bind(t, n ? n->obj : NULL);
}

sys_fn *const syscall_table[UK_SYS_MAX] = {
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
	[UK_SYS_FS_BASE] = sys_fs_base,
};
