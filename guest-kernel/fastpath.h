/*
 * The IPC fast path (seL4's idea): call and reply_recv between two
 * threads in the common case (no capability travels, the partner is
 * waiting, nothing queued) switch straight to the partner: no scheduler
 * decision, no general dispatch. Anything else returns, and the general
 * path (syscall.c, ipc.c) handles the call with the same result.
 */
#ifndef FASTPATH_H
#define FASTPATH_H

#include "kobj.h"

/* Try the fast path for t's system call; returns only if it does not
 * apply (nothing was changed). */
void fastpath(struct thread *t);

#endif
