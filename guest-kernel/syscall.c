#include "syscall.h"
#include "arch.h"
#include "cap.h"
#include "console.h"
#include "frame.h"
#include "ipc.h"
#include "irq.h"
#include "lib.h"
#include "obj.h"
#include "panic.h"
#include "proc.h"
#include "sched.h"
#include "timer.h"
#include "vm.h"

int syscall_entry_mode;

#define DEBUG_WRITE_MAX 256
#define MEM_ALLOC_MAX   4096    /* pages in one region: 16 MiB */

typedef void sys_fn(struct thread *t, struct trap_frame *r);

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

static void sys_cap_copy(struct thread *t, struct trap_frame *r)
{
	r->rax = (uint64_t)cap_copy(t->proc, r->rdi, t->proc, r->rsi,
				    (uint8_t)(r->rdx & UK_R_ALL), 0, 0);
}

static void sys_cap_mint(struct thread *t, struct trap_frame *r)
{
	r->rax = (uint64_t)cap_copy(t->proc, r->rdi, t->proc, r->rsi,
				    (uint8_t)(r->rdx & UK_R_ALL), 1, r->r8);
}

static void sys_cap_delete(struct thread *t, struct trap_frame *r)
{
	r->rax = (uint64_t)cap_delete(t->proc, r->rdi);
}

static void sys_cap_info(struct thread *t, struct trap_frame *r)
{
	int err = UK_OK;
	struct cap *c = cap_lookup(t->proc, r->rdi, UK_CAP_NULL, 0, &err);

	if (!c) {
		r->rax = (uint64_t)err;
		return;
	}
	r->rax = UK_OK;
	r->rsi = c->type;
	r->rdx = c->rights;
	r->r8 = c->badge;
}

/* The process a cap slot names (UK_SELF: the caller's), or NULL. */
static struct proc *target_proc(struct thread *t, uint64_t slot, int *err)
{
	struct cap *c;
	struct proc *p;

	if (slot == UK_SELF)
		return t->proc;
	if (!(c = cap_lookup(t->proc, slot, UK_CAP_PROCESS, 0, err)))
		return NULL;
	if (!(p = cap_proc(c)))
		*err = UK_E_DEAD;
	return p;
}

static void sys_cap_give(struct thread *t, struct trap_frame *r)
{
	int err = UK_OK;
	struct proc *p = target_proc(t, r->rdi, &err);

	r->rax = p ? (uint64_t)cap_copy(t->proc, r->rsi, p, r->rdx,
					(uint8_t)(r->r8 & UK_R_ALL), 0, 0)
		   : (uint64_t)err;
}

static int slot_free(struct proc *p, uint64_t slot)
{
	if (slot >= UK_CAP_SLOTS)
		return UK_E_CAP;
	return p->caps[slot].type == UK_CAP_NULL ? UK_OK : UK_E_BUSY;
}

static void sys_obj_create(struct thread *t, struct trap_frame *r)
{
	int err = slot_free(t->proc, r->rdi);
	void *o = NULL;

	if (err == UK_OK && r->rsi == UK_CAP_ENDPOINT)
		o = obj_ep_alloc(t->proc);
	else if (err == UK_OK && r->rsi == UK_CAP_NTFN)
		o = obj_ntfn_alloc(t->proc);
	else if (err == UK_OK)
		err = UK_E_ARG;
	if (err == UK_OK && !o)
		err = UK_E_NOMEM;
	if (err == UK_OK)
		err = cap_install(t->proc, r->rdi, (uint8_t)r->rsi,
				  r->rsi == UK_CAP_ENDPOINT ?
				  UK_R_SEND | UK_R_RECV | UK_R_GRANT :
				  UK_R_SEND | UK_R_RECV, 0, o);
	r->rax = (uint64_t)err;
}

static void sys_mem_alloc(struct thread *t, struct trap_frame *r)
{
	int err = slot_free(t->proc, r->rdi);
	struct region *g;

	if (err == UK_OK && (r->rsi == 0 || r->rsi > MEM_ALLOC_MAX))
		err = UK_E_ARG;
	if (err == UK_OK && !(g = obj_region_alloc(t->proc, (uint32_t)r->rsi)))
		err = UK_E_NOMEM;
	if (err == UK_OK)
		err = cap_install(t->proc, r->rdi, UK_CAP_MEMORY,
				  UK_R_READ | UK_R_WRITE | UK_R_EXEC, 0, g);
	r->rax = (uint64_t)err;
}

static void sys_mem_map(struct thread *t, struct trap_frame *r)
{
	int err = UK_OK;
	struct proc *p = target_proc(t, r->rdi, &err);
	uint8_t want = (uint8_t)(r->r8 & (UK_R_READ | UK_R_WRITE | UK_R_EXEC));
	struct cap *c = p ? cap_lookup(t->proc, r->rsi, UK_CAP_MEMORY,
				       want | UK_R_READ, &err) : NULL;

	if (!c) {
		r->rax = (uint64_t)err;
		return;
	}
	r->rax = (uint64_t)proc_map(p, c->obj, r->rdx,
				    (want & UK_R_WRITE ? VM_W : 0) |
				    (want & UK_R_EXEC ? VM_X : 0));
}

static void sys_mem_unmap(struct thread *t, struct trap_frame *r)
{
	int err = UK_OK;
	struct proc *p = target_proc(t, r->rdi, &err);

	r->rax = p ? (uint64_t)proc_unmap(p, r->rsi) : (uint64_t)err;
}

static void sys_mem_info(struct thread *t, struct trap_frame *r)
{
	int err = UK_OK;
	struct cap *c = cap_lookup(t->proc, r->rdi, UK_CAP_MEMORY, 0, &err);
	struct region *g;

	if (!c) {
		r->rax = (uint64_t)err;
		return;
	}
	g = c->obj;
	r->rax = UK_OK;
	r->rsi = g->pages;
	r->rdx = g->phys;
}

/* Creating and killing processes needs the control capability. */
static int has_control(struct thread *t)
{
	int err = UK_OK;

	return cap_lookup(t->proc, UK_SLOT_INIT_CONTROL, UK_CAP_CONTROL, 0, &err) != NULL;
}

static void sys_proc_create(struct thread *t, struct trap_frame *r)
{
	int err = has_control(t) ? slot_free(t->proc, r->rdi) : UK_E_RIGHTS;
	struct cap *f = NULL;
	struct proc *p;
	char name[PROC_NAME_MAX] = { 0 };

	if (err == UK_OK)
		f = cap_lookup(t->proc, r->rsi, UK_CAP_ENDPOINT, UK_R_SEND, &err);
	if (err == UK_OK && r->rdx >= 8)
		err = UK_E_ARG;
	if (err != UK_OK) {
		r->rax = (uint64_t)err;
		return;
	}
	for (int i = 0; i < 4; i++)
		name[i] = (char)(r->r8 >> (8 * i));
	p = proc_create(name, (uint8_t)r->rdx, f->obj, f->badge);
	if (!p) {
		r->rax = UK_E_NOMEM;
		return;
	}
	r->rax = (uint64_t)cap_install(t->proc, r->rdi, UK_CAP_PROCESS, UK_R_ALL,
				       p->pid, p);
	r->rsi = p->pid;
}

static void sys_proc_start(struct thread *t, struct trap_frame *r)
{
	int err = UK_OK;
	struct proc *p = has_control(t) ? target_proc(t, r->rdi, &err) : NULL;

	if (!p) {
		r->rax = has_control(t) ? (uint64_t)err : UK_E_RIGHTS;
		return;
	}
	r->rax = p == t->proc ? UK_E_ARG
			      : (uint64_t)proc_start(p, r->rsi, r->rdx, r->r8);
}

static void sys_proc_kill(struct thread *t, struct trap_frame *r)
{
	int err = UK_OK;
	struct proc *p = has_control(t) ? target_proc(t, r->rdi, &err) : NULL;

	if (!p) {
		r->rax = has_control(t) ? (uint64_t)err : UK_E_RIGHTS;
		return;
	}
	if (p == t->proc) {
		r->rax = UK_E_ARG;
		return;
	}
	proc_kill(p);
	r->rax = UK_OK;
}

static void sys_exit(struct thread *t, struct trap_frame *r)
{
	uint64_t w[4] = { r->rsi, 0, 0, 0 };

	kprintf("exit: %s (pid %u) status %lu\n", t->proc->name, t->proc->pid,
		(unsigned long)r->rsi);
	proc_stop(t, UK_LABEL_EXIT, w);
}

static void sys_debug_write(struct thread *t, struct trap_frame *r)
{
	char buf[DEBUG_WRITE_MAX + 1];
	uint64_t n = r->rdx;

	if (n > DEBUG_WRITE_MAX || vm_copy_in(t->proc->pml4, buf, r->rsi, n) < 0) {
		r->rax = UK_E_ARG;
		return;
	}
	buf[n] = 0;
	if (r->rdi == UK_DEBUG_ALWAYS)
		kerror("%s", buf);
	else
		kprintf("%s", buf);
	r->rax = UK_OK;
}

static void sys_info(struct thread *t, struct trap_frame *r)
{
	(void)t;
	r->rax = UK_OK;
	switch (r->rsi) {
	case UK_INFO_TSC_KHZ:    r->rsi = timer_tsc_khz; break;
	case UK_INFO_ENTRY_MODE: r->rsi = (uint64_t)syscall_entry_mode; break;
	case UK_INFO_TICKS:      r->rsi = timer_ticks(); break;
	case UK_INFO_FREE_PAGES: r->rsi = frame_free_count(); break;
	case UK_INFO_CR3_PAIR_TICKS: r->rsi = vm_switch_cost(t->proc->pml4); break;
	default:                 r->rax = UK_E_ARG; break;
	}
}

static void sys_machine_exit(struct thread *t, struct trap_frame *r)
{
	int err = UK_OK;

	if (!cap_lookup(t->proc, r->rdi, UK_CAP_CONTROL, 0, &err)) {
		r->rax = (uint64_t)err;
		return;
	}
	kexit((int)(r->rsi & 0xff));
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
