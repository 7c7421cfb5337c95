/* spin: never yields, never calls the kernel. The preemption test runs
 * it beside other programs, which must still finish. */
#include "uk.h"

int main(uint64_t arg)
{
	volatile uint64_t n = arg;

	for (;;)
		n++;
}
