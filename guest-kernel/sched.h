/*
 * Run queues: one circular list per priority, a bitmap of the non-empty
 * ones, round robin within a priority. The running thread is not on a
 * queue; sched_cur names it (NULL: idle).
 */
#ifndef SCHED_H
#define SCHED_H

#include "kobj.h"

#define SCHED_PRIOS     8       /* 0 lowest .. 7 highest */

extern struct thread *sched_cur;

/* Make t runnable: state T_READY, at the tail of its priority's queue. */
void sched_enqueue(struct thread *t);
/* Take t off its run queue (it must be T_READY and queued). */
void sched_dequeue(struct thread *t);
/* The thread to run next: the current one if still ready, else the head
 * of the highest non-empty queue (taken off it), else NULL. Sets sched_cur. */
struct thread *sched_choose(void);
/* Timer tick or yield: the current thread goes to the tail of its queue
 * if another of the same or higher priority is ready. */
void sched_rotate(void);
/* Bit p: queue p is not empty. */
extern uint32_t sched_nonempty;

/* Is a thread of priority >= prio waiting on a run queue? (Inline: it is
 * on every system call's way out.) */
static inline int sched_ready_at(unsigned prio)
{
	return prio < SCHED_PRIOS && (sched_nonempty >> prio) != 0;
}
void sched_reset(void);

#endif
