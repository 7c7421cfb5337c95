#include "proc.h"
#include "arch.h"
#include "cap.h"
#include "console.h"
#include "frame.h"
#include "ipc.h"
#include "cstr.h"
#include "obj.h"
#include "panic.h"
#include "sched.h"
#include "vm.h"

/* What a process other than init may hold (docs/accounting.md). */
#define PROC_OBJ_QUOTA          16      /* endpoints, notifications, regions */
#define PROC_PAGE_QUOTA         4096    /* its regions' frames: 16 MiB */
#define PROC_TABLE_QUOTA        256     /* its page tables: 1 MiB */

uint64_t proc_entry_page;

struct proc *proc_create(const char *name, uint8_t prio,
			 struct endpoint *fault_ep, uint64_t fault_badge)
{
	struct proc *p = obj_proc_alloc();
	struct thread *t;

	if (!p)
		return NULL;
	t = obj_thread_alloc();
	if (t && !t->kstack_top) {
		uint64_t f = frame_alloc();
		if (f) {
			t->kstack_top = (uintptr_t)phys_to_virt(f) + 4096;
			t->regs = (struct trap_frame *)t->kstack_top - 1;
		}
	}
	p->objs.max = PROC_OBJ_QUOTA;
	p->pages.max = PROC_PAGE_QUOTA;
	p->tables.max = PROC_TABLE_QUOTA;
	if (!t || !t->kstack_top || !(p->pml4 = vm_create(&p->tables)) ||
	    vm_map_range(p->pml4, UK_ENTRY_VA, proc_entry_page, 1, VM_X,
			 &p->tables) < 0) {
		if (t)
			t->state = T_FREE;
		if (p->pml4)
			vm_destroy(p->pml4, &p->tables);
		p->live = 0;
		return NULL;
	}
	for (int i = 0; i < PROC_NAME_MAX - 1 && name[i]; i++)
		p->name[i] = name[i];
	p->fault_ep = fault_ep;         /* held like a capability */
	if (fault_ep)
		obj_ref(UK_CAP_ENDPOINT, fault_ep);
	p->fault_badge = fault_badge;
	t->proc = p;
	t->prio = prio < 8 ? prio : 7;
	p->threads[0] = t;
	return p;
}

enum uk_err proc_start(struct proc *p, uint64_t entry, uint64_t stack,
		       uint64_t arg)
{
	struct thread *t = p->threads[0];
	struct trap_frame *r = t->regs;

	if (p->dead)
		return UK_E_DEAD;
	if (t->state != T_INACTIVE)
		return UK_E_BUSY;
	memset(r, 0, sizeof(*r));
	r->rip = entry;
	r->rsp = stack;
	r->rdi = arg;
	r->cs = USER_CS | 3;
	r->ss = USER_DS | 3;
	r->rflags = 0x202;              /* IF */
	sched_enqueue(t);
	return UK_OK;
}

/* Unmap m, one of p's mappings, and drop its region's reference. */
static void unmap(struct proc *p, struct mapping *m)
{
	struct region *r = m->region;

	vm_unmap_range(p->pml4, m->va, r->pages, &p->tables);
	*m = p->maps[--p->nmaps];       /* keep them packed */
	obj_unref(UK_CAP_MEMORY, r);
}

static void unmap_all(struct proc *p)
{
	while (p->nmaps)
		unmap(p, &p->maps[p->nmaps - 1]);
}

void proc_kill(struct proc *p)
{
	for (int i = 0; i < PROC_THREADS; i++) {
		struct thread *t = p->threads[i];
		if (t) {
			ipc_cancel(t);
			t->state = T_FREE;
			p->threads[i] = NULL;
		}
	}
	unmap_all(p);
	cap_clear(p);
	if (p->fault_ep)
		obj_unref(UK_CAP_ENDPOINT, p->fault_ep);
	p->fault_ep = NULL;
	obj_disown(p);
	vm_destroy(p->pml4, &p->tables);
	p->live = 0;
}

void proc_stop(struct thread *t, uint64_t label, const uint64_t w[4])
{
	struct proc *p = t->proc;
	struct trap_frame *r = t->regs;

	p->dead = 1;
	for (int i = 0; i < PROC_THREADS; i++)
		if (p->threads[i])
			ipc_cancel(p->threads[i]);
	obj_kill_endpoints(p);
	if (!p->fault_ep || p->fault_ep->dead)
		kpanic("%s (pid %lu) stopped and has no supervisor", p->name,
		       (unsigned long)p->pid);
	r->rsi = label;
	r->rdx = w[0];
	r->r8 = w[1];
	r->r9 = w[2];
	r->r10 = w[3];
	r->r12 = UK_NO_CAP;
	r->r14 = UK_NO_CAP;
	t->state = T_READY;
	/* Cannot fail: the endpoint is live (checked above). */
	(void)ipc_send(t, p->fault_ep, p->fault_badge, 0, 1);
}

enum uk_err proc_map(struct proc *p, struct region *r, uint64_t va,
		     unsigned flags)
{
	uint64_t len = (uint64_t)r->pages * UK_PAGE_SIZE;
	struct mapping *m;

	if ((va & (UK_PAGE_SIZE - 1)) || va < UK_USER_MIN ||
	    va > UK_USER_MAX || len > UK_USER_MAX - va)
		return UK_E_ARG;
	for (m = p->maps; m < p->maps + p->nmaps; m++)
		if (va < m->va + (uint64_t)m->region->pages * UK_PAGE_SIZE &&
		    m->va < va + len)
			return UK_E_BUSY;
	if (p->nmaps == PROC_MAPPINGS)
		return UK_E_NOMEM;
	if (vm_map_range(p->pml4, va, r->phys & ~(UK_PAGE_SIZE - 1), r->pages,
			 flags | (r->uncached ? VM_UC : 0), &p->tables) < 0)
		return UK_E_NOMEM;
	m->va = va;
	m->region = r;
	p->nmaps++;
	r->refs++;
	return UK_OK;
}

enum uk_err proc_unmap(struct proc *p, uint64_t va)
{
	for (struct mapping *m = p->maps; m < p->maps + p->nmaps; m++) {
		if (m->va == va) {
			unmap(p, m);
			return UK_OK;
		}
	}
	return UK_E_ARG;
}

uint64_t region_frames_alloc(uint32_t pages)
{
	return frame_alloc_run(pages);
}

void region_frames_free(uint64_t phys, uint32_t pages)
{
	frame_free_run(phys, pages);
}
