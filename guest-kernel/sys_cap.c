/* System calls on capabilities, memory and processes: decode, check
 * every argument, then act (syscall.c dispatches here). */
#include "sys.h"
#include "cap.h"
#include "obj.h"
#include "proc.h"
#include "sysarg.h"
#include "vm.h"

#define MEM_ALLOC_MAX   4096    /* pages in one region: 16 MiB */

enum uk_err sys_cap_copy(struct thread *t, struct trap_frame *r)
{
	return cap_copy(t->proc, r->rdi, t->proc, r->rsi, r->rdx, 0, 0);
}

enum uk_err sys_cap_mint(struct thread *t, struct trap_frame *r)
{
	return cap_copy(t->proc, r->rdi, t->proc, r->rsi, r->rdx, 1, r->r8);
}

enum uk_err sys_cap_delete(struct thread *t, struct trap_frame *r)
{
	return cap_delete(t->proc, r->rdi);
}

enum uk_err sys_cap_info(struct thread *t, struct trap_frame *r)
{
	enum uk_err err;
	struct cap *c = cap_lookup(t->proc, r->rdi, UK_CAP_NULL, 0, &err);

	if (!c)
		return err;
	r->rsi = c->type;
	r->rdx = c->rights;
	r->r8 = c->badge;
	return UK_OK;
}

/* The process a cap slot names (UK_SELF: the caller's), or NULL with
 * *err set. */
static struct proc *target_proc(struct thread *t, uint64_t slot,
				enum uk_err *err)
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

enum uk_err sys_cap_give(struct thread *t, struct trap_frame *r)
{
	enum uk_err err = UK_OK;
	struct proc *p = target_proc(t, r->rdi, &err);

	if (!p)
		return err;
	return cap_copy(t->proc, r->rsi, p, r->rdx, r->r8, 0, 0);
}

/* UK_OK if slot is a free slot of p, else UK_E_CAP or UK_E_BUSY. */
static enum uk_err slot_free(struct proc *p, uint64_t slot)
{
	if (slot >= UK_CAP_SLOTS)
		return UK_E_CAP;
	return p->caps[slot].type == UK_CAP_NULL ? UK_OK : UK_E_BUSY;
}

enum uk_err sys_obj_create(struct thread *t, struct trap_frame *r)
{
	enum uk_err err = slot_free(t->proc, r->rdi);
	void *o;

	if (err != UK_OK)
		return err;
	if (r->rsi == UK_CAP_ENDPOINT)
		o = obj_ep_alloc(t->proc);
	else if (r->rsi == UK_CAP_NTFN)
		o = obj_ntfn_alloc(t->proc);
	else
		return UK_E_ARG;
	if (!o)
		return UK_E_NOMEM;
	return cap_install(t->proc, r->rdi, (uint8_t)r->rsi,
			   r->rsi == UK_CAP_ENDPOINT ?
			   UK_R_SEND | UK_R_RECV | UK_R_GRANT | UK_R_MINT :
			   UK_R_SEND | UK_R_RECV, 0, o);
}

enum uk_err sys_mem_alloc(struct thread *t, struct trap_frame *r)
{
	enum uk_err err = slot_free(t->proc, r->rdi);
	struct region *g;

	if (err != UK_OK)
		return err;
	if (r->rsi == 0 || r->rsi > MEM_ALLOC_MAX)
		return UK_E_ARG;
	if (!(g = obj_region_alloc(t->proc, (uint32_t)r->rsi)))
		return UK_E_NOMEM;
	return cap_install(t->proc, r->rdi, UK_CAP_MEMORY,
			   UK_R_READ | UK_R_WRITE | UK_R_EXEC, 0, g);
}

enum uk_err sys_mem_map(struct thread *t, struct trap_frame *r)
{
	enum uk_err err = UK_OK;
	uint64_t want = r->r8;
	struct proc *p;
	struct cap *c;

	if (!sysarg_map_rights_ok(want))
		return UK_E_ARG;
	if (!(p = target_proc(t, r->rdi, &err)) ||
	    !(c = cap_lookup(t->proc, r->rsi, UK_CAP_MEMORY,
			     (uint8_t)want | UK_R_READ, &err)))
		return err;
	return proc_map(p, c->obj, r->rdx, (want & UK_R_WRITE ? VM_W : 0) |
			(want & UK_R_EXEC ? VM_X : 0));
}

enum uk_err sys_mem_unmap(struct thread *t, struct trap_frame *r)
{
	enum uk_err err = UK_OK;
	struct proc *p = target_proc(t, r->rdi, &err);

	if (!p)
		return err;
	return proc_unmap(p, r->rsi);
}

enum uk_err sys_mem_info(struct thread *t, struct trap_frame *r)
{
	enum uk_err err;
	struct cap *c = cap_lookup(t->proc, r->rdi, UK_CAP_MEMORY, 0, &err);
	struct region *g;

	if (!c)
		return err;
	g = c->obj;
	r->rsi = g->pages;
	r->rdx = g->phys;
	return UK_OK;
}

/* Creating, starting and killing processes needs the control capability. */
static int has_control(struct thread *t)
{
	enum uk_err err;

	return cap_lookup(t->proc, UK_SLOT_INIT_CONTROL, UK_CAP_CONTROL, 0, &err) != NULL;
}

enum uk_err sys_proc_create(struct thread *t, struct trap_frame *r)
{
	enum uk_err err;
	struct cap *f;
	struct proc *p;
	char name[PROC_NAME_MAX] = { 0 };

	if (!has_control(t))
		return UK_E_RIGHTS;
	if ((err = slot_free(t->proc, r->rdi)) != UK_OK)
		return err;
	if (!(f = cap_lookup(t->proc, r->rsi, UK_CAP_ENDPOINT, UK_R_SEND, &err)))
		return err;
	if (r->rdx >= 8 || !sysarg_name7_ok(r->r8) || r->r9 > 0xffffffffu)
		return UK_E_ARG;
	for (int i = 0; i < PROC_NAME_MAX - 1; i++)
		name[i] = (char)(r->r8 >> (8 * i));
	p = proc_create(name, (uint8_t)r->rdx, f->obj, f->badge);
	if (!p)
		return UK_E_NOMEM;
	if (r->r9) {
		/* Its page tables grow with its pages (one per 2 MiB). */
		p->pages.max = (uint32_t)r->r9;
		p->tables.max += (uint32_t)(r->r9 / 256);
		p->objs.max += (uint32_t)(r->r9 / 1024);
	}
	r->rsi = p->pid;
	return cap_install(t->proc, r->rdi, UK_CAP_PROCESS, UK_R_ALL, p->pid, p);
}

/* The process slot names, for a caller holding the control capability,
 * and not the caller's own; NULL with *err set if not. */
static struct proc *other_proc(struct thread *t, uint64_t slot,
			       enum uk_err *err)
{
	struct proc *p;

	if (!has_control(t)) {
		*err = UK_E_RIGHTS;
		return NULL;
	}
	if ((p = target_proc(t, slot, err)) && p == t->proc) {
		*err = UK_E_ARG;
		return NULL;
	}
	return p;
}

enum uk_err sys_proc_start(struct thread *t, struct trap_frame *r)
{
	enum uk_err err;
	struct proc *p = other_proc(t, r->rdi, &err);

	if (!p)
		return err;
	if (!sysarg_user_start_ok(r->rsi, r->rdx))
		return UK_E_ARG;
	return proc_start(p, r->rsi, r->rdx, r->r8);
}

enum uk_err sys_proc_kill(struct thread *t, struct trap_frame *r)
{
	enum uk_err err;
	struct proc *p = other_proc(t, r->rdi, &err);

	if (!p)
		return err;
	proc_kill(p);
	return UK_OK;
}
