#include "lib.h"
#include <stdint.h>
#include "frame.h"

/* rep movsb/stosb: one instruction, and gcc cannot turn them back into
 * calls to these very functions. */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t q = n / 8, b = n % 8;

	/* Eight bytes a step: each iteration is emulated under KVM PVM. */
	__asm__ volatile("rep movsq; mov %3, %%rcx; rep movsb"
			 : "+D"(d), "+S"(src), "+c"(q) : "r"(b) : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = (unsigned char *)dst + n - 1;
	const unsigned char *s = (const unsigned char *)src + n - 1;

	if (dst <= src || (const unsigned char *)dst >= s + 1)
		return memcpy(dst, src, n);
	__asm__ volatile("std; rep movsb; cld"
			 : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	return dst;
}

void frame_clear(void *v)
{
	size_t n = 4096 / 8;

	__asm__ volatile("rep stosq" : "+D"(v), "+c"(n) : "a"(0ull) : "memory");
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	uint64_t v = 0x0101010101010101ull * (uint8_t)c;
	size_t q = n / 8, b = n % 8;

	__asm__ volatile("rep stosq; mov %2, %%rcx; rep stosb"
			 : "+D"(d), "+c"(q) : "r"(b), "a"(v) : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}
