/*
 * The kernel loader, on ELF files made here at run time: a valid PVH
 * kernel and one file per way of getting it wrong.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <elf.h>
#include <stddef.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootinfo.h"
#include "loader.h"
#include "mem.h"

#define RAM             (4ull << 20)
#define TEXT_OFF        0x1000
#define TEXT_PADDR      0x100000
#define TEXT_SIZE       0x100
#define DATA_OFF        0x2000
#define DATA_PADDR      0x200000
#define DATA_FILESZ     0x10
#define DATA_MEMSZ      0x1000
#define NOTE_OFF        0x200
#define ENTRY           (TEXT_PADDR + 0x10)
#define FILE_SIZE       (DATA_OFF + DATA_FILESZ)

/* A kernel image being made: headers at fixed places in buf. */
struct img {
	uint8_t buf[0x3000];
	size_t size;
	char path[64];
};

static Elf64_Ehdr *eh(struct img *m)
{
	return (Elf64_Ehdr *)m->buf;
}

static Elf64_Phdr *ph(struct img *m, unsigned i)
{
	return (Elf64_Phdr *)(m->buf + sizeof(Elf64_Ehdr)) + i;
}

/* Append a note at *off; returns a pointer to its descriptor. */
static uint8_t *put_note(struct img *m, size_t *off, const char *name,
			 uint32_t type, uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	uint32_t hdr[3] = { namesz, descsz, type };
	uint8_t *desc;

	memcpy(m->buf + *off, hdr, sizeof(hdr));
	memcpy(m->buf + *off + 12, name, namesz);
	desc = m->buf + *off + 12 + ((namesz + 3) & ~3u);
	*off += 12 + ((namesz + 3) & ~3u) + ((descsz + 3) & ~3u);
	return desc;
}

/*
 * A valid kernel: text (R X) at 1 MiB, data + bss (R W) at 2 MiB, a
 * PT_NOTE with a GNU note and then the PVH note (descsz bytes).
 */
static void make_kernel_desc(struct img *m, uint32_t descsz, uint64_t entry)
{
	size_t off = NOTE_OFF;
	uint8_t *desc;
	unsigned i;

	memset(m, 0, sizeof(*m));
	memcpy(eh(m)->e_ident, ELFMAG, SELFMAG);
	eh(m)->e_ident[EI_CLASS] = ELFCLASS64;
	eh(m)->e_ident[EI_DATA] = ELFDATA2LSB;
	eh(m)->e_ident[EI_VERSION] = EV_CURRENT;
	eh(m)->e_type = ET_EXEC;
	eh(m)->e_machine = EM_X86_64;
	eh(m)->e_version = EV_CURRENT;
	eh(m)->e_entry = 0xffffffff80000000ull;        /* not used by PVH */
	eh(m)->e_phoff = sizeof(Elf64_Ehdr);
	eh(m)->e_ehsize = sizeof(Elf64_Ehdr);
	eh(m)->e_phentsize = sizeof(Elf64_Phdr);
	eh(m)->e_phnum = 3;

	*ph(m, 0) = (Elf64_Phdr){
		.p_type = PT_LOAD, .p_flags = PF_R | PF_X,
		.p_offset = TEXT_OFF, .p_vaddr = 0xffffffff80000000ull,
		.p_paddr = TEXT_PADDR, .p_filesz = TEXT_SIZE,
		.p_memsz = TEXT_SIZE, .p_align = 0x1000 };
	*ph(m, 1) = (Elf64_Phdr){
		.p_type = PT_LOAD, .p_flags = PF_R | PF_W,
		.p_offset = DATA_OFF, .p_vaddr = 0xffffffff80100000ull,
		.p_paddr = DATA_PADDR, .p_filesz = DATA_FILESZ,
		.p_memsz = DATA_MEMSZ, .p_align = 0x1000 };

	put_note(m, &off, "GNU", 3, 4);         /* NT_GNU_BUILD_ID-ish */
	desc = put_note(m, &off, "Xen", 18, descsz);
	if (descsz == 8)
		memcpy(desc, &entry, 8);
	else
		memcpy(desc, &entry, descsz < 4 ? descsz : 4);
	*ph(m, 2) = (Elf64_Phdr){
		.p_type = PT_NOTE, .p_flags = PF_R, .p_offset = NOTE_OFF,
		.p_filesz = off - NOTE_OFF, .p_memsz = off - NOTE_OFF,
		.p_align = 4 };

	for (i = 0; i < TEXT_SIZE; i++)
		m->buf[TEXT_OFF + i] = (uint8_t)(i ^ 0x5a);
	for (i = 0; i < DATA_FILESZ; i++)
		m->buf[DATA_OFF + i] = (uint8_t)(0xd0 + i);
	m->size = FILE_SIZE;
}

static void make_kernel(struct img *m)
{
	make_kernel_desc(m, 4, ENTRY);
}

/* Write the image to a temporary file; m->path names it. */
static void write_img(struct img *m)
{
	int fd;

	strcpy(m->path, "/tmp/vmm-loader-XXXXXX");
	fd = mkstemp(m->path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, m->buf, m->size), (ssize_t)m->size);
	close(fd);
}

/* Load m with ram bytes of RAM; return the result, message in err. */
static int try_load(struct img *m, uint64_t ram, struct loader_image *li,
		    struct errmsg *err)
{
	int r;

	write_img(m);
	memset(err, 0, sizeof(*err));
	r = loader_open(li, m->path, ram, err);
	return r;
}

/* Expect rejection with a message "PATH: ...what...". */
static void expect_reject(struct img *m, uint64_t ram, const char *what)
{
	struct loader_image li;
	struct errmsg err;
	int r;

	r = try_load(m, ram, &li, &err);
	cr_assert_lt(r, 0, "accepted, wanted '%s'", what);
	cr_assert_eq(strncmp(err.text, m->path, strlen(m->path)), 0,
		     "message does not name the file: %s", err.text);
	cr_assert(strstr(err.text, what), "'%s' lacks '%s'", err.text, what);
	cr_assert_null(strchr(err.text, '\n'), "one line: %s", err.text);
	cr_assert_eq(li.fd, -1, "file left open");
	cr_assert_null(li.elf);
	unlink(m->path);
}

Test(loader, valid_kernel_accepted_and_copied)
{
	struct loader_image li;
	struct errmsg err;
	struct mem mem;
	struct img m;
	uint8_t *p;
	unsigned i;

	make_kernel(&m);
	cr_assert_eq(try_load(&m, RAM, &li, &err), 0, "%s", err.text);
	cr_assert_eq(li.entry, ENTRY);
	cr_assert_eq(li.nseg, 2);
	cr_assert_eq(li.seg[0].paddr, TEXT_PADDR);
	cr_assert_eq(li.seg[1].memsz, DATA_MEMSZ);

	cr_assert_eq(mem_init(&mem, RAM), 0);
	cr_assert_eq(loader_copy(&li, &mem, &err), 0, "%s", err.text);
	p = mem_ptr(&mem, TEXT_PADDR, TEXT_SIZE);
	cr_assert_eq(memcmp(p, m.buf + TEXT_OFF, TEXT_SIZE), 0);
	p = mem_ptr(&mem, DATA_PADDR, DATA_MEMSZ);
	cr_assert_eq(memcmp(p, m.buf + DATA_OFF, DATA_FILESZ), 0);
	for (i = DATA_FILESZ; i < DATA_MEMSZ; i++)
		cr_assert_eq(p[i], 0, "bss byte %u not zero", i);
	/* Nothing else written: the byte before and after each segment. */
	cr_assert_eq(*(uint8_t *)mem_ptr(&mem, TEXT_PADDR - 1, 1), 0);
	cr_assert_eq(*(uint8_t *)mem_ptr(&mem, TEXT_PADDR + TEXT_SIZE, 1), 0);
	cr_assert_eq(*(uint8_t *)mem_ptr(&mem, BOOT_AREA_START, 1), 0);

	loader_close(&li);
	loader_close(&li);      /* twice is fine */
	mem_free(&mem);
	unlink(m.path);
}

Test(loader, copy_refuses_smaller_ram)
{
	struct loader_image li;
	struct errmsg err;
	struct mem mem;
	struct img m;

	make_kernel(&m);
	cr_assert_eq(try_load(&m, RAM, &li, &err), 0, "%s", err.text);
	cr_assert_eq(mem_init(&mem, DATA_PADDR), 0);    /* data won't fit */
	cr_assert_eq(loader_copy(&li, &mem, &err), -EINVAL);
	/* Checked before writing: the text segment was not copied. */
	cr_assert_eq(*(uint8_t *)mem_ptr(&mem, TEXT_PADDR, 1), 0);
	loader_close(&li);
	mem_free(&mem);
	unlink(m.path);
}

Test(loader, eight_byte_note)
{
	struct loader_image li;
	struct errmsg err;
	struct img m;

	make_kernel_desc(&m, 8, ENTRY + 4);
	cr_assert_eq(try_load(&m, RAM, &li, &err), 0, "%s", err.text);
	cr_assert_eq(li.entry, ENTRY + 4);
	loader_close(&li);
	unlink(m.path);
}

Test(loader, eight_aligned_note_segment)
{
	struct loader_image li;
	struct errmsg err;
	struct img m;
	size_t off = NOTE_OFF;
	uint8_t *desc;
	uint64_t entry = ENTRY;
	uint32_t hdr[3] = { 4, 8, 18 };

	/* An 8-aligned note segment (as ld makes for 8-byte notes). */
	make_kernel(&m);
	memset(m.buf + NOTE_OFF, 0, 0x100);
	memcpy(m.buf + off, hdr, 12);
	memcpy(m.buf + off + 12, "Xen", 4);
	desc = m.buf + off + 16;
	memcpy(desc, &entry, 8);
	ph(&m, 2)->p_filesz = ph(&m, 2)->p_memsz = 24;
	ph(&m, 2)->p_align = 8;
	cr_assert_eq(try_load(&m, RAM, &li, &err), 0, "%s", err.text);
	cr_assert_eq(li.entry, ENTRY);
	loader_close(&li);
	unlink(m.path);
}

Test(loader, unaligned_program_headers)
{
	struct loader_image li;
	struct errmsg err;
	struct img m;

	/* At an odd offset the program headers are not aligned for an
	 * Elf64_Phdr where libelf maps them: the loader reads copies (the
	 * fuzz target's UBSan would catch a read in place). */
	make_kernel(&m);
	memmove(m.buf + sizeof(Elf64_Ehdr) + 1, m.buf + sizeof(Elf64_Ehdr),
		3 * sizeof(Elf64_Phdr));
	eh(&m)->e_phoff = sizeof(Elf64_Ehdr) + 1;
	cr_assert_eq(try_load(&m, RAM, &li, &err), 0, "%s", err.text);
	cr_assert_eq(li.nseg, 2);
	cr_assert_eq(li.seg[0].paddr, TEXT_PADDR);
	cr_assert_eq(li.seg[0].flags, PF_R | PF_X);
	cr_assert_eq(li.seg[1].offset, DATA_OFF);
	cr_assert_eq(li.seg[1].memsz, DATA_MEMSZ);
	cr_assert_eq(li.entry, ENTRY);
	loader_close(&li);
	unlink(m.path);
}

Test(loader, missing_file)
{
	struct loader_image li;
	struct errmsg err;

	cr_assert_eq(loader_open(&li, "/nonexistent/kernel.elf", RAM, &err),
		     -ENOENT);
	cr_assert_str_eq(err.text,
			 "/nonexistent/kernel.elf: No such file or directory");
}

Test(loader, directory)
{
	struct loader_image li;
	struct errmsg err;

	cr_assert_eq(loader_open(&li, "/tmp", RAM, &err), -EISDIR);
	cr_assert_str_eq(err.text, "/tmp: is a directory");
	cr_assert_eq(li.fd, -1);
}

Test(loader, unreadable_file)
{
	struct loader_image li;
	struct errmsg err;
	struct img m;

	if (geteuid() == 0)
		cr_skip_test("root reads any file");
	make_kernel(&m);
	write_img(&m);
	chmod(m.path, 0);
	cr_assert_eq(loader_open(&li, m.path, RAM, &err), -EACCES);
	cr_assert(strstr(err.text, "Permission denied"), "%s", err.text);
	unlink(m.path);
}

Test(loader, not_a_regular_file)
{
	struct loader_image li;
	struct errmsg err;

	cr_assert_eq(loader_open(&li, "/dev/null", RAM, &err), -EINVAL);
	cr_assert_str_eq(err.text, "/dev/null: not a regular file");
}

Test(loader, empty_file)
{
	struct img m;

	make_kernel(&m);
	m.size = 0;
	expect_reject(&m, RAM, "empty file");
}

Test(loader, not_elf)
{
	struct img m;

	memset(&m, 0, sizeof(m));
	strcpy((char *)m.buf, "root:x:0:0:root:/root:/bin/bash\n");
	m.size = strlen((char *)m.buf);
	expect_reject(&m, RAM, "not an ELF file");
}

Test(loader, truncated_header)
{
	struct img m;

	make_kernel(&m);
	m.size = 40;
	expect_reject(&m, RAM, "truncated ELF header");
	make_kernel(&m);
	m.size = 10;                    /* inside e_ident */
	expect_reject(&m, RAM, "truncated ELF header");
	make_kernel(&m);
	m.size = 3;                     /* not even the magic */
	expect_reject(&m, RAM, "not an ELF file");
}

Test(loader, truncated_program_headers)
{
	struct img m;

	make_kernel(&m);
	m.size = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr);       /* 1 of 3 */
	expect_reject(&m, RAM, "program headers past the end");
}

Test(loader, truncated_segment_data)
{
	struct img m;

	make_kernel(&m);
	m.size = DATA_OFF + 4;          /* data segment cut short */
	expect_reject(&m, RAM, "segment 1: data past the end of the file");
}

Test(loader, elf32_header_alone)
{
	struct img m;

	make_kernel(&m);
	eh(&m)->e_ident[EI_CLASS] = ELFCLASS32;
	m.size = sizeof(Elf32_Ehdr);    /* a lone ELF32 header */
	expect_reject(&m, RAM, "not a 64-bit ELF file (ELFCLASS32)");
}

/* A valid kernel with one field of its headers set to value, and what
 * the loader must say of it. No pointers: Criterion runs each case in a
 * new process, where the parent's addresses mean nothing. */
struct poke {
	size_t off;             /* in the file */
	unsigned size;          /* the field's bytes */
	uint64_t value;
	char what[80];
};

#define FIELD(type, base, f, v, what) \
	{ (base) + offsetof(type, f), sizeof(((type *)0)->f), v, what }
#define EH(f, v, what)          FIELD(Elf64_Ehdr, 0, f, v, what)
#define PH(i, f, v, what)       FIELD(Elf64_Phdr, sizeof(Elf64_Ehdr) + \
				      (i) * sizeof(Elf64_Phdr), f, v, what)
#define ID(i, v, what)          { (i), 1, v, what }
#define NOTE(off, v, what)      { NOTE_OFF + (off), 4, v, what }

ParameterizedTestParameters(loader, one_field_wrong)
{
	static struct poke pokes[] = {
		ID(EI_CLASS, ELFCLASS32, "not a 64-bit ELF file (ELFCLASS32)"),
		ID(EI_CLASS, 7, "not a 64-bit ELF file (bad class)"),
		ID(EI_DATA, ELFDATA2MSB, "not a little-endian ELF file"),
		EH(e_machine, EM_AARCH64,
		   "not an x86-64 ELF file (e_machine 183)"),
		EH(e_type, ET_DYN,
		   "not an ET_EXEC executable (e_type 3, ET_DYN)"),
		EH(e_type, ET_REL, "not an ET_EXEC executable"),
		EH(e_phnum, 1000, "too many program headers (1000, at most 64)"),
		EH(e_phnum, PN_XNUM, "too many program headers (PN_XNUM)"),
		EH(e_phnum, 0, "no program headers"),
		EH(e_phentsize, 32, "bad program header size (32)"),
		PH(2, p_type, PT_NULL, "no PVH entry note (Xen, type 18)"),
		/* The Xen note's type 17 (another XEN_ELFNOTE_), its name
		 * "Xem", the GNU note's name longer than the segment. */
		NOTE(16 + 8, 17, "no PVH entry note (Xen, type 18)"),
		NOTE(16 + 12, 0x006d6558, "no PVH entry note"),
		NOTE(0, 0xfffffff0, "no PVH entry note"),
		PH(2, p_offset, FILE_SIZE - 8,
		   "note segment 2 past the end of the file"),
		PH(1, p_paddr, TEXT_PADDR + TEXT_SIZE - 1,
		   "segment 1 [0x1000ff, 0x1010ff) overlaps another loadable "
		   "segment"),
		PH(1, p_memsz, DATA_FILESZ - 1,
		   "segment 1: file size 0x10 > memory size 0xf"),
		PH(0, p_offset, 0x5000,
		   "segment 0: data past the end of the file"),
		/* offset + filesz wraps */
		PH(0, p_offset, UINT64_MAX - 8,
		   "segment 0: data past the end of the file"),
		PH(1, p_paddr, 0xfffffffffffff800ull,
		   "segment 1: address 0xfffffffffffff800 + size 0x1000 "
		   "overflows"),
		PH(1, p_paddr, 0xfee00000, "does not fit in guest RAM"),
		PH(1, p_paddr, BOOT_AREA_END - 1, "overlaps the boot area"),
	};

	return cr_make_param_array(struct poke, pokes,
				   sizeof pokes / sizeof pokes[0]);
}

ParameterizedTest(struct poke *p, loader, one_field_wrong)
{
	struct img m;

	make_kernel(&m);
	memcpy(m.buf + p->off, &p->value, p->size);
	expect_reject(&m, RAM, p->what);
}

Test(loader, bad_note_size)
{
	struct img m;

	make_kernel_desc(&m, 2, ENTRY);
	expect_reject(&m, RAM, "PVH note has a bad size (2 bytes, want 4 or 8)");
	make_kernel_desc(&m, 16, ENTRY);
	expect_reject(&m, RAM, "PVH note has a bad size (16 bytes");
}

Test(loader, segment_past_ram)
{
	struct img m;

	make_kernel(&m);
	/* RAM ends one byte before the end of the bss. */
	expect_reject(&m, DATA_PADDR + DATA_MEMSZ - 1,
		      "segment 1 [0x200000, 0x201000) does not fit in guest RAM");
}

Test(loader, segment_just_fits_ram)
{
	struct loader_image li;
	struct errmsg err;
	struct img m;

	make_kernel(&m);
	cr_assert_eq(try_load(&m, DATA_PADDR + DATA_MEMSZ, &li, &err), 0,
		     "%s", err.text);
	loader_close(&li);
	unlink(m.path);
}

Test(loader, segment_over_boot_area)
{
	struct img m;

	/* Its end; its start is in one_field_wrong. */
	make_kernel(&m);
	ph(&m, 1)->p_paddr = 0;
	ph(&m, 1)->p_memsz = BOOT_AREA_START + 1;
	expect_reject(&m, RAM, "overlaps the boot area");
}

Test(loader, segment_next_to_boot_area)
{
	struct loader_image li;
	struct errmsg err;
	struct img m;

	make_kernel(&m);
	ph(&m, 1)->p_paddr = BOOT_AREA_END;
	cr_assert_eq(try_load(&m, RAM, &li, &err), 0, "%s", err.text);
	loader_close(&li);
	unlink(m.path);
}

Test(loader, no_loadable_segment)
{
	struct img m;

	make_kernel(&m);
	ph(&m, 0)->p_type = PT_NULL;
	ph(&m, 1)->p_type = PT_NULL;
	expect_reject(&m, RAM, "no loadable segments");
}

Test(loader, empty_segment_ignored)
{
	struct loader_image li;
	struct errmsg err;
	struct img m;

	/* memsz 0 at an absurd address: nothing to load, no complaint. */
	make_kernel(&m);
	ph(&m, 1)->p_paddr = 0xffffffffffffffffull;
	ph(&m, 1)->p_filesz = 0;
	ph(&m, 1)->p_memsz = 0;
	cr_assert_eq(try_load(&m, RAM, &li, &err), 0, "%s", err.text);
	cr_assert_eq(li.nseg, 1);
	loader_close(&li);
	unlink(m.path);
}

Test(loader, entry_outside_code)
{
	struct img m;

	make_kernel_desc(&m, 4, DATA_PADDR);    /* in data, not executable */
	expect_reject(&m, RAM, "PVH entry 0x200000 is not in the file data "
		      "of an executable PT_LOAD segment");
	make_kernel_desc(&m, 4, TEXT_PADDR + TEXT_SIZE);       /* one past */
	expect_reject(&m, RAM, "is not in the file data");
	make_kernel_desc(&m, 4, 0x10);
	expect_reject(&m, RAM, "is not in the file data");
}

Test(loader, entry_above_4g)
{
	struct img m;

	make_kernel_desc(&m, 8, 0x100100000ull);
	expect_reject(&m, RAM, "PVH entry 0x100100000 is not below 4 GiB");
}
