/* System calls on capabilities, memory and processes: decode, check
 * every argument, then act (syscall.c dispatches here). */
#include "sys.h"
#include "cap.h"
#include "obj.h"
#include "proc.h"
#include "vm.h"

#define MEM_ALLOC_MAX   4096    /* pages in one region: 16 MiB */

void sys_cap_copy(struct thread *t, struct trap_frame *r)
{
	r->rax = (uint64_t)cap_copy(t->proc, r->rdi, t->proc, r->rsi,
				    (uint8_t)(r->rdx & UK_R_ALL), 0, 0);
}

void sys_cap_mint(struct thread *t, struct trap_frame *r)
{
	r->rax = (uint64_t)cap_copy(t->proc, r->rdi, t->proc, r->rsi,
				    (uint8_t)(r->rdx & UK_R_ALL), 1, r->r8);
}

void sys_cap_delete(struct thread *t, struct trap_frame *r)
{
	r->rax = (uint64_t)cap_delete(t->proc, r->rdi);
}

void sys_cap_info(struct thread *t, struct trap_frame *r)
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

void sys_cap_give(struct thread *t, struct trap_frame *r)
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

void sys_obj_create(struct thread *t, struct trap_frame *r)
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

void sys_mem_alloc(struct thread *t, struct trap_frame *r)
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

void sys_mem_map(struct thread *t, struct trap_frame *r)
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

void sys_mem_unmap(struct thread *t, struct trap_frame *r)
{
	int err = UK_OK;
	struct proc *p = target_proc(t, r->rdi, &err);

	r->rax = p ? (uint64_t)proc_unmap(p, r->rsi) : (uint64_t)err;
}

void sys_mem_info(struct thread *t, struct trap_frame *r)
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

void sys_proc_create(struct thread *t, struct trap_frame *r)
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
	for (int i = 0; i < PROC_NAME_MAX - 1; i++)
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

void sys_proc_start(struct thread *t, struct trap_frame *r)
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

void sys_proc_kill(struct thread *t, struct trap_frame *r)
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
