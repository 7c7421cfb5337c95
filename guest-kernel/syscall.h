/* System calls: decode the saved registers, check every argument, act. */
#ifndef SYSCALL_H
#define SYSCALL_H

#include "kobj.h"
#include "sys.h"

/* The handlers by system-call number, 0 and the gaps NULL (syscall.c). */
extern sys_fn *const syscall_table[UK_SYS_MAX];

/* Handle the system call in t's saved registers: the handler's error goes
 * into rax, its other results into the other registers, and sched_cur may
 * change (IPC, blocking, exit). Inline in the two kernel entries, which
 * keep t in a register across the handler anyway. */
static inline void syscall_dispatch(struct thread *t)
{
	struct trap_frame *r = t->regs;
	uint64_t n = r->rax;

	if (n >= UK_SYS_MAX || !syscall_table[n]) {
		r->rax = UK_E_SYSCALL;
		return;
	}
	t->regs->rax = syscall_table[n](t, r);
}

/* The entry sequence in use: UK_ENTRY_SYSCALL or UK_ENTRY_TRAP. */
extern int syscall_entry_mode;

#endif
