/*
 * The entry page: the kernel-entry sequence every address space calls
 * (abi.h). A boot self-test runs init's first instructions as a probe:
 * `syscall; ud2`. Where syscall enters ring 0 and sysretq comes back, the
 * probe ends in a user #UD after the syscall and the page gets
 * `syscall; ret`; where anything faults instead (KVM PVM: syscall keeps
 * ring 3, sysretq raises #GP) it gets `int3; ret`, a DPL-3 breakpoint gate
 * that returns with iretq, and EFER.SCE is clear again: a `syscall` in
 * user mode then raises #UD (and is a fault of that process) instead of
 * reaching the probe's entry.
 */
#ifndef UENTRY_H
#define UENTRY_H

#include "kobj.h"
#include "trap.h"

extern int uentry_probing;

/* Allocate the entry page (before any process is created). */
int uentry_init(void);
/* Choose the entry (force: NULL to probe, "trap" or "syscall"), then
 * start init's thread at entry/stack/arg. Never returns. */
_Noreturn void uentry_start(struct proc *init, uint64_t entry,
			    uint64_t stack, uint64_t arg, const char *force);
/* The probe ended with this trap (user or kernel mode). */
_Noreturn void uentry_probe_done(struct trap_frame *r);

#endif
