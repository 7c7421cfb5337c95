/*
 * Processes: an address space, a capability table and up to PROC_THREADS
 * threads (one today). A process that faults or exits is stopped at once:
 * its threads leave every queue, callers waiting on it get UK_E_DEAD, its
 * endpoints die, and its supervisor gets a message; the supervisor then
 * kills it (frees everything) or leaves it for later.
 */
#ifndef PROC_H
#define PROC_H

#include "kobj.h"

/* The physical page the entry stub lives in (uentry.c fills it). */
extern uint64_t proc_entry_page;

/* A process with one thread (not started), or NULL (no slot or memory). */
struct proc *proc_create(const char *name, uint8_t prio,
			 struct endpoint *fault_ep, uint64_t fault_badge);
/* Start the (inactive) first thread at entry with rsp = stack, rdi = arg.
 * UK_E_BUSY if it already runs, UK_E_DEAD if the process is stopped. */
enum uk_err proc_start(struct proc *p, uint64_t entry, uint64_t stack,
		       uint64_t arg);
void proc_kill(struct proc *p);
/* Stop t's process and send its supervisor (label, w[4]) with badge =
 * the process's fault badge, t acting as the (never resumed) caller. */
void proc_stop(struct thread *t, uint64_t label, const uint64_t w[4]);
/* Map all of region r at va in p; UK_OK or an error, nothing mapped. */
enum uk_err proc_map(struct proc *p, struct region *r, uint64_t va,
		     unsigned flags);
/* Unmap the mapping that starts at va; UK_E_ARG if none does. */
enum uk_err proc_unmap(struct proc *p, uint64_t va);

#endif
