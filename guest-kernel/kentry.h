/* Entering and leaving the kernel from user mode. */
#ifndef KENTRY_H
#define KENTRY_H

#include "kobj.h"

#define SYSCALL_VECTOR  0x100

/* Return to user mode in thread t (its address space, its kernel stack
 * for the next entry). */
_Noreturn void switch_to(struct thread *t);
/* Run the next ready thread (or idle until one is); never returns. */
_Noreturn void kernel_exit(void);
/* A trap or interrupt from user mode, r on the current thread's kernel
 * stack; never returns. */
_Noreturn void user_trap(struct trap_frame *r);
/* Vector 3 (isr.S): on the trap entry, the entry page's int3 is a system
 * call, which returns (to isr.S's iretq) only when the caller keeps the
 * CPU; any other int3 goes to trap_dispatch. */
void trap_int3(struct trap_frame *r);
/* The syscall instruction's C entry (user.S). */
_Noreturn void user_syscall(struct trap_frame *r);

/* user.S. Hidden: taking their address must compile to a RIP-relative
 * lea, not a GOT load (the kernel is -fpie, linked static). */
#pragma GCC visibility push(hidden)
_Noreturn void exit_to_user(struct trap_frame *r);
_Noreturn void idle(void);
void syscall_entry(void);
void syscall_probe_entry(void);
void syscall_probe_sysret(void);
extern uint64_t syscall_kstack;
extern uint8_t syscall_probe_hit;
#pragma GCC visibility pop

#endif
