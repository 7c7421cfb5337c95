/*
 * libFuzzer target: a hostile kernel file against the monitor's ELF
 * loader (loader.c, through libelf), as ./vmm loads one: loader_open on
 * a path, then loader_copy into fresh guest RAM, then loader_close.
 * The input is the whole file; it goes into a memfd that the loader
 * opens by its /proc/self/fd path, so the loader runs unchanged.
 *
 * What loader.h promises is checked on every input:
 * - a rejection returns -errno with one line "PATH: reason" and leaves
 *   no file open and nothing held;
 * - an accepted file's plan is exactly its PT_LOAD headers with memsz
 *   > 0 (read here from the input itself, not through libelf), each
 *   inside the file, inside RAM, outside the boot area and apart from
 *   the others, with the entry below 4 GiB in the file data of an
 *   executable one;
 * - loader_copy into RAM smaller than planned fails and writes nothing;
 *   into the planned RAM it copies each segment's file data, leaves
 *   its bss zero and writes no other byte.
 *
 * Guest RAM sits between PROT_NONE guard pages, so a host access outside
 * it faults; AddressSanitizer and UBSan watch the rest, and the leak
 * checker sees whatever one input leaves behind. Each input starts from
 * zeroed RAM and an empty memfd, so a saved input replays on its own.
 *
 * A kernel makes a poor seed as it is: its half a megabyte of code and
 * data, which the loader only copies, would take nearly every mutation.
 * `elf --seed KERNEL OUT` (a flag libFuzzer leaves alone) writes OUT, a
 * small copy of KERNEL: the same ELF header, program headers and notes,
 * each PT_LOAD cut to its first bytes (and the entry), which the loader
 * must still accept; and OUT-note8, the same with the entry in an 8-byte
 * note, a form the fuzzer seldom finds on its own.
 *
 * make fuzz (FUZZ_SECONDS, default 60) runs it from such a copy of
 * kernel.elf; make test runs a short, fixed-seed pass from one
 * (tests/system/fuzz-elf.sh).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pvh.h>

#include "bootinfo.h"
#include "guarded.h"
#include "loader.h"
#include "mem.h"

/* Room for kernel.elf (loaded from 1 MiB up), small enough that random
 * addresses land in it. */
#define RAM             (2u << 20)
#define ENTRY_LIMIT     0x100000000ull

static struct mem m;
static int memfd;
static char path[64];

static void die(const char *what)
{
	perror(what);
	abort();
}

static void fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* A broken promise: say which, and let libFuzzer keep the input. */
static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "elf fuzz: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

static void setup(void)
{
	m.host = guarded_ram(RAM);
	if (!m.host)
		die("guest RAM");
	m.size = RAM;
	memfd = memfd_create("vmm-fuzz-elf", MFD_CLOEXEC);
	if (memfd < 0)
		die("memfd_create");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
}

/* The lowest free descriptor, which the loader's open will take. */
static int next_fd(void)
{
	int fd = dup(memfd);

	if (fd < 0)
		die("dup");
	close(fd);
	return fd;
}

/* True if [a, a + a_len) and [b, b + b_len) share a byte. */
static int overlap(uint64_t a, uint64_t a_len, uint64_t b, uint64_t b_len)
{
	return a < b + b_len && b < a + a_len;
}

/* True if entry lies in the file data of an executable segment. */
static int holds_entry(uint32_t flags, uint64_t paddr, uint64_t filesz,
		       gpa_t entry)
{
	return (flags & PF_X) && entry >= paddr && entry - paddr < filesz;
}

/* Program header i of file, whose header table lies inside it. */
static Elf64_Phdr phdr(const uint8_t *file, const Elf64_Ehdr *eh, unsigned i)
{
	Elf64_Phdr ph;

	memcpy(&ph, file + eh->e_phoff + i * sizeof(ph), sizeof(ph));
	return ph;
}

/* The rejection promise: -errno, "PATH: reason" on one line, all let go. */
static void check_rejected(int r, const struct loader_image *img,
			   const struct errmsg *err, int fd)
{
	size_t plen = strlen(path);

	if (r >= 0 || r < -4095)
		fail("loader_open returned %d, not -errno", r);
	if (strncmp(err->text, path, plen) != 0 ||
	    strncmp(err->text + plen, ": ", 2) != 0 ||
	    err->text[plen + 2] == '\0')
		fail("rejection message \"%s\" is not \"PATH: reason\"",
		     err->text);
	if (strchr(err->text, '\n'))
		fail("rejection message \"%s\" is not one line", err->text);
	if (img->fd != -1 || img->elf)
		fail("%s: rejected but still held", err->text);
	if (fcntl(fd, F_GETFD) >= 0)
		fail("%s: rejected but the file is left open", err->text);
}

/*
 * The plan promise, against the program headers read from the input
 * itself: loader_check_ehdr promised they lie inside it.
 */
static void check_plan(const struct loader_image *img, const uint8_t *data,
		       size_t size)
{
	const struct loader_seg *s, *t;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned i, j, n = 0;
	int entry_ok = 0;

	if (img->file_size != size)
		fail("plan: file size differs from the input");
	memcpy(&eh, data, sizeof(eh));
	if (eh.e_phnum == 0 || eh.e_phnum > LOADER_MAX_PHDRS ||
	    eh.e_phoff > size ||
	    (uint64_t)eh.e_phnum * sizeof(ph) > size - eh.e_phoff)
		fail("plan: program headers not inside the file");
	for (i = 0; i < eh.e_phnum; i++) {
		ph = phdr(data, &eh, i);
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (n >= img->nseg)
			fail("plan: a PT_LOAD is missing");
		s = &img->seg[n++];
		if (s->offset != ph.p_offset || s->paddr != ph.p_paddr ||
		    s->filesz != ph.p_filesz || s->memsz != ph.p_memsz ||
		    s->flags != ph.p_flags)
			fail("plan: a segment differs from its PT_LOAD");
	}
	if (n != img->nseg || n == 0)
		fail("plan: segments are not the PT_LOADs");
	for (i = 0; i < img->nseg; i++) {
		s = &img->seg[i];
		if (s->filesz > s->memsz || s->offset > size ||
		    s->filesz > size - s->offset)
			fail("plan: segment data not inside the file");
		if (s->paddr > RAM || s->memsz > RAM - s->paddr)
			fail("plan: segment not inside RAM");
		if (overlap(s->paddr, s->memsz, BOOT_AREA_START,
			    BOOT_AREA_END - BOOT_AREA_START))
			fail("plan: segment over the boot area");
		for (j = 0; j < i; j++) {
			t = &img->seg[j];
			if (overlap(s->paddr, s->memsz, t->paddr, t->memsz))
				fail("plan: segments overlap");
		}
		if (holds_entry(s->flags, s->paddr, s->filesz, img->entry))
			entry_ok = 1;
	}
	if (img->entry >= ENTRY_LIMIT || !entry_ok)
		fail("plan: entry not in an executable segment's file "
		     "data");
}

/* True if guest RAM [gpa, gpa + len) is all zero. */
static int zero(uint64_t gpa, uint64_t len)
{
	const uint8_t *p = m.host + gpa;

	return len == 0 || (p[0] == 0 && memcmp(p, p + 1, len - 1) == 0);
}

/* Guest RAM holds the plan's file data, zero everywhere else. */
static void check_ram(const struct loader_image *img, const uint8_t *data)
{
	const struct loader_seg *s, *next;
	uint64_t at = 0;
	unsigned i;

	for (;;) {
		next = NULL;
		for (i = 0; i < img->nseg; i++) {
			s = &img->seg[i];
			if (s->paddr >= at && (!next || s->paddr < next->paddr))
				next = s;
		}
		if (!next)
			break;
		if (!zero(at, next->paddr - at))
			fail("copy: a byte outside the segments written");
		if (memcmp(m.host + next->paddr, data + next->offset,
			   next->filesz) != 0)
			fail("copy: segment data not copied");
		if (!zero(next->paddr + next->filesz,
			  next->memsz - next->filesz))
			fail("copy: bss not zero");
		at = next->paddr + next->memsz;
	}
	if (!zero(at, RAM - at))
		fail("copy: a byte outside the segments written");
}

/* Bytes of file data each PT_LOAD of a seed keeps, and the largest seed. */
#define SEED_LOAD       64u
#define SEED_MAX        (64u * 1024)

/*
 * The bytes of file data a seed keeps of ph, a program header of a file
 * of size bytes: of a PT_LOAD SEED_LOAD and the entry's, of a PT_NOTE
 * all, of anything else none.
 */
static uint64_t seed_keep(const Elf64_Phdr *ph, size_t size, gpa_t entry)
{
	uint64_t keep = ph->p_filesz < SEED_LOAD ? ph->p_filesz : SEED_LOAD;

	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
		return 0;
	if (ph->p_type == PT_NOTE)
		return ph->p_filesz;
	if (ph->p_type != PT_LOAD)
		return 0;
	if (holds_entry(ph->p_flags, ph->p_paddr, ph->p_filesz, entry) &&
	    entry - ph->p_paddr >= keep)
		keep = entry - ph->p_paddr + 1;
	return keep;
}

/*
 * Put in seed the small copy of the kernel file[0, size) whose entry the
 * loader found; with wide, each PT_NOTE holds only a PVH note with an
 * 8-byte address instead. Returns its length.
 */
static size_t seed_make(uint8_t *seed, const uint8_t *file, size_t size,
			gpa_t entry, int wide)
{
	const uint32_t note[3] = { sizeof(PVH_NOTE_NAME), 8,
				   PVH_NOTE_PHYS32_ENTRY };
	uint64_t at, keep;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int wide_note;
	unsigned i;

	memcpy(&eh, file, sizeof(eh));
	at = sizeof(eh) + (uint64_t)eh.e_phnum * sizeof(ph);
	for (i = 0; i < eh.e_phnum; i++) {
		ph = phdr(file, &eh, i);
		wide_note = wide && ph.p_type == PT_NOTE;
		keep = wide_note ? 24 : seed_keep(&ph, size, entry);
		at = (at + 7) & ~7ull;
		if (keep > SEED_MAX - at)
			fail("--seed: over %u bytes", SEED_MAX);
		if (wide_note) {
			memcpy(seed + at, note, 12);
			memcpy(seed + at + 12, PVH_NOTE_NAME, 4);
			memcpy(seed + at + 16, &entry, 8);
			ph.p_memsz = keep;
		} else {
			memcpy(seed + at, file + ph.p_offset, keep);
		}
		ph.p_offset = keep ? at : 0;
		ph.p_filesz = keep;
		memcpy(seed + sizeof(eh) + i * sizeof(ph), &ph, sizeof(ph));
		at += keep;
	}
	eh.e_phoff = sizeof(eh);
	eh.e_shoff = 0;
	eh.e_shnum = 0;
	eh.e_shstrndx = SHN_UNDEF;
	memcpy(seed, &eh, sizeof(eh));
	return at;
}

/* Write seed[0, len) to path, a file the loader must accept. */
static void seed_write(const char *path, const uint8_t *seed, size_t len)
{
	struct loader_image img = { .fd = -1 };
	struct errmsg err = { .text = "" };
	FILE *f = fopen(path, "w");

	if (!f || fwrite(seed, 1, len, f) != len || fclose(f) != 0)
		die(path);
	if (loader_open(&img, path, 1ull << 40, &err) < 0)
		fail("--seed: the copy is no kernel: %s", err.text);
	loader_close(&img);
}

/*
 * Write out and out-note8, small copies of the kernel in (see the top of
 * this file); the second has its entry in an 8-byte note.
 */
static void make_seeds(const char *in, const char *out)
{
	struct loader_image img = { .fd = -1 };
	struct errmsg err = { .text = "" };
	static uint8_t seed[SEED_MAX];
	char out8[4096];
	const uint8_t *file;
	size_t size;

	/* Any RAM: the copies keep the kernel's addresses. */
	if (loader_open(&img, in, 1ull << 40, &err) < 0)
		fail("--seed: %s", err.text);
	file = (const uint8_t *)elf_rawfile(img.elf, &size);
	if (!file)
		fail("--seed: %s: %s", in, elf_errmsg(-1));
	snprintf(out8, sizeof(out8), "%s-note8", out);
	seed_write(out, seed, seed_make(seed, file, size, img.entry, 0));
	seed_write(out8, seed, seed_make(seed, file, size, img.entry, 1));
	loader_close(&img);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (*argc >= 2 && strcmp((*argv)[1], "--seed") == 0) {
		if (*argc != 4) {
			fprintf(stderr, "usage: %s --seed KERNEL OUT\n",
				(*argv)[0]);
			exit(2);
		}
		make_seeds((*argv)[2], (*argv)[3]);
		exit(0);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct loader_image img = { .fd = -1 };
	struct errmsg err = { .text = "" };
	struct mem half;
	static int ready;
	uint64_t end = 0;
	unsigned i;
	int fd, r;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (ftruncate(memfd, 0) < 0 ||
	    (size && pwrite(memfd, data, size, 0) != (ssize_t)size))
		die("memfd");
	fd = next_fd();
	r = loader_open(&img, path, RAM, &err);
	if (r < 0) {
		check_rejected(r, &img, &err, fd);
		return 0;
	}
	if (img.fd != fd || !img.elf)
		fail("%s: accepted but not held open", path);
	check_plan(&img, data, size);

	/* Into half the RAM: refused, writing nothing, unless it all fits. */
	half.host = m.host;
	half.size = RAM / 2;
	for (i = 0; i < img.nseg; i++)
		if (img.seg[i].paddr + img.seg[i].memsz > end)
			end = img.seg[i].paddr + img.seg[i].memsz;
	r = loader_copy(&img, &half, &err);
	if (end > RAM / 2) {
		if (r != -EINVAL)
			fail("%s: copy into too little RAM not refused", path);
		if (!zero(0, RAM))
			fail("%s: a refused copy wrote guest RAM", err.text);
	} else if (r < 0) {
		fail("copy into enough RAM refused: %s", err.text);
	}

	r = loader_copy(&img, &m, &err);
	if (r < 0)
		fail("copy into the planned RAM refused: %s", err.text);
	check_ram(&img, data);

	loader_close(&img);
	if (img.fd != -1 || img.elf || fcntl(fd, F_GETFD) >= 0)
		fail("%s: loader_close left the file open", path);
	for (i = 0; i < img.nseg; i++)
		memset(m.host + img.seg[i].paddr, 0, img.seg[i].filesz);
	return 0;
}
