/*
 * Guest RAM: one anonymous host mapping that backs guest physical
 * addresses [0, size). A guest physical address is an integer (gpa_t),
 * never a pointer; mem_ptr() is the only way from one to the other.
 */
#ifndef VMM_MEM_H
#define VMM_MEM_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t gpa_t;

#define MEM_PAGE_SIZE 4096ull

struct mem {
	uint8_t *host;          /* host mapping of guest address 0 */
	uint64_t size;          /* bytes, a multiple of MEM_PAGE_SIZE */
};

/*
 * Map size bytes of zeroed guest RAM (size a non-zero multiple of
 * MEM_PAGE_SIZE). Pages are reserved lazily (MAP_NORESERVE): only what
 * the guest touches costs host memory. Returns 0 or -errno.
 */
int mem_init(struct mem *m, uint64_t size);

/* Unmap guest RAM; safe on a zeroed or already freed struct. */
void mem_free(struct mem *m);

/*
 * The host address of guest range [gpa, gpa + len), or NULL if any part
 * of it lies outside guest RAM or gpa + len overflows. len 0 is allowed
 * for any gpa <= size.
 */
void *mem_ptr(const struct mem *m, gpa_t gpa, uint64_t len);

#endif
