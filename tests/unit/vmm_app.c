/* What --app may run (monitor/app.c): static x86-64 Linux programs,
 * and each kind of file it must refuse, in one line that says why. */
#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"

static char path[] = "/tmp/vmm-app-XXXXXX";
static struct errmsg err;
static struct app_info info;

/* A minimal program: the header, phnum program headers, code. */
static struct {
	Elf64_Ehdr e;
	Elf64_Phdr ph[3];
	unsigned char code[16];
} f;

/* f: a good static program again. */
static void reset(void)
{
	memset(&f, 0, sizeof f);
	memcpy(f.e.e_ident, ELFMAG, SELFMAG);
	f.e.e_ident[EI_CLASS] = ELFCLASS64;
	f.e.e_ident[EI_DATA] = ELFDATA2LSB;
	f.e.e_ident[EI_VERSION] = EV_CURRENT;
	f.e.e_type = ET_EXEC;
	f.e.e_machine = EM_X86_64;
	f.e.e_version = EV_CURRENT;
	f.e.e_phoff = offsetof(__typeof__(f), ph);
	f.e.e_ehsize = sizeof f.e;
	f.e.e_phentsize = sizeof f.ph[0];
	f.e.e_phnum = 1;
	f.ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
				.p_offset = 0, .p_vaddr = 0x400000,
				.p_filesz = sizeof f, .p_memsz = sizeof f,
				.p_align = 0x1000 };
	f.e.e_entry = 0x400000 + offsetof(__typeof__(f), code);
}

static void setup(void)
{
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	reset();
}

static void teardown(void)
{
	unlink(path);
}

TestSuite(app, .init = setup, .fini = teardown);

/* Writes n bytes of f to the file, and checks it. */
static int check_n(size_t n)
{
	FILE *o = fopen(path, "wb");

	cr_assert_not_null(o);
	cr_assert_eq(fwrite(&f, 1, n, o), n);
	fclose(o);
	err.text[0] = '\0';
	return app_check(path, &info, &err);
}

static int check(void)
{
	return check_n(sizeof f);
}

/* err says "PATH: " and then want. */
static void says(const char *want)
{
	cr_assert(strncmp(err.text, path, strlen(path)) == 0, "%s", err.text);
	cr_assert(strstr(err.text, want), "%s (want: %s)", err.text, want);
}

Test(app, a_static_program)
{
	cr_assert_eq(check(), 0, "%s", err.text);
	cr_assert_eq(info.kind, APP_STATIC);
	cr_assert_eq(info.nload, 1);
	cr_assert_eq(info.entry, f.e.e_entry);
}

Test(app, a_static_pie)
{
	f.e.e_type = ET_DYN;
	f.ph[0].p_vaddr = 0;
	f.e.e_entry = offsetof(__typeof__(f), code);
	cr_assert_eq(check(), 0, "%s", err.text);
	cr_assert_eq(info.kind, APP_STATIC_PIE);
}

Test(app, dynamically_linked_says_build_it_static)
{
	f.e.e_phnum = 2;
	f.ph[1] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0,
				.p_filesz = 4 };
	cr_assert_eq(check(), -ENOEXEC);
	says("dynamically linked (it needs an interpreter): build it with "
	     "-static");
}

/* The host's own shell: dynamically linked on every Debian. */
Test(app, the_hosts_shell)
{
	cr_assert_eq(app_check("/bin/sh", &info, &err), -ENOEXEC);
	cr_assert(strstr(err.text, "-static"), "%s", err.text);
}

Test(app, not_an_elf)
{
	memcpy(&f, "#!/bin/sh\necho hi\n", 19);
	cr_assert_eq(check_n(19), -ENOEXEC);
	says("not an ELF program");
	cr_assert_eq(check_n(0), -ENOEXEC, "empty");
	cr_assert_eq(check_n(3), -ENOEXEC, "shorter than the magic");
}

Test(app, other_machines_and_sizes)
{
	f.e.e_ident[EI_CLASS] = ELFCLASS32;
	cr_assert_eq(check(), -ENOEXEC);
	says("a 32-bit program");
	reset();
	f.e.e_machine = EM_AARCH64;
	cr_assert_eq(check(), -ENOEXEC);
	says("not an x86-64 program (machine 183)");
	reset();
	f.e.e_ident[EI_DATA] = ELFDATA2MSB;
	cr_assert_eq(check(), -ENOEXEC);
	reset();
	f.e.e_ident[EI_OSABI] = ELFOSABI_FREEBSD;
	cr_assert_eq(check(), -ENOEXEC);
	says("not a Linux program");
}

Test(app, other_elf_files)
{
	f.e.e_type = ET_REL;
	cr_assert_eq(check(), -ENOEXEC);
	says("an object file");
	f.e.e_type = ET_CORE;
	cr_assert_eq(check(), -ENOEXEC);
	says("a core dump");
	f.e.e_type = ET_DYN;
	f.e.e_entry = 0;
	cr_assert_eq(check(), -ENOEXEC);
	says("a shared library");
}

Test(app, hostile_headers)
{
	f.e.e_phnum = 0;
	cr_assert_eq(check(), -ENOEXEC, "no program headers");
	reset();
	f.e.e_phnum = 60000;
	cr_assert_eq(check(), -ENOEXEC, "too many");
	reset();
	f.e.e_phoff = ~0ull - 8;
	cr_assert_eq(check(), -ENOEXEC);
	says("past the end");
	reset();
	f.ph[0].p_filesz = ~0ull;
	f.ph[0].p_memsz = ~0ull;
	cr_assert_eq(check(), -ENOEXEC);
	says("outside the file");
	reset();
	f.ph[0].p_offset = 1000;
	cr_assert_eq(check(), -ENOEXEC);
	says("outside the file");
	reset();
	f.ph[0].p_vaddr = 0x7ffffffff000ull;
	f.ph[0].p_memsz = 0x2000;
	cr_assert_eq(check(), -ENOEXEC);
	says("outside user memory");
	reset();
	f.ph[0].p_flags = PF_R | PF_W;
	cr_assert_eq(check(), -ENOEXEC);
	says("in no executable segment");
	reset();
	f.ph[0].p_type = PT_NOTE;
	cr_assert_eq(check(), -ENOEXEC);
	says("nothing to load");
}

Test(app, not_a_file)
{
	cr_assert_eq(app_check("/tmp", &info, &err), -EISDIR);
	cr_assert_eq(app_check("/dev/null", &info, &err), -EINVAL);
	cr_assert_eq(app_check("/nonexistent/prog", &info, &err), -ENOENT);
	cr_assert_str_eq(err.text, "/nonexistent/prog: No such file or "
			 "directory");
}

/* Real programs from the host's compiler: -static and -static-pie are
 * taken, the default (dynamic) build is refused. */
Test(app, programs_the_host_compiler_makes)
{
	static const char src[] = "int main(void) { return 42; }\n";
	static const struct { const char *flags; int want; } b[] = {
		{ "-static", 0 }, { "-static-pie", 0 }, { "", -ENOEXEC },
	};
	char c[64], cmd[256];
	FILE *o;

	snprintf(c, sizeof c, "%s.c", path);
	o = fopen(c, "w");
	cr_assert_not_null(o);
	fputs(src, o);
	fclose(o);
	for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
		snprintf(cmd, sizeof cmd, "cc %s -o %s %s 2>/dev/null",
			 b[i].flags, path, c);
		if (system(cmd) != 0) {
			unlink(c);
			cr_skip_test("cc %s cannot build here", b[i].flags);
		}
		cr_assert_eq(app_check(path, &info, &err), b[i].want,
			     "cc %s: %s", b[i].flags, err.text);
	}
	unlink(c);
}
