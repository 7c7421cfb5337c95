/* Circular doubly linked queues of threads through next/prev; the queue
 * is a pointer to its head, NULL when empty. Used by the run queues and
 * the endpoint queues. */
#ifndef TQUEUE_H
#define TQUEUE_H

#include "kobj.h"

static inline void tq_push(struct thread **q, struct thread *t)
{
	if (*q == NULL) {
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
	if (t->next == t) {
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
