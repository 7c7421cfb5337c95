/*
 * Kernel objects: threads, processes, endpoints, notifications, memory
 * regions, and the capabilities that name them. All live in fixed pools
 * (obj.c): the kernel never allocates on a task's behalf beyond them, and
 * each process has a quota of objects it may create.
 *
 * This header is architecture-free so that the capability table, the run
 * queues and the IPC state machine can be unit-tested on the host.
 */
#ifndef KOBJ_H
#define KOBJ_H

#include <stdint.h>
#include <stddef.h>
#include "ukern/abi.h"
#include "quota.h"

/* A thread's user registers: the trap frame (trap.h) at the top of its
 * kernel stack, saved at every entry from user mode. */
#include "trap.h"

enum tstate {
	T_FREE = 0,
	T_INACTIVE,             /* created, not started; or stopped */
	T_READY,                /* on a run queue, or running */
	T_SEND,                 /* queued on ep as a sender (send or call) */
	T_RECV,                 /* queued on ep as a receiver */
	T_REPLY,                /* called; waiting for its server's reply */
	T_NTFN,                 /* waiting on a notification */
};

struct proc;
struct endpoint;
struct ntfn;

struct thread {
	struct trap_frame *regs; /* user context: top of its kernel stack */
	uintptr_t kstack_top;
	struct proc *proc;
	uint8_t state;          /* enum tstate */
	uint8_t prio;
	uint8_t is_call;        /* T_SEND: wants a reply */
	uint8_t grant;          /* T_SEND: may transfer a capability */
	uint64_t badge;         /* T_SEND: badge of the cap used */
	struct thread *next, *prev;     /* run queue or endpoint queue */
	struct endpoint *ep;    /* T_SEND / T_RECV */
	struct ntfn *ntfn;      /* T_NTFN */
	struct thread *server;  /* T_REPLY: whose reply it waits for */
	struct thread *caller;  /* the caller it owes a reply, or NULL */
	struct ntfn *bound;     /* ends a recv when signalled, or NULL */
	uint64_t fs_base;       /* UK_SYS_FS_BASE */
};

struct endpoint {
	uint32_t refs;          /* capabilities naming it; 0 = free */
	uint8_t dead;           /* its server is gone */
	struct proc *owner;     /* quota is charged to it */
	struct thread *sendq;   /* circular lists; NULL when empty */
	struct thread *recvq;
};

struct ntfn {
	uint32_t refs;
	struct proc *owner;
	uint64_t bits;
	struct thread *waiter;  /* in wait on it */
	struct thread *bound;   /* its signals also end this one's recv */
};

struct region {
	uint32_t refs;          /* capabilities + mappings */
	uint16_t pages;
	uint8_t fixed;          /* frames not from the allocator (bootfs) */
	uint8_t uncached;       /* device registers: mapped PCD|PWT */
	uint64_t phys;          /* contiguous, page-aligned */
	struct proc *owner;
};

struct cap {
	uint8_t type;           /* enum uk_cap_type */
	uint8_t rights;
	uint16_t _pad;
	uint32_t irq;           /* UK_CAP_IRQ */
	uint64_t badge;
	void *obj;
};

#define PROC_NAME_MAX   8
#define PROC_THREADS    4
#define PROC_MAPPINGS   208     /* 3 GiB of 16 MiB regions, and more */

/* A region mapped into a process at va (the whole region). */
struct mapping {
	uint64_t va;
	struct region *region;
};

struct proc {
	uint8_t live;
	uint8_t dead;           /* faulted or exited; waiting for kill */
	char name[PROC_NAME_MAX];
	uint64_t pml4;          /* physical address of its page table */
	struct cap caps[UK_CAP_SLOTS];
	struct thread *threads[PROC_THREADS];
	struct endpoint *fault_ep;      /* supervisor, may be NULL */
	uint64_t fault_badge;
	/* Never reused: a process capability names its process by slot and
	 * pid (its badge), so a stale one must never match a later process
	 * in the same slot. 64 bits do not wrap. */
	uint64_t pid;
	struct mapping maps[PROC_MAPPINGS];     /* the first nmaps are used */
	uint32_t nmaps;
	struct quota objs;      /* endpoints, notifications, regions made */
	struct quota pages;     /* its regions' frames */
	struct quota tables;    /* its address space's page tables */
};

#define NPROCS          32
#define NTHREADS        64
#define NENDPOINTS      128
#define NNTFNS          64
#define NREGIONS        384

#endif
