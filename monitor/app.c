#include "app.h"

#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define APP_MAX_PHDRS   128
#define USER_TOP        0x0000800000000000ull   /* the lower half */

static int refuse(struct errmsg *err, const char *path, int code,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "PATH: reason" in err; code back. */
static int refuse(struct errmsg *err, const char *path, int code,
		  const char *fmt, ...)
{
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	errmsg_set(err, "%s: %s", path, reason);
	return code;
}

/* All of n bytes at off, or -1 (a short file included). */
static int read_at(int fd, void *buf, size_t n, uint64_t off)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = pread(fd, (char *)buf + done, n - done,
				  (off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += (size_t)r;
	}
	return 0;
}

static const char *type_name(unsigned t)
{
	switch (t) {
	case ET_REL:
		return "an object file (.o), not a program";
	case ET_CORE:
		return "a core dump, not a program";
	}
	return "not a program (unknown ELF type)";
}

/* The program headers of e (read from fd): the checks above. */
static int check_phdrs(int fd, const char *path, const Elf64_Ehdr *e,
		       uint64_t size, struct app_info *info,
		       struct errmsg *err)
{
	bool entry_ok = false;

	info->nload = 0;
	for (unsigned i = 0; i < e->e_phnum; i++) {
		Elf64_Phdr ph;

		if (read_at(fd, &ph, sizeof ph,
			    e->e_phoff + (uint64_t)i * sizeof ph) < 0)
			return refuse(err, path, -ENOEXEC,
				      "program header %u past the end", i);
		if (ph.p_type == PT_INTERP)
			return refuse(err, path, -ENOEXEC, "dynamically "
				      "linked (it needs an interpreter): "
				      "build it with -static");
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > size ||
		    ph.p_filesz > size - ph.p_offset)
			return refuse(err, path, -ENOEXEC, "segment %u lies "
				      "outside the file", i);
		if (ph.p_vaddr >= USER_TOP ||
		    ph.p_memsz > USER_TOP - ph.p_vaddr)
			return refuse(err, path, -ENOEXEC, "segment %u lies "
				      "outside user memory", i);
		info->nload++;
		if ((ph.p_flags & PF_X) && e->e_entry >= ph.p_vaddr &&
		    e->e_entry - ph.p_vaddr < ph.p_memsz)
			entry_ok = true;
	}
	if (info->nload == 0)
		return refuse(err, path, -ENOEXEC, "nothing to load");
	if (!entry_ok)
		return refuse(err, path, -ENOEXEC, "the entry point 0x%llx is "
			      "in no executable segment",
			      (unsigned long long)e->e_entry);
	return 0;
}

static int check_ehdr(const char *path, const Elf64_Ehdr *e, uint64_t size,
		      struct errmsg *err)
{
	const unsigned char *id = e->e_ident;

	if (size < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG) != 0)
		return refuse(err, path, -ENOEXEC, "not an ELF program "
			      "(a script? build a static x86-64 binary)");
	if (id[EI_CLASS] != ELFCLASS64 || size < sizeof *e)
		return refuse(err, path, -ENOEXEC, "a 32-bit program: build "
			      "it for x86-64");
	if (id[EI_DATA] != ELFDATA2LSB || e->e_machine != EM_X86_64)
		return refuse(err, path, -ENOEXEC, "not an x86-64 program "
			      "(machine %u)", e->e_machine);
	if (id[EI_OSABI] != ELFOSABI_SYSV && id[EI_OSABI] != ELFOSABI_LINUX)
		return refuse(err, path, -ENOEXEC, "not a Linux program "
			      "(OS ABI %u)", id[EI_OSABI]);
	if (e->e_type != ET_EXEC && e->e_type != ET_DYN)
		return refuse(err, path, -ENOEXEC, "%s", type_name(e->e_type));
	if (e->e_type == ET_DYN && e->e_entry == 0)
		return refuse(err, path, -ENOEXEC, "a shared library, not a "
			      "program");
	if (e->e_phentsize != sizeof(Elf64_Phdr) || e->e_phnum == 0 ||
	    e->e_phnum > APP_MAX_PHDRS)
		return refuse(err, path, -ENOEXEC, "bad program headers "
			      "(%u of %u bytes)", e->e_phnum, e->e_phentsize);
	return 0;
}

int app_check(const char *path, struct app_info *info, struct errmsg *err)
{
	Elf64_Ehdr e;
	struct stat st;
	int fd, r;

	memset(info, 0, sizeof *info);
	memset(&e, 0, sizeof e);
	/* O_NONBLOCK: a FIFO must not hold the monitor (it is refused as
	 * no regular file below). */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		return refuse(err, path, r, "%s", strerror(-r));
	}
	if (fstat(fd, &st) < 0) {
		r = refuse(err, path, -errno, "%s", strerror(errno));
	} else if (S_ISDIR(st.st_mode)) {
		r = refuse(err, path, -EISDIR, "is a directory");
	} else if (!S_ISREG(st.st_mode)) {
		r = refuse(err, path, -EINVAL, "not a regular file");
	} else {
		uint64_t size = (uint64_t)st.st_size;

		(void)read_at(fd, &e, size < sizeof e ? size : sizeof e, 0);
		r = check_ehdr(path, &e, size, err);
		if (r == 0)
			r = check_phdrs(fd, path, &e, size, info, err);
		info->file_size = size;
	}
	close(fd);
	if (r == 0) {
		info->kind = e.e_type == ET_EXEC ? APP_STATIC : APP_STATIC_PIE;
		info->entry = e.e_entry;
	}
	return r;
}
