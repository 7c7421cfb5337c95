#include "kentry.h"
#include "arch.h"
#include "console.h"
#include "fastpath.h"
#include "ipc.h"
#include "irq.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "timer.h"
#include "trap.h"
#include "uentry.h"
#include "vm.h"

extern uint8_t tss[];

/* The FS base in the CPU: written only when the next thread's differs
 * (most threads never set one). */
static uint64_t fs_loaded;

_Noreturn void switch_to(struct thread *t)
{
	if (t->fs_base != fs_loaded) {
		wrmsr(MSR_FS_BASE, t->fs_base);
		fs_loaded = t->fs_base;
	}
	vm_switch(t->proc->pml4);
	syscall_kstack = t->kstack_top;
	__builtin_memcpy(tss + 4, &syscall_kstack, 8);        /* rsp0 */
	exit_to_user(t->regs);
}

_Noreturn void kernel_exit(void)
{
	struct thread *t;

	/* A stopped process's threads never run again. */
	while ((t = sched_choose()) && t->proc->dead)
		ipc_cancel(t);
	if (!t)
		idle();
	switch_to(t);
}

/* A user-mode exception: stop the process, tell its supervisor (which
 * reports it, even when the log is quiet). */
static void user_fault(struct thread *t, struct trap_frame *r)
{
	uint64_t cr2 = r->vector == 14 ? read_cr2() : 0;
	uint64_t w[4] = { r->vector, r->error, r->rip, cr2 };

	kprintf("fault: %s (pid %lu): %s at rip 0x%lx addr 0x%lx error 0x%lx\n",
	       t->proc->name, (unsigned long)t->proc->pid,
	       trap_name(r->vector), r->rip, cr2, r->error);
	proc_stop(t, UK_LABEL_FAULT, w);
}

_Noreturn void user_trap(struct trap_frame *r)
{
	struct thread *t = sched_cur;

	if (r->vector == TIMER_VECTOR) {
		timer_irq();
		sched_rotate();
	} else if (r->vector - IRQ_VECTOR0 < IRQ_COUNT) {
		irq_handle((unsigned)(r->vector - IRQ_VECTOR0));
	} else if (uentry_probing) {
		uentry_probe_done(r);
	} else {
		user_fault(t, r);
	}
	kernel_exit();
}

/* Kept apart from trap_dispatch and user_trap: under KVM PVM each kernel
 * instruction is emulated, and a system call should not pay for their
 * vector tests. rip is just past the entry page's int3. */
void trap_int3(struct trap_frame *r)
{
	struct thread *t = sched_cur;

	if (r->rip == UK_ENTRY_VA + 1 && (r->cs & 3) &&
	    syscall_entry_mode == UK_ENTRY_TRAP) {
		fastpath(t);
		syscall_dispatch(t);
		/* Still t's turn (what sched_choose would say): return through
		 * isr.S with r, which is t->regs. Its address space and kernel
		 * stack are still loaded: only a dead process's are unloaded. */
		if (sched_cur == t && t->state == T_READY && !t->proc->dead &&
		    !sched_ready_at(t->prio + 1u))
			return;
		kernel_exit();
	}
	trap_dispatch(r);
}

/* A `syscall` other than the entry page's is a Linux system call: back
 * to user mode at UK_LINUX_ENTRY_VA with the registers `syscall` would
 * leave there (abi.h). The frame holds rcx and r11 as they were. */
static _Noreturn void reflect(struct trap_frame *r)
{
	r->r11 = r->rflags;
	r->rcx = r->rip;
	r->rip = UK_LINUX_ENTRY_VA;
	exit_to_user(r);
}

_Noreturn void user_syscall(struct trap_frame *r)
{
	if (r->rip != UK_ENTRY_VA + 2)
		reflect(r);
	fastpath(sched_cur);
	syscall_dispatch(sched_cur);
	kernel_exit();
}
