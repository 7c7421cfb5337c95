/* Interrupts and exceptions: the frame trap.S builds, and the dispatch. */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include <stdint.h>

/* Pushed by trap.S (r15 lowest), the stub (vector, error) and the CPU. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap.S pushes 22 words");

/* Called by trap.S with interrupts off. The timer is counted; any other
 * vector is a kernel fault: dumps the frame, exits KEXIT_EXCEPTION. */
void trap_dispatch(struct trap_frame *f);

/* "#PF page fault" and so on; "interrupt" past the exceptions. */
const char *trap_name(uint64_t vector);

#endif
