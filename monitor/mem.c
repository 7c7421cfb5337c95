#include "mem.h"

#include <errno.h>
#include <sys/mman.h>

int mem_init(struct mem *m, uint64_t size)
{
	void *p;

	m->host = NULL;
	m->size = 0;
	if (size == 0 || size % MEM_PAGE_SIZE || size > SIZE_MAX)
		return -EINVAL;
	p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	m->host = p;
	m->size = size;
	return 0;
}

void mem_free(struct mem *m)
{
	if (m->host)
		munmap(m->host, (size_t)m->size);
	m->host = NULL;
	m->size = 0;
}

void *mem_ptr(const struct mem *m, gpa_t gpa, uint64_t len)
{
	if (!m->host || gpa > m->size || len > m->size - gpa)
		return NULL;
	return m->host + gpa;
}
