#include "elf.h"

#include <ukern/abi.h>

#define PT_LOAD         1u
#define PT_DYNAMIC      2u
#define PT_INTERP       3u
#define PT_NOTE         4u
#define NOTE_HDR        12u     /* namesz, descsz, type */
#define ET_EXEC         2u
#define EM_X86_64       62u

struct elf64_ehdr {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header");

#define PAGE            UK_PAGE_SIZE
#define STACK_LO        (UK_STACK_TOP - UK_STACK_PAGES * UK_PAGE_SIZE)

/* Program header i of a checked table (the image may be unaligned). */
static void phdr(const struct elf_image *img, unsigned i,
		 struct elf64_phdr *ph)
{
	__builtin_memcpy(ph, img->data + img->phoff + (uint64_t)i * sizeof *ph,
			 sizeof *ph);
}

/* Checks one PT_LOAD; *low is where the next one may start (a page). */
static enum elf_err check_load(const struct elf64_phdr *ph, size_t size,
			       uint64_t *low)
{
	uint64_t end;

	if (ph->memsz == 0 || ph->filesz > ph->memsz)
		return ELF_E_SEG_SIZE;
	if (ph->offset > size || ph->filesz > size - ph->offset)
		return ELF_E_SEG_FILE;
	if (ph->vaddr < UK_USER_MIN || ph->vaddr >= UK_USER_MAX ||
	    ph->memsz > UK_USER_MAX - ph->vaddr)
		return ELF_E_SEG_ADDR;
	end = ph->vaddr + ph->memsz;
	if (ph->vaddr < UK_STACK_TOP && end > STACK_LO)
		return ELF_E_SEG_ADDR;
	if (ph->vaddr % PAGE != ph->offset % PAGE)
		return ELF_E_SEG_ALIGN;
	if ((ph->vaddr & ~(PAGE - 1)) < *low)
		return ELF_E_SEG_ORDER;
	if ((ph->flags & ELF_PF_W) && (ph->flags & ELF_PF_X))
		return ELF_E_SEG_FLAGS;
	/* end <= UK_USER_MAX, a page boundary: rounding up cannot wrap. */
	*low = (end + PAGE - 1) & ~(PAGE - 1);
	return ELF_OK;
}

/* Reads the notes of one PT_NOTE; the version of ukern's ABI note, when
 * there, goes in img->abi. A note's descriptor and the next note start
 * at the next multiple of 4 bytes, or of 8 in a segment aligned to 8 (as
 * readelf reads them). ELF_OK, or ELF_E_NOTE for a name or descriptor
 * that runs past the segment or the image. */
static enum elf_err scan_notes(struct elf_image *img,
			       const struct elf64_phdr *ph)
{
	uint64_t off = ph->offset, end, pad = ph->align == 8 ? 7 : 3;

	if (off > img->size || ph->filesz > img->size - off)
		return ELF_E_NOTE;
	end = off + ph->filesz;
	while (end - off >= NOTE_HDR) {
		uint64_t left = end - off, desc, next;
		const unsigned char *p = img->data + off;
		uint32_t h[3];

		__builtin_memcpy(h, p, sizeof h);
		desc = (NOTE_HDR + (uint64_t)h[0] + pad) & ~pad;
		if (desc > left || h[1] > left - desc)
			return ELF_E_NOTE;
		if (h[2] == UK_NOTE_ABI && h[0] == sizeof UK_NOTE_NAME &&
		    h[1] == sizeof img->abi &&
		    __builtin_memcmp(p + NOTE_HDR, UK_NOTE_NAME,
				     sizeof UK_NOTE_NAME) == 0)
			__builtin_memcpy(&img->abi, p + desc, sizeof img->abi);
		next = (desc + h[1] + pad) & ~pad;
		if (next >= left)
			break;          /* the last note; its padding may be cut */
		off += next;
	}
	return ELF_OK;
}

enum elf_err elf_check(struct elf_image *img, const void *data, size_t size)
{
	static const unsigned char magic[4] = { 0x7f, 'E', 'L', 'F' };
	struct elf64_ehdr eh;
	uint64_t low = 0;
	int entry_ok = 0;

	*img = (struct elf_image){ .data = data, .size = size };
	if (size < sizeof eh)
		return ELF_E_SHORT;
	__builtin_memcpy(&eh, data, sizeof eh);
	if (__builtin_memcmp(eh.ident, magic, sizeof magic))
		return ELF_E_MAGIC;
	if (eh.ident[4] != 2 || eh.ident[5] != 1 || eh.ident[6] != 1 ||
	    eh.version != 1)
		return ELF_E_CLASS;
	if (eh.machine != EM_X86_64)
		return ELF_E_MACHINE;
	if (eh.type != ET_EXEC)
		return ELF_E_TYPE;
	if (eh.phentsize != sizeof(struct elf64_phdr) || eh.phnum == 0 ||
	    eh.phnum > ELF_PHNUM_MAX || eh.phoff > size ||
	    (uint64_t)eh.phnum * sizeof(struct elf64_phdr) > size - eh.phoff)
		return ELF_E_PHDRS;
	img->entry = eh.entry;
	img->phoff = eh.phoff;
	img->phnum = eh.phnum;

	for (unsigned i = 0; i < img->phnum; i++) {
		struct elf64_phdr ph;
		enum elf_err e;

		phdr(img, i, &ph);
		if (ph.type == PT_INTERP || ph.type == PT_DYNAMIC)
			return ELF_E_TYPE;
		if (ph.type == PT_NOTE && (e = scan_notes(img, &ph)) != ELF_OK)
			return e;
		if (ph.type != PT_LOAD)
			continue;
		e = check_load(&ph, size, &low);
		if (e != ELF_OK)
			return e;
		img->nload++;
		if ((ph.flags & ELF_PF_X) && eh.entry >= ph.vaddr &&
		    eh.entry - ph.vaddr < ph.memsz)
			entry_ok = 1;
	}
	if (img->nload == 0)
		return ELF_E_NO_LOAD;
	if (!entry_ok)
		return ELF_E_ENTRY;
	if (img->abi == 0)
		return ELF_E_NO_ABI;
	if (img->abi != UK_ABI_VERSION)
		return ELF_E_ABI;
	return ELF_OK;
}

int elf_next_load(const struct elf_image *img, unsigned *i,
		  struct elf_seg *seg)
{
	for (; *i < img->phnum; (*i)++) {
		struct elf64_phdr ph;

		phdr(img, *i, &ph);
		if (ph.type != PT_LOAD)
			continue;
		*seg = (struct elf_seg){ .vaddr = ph.vaddr, .memsz = ph.memsz,
					 .offset = ph.offset,
					 .filesz = ph.filesz,
					 .flags = ph.flags };
		(*i)++;
		return 1;
	}
	return 0;
}

const char *elf_strerror(enum elf_err e)
{
	static const char *const names[ELF_E_MAX] = {
		[ELF_OK] = "ok",
		[ELF_E_SHORT] = "shorter than an ELF header",
		[ELF_E_MAGIC] = "not an ELF file",
		[ELF_E_CLASS] = "not ELF64 little-endian version 1",
		[ELF_E_MACHINE] = "not x86-64",
		[ELF_E_TYPE] = "not a static executable (ET_EXEC)",
		[ELF_E_PHDRS] = "bad program header table",
		[ELF_E_NO_LOAD] = "no PT_LOAD segment",
		[ELF_E_SEG_SIZE] = "segment: memsz 0 or filesz > memsz",
		[ELF_E_SEG_FILE] = "segment: file bytes beyond the image",
		[ELF_E_SEG_ADDR] = "segment: outside user space or on the stack",
		[ELF_E_SEG_ALIGN] = "segment: vaddr and offset differ in a page",
		[ELF_E_SEG_ORDER] = "segment: not ascending or sharing a page",
		[ELF_E_SEG_FLAGS] = "segment: writable and executable",
		[ELF_E_ENTRY] = "entry point not in an executable segment",
		[ELF_E_NOTE] = "a note runs past its segment",
		[ELF_E_NO_ABI] = "no ABI version note (not built with libuk)",
		[ELF_E_ABI] = "built for another ABI version",
	};

	return (unsigned)e < ELF_E_MAX ? names[e] : "unknown ELF error";
}
