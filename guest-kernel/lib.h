/* The memory functions the compiler may call on its own (gcc requires
 * memcpy, memmove, memset and memcmp even when freestanding). */
#ifndef KERNEL_LIB_H
#define KERNEL_LIB_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif
