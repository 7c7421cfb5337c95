/*
 * Synchronous IPC and notifications: the state machine. Each operation
 * acts for the current thread, whose saved user registers (struct trap_frame)
 * hold the message (abi.h), and leaves in sched_cur the thread that should
 * run next when it differs (a direct switch: call to a waiting receiver,
 * reply_recv back to the caller). Arguments are already checked by the
 * caller; nothing here fails half-way.
 */
#ifndef IPC_H
#define IPC_H

#include "kobj.h"

/* The message registers (abi.h), from -> to, arriving with badge and
 * no capability; shared by the general path and the fast path. */
static inline void ipc_copy_msg(struct trap_frame *to,
				const struct trap_frame *from, uint64_t badge)
{
	to->rax = UK_OK;
	to->rsi = from->rsi;
	to->rdx = from->rdx;
	to->r8 = from->r8;
	to->r9 = from->r9;
	to->r10 = from->r10;
	to->r12 = UK_NO_CAP;
	to->r13 = badge;
}

/*
 * The operations that act for cur return its system call's error. When
 * cur blocks they return UK_OK and whoever wakes cur sets its rax then
 * (a delivered message: UK_OK; a flush: the flush's error).
 */

/* Send on ep with the badge and grant right of the cap used; with call,
 * then wait for the reply. UK_E_DEAD if ep is dead. */
enum uk_err ipc_send(struct thread *cur, struct endpoint *ep, uint64_t badge,
		     int grant, int call);
/* Drop the caller cur owes a reply (it gets UK_E_NOREPLY), then receive
 * on ep; UK_E_DEAD if ep is dead. */
enum uk_err ipc_recv(struct thread *cur, struct endpoint *ep);
/* Reply to the caller cur owes; UK_E_NOREPLY if none. */
enum uk_err ipc_reply(struct thread *cur);
/* Reply (if cur owes one), then receive on ep; switches straight to the
 * caller when nothing is queued on ep. UK_E_DEAD (the reply delivered)
 * if ep is dead. */
enum uk_err ipc_reply_recv(struct thread *cur, struct endpoint *ep);

void ipc_signal(struct ntfn *n, uint64_t bits);
/* Bind n to t (NULL: unbind); UK_E_BUSY if n is bound to another. */
enum uk_err ipc_ntfn_bind(struct thread *t, struct ntfn *n);
/* Take n's bits into cur's rsi; none set: block (UK_E_BUSY if another
 * thread waits on n already), or UK_E_AGAIN without block. */
enum uk_err ipc_wait(struct thread *cur, struct ntfn *n, int block);

/* Wake every thread waiting on ep / n with error err. */
void ipc_ep_flush(struct endpoint *ep, enum uk_err err);
void ipc_ntfn_flush(struct ntfn *n, enum uk_err err);
/* t is being destroyed: take it off whatever it waits on; a caller
 * waiting for t's reply gets UK_E_DEAD. */
void ipc_cancel(struct thread *t);

#endif
