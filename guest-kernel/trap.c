#include "trap.h"

#include "arch.h"
#include "console.h"
#include "panic.h"
#include "platform.h"
#include "timer.h"
#include "kentry.h"
#include "irq.h"
#include "sched.h"
#include "uentry.h"

static const char *const names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode",
	"#NM device not available", "#DF double fault", "coprocessor overrun",
	"#TS invalid TSS", "#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved",
	"#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD error", "#VE virtualization", "#CP control protection",
	[28] = "#HV hypervisor injection", "#VC VMM communication",
	"#SX security",
};

const char *trap_name(uint64_t vector)
{
	return vector < 32 && names[vector] ? names[vector] : "interrupt";
}

static void dump(const struct trap_frame *f)
{
	const char *name = trap_name(f->vector);

	kerror("exception %lu %s in %s mode, error 0x%lx\n"
	       "RIP %016lx CS %04lx RFLAGS %016lx\n"
	       "RSP %016lx SS %04lx CR2 %016lx\n"
	       "RAX %016lx RBX %016lx RCX %016lx\n"
	       "RDX %016lx RSI %016lx RDI %016lx\n"
	       "RBP %016lx R8  %016lx R9  %016lx\n"
	       "R10 %016lx R11 %016lx R12 %016lx\n"
	       "R13 %016lx R14 %016lx R15 %016lx\n",
	       f->vector, name, f->cs & 3 ? "user" : "kernel", f->error,
	       f->rip, f->cs, f->rflags, f->rsp, f->ss, read_cr2(),
	       f->rax, f->rbx, f->rcx, f->rdx, f->rsi, f->rdi,
	       f->rbp, f->r8, f->r9, f->r10, f->r11, f->r12,
	       f->r13, f->r14, f->r15);
}

void trap_dispatch(struct trap_frame *f)
{
	if (f->cs & 3)
		user_trap(f);
	if (f->vector == TIMER_VECTOR || f->vector - IRQ_VECTOR0 < IRQ_COUNT) {
		if (f->vector == TIMER_VECTOR)
			timer_irq();
		else
			irq_handle((unsigned)(f->vector - IRQ_VECTOR0));
		/* The kernel enables interrupts only when idle (or in a
		 * self-test, with no threads): run what became ready. */
		if (sched_choose())
			kernel_exit();
		return;
	}
	if (uentry_probing)
		uentry_probe_done(f);
	dump(f);
	kexit(KEXIT_EXCEPTION);
}
