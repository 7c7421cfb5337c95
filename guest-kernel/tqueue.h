/* Circular doubly linked queues of threads through next/prev; the queue
 * is a pointer to its head, NULL when empty. Used by the run queues and
 * the endpoint queues. They are short: an endpoint's receive queue
 * mostly holds its one server thread, which the IPC fast path takes off
 * and puts back on every round trip, so the code for a queue of one
 * comes first. */
#ifndef TQUEUE_H
#define TQUEUE_H

#include "kobj.h"

static inline void tq_push(struct thread **q, struct thread *t)
{
	if (__builtin_expect(*q == NULL, 1)) {
		t->next = t->prev = t;
		*q = t;
		return;
	}
	t->prev = (*q)->prev;
	t->next = *q;
	(*q)->prev->next = t;
	(*q)->prev = t;
}

static inline void tq_remove(struct thread **q, struct thread *t)
{
	if (__builtin_expect(t->next == t, 1)) {
		*q = NULL;
	} else {
		t->prev->next = t->next;
		t->next->prev = t->prev;
		if (*q == t)
			*q = t->next;
	}
	t->next = t->prev = NULL;
}

/* Remove and return the head (the queue must not be empty). */
static inline struct thread *tq_pop(struct thread **q)
{
	struct thread *t = *q;

	tq_remove(q, t);
	return t;
}

#endif
