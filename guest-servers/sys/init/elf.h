/*
 * Checking an ELF64 executable in memory before loading it (init loads
 * the servers of the boot archive with it). Pure: no system call, so the
 * checks run on the host in tests/unit/user_elf.c.
 *
 * Accepted: ELF64, little-endian, x86-64, ET_EXEC, no interpreter or
 * dynamic section, 1..ELF_PHNUM_MAX program headers inside the image,
 * PT_LOADs that are non-empty, in ascending order, on pages of their own,
 * inside [UK_USER_MIN, UK_USER_MAX) and clear of the initial stack, whose
 * file bytes lie inside the image (filesz <= memsz), with p_vaddr and
 * p_offset equal modulo the page size, never writable and executable,
 * an entry point inside an executable one, and the ABI note (abi.h) of
 * this system's UK_ABI_VERSION in a PT_NOTE inside the image.
 */
#ifndef ELF_H
#define ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_PHNUM_MAX   16

/* Segment flags (p_flags). */
#define ELF_PF_X        1u
#define ELF_PF_W        2u
#define ELF_PF_R        4u

enum elf_err {
	ELF_OK = 0,
	ELF_E_SHORT,            /* smaller than an ELF header */
	ELF_E_MAGIC,            /* not an ELF file */
	ELF_E_CLASS,            /* not ELF64 little-endian, version 1 */
	ELF_E_MACHINE,          /* not x86-64 */
	ELF_E_TYPE,             /* not ET_EXEC, or wants a dynamic linker */
	ELF_E_PHDRS,            /* program header table size or place */
	ELF_E_NO_LOAD,          /* no PT_LOAD */
	ELF_E_SEG_SIZE,         /* memsz 0, or filesz > memsz */
	ELF_E_SEG_FILE,         /* file bytes beyond the image */
	ELF_E_SEG_ADDR,         /* outside user space, or on the stack */
	ELF_E_SEG_ALIGN,        /* p_vaddr, p_offset differ modulo a page */
	ELF_E_SEG_ORDER,        /* not ascending, or sharing a page */
	ELF_E_SEG_FLAGS,        /* writable and executable */
	ELF_E_ENTRY,            /* entry outside every executable PT_LOAD */
	ELF_E_NOTE,             /* a note runs past its PT_NOTE or the image */
	ELF_E_NO_ABI,           /* no ABI note: not built with libuk */
	ELF_E_ABI,              /* built for another ABI version */
	ELF_E_MAX
};

/* An image that passed elf_check. */
struct elf_image {
	const unsigned char *data;
	size_t size;
	uint64_t entry;
	uint64_t phoff;
	unsigned phnum;
	unsigned nload;         /* PT_LOAD headers */
	uint32_t abi;           /* the ABI note's version; 0: none */
};

/* One PT_LOAD: map memsz bytes at vaddr, the first filesz of them from
 * data + offset, the rest zero. */
struct elf_seg {
	uint64_t vaddr, memsz;
	uint64_t offset, filesz;
	uint32_t flags;         /* ELF_PF_* */
};

/* Checks data[0..size) (any alignment) and fills *img. Returns ELF_OK or
 * the first rule broken; *img is only meaningful with ELF_OK. */
enum elf_err elf_check(struct elf_image *img, const void *data, size_t size);

/* The next PT_LOAD at or after header *i into *seg, advancing *i; returns
 * 0 when there is none left. Start with *i = 0. */
int elf_next_load(const struct elf_image *img, unsigned *i,
		  struct elf_seg *seg);

/* "ELF_E_SEG_FILE: ..." for e. */
const char *elf_strerror(enum elf_err e);

#endif
