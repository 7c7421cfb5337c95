/* System calls: decode the saved registers, check every argument, act. */
#ifndef SYSCALL_H
#define SYSCALL_H

#include "kobj.h"

/* Handle the system call in t's saved registers; the result goes back
 * into them, and sched_cur may change (IPC, blocking, exit). */
void syscall_dispatch(struct thread *t);

/* The entry sequence in use: UK_ENTRY_SYSCALL or UK_ENTRY_TRAP. */
extern int syscall_entry_mode;

#endif
