/*
 * The kernel loader: checks an ELF file as a PVH kernel, then copies its
 * PT_LOAD segments into guest RAM at their physical addresses. Checking
 * builds a complete plan (segments + entry) before anything is copied,
 * so a bad file changes nothing.
 */
#ifndef VMM_LOADER_H
#define VMM_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "mem.h"

#define LOADER_MAX_PHDRS 64

struct loader_seg {
	uint64_t offset;        /* in the file */
	uint64_t paddr;         /* guest physical address */
	uint64_t filesz;        /* bytes copied from the file */
	uint64_t memsz;         /* bytes of guest memory, >= filesz */
	uint32_t flags;         /* PF_X | PF_W | PF_R */
};

struct loader_image {
	const char *path;
	int fd;
	void *elf;              /* Elf *, kept open until loader_close */
	uint64_t file_size;
	struct loader_seg seg[LOADER_MAX_PHDRS];
	unsigned nseg;          /* PT_LOAD segments with memsz > 0 */
	gpa_t entry;            /* PVH 32-bit entry (XEN_ELFNOTE_PHYS32_ENTRY) */
};

/*
 * Open path and check it as a PVH kernel for ram_size bytes of guest RAM:
 * ELF64, little-endian, x86-64, ET_EXEC, at most LOADER_MAX_PHDRS program
 * headers, PT_LOAD segments inside the file, inside RAM, outside the boot
 * area and not overlapping each other, and a PVH note (name "Xen", type
 * 18, 4- or 8-byte address) whose entry lies below 4 GiB in the file data
 * of an executable segment. Returns 0 with the plan in *img, or -errno
 * (-ENOEXEC for a bad file) with "PATH: reason" in *err.
 */
int loader_open(struct loader_image *img, const char *path,
		uint64_t ram_size, struct errmsg *err);

/*
 * Copy the planned segments into m, which must be zeroed RAM of at least
 * the ram_size given to loader_open (fresh from mem_init): the bytes past
 * filesz are left untouched, already zero, so untouched bss costs no host
 * memory. Returns 0, or -EINVAL if m is smaller than planned.
 */
int loader_copy(const struct loader_image *img, struct mem *m,
		struct errmsg *err);

/* Release the file; safe to call twice and after a failed loader_open. */
void loader_close(struct loader_image *img);

#endif
