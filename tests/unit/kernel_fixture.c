#include "kernel_fixture.h"

#include <criterion/criterion.h>
#include <string.h>
#include "obj.h"
#include "sched.h"

struct trap_frame kfix_regs[NTHREADS];

void kfix_reset(void)
{
	memset(obj_procs, 0, sizeof(obj_procs));
	memset(obj_threads, 0, sizeof(obj_threads));
	sched_reset();
}

struct proc *kfix_proc(uint64_t pid)
{
	struct proc *p = obj_proc_alloc();

	cr_assert_not_null(p);
	p->pid = pid;
	p->objs.max = 16;
	p->pages.max = 64;
	return p;
}

struct thread *kfix_thread(struct proc *p, uint8_t prio)
{
	struct thread *t = obj_thread_alloc();

	cr_assert_not_null(t);
	t->regs = &kfix_regs[t - obj_threads];
	memset(t->regs, 0, sizeof(*t->regs));
	t->regs->r12 = t->regs->r14 = UK_NO_CAP;
	t->proc = p;
	t->prio = prio;
	return t;
}
