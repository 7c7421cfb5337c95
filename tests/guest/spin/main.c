/* spin: counts to arg (forever when 0) without ever calling the kernel.
 * The preemption test runs it beside other programs, which must still
 * finish while it spins. */
#include "uk.h"
#include "ulib.h"

int main(uint64_t arg)
{
	volatile uint64_t n = 0;

	while (arg == 0 || n < arg)
		n++;
	printf("spin: counted to %lu\n", (uint64_t)n);
	return 0;
}
