/* Guest RAM for the fuzz targets: a mapping with an inaccessible page on
 * each side, so that a device or loader access past either end faults at
 * once (ASan does not watch mmap'd memory). */
#ifndef FUZZ_GUARDED_H
#define FUZZ_GUARDED_H

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#define GUARD   4096u

/* size bytes of zeroed RAM between two guard pages, or NULL. */
static inline uint8_t *guarded_ram(size_t size)
{
	uint8_t *map = mmap(NULL, size + 2 * GUARD, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (map == MAP_FAILED ||
	    mprotect(map + GUARD, size, PROT_READ | PROT_WRITE) < 0)
		return NULL;
	return map + GUARD;
}

#endif
