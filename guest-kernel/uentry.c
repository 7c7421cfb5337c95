#include "uentry.h"
#include "arch.h"
#include "console.h"
#include "frame.h"
#include "kentry.h"
#include "cstr.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"

#define EFER_SCE        0x1u
#define FMASK_BITS      0x44700u        /* AC, NT, DF, IF, TF */

int uentry_probing;
static int sce_set;                     /* the probe set EFER.SCE */
static struct proc *init_proc;
static uint64_t init_entry, init_stack, init_arg;

static const uint8_t stub_syscall[] = { 0x0f, 0x05, 0xc3 };     /* syscall; ret */
static const uint8_t stub_trap[] = { 0xcc, 0xc3 };              /* int3; ret */
static const uint8_t probe[] = { 0x0f, 0x05, 0x0f, 0x0b };      /* syscall; ud2 */

static void fill(const uint8_t *code, size_t n)
{
	uint8_t *page = phys_to_virt(proc_entry_page);

	memset(page, 0xcc, 4096);
	memcpy(page, code, n);
}

int uentry_init(void)
{
	proc_entry_page = frame_alloc();
	return proc_entry_page ? 0 : -1;
}

/* How a Linux program's `syscall` reaches UK_LINUX_ENTRY_VA (abi.h). */
static const char *linux_route = "none (syscall is #UD)";

static _Noreturn void finish(int mode, const char *why)
{
	struct thread *t = init_proc->threads[0];

	uentry_probing = 0;
	syscall_entry_mode = mode;
	if (mode == UK_ENTRY_SYSCALL) {
		fill(stub_syscall, sizeof stub_syscall);
		wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
		linux_route = "reflected by the kernel";
	} else if (linux_route[0] == 'd') {
		fill(stub_trap, sizeof stub_trap);
		/* KVM PVM: the CPU jumps to LSTAR and stays in user mode, so
		 * LSTAR is the Linux entry itself and rflags stay as they
		 * were (FMASK 0): no kernel instruction runs. */
		wrmsr(MSR_LSTAR, UK_LINUX_ENTRY_VA);
		wrmsr(MSR_FMASK, 0);
	} else {
		fill(stub_trap, sizeof stub_trap);
		/* LSTAR still holds the probe's bare sysretq: with SCE clear
		 * a syscall in user mode is a #UD, a fault like any other. */
		if (sce_set)
			wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~(uint64_t)EFER_SCE);
	}
	kprintf("entry: %s (%s); Linux calls: %s\n", mode == UK_ENTRY_SYSCALL ?
		"syscall/iretq" : "int3 trap/iretq", why, linux_route);
	if (t == sched_cur)
		sched_cur = NULL;
	else if (t->state == T_READY)
		sched_dequeue(t);
	t->state = T_INACTIVE;
	proc_start(init_proc, init_entry, init_stack, init_arg);
	kernel_exit();
}

_Noreturn void uentry_start(struct proc *init, uint64_t entry,
			    uint64_t stack, uint64_t arg, const char *force)
{
	init_proc = init;
	init_entry = entry;
	init_stack = stack;
	init_arg = arg;
	/* From here a fault, even a #GP from one of these MSR writes on a
	 * platform that refuses them, ends the probe in favour of the trap. */
	uentry_probing = 1;
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	sce_set = 1;
	wrmsr(MSR_STAR, (uint64_t)(USER_DS - 8) << 48 | (uint64_t)KERNEL_CS << 32);
	wrmsr(MSR_FMASK, FMASK_BITS);
	if (force && force[0] == 's')
		finish(UK_ENTRY_SYSCALL, "forced by entry=syscall");
	wrmsr(MSR_LSTAR, (uint64_t)syscall_probe_entry);
	/* Forced, the trap leaves the MSRs as a failed probe would. */
	if (force && force[0] == 't')
		finish(UK_ENTRY_TRAP, "forced by entry=trap");
	fill(probe, sizeof probe);
	proc_start(init, UK_ENTRY_VA, stack, 0);
	kernel_exit();
}

_Noreturn void uentry_probe_done(struct trap_frame *r)
{
	if (r->vector == 6 && (r->cs & 3) == 3 && r->rip == UK_ENTRY_VA + 2 &&
	    syscall_probe_hit)
		finish(UK_ENTRY_SYSCALL, "self-test: syscall and sysret work");
	if (r->vector == 14 && (r->cs & 3) == 3 &&
	    r->rip == (uint64_t)syscall_probe_entry)
		linux_route = "direct, in user mode";
	kprintf("entry: syscall self-test: %s %s at 0x%lx\n",
		trap_name(r->vector), r->cs & 3 ? "in user mode" : "in kernel mode",
		r->rip);
	finish(UK_ENTRY_TRAP, "self-test: syscall unusable here");
}
