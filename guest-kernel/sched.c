#include "sched.h"
#include "tqueue.h"

struct thread *sched_cur;
static struct thread *queue[SCHED_PRIOS];
uint32_t sched_nonempty;

void sched_enqueue(struct thread *t)
{
	t->state = T_READY;
	tq_push(&queue[t->prio], t);
	sched_nonempty |= 1u << t->prio;
}

void sched_dequeue(struct thread *t)
{
	tq_remove(&queue[t->prio], t);
	if (queue[t->prio] == NULL)
		sched_nonempty &= ~(1u << t->prio);
}

struct thread *sched_choose(void)
{
	struct thread *t;

	if (sched_cur && sched_cur->state == T_READY) {
		if (!sched_ready_at(sched_cur->prio + 1u))
			return sched_cur;
		sched_enqueue(sched_cur);       /* a higher priority woke */
	}
	if (sched_nonempty == 0)
		return sched_cur = NULL;
	t = queue[31 - __builtin_clz(sched_nonempty)];
	sched_dequeue(t);
	return sched_cur = t;
}

void sched_rotate(void)
{
	struct thread *t = sched_cur;

	if (t && t->state == T_READY && sched_ready_at(t->prio)) {
		sched_enqueue(t);
		sched_cur = NULL;
	}
	sched_choose();
}

void sched_reset(void)
{
	for (int i = 0; i < SCHED_PRIOS; i++)
		queue[i] = NULL;
	sched_nonempty = 0;
	sched_cur = NULL;
}
