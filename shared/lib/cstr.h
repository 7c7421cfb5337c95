/*
 * The C string and memory functions, for the kernel and for user space
 * (shared/lib is built once for each). The names are the standard ones:
 * gcc emits calls to memcpy, memmove, memset and memcmp on its own, even
 * when freestanding. The header is not called string.h so that host
 * builds of the same sources keep their libc's.
 */
#ifndef SHARED_CSTR_H
#define SHARED_CSTR_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* Copies src into dst (capacity size, NUL-terminated when size > 0);
 * returns strlen(src): a result >= size means it was cut. */
size_t strlcpy(char *dst, const char *src, size_t size);
char *strchr(const char *s, int c);

#endif
