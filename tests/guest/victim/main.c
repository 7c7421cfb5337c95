/*
 * victim: a service that faults when asked (tests/guest/lib/victim.h),
 * for ipctest's containment case: a call into a server that dies gets
 * UK_E_DEAD, and the restarted server is found again by name.
 */
#include "regclient.h"
#include "uk.h"
#include "ulib.h"
#include "victim.h"

int main(uint64_t arg)
{
	uint64_t ep = reg_serve("victim");
	struct uk_msg m;

	(void)arg;
	if (ep == UK_NO_CAP)
		return 1;
	uk_recv(ep, &m);
	for (;;) {
		if (m.label == VICTIM_OP_CRASH) {
			printf("victim: crashing on request\n");
			__asm__ volatile("movq $0, 8" ::: "memory");   /* #PF */
		}
		if (m.cap != UK_NO_CAP)
			uk_cap_delete(m.cap);
		m.label = m.label == VICTIM_OP_ECHO ? 0 : 1;
		m.cap = UK_NO_CAP;
		if (uk_reply_recv(ep, &m) != UK_OK)
			m = (struct uk_msg){ .cap = UK_NO_CAP };
	}
}
