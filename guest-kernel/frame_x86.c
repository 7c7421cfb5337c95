/* Clearing a frame: the one piece of the frame allocator that is x86
 * (the host tests link frame.c with a memset instead). */
#include "frame.h"

#include <stddef.h>

void frame_clear(void *v)
{
	size_t n = 4096 / 8;

	__asm__ volatile("rep stosq" : "+D"(v), "+c"(n) : "a"(0ull) : "memory");
}
