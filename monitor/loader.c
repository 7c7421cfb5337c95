#include "loader.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pvh.h>

#include "bootinfo.h"

#define LOADER_ENTRY_LIMIT 0x100000000ull       /* entered in 32-bit mode */

/* Fail with "PATH: reason". */
#define LOADER_FAIL(img, err, code, ...)                              \
	do {                                                          \
		loader_fail((img), (err), __VA_ARGS__);               \
		return (code);                                        \
	} while (0)

static void loader_fail(const struct loader_image *img, struct errmsg *err,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void loader_fail(const struct loader_image *img, struct errmsg *err,
			const char *fmt, ...)
{
	char reason[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	errmsg_set(err, "%s: %s", img->path, reason);
}

static bool loader_ranges_overlap(uint64_t a, uint64_t a_end, uint64_t b,
				  uint64_t b_end)
{
	return a < b_end && b < a_end;
}

/*
 * Check e_ident from the file itself, before libelf reads it (libelf's
 * own complaint about a short file says less).
 */
static int loader_check_ident(struct loader_image *img, struct errmsg *err)
{
	unsigned char ident[EI_NIDENT];
	ssize_t n;

	do {
		n = pread(img->fd, ident, sizeof(ident), 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		n = -errno;
		loader_fail(img, err, "%s", strerror((int)-n));
		return (int)n;
	}
	if (n < SELFMAG || memcmp(ident, ELFMAG, SELFMAG) != 0)
		LOADER_FAIL(img, err, -ENOEXEC, "not an ELF file");
	if (n < EI_NIDENT)
		LOADER_FAIL(img, err, -ENOEXEC, "truncated ELF header");
	if (ident[EI_CLASS] != ELFCLASS64)
		LOADER_FAIL(img, err, -ENOEXEC, "not a 64-bit ELF file (%s)",
			    ident[EI_CLASS] == ELFCLASS32 ? "ELFCLASS32" :
			    "bad class");
	if (ident[EI_DATA] != ELFDATA2LSB)
		LOADER_FAIL(img, err, -ENOEXEC, "not a little-endian ELF file");
	if (img->file_size < sizeof(Elf64_Ehdr))
		LOADER_FAIL(img, err, -ENOEXEC, "truncated ELF header");
	return 0;
}

/* Check the ELF header (e_ident already checked); fill *phnum. */
static int loader_check_ehdr(struct loader_image *img, Elf *elf,
			     size_t *phnum, struct errmsg *err)
{
	Elf64_Ehdr *eh;
	uint64_t ph_bytes;

	if (elf_kind(elf) != ELF_K_ELF)
		LOADER_FAIL(img, err, -ENOEXEC, "not an ELF file");
	eh = elf64_getehdr(elf);
	if (!eh)
		LOADER_FAIL(img, err, -ENOEXEC, "bad ELF header: %s",
			    elf_errmsg(-1));
	if (eh->e_machine != EM_X86_64)
		LOADER_FAIL(img, err, -ENOEXEC,
			    "not an x86-64 ELF file (e_machine %u)",
			    eh->e_machine);
	if (eh->e_type != ET_EXEC)
		LOADER_FAIL(img, err, -ENOEXEC,
			    "not an ET_EXEC executable (e_type %u%s)",
			    eh->e_type, eh->e_type == ET_DYN ? ", ET_DYN" : "");
	if (eh->e_phnum == PN_XNUM)
		LOADER_FAIL(img, err, -ENOEXEC,
			    "too many program headers (PN_XNUM)");
	if (eh->e_phnum == 0)
		LOADER_FAIL(img, err, -ENOEXEC, "no program headers");
	if (eh->e_phnum > LOADER_MAX_PHDRS)
		LOADER_FAIL(img, err, -ENOEXEC,
			    "too many program headers (%u, at most %d)",
			    eh->e_phnum, LOADER_MAX_PHDRS);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		LOADER_FAIL(img, err, -ENOEXEC,
			    "bad program header size (%u)", eh->e_phentsize);
	ph_bytes = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
	if (eh->e_phoff > img->file_size ||
	    ph_bytes > img->file_size - eh->e_phoff)
		LOADER_FAIL(img, err, -ENOEXEC,
			    "program headers past the end of the file");
	*phnum = eh->e_phnum;
	return 0;
}

/* Check one PT_LOAD (index i) and add it to the plan. */
static int loader_add_load(struct loader_image *img, unsigned i,
			   const Elf64_Phdr *ph, uint64_t ram_size,
			   struct errmsg *err)
{
	struct loader_seg *s;
	uint64_t end;
	unsigned j;

	if (ph->p_filesz > ph->p_memsz)
		LOADER_FAIL(img, err, -ENOEXEC,
			    "segment %u: file size 0x%llx > memory size 0x%llx",
			    i, (unsigned long long)ph->p_filesz,
			    (unsigned long long)ph->p_memsz);
	if (ph->p_offset > img->file_size ||
	    ph->p_filesz > img->file_size - ph->p_offset)
		LOADER_FAIL(img, err, -ENOEXEC,
			    "segment %u: data past the end of the file "
			    "(truncated?)", i);
	if (ph->p_memsz == 0)
		return 0;
	if (ph->p_paddr > UINT64_MAX - ph->p_memsz)
		LOADER_FAIL(img, err, -ENOEXEC,
			    "segment %u: address 0x%llx + size 0x%llx "
			    "overflows", i, (unsigned long long)ph->p_paddr,
			    (unsigned long long)ph->p_memsz);
	end = ph->p_paddr + ph->p_memsz;
	if (end > ram_size)
		LOADER_FAIL(img, err, -ENOEXEC,
			    "segment %u [0x%llx, 0x%llx) does not fit in "
			    "guest RAM (0x%llx bytes; see --mem)", i,
			    (unsigned long long)ph->p_paddr,
			    (unsigned long long)end,
			    (unsigned long long)ram_size);
	if (loader_ranges_overlap(ph->p_paddr, end, BOOT_AREA_START,
				  BOOT_AREA_END))
		LOADER_FAIL(img, err, -ENOEXEC,
			    "segment %u [0x%llx, 0x%llx) overlaps the boot "
			    "area [0x%llx, 0x%llx)", i,
			    (unsigned long long)ph->p_paddr,
			    (unsigned long long)end, BOOT_AREA_START,
			    BOOT_AREA_END);
	for (j = 0; j < img->nseg; j++) {
		s = &img->seg[j];
		if (loader_ranges_overlap(ph->p_paddr, end, s->paddr,
					  s->paddr + s->memsz))
			LOADER_FAIL(img, err, -ENOEXEC,
				    "segment %u [0x%llx, 0x%llx) overlaps "
				    "another loadable segment", i,
				    (unsigned long long)ph->p_paddr,
				    (unsigned long long)end);
	}
	s = &img->seg[img->nseg++];
	s->offset = ph->p_offset;
	s->paddr = ph->p_paddr;
	s->filesz = ph->p_filesz;
	s->memsz = ph->p_memsz;
	s->flags = ph->p_flags;
	return 0;
}

/*
 * Look for the PVH note in PT_NOTE segment i. Returns 1 with *entry set,
 * 0 if the segment has none, or a negative error.
 */
static int loader_scan_notes(struct loader_image *img, Elf *elf, unsigned i,
			     const Elf64_Phdr *ph, uint64_t *entry,
			     struct errmsg *err)
{
	size_t off = 0, next, name_off, desc_off;
	const unsigned char *desc;
	GElf_Nhdr nh;
	Elf_Data *d;

	if (ph->p_offset > img->file_size ||
	    ph->p_filesz > img->file_size - ph->p_offset)
		LOADER_FAIL(img, err, -ENOEXEC,
			    "note segment %u past the end of the file", i);
	if (ph->p_filesz == 0)
		return 0;
	d = elf_getdata_rawchunk(elf, (int64_t)ph->p_offset, ph->p_filesz,
				 ph->p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR);
	if (!d)
		LOADER_FAIL(img, err, -ENOEXEC, "note segment %u: %s", i,
			    elf_errmsg(-1));
	/* gelf_getnote returns 0 at the end and on a malformed note. */
	while ((next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		off = next;
		if (nh.n_type != PVH_NOTE_PHYS32_ENTRY ||
		    nh.n_namesz != sizeof(PVH_NOTE_NAME) ||
		    memcmp((const char *)d->d_buf + name_off, PVH_NOTE_NAME,
			   sizeof(PVH_NOTE_NAME)) != 0)
			continue;
		desc = (const unsigned char *)d->d_buf + desc_off;
		if (nh.n_descsz == 4) {
			uint32_t v;

			memcpy(&v, desc, 4);
			*entry = v;
		} else if (nh.n_descsz == 8) {
			memcpy(entry, desc, 8);
		} else {
			LOADER_FAIL(img, err, -ENOEXEC,
				    "PVH note has a bad size (%u bytes, "
				    "want 4 or 8)", (unsigned)nh.n_descsz);
		}
		return 1;
	}
	return 0;
}

/* Check the entry against the plan. */
static int loader_check_entry(struct loader_image *img, struct errmsg *err)
{
	const struct loader_seg *s;
	unsigned i;

	if (img->entry >= LOADER_ENTRY_LIMIT)
		LOADER_FAIL(img, err, -ENOEXEC,
			    "PVH entry 0x%llx is not below 4 GiB",
			    (unsigned long long)img->entry);
	for (i = 0; i < img->nseg; i++) {
		s = &img->seg[i];
		if ((s->flags & PF_X) && img->entry >= s->paddr &&
		    img->entry - s->paddr < s->filesz)
			return 0;
	}
	LOADER_FAIL(img, err, -ENOEXEC,
		    "PVH entry 0x%llx is not in the file data of an "
		    "executable PT_LOAD segment", (unsigned long long)img->entry);
}

static int loader_check(struct loader_image *img, Elf *elf,
			uint64_t ram_size, struct errmsg *err)
{
	GElf_Phdr ph;
	size_t phnum, i;
	bool have_entry = false;
	uint64_t entry = 0;
	int r;

	r = loader_check_ehdr(img, elf, &phnum, err);
	if (r < 0)
		return r;
	for (i = 0; i < phnum; i++) {
		/*
		 * A copy: elf64_getphdr points into the file as mapped,
		 * where e_phoff need not be aligned for an Elf64_Phdr.
		 */
		if (!gelf_getphdr(elf, (int)i, &ph))
			LOADER_FAIL(img, err, -ENOEXEC,
				    "bad program headers: %s", elf_errmsg(-1));
		if (ph.p_type == PT_LOAD) {
			r = loader_add_load(img, i, &ph, ram_size, err);
		} else if (ph.p_type == PT_NOTE && !have_entry) {
			r = loader_scan_notes(img, elf, i, &ph, &entry, err);
			if (r > 0)
				have_entry = true;
		} else {
			r = 0;
		}
		if (r < 0)
			return r;
	}
	if (img->nseg == 0)
		LOADER_FAIL(img, err, -ENOEXEC, "no loadable segments");
	if (!have_entry)
		LOADER_FAIL(img, err, -ENOEXEC,
			    "no PVH entry note (Xen, type 18)");
	img->entry = entry;
	return loader_check_entry(img, err);
}

int loader_open(struct loader_image *img, const char *path,
		uint64_t ram_size, struct errmsg *err)
{
	struct stat st;
	Elf *elf = NULL;
	int r;

	memset(img, 0, sizeof(*img));
	img->path = path;
	img->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (img->fd < 0) {
		r = -errno;
		loader_fail(img, err, "%s", strerror(-r));
		return r;
	}
	if (fstat(img->fd, &st) < 0) {
		r = -errno;
		loader_fail(img, err, "%s", strerror(-r));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		loader_fail(img, err, "is a directory");
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		loader_fail(img, err, "not a regular file");
		goto fail;
	}
	if (st.st_size == 0) {
		r = -ENOEXEC;
		loader_fail(img, err, "empty file");
		goto fail;
	}
	img->file_size = (uint64_t)st.st_size;
	r = loader_check_ident(img, err);
	if (r < 0)
		goto fail;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		r = -ENOSYS;
		loader_fail(img, err, "libelf: %s", elf_errmsg(-1));
		goto fail;
	}
	elf = elf_begin(img->fd, ELF_C_READ_MMAP, NULL);
	if (!elf) {
		r = -ENOEXEC;
		loader_fail(img, err, "cannot read: %s", elf_errmsg(-1));
		goto fail;
	}
	img->elf = elf;
	r = loader_check(img, elf, ram_size, err);
	if (r < 0)
		goto fail;
	return 0;
fail:
	loader_close(img);
	return r;
}

int loader_copy(const struct loader_image *img, struct mem *m,
		struct errmsg *err)
{
	const struct loader_seg *s;
	const uint8_t *file;
	size_t size = 0;
	uint8_t *dst;
	unsigned i;

	file = img->elf ? (const uint8_t *)elf_rawfile(img->elf, &size) : NULL;
	if (!file || size < img->file_size) {
		errmsg_set(err, "%s: cannot read: %s", img->path,
			   elf_errmsg(-1));
		return -EIO;
	}
	/* Check every destination before writing any. */
	for (i = 0; i < img->nseg; i++) {
		s = &img->seg[i];
		if (!mem_ptr(m, s->paddr, s->memsz)) {
			errmsg_set(err, "%s: segment at 0x%llx does not fit "
				   "in guest RAM", img->path,
				   (unsigned long long)s->paddr);
			return -EINVAL;
		}
	}
	for (i = 0; i < img->nseg; i++) {
		s = &img->seg[i];
		dst = mem_ptr(m, s->paddr, s->memsz);
		memcpy(dst, file + s->offset, s->filesz);
	}
	return 0;
}

void loader_close(struct loader_image *img)
{
	if (img->elf)
		elf_end(img->elf);
	img->elf = NULL;
	if (img->fd >= 0)
		close(img->fd);
	img->fd = -1;
}
