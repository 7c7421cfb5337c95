#include "fastpath.h"
#include "kentry.h"

void fastpath(struct thread *t)
{
	struct trap_frame *r = t->regs;
	struct thread *p;

	if (r->rax == UK_SYS_CALL)
		p = fastpath_call(t, r);
	else if (r->rax == UK_SYS_REPLY_RECV)
		p = fastpath_reply_recv(t, r);
	else
		return;
	if (!p)
		return;
	sched_cur = p;
	switch_to(p);
}
