/* What the host tests of the kernel's core (kernel_ipc.c,
 * kernel_fastpath.c) build their processes and threads with. */
#ifndef KERNEL_FIXTURE_H
#define KERNEL_FIXTURE_H

#include <stdint.h>
#include "kobj.h"

/* The threads' saved registers, thread i's at kfix_regs[i]. */
extern struct trap_frame kfix_regs[NTHREADS];

/* Empties the object pools and the run queues: each test's .init. */
void kfix_reset(void);

/* A process with pid, an object quota of 16 and a page quota of 64. */
struct proc *kfix_proc(uint64_t pid);

/* A thread of p at prio, with registers of its own (r12 and r14
 * UK_NO_CAP, the rest 0). */
struct thread *kfix_thread(struct proc *p, uint8_t prio);

#endif
