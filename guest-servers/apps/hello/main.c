/*
 * hello: the demo client. Finds the echo service by name in the
 * registry, exchanges messages with it, and lists what is registered:
 * the microkernel story end to end, each step in the log.
 */
#include <proto/echo.h>
#include "regclient.h"
#include "uk.h"
#include "ulib.h"

int main(uint64_t arg)
{
	uint64_t echo = uk_slot_alloc();
	char name[REG_NAME_MAX + 1];
	struct uk_msg m;
	int r;

	(void)arg;
	r = reg_lookup("echo", echo);
	if (r != REG_OK) {
		printf("hello: lookup echo: %s\n", reg_strerror(r));
		return 1;
	}
	printf("hello: looked up \"echo\" in the registry\n");
	m = (struct uk_msg){ .label = ECHO_OP_ECHO, .cap = UK_NO_CAP,
			     .w = { 0x6f6c6c6568, 1, 2, 3 } };
	if (uk_call(echo, &m) != UK_OK || m.label != ECHO_OK ||
	    m.w[0] != 0x6f6c6c6568 || m.w[3] != 3) {
		printf("hello: echo call failed\n");
		return 1;
	}
	printf("hello: echo answered 0x%lx %lu %lu %lu\n", m.w[0], m.w[1],
	       m.w[2], m.w[3]);
	m = (struct uk_msg){ .label = ECHO_OP_WHO, .cap = UK_NO_CAP };
	if (uk_call(echo, &m) == UK_OK)
		printf("hello: echo sees my badge as %lu\n", m.w[0]);
	for (uint64_t i = 0; reg_list(i, name) == REG_OK; i++)
		printf("hello: registry entry %lu: %s\n", i, name);
	printf("hello: done\n");
	return 0;
}
