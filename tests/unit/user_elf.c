/* init's ELF checks (guest-servers/sys/init/elf.c) on images built here. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include <ukern/abi.h>
#include "../../guest-servers/sys/init/elf.h"

/* The ELF64 structures, written out: init's elf.h and the host's <elf.h>
 * cannot both be included. */
typedef struct {
	unsigned char e_ident[16];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum,
		 e_shstrndx;
} Elf64_Ehdr;

typedef struct {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
} Elf64_Phdr;

#define ELFMAG          "\177ELF"
#define SELFMAG         4
#define EI_CLASS        4
#define EI_DATA         5
#define EI_VERSION      6
#define ELFCLASS32      1
#define ELFCLASS64      2
#define ELFDATA2LSB     1
#define ELFDATA2MSB     2
#define EV_CURRENT      1
#define ET_EXEC         2
#define ET_DYN          3
#define EM_386          3
#define EM_X86_64       62
#define PT_LOAD         1
#define PT_DYNAMIC      2
#define PT_INTERP       3
#define PT_NOTE         4
#define PF_X            1
#define PF_W            2
#define PF_R            4

#define PAGE    4096
#define NOTE    0x200           /* the PT_NOTE's place in the file */

/* Writes a note (namesz, descsz, type, name, then desc) at file offset
 * off; returns the offset after it. */
static size_t put_note(unsigned char *at, size_t off, const char *name,
		       uint32_t namesz, uint32_t type, const void *desc,
		       uint32_t descsz)
{
	uint32_t h[3] = { namesz, descsz, type };

	memcpy(at + off, h, sizeof h);
	memcpy(at + off + 12, name, strlen(name) + 1);
	off += 12 + ((namesz + 3) & ~3u);
	memcpy(at + off, desc, descsz);
	return off + ((descsz + 3) & ~3u);
}

/* ukern's ABI note of version v at off; the offset after it. */
static size_t abi_note(unsigned char *at, size_t off, uint32_t v)
{
	return put_note(at, off, UK_NOTE_NAME, sizeof UK_NOTE_NAME,
			UK_NOTE_ABI, &v, sizeof v);
}

/* A good image: text R X at 0x400000, rodata R, data RW with bss. */
static _Alignas(16) unsigned char img[4 * PAGE];
static Elf64_Ehdr *eh;
static Elf64_Phdr *ph;

static void setup(void)
{
	memset(img, 0, sizeof img);
	eh = (Elf64_Ehdr *)img;
	ph = (Elf64_Phdr *)(img + sizeof *eh);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0x400010;
	eh->e_phoff = sizeof *eh;
	eh->e_ehsize = sizeof *eh;
	eh->e_phentsize = sizeof *ph;
	eh->e_phnum = 4;
	ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
			      .p_offset = PAGE, .p_vaddr = 0x400000,
			      .p_filesz = 0x100, .p_memsz = 0x100,
			      .p_align = PAGE };
	ph[1] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_flags = PF_R,
			      .p_offset = NOTE,
			      .p_filesz = abi_note(img, NOTE, UK_ABI_VERSION) -
					  NOTE };
	ph[2] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R,
			      .p_offset = 2 * PAGE, .p_vaddr = 0x401000,
			      .p_filesz = 0x80, .p_memsz = 0x80,
			      .p_align = PAGE };
	ph[3] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
			      .p_offset = 3 * PAGE, .p_vaddr = 0x402000,
			      .p_filesz = 0x20, .p_memsz = 0x3000,
			      .p_align = PAGE };
}

static enum elf_err check(void)
{
	struct elf_image im;

	return elf_check(&im, img, sizeof img);
}

TestSuite(user_elf, .init = setup);

Test(user_elf, good_image_and_its_segments)
{
	struct elf_image im;
	struct elf_seg s;
	unsigned i = 0;

	cr_assert_eq(elf_check(&im, img, sizeof img), ELF_OK);
	cr_assert_eq(im.entry, 0x400010);
	cr_assert_eq(im.nload, 3);
	cr_assert(elf_next_load(&im, &i, &s));
	cr_assert_eq(s.vaddr, 0x400000);
	cr_assert_eq(s.flags, ELF_PF_R | ELF_PF_X);
	cr_assert(elf_next_load(&im, &i, &s), "skips the PT_NOTE");
	cr_assert_eq(s.vaddr, 0x401000);
	cr_assert_eq(s.flags, ELF_PF_R);
	cr_assert(elf_next_load(&im, &i, &s));
	cr_assert_eq(s.vaddr, 0x402000);
	cr_assert_eq(s.offset, 3 * PAGE);
	cr_assert_eq(s.filesz, 0x20);
	cr_assert_eq(s.memsz, 0x3000);
	cr_assert_eq(s.flags, ELF_PF_R | ELF_PF_W);
	cr_assert_not(elf_next_load(&im, &i, &s));
	cr_assert_not(elf_next_load(&im, &i, &s), "stays at the end");
}

Test(user_elf, unaligned_image)
{
	static _Alignas(16) unsigned char moved[sizeof img + 1];
	struct elf_image im;

	memcpy(moved + 1, img, sizeof img);
	cr_assert_eq(elf_check(&im, moved + 1, sizeof img), ELF_OK);
}

Test(user_elf, short_image)
{
	struct elf_image im;

	cr_assert_eq(elf_check(&im, img, 0), ELF_E_SHORT);
	cr_assert_eq(elf_check(&im, img, 63), ELF_E_SHORT);
}

Test(user_elf, header_fields)
{
	img[1] = 'X';
	cr_assert_eq(check(), ELF_E_MAGIC);
	setup();
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	cr_assert_eq(check(), ELF_E_CLASS);
	setup();
	eh->e_ident[EI_DATA] = ELFDATA2MSB;
	cr_assert_eq(check(), ELF_E_CLASS);
	setup();
	eh->e_version = 2;
	cr_assert_eq(check(), ELF_E_CLASS);
	setup();
	eh->e_machine = EM_386;
	cr_assert_eq(check(), ELF_E_MACHINE);
	setup();
	eh->e_type = ET_DYN;
	cr_assert_eq(check(), ELF_E_TYPE);
	setup();
	ph[1].p_type = PT_INTERP;
	cr_assert_eq(check(), ELF_E_TYPE);
	setup();
	ph[1].p_type = PT_DYNAMIC;
	cr_assert_eq(check(), ELF_E_TYPE);
}

Test(user_elf, program_header_table)
{
	struct elf_image im;

	eh->e_phentsize = 32;
	cr_assert_eq(check(), ELF_E_PHDRS);
	setup();
	eh->e_phnum = 0;
	cr_assert_eq(check(), ELF_E_PHDRS);
	setup();
	eh->e_phnum = ELF_PHNUM_MAX + 1;
	cr_assert_eq(check(), ELF_E_PHDRS);
	setup();
	eh->e_phoff = sizeof img - 100;         /* runs off the end */
	cr_assert_eq(check(), ELF_E_PHDRS);
	setup();
	eh->e_phoff = UINT64_MAX - 10;          /* would wrap */
	cr_assert_eq(check(), ELF_E_PHDRS);
	setup();
	/* The table just fits an image cut right after it. */
	cr_assert_eq(elf_check(&im, img, sizeof *eh + 4 * sizeof *ph),
		     ELF_E_SEG_FILE);
	cr_assert_eq(elf_check(&im, img, sizeof *eh + 4 * sizeof *ph - 1),
		     ELF_E_PHDRS);
}

Test(user_elf, no_load)
{
	ph[0].p_type = ph[2].p_type = ph[3].p_type = PT_NOTE;
	cr_assert_eq(check(), ELF_E_NO_LOAD);
}

Test(user_elf, segment_sizes)
{
	ph[3].p_filesz = ph[3].p_memsz + 1;
	cr_assert_eq(check(), ELF_E_SEG_SIZE);
	setup();
	ph[2].p_memsz = ph[2].p_filesz = 0;
	cr_assert_eq(check(), ELF_E_SEG_SIZE);
}

Test(user_elf, segment_file_bytes)
{
	ph[3].p_filesz = PAGE + 1;              /* one past the image */
	ph[3].p_memsz = 0x3000;
	cr_assert_eq(check(), ELF_E_SEG_FILE);
	setup();
	ph[3].p_filesz = PAGE;                  /* exactly to the end */
	cr_assert_eq(check(), ELF_OK);
	setup();
	ph[2].p_offset = UINT64_MAX - 0x10;
	ph[2].p_vaddr = 0x401000 + (ph[2].p_offset % PAGE);
	cr_assert_eq(check(), ELF_E_SEG_FILE);
}

Test(user_elf, segment_addresses)
{
	ph[0].p_vaddr = UK_USER_MIN - PAGE;
	eh->e_entry = ph[0].p_vaddr;
	cr_assert_eq(check(), ELF_E_SEG_ADDR, "below UK_USER_MIN");
	setup();
	ph[3].p_vaddr = UK_USER_MAX - PAGE;
	ph[3].p_memsz = PAGE;
	cr_assert_eq(check(), ELF_OK, "the last user page");
	ph[3].p_memsz = PAGE + 1;
	cr_assert_eq(check(), ELF_E_SEG_ADDR, "into the entry page");
	setup();
	ph[3].p_vaddr = UK_ENTRY_VA;
	cr_assert_eq(check(), ELF_E_SEG_ADDR);
	setup();
	ph[3].p_vaddr = 0xfffffffffffff000ull;
	cr_assert_eq(check(), ELF_E_SEG_ADDR, "kernel half");
	setup();
	ph[3].p_memsz = UINT64_MAX - 0x1000;    /* vaddr + memsz wraps */
	cr_assert_eq(check(), ELF_E_SEG_ADDR);
	setup();
	ph[3].p_vaddr = UK_STACK_TOP - PAGE;    /* on the stack */
	cr_assert_eq(check(), ELF_E_SEG_ADDR);
	setup();
	ph[3].p_vaddr = UK_STACK_TOP - UK_STACK_PAGES * PAGE - 0x3000;
	cr_assert_eq(check(), ELF_OK, "right below the stack");
	ph[3].p_memsz++;
	cr_assert_eq(check(), ELF_E_SEG_ADDR, "one byte into it");
}

Test(user_elf, segment_alignment)
{
	ph[2].p_vaddr = 0x401010;               /* offset is page-aligned */
	cr_assert_eq(check(), ELF_E_SEG_ALIGN);
	setup();
	ph[2].p_vaddr = 0x401010;               /* congruent: fine */
	ph[2].p_offset = 2 * PAGE + 0x10;
	cr_assert_eq(check(), ELF_OK);
}

Test(user_elf, segment_order_and_sharing)
{
	ph[2].p_vaddr = 0x400000 + 0x100;       /* text's page */
	ph[2].p_offset = 2 * PAGE + 0x100;
	cr_assert_eq(check(), ELF_E_SEG_ORDER, "shares a page");
	setup();
	Elf64_Phdr t = ph[0];
	ph[0] = ph[2];
	ph[2] = t;
	cr_assert_eq(check(), ELF_E_SEG_ORDER, "descending");
}

Test(user_elf, writable_and_executable)
{
	ph[3].p_flags = PF_R | PF_W | PF_X;
	cr_assert_eq(check(), ELF_E_SEG_FLAGS);
}

Test(user_elf, entry)
{
	eh->e_entry = 0x401000;                 /* rodata: not executable */
	cr_assert_eq(check(), ELF_E_ENTRY);
	eh->e_entry = 0x400100;                 /* one past text */
	cr_assert_eq(check(), ELF_E_ENTRY);
	eh->e_entry = 0x4000ff;
	cr_assert_eq(check(), ELF_OK);
	eh->e_entry = 0;
	cr_assert_eq(check(), ELF_E_ENTRY);
}

Test(user_elf, abi_note)
{
	struct elf_image im;
	uint64_t desc = 0;

	ph[1].p_type = 6;                       /* PT_PHDR: no note */
	cr_assert_eq(check(), ELF_E_NO_ABI);
	ph[1].p_type = PT_NOTE;
	abi_note(img, NOTE, UK_ABI_VERSION + 1);
	cr_assert_eq(elf_check(&im, img, sizeof img), ELF_E_ABI);
	cr_assert_eq(im.abi, UK_ABI_VERSION + 1);
	abi_note(img, NOTE, 0);
	cr_assert_eq(check(), ELF_E_NO_ABI, "version 0 is no version");
	/* Another vendor's note first, then ours: found. */
	ph[1].p_filesz = abi_note(img, put_note(img, NOTE, "GNU", 4, 3, &desc,
						sizeof desc), UK_ABI_VERSION) -
			 NOTE;
	cr_assert_eq(check(), ELF_OK);
	/* Our name with another type or size is not our note. */
	ph[1].p_filesz = put_note(img, NOTE, UK_NOTE_NAME, sizeof UK_NOTE_NAME,
				  2, &desc, 4) - NOTE;
	cr_assert_eq(check(), ELF_E_NO_ABI);
	ph[1].p_filesz = put_note(img, NOTE, UK_NOTE_NAME, sizeof UK_NOTE_NAME,
				  UK_NOTE_ABI, &desc, 8) - NOTE;
	cr_assert_eq(check(), ELF_E_NO_ABI);
}

Test(user_elf, abi_note_bounds)
{
	uint32_t h[3] = { 6, 4, UK_NOTE_ABI };

	ph[1].p_filesz = 23;                    /* the version cut off */
	cr_assert_eq(check(), ELF_E_NOTE);
	ph[1].p_filesz = 11;                    /* a header cut: ignored */
	cr_assert_eq(check(), ELF_E_NO_ABI);
	ph[1].p_filesz = 24;
	h[0] = 0xfffffffd;                      /* namesz wraps when padded */
	memcpy(img + NOTE, h, sizeof h);
	cr_assert_eq(check(), ELF_E_NOTE);
	h[0] = 6;
	h[1] = 0xffffffff;                      /* descsz past the segment */
	memcpy(img + NOTE, h, sizeof h);
	cr_assert_eq(check(), ELF_E_NOTE);
	setup();
	ph[1].p_offset = sizeof img - 8;        /* the segment past the file */
	cr_assert_eq(check(), ELF_E_NOTE);
	ph[1].p_offset = ~0ull - 4;
	cr_assert_eq(check(), ELF_E_NOTE);
}

Test(user_elf, abi_note_in_a_segment_aligned_to_8)
{
	uint32_t gnu[3] = { 4, 16, 5 };
	uint32_t ours[3] = { sizeof UK_NOTE_NAME, 4, UK_NOTE_ABI };
	uint32_t v = UK_ABI_VERSION;
	unsigned char *n = img + NOTE;

	/* GNU's note: its descriptor at 16 and ours at 32; our version at
	 * 32 + 24, the header and name rounded up to 8. */
	memset(n, 0, 64);
	memcpy(n, gnu, sizeof gnu);
	memcpy(n + 12, "GNU", 4);
	memcpy(n + 32, ours, sizeof ours);
	memcpy(n + 44, UK_NOTE_NAME, sizeof UK_NOTE_NAME);
	memcpy(n + 56, &v, sizeof v);
	ph[1].p_align = 8;
	ph[1].p_filesz = 60;
	cr_assert_eq(check(), ELF_OK);
	ph[1].p_align = 4;                      /* read as 4: no version */
	cr_assert_eq(check(), ELF_E_NO_ABI);
}

Test(user_elf, every_error_has_a_message)
{
	for (int e = 0; e < ELF_E_MAX; e++)
		cr_assert_not_null(elf_strerror(e));
	cr_assert_str_eq(elf_strerror(ELF_E_MAX), "unknown ELF error");
}
