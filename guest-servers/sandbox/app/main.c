/*
 * The personality's start: check the module, load the program's
 * PT_LOAD segments, build the stack Linux builds (argc, argv, envp,
 * auxv; System V AMD64 ABI 3.4.1), and jump to the program's entry.
 */
#include <elf.h>
#include "lx.h"
#include "uk.h"
#include "ulib.h"

#define PAGE            UK_PAGE_SIZE
#define PHDRS_MAX       64

const struct uk_app *lx_app;

/* The program cannot run: one line on stderr, exit 126 as a shell
 * does for a file it cannot execute. */
static _Noreturn void refuse(const char *why)
{
	lx_note("vmm: app: %s", why);
	lx_exit(126);
}

static const Elf64_Ehdr *check_elf(const uint8_t *img, uint64_t size)
{
	const Elf64_Ehdr *eh = (const void *)img;

	if (size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_machine != EM_X86_64 ||
	    (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || !eh->e_phnum ||
	    eh->e_phnum > PHDRS_MAX || eh->e_phoff > size ||
	    eh->e_phnum * sizeof(Elf64_Phdr) > size - eh->e_phoff ||
	    (eh->e_phoff & 7))
		refuse("not a static x86-64 ELF executable");
	return eh;
}

/* Maps each PT_LOAD writable, copies its bytes, then gives it its own
 * rights; a page two segments share keeps the first one's. Returns the
 * end of the highest. */
static uint64_t load(const uint8_t *img, uint64_t size, const Elf64_Ehdr *eh,
		     uint64_t base)
{
	const Elf64_Phdr *ph = (const void *)(img + eh->e_phoff);
	uint64_t prev_hi = 0, top = 0;

	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];
		uint64_t lo, hi, va, rights;

		if (p->p_type != PT_LOAD || !p->p_memsz)
			continue;
		va = base + p->p_vaddr;
		if (p->p_filesz > p->p_memsz || p->p_offset > size ||
		    p->p_filesz > size - p->p_offset || va < UK_USER_MIN ||
		    va > UK_APP_LOAD_END || p->p_memsz > UK_APP_LOAD_END - va ||
		    (va < UK_LINUX_AREA_END &&
		     va + p->p_memsz > UK_LINUX_ENTRY_VA) ||
		    va < prev_hi - (prev_hi ? PAGE : 0) ||
		    (p->p_offset & (PAGE - 1)) != (p->p_vaddr & (PAGE - 1)))
			refuse("a segment out of bounds or out of order");
		lo = va & ~(PAGE - 1);
		hi = (va + p->p_memsz + PAGE - 1) & ~(PAGE - 1);
		if (lo < prev_hi)
			lo = prev_hi;           /* the shared page is mapped */
		rights = UK_R_READ | (p->p_flags & PF_W ? UK_R_WRITE : 0) |
			 (p->p_flags & PF_X ? UK_R_EXEC : 0);
		/* Written first, through a writable mapping of its own. */
		if (hi > lo && lx_mem_load(lo, (hi - lo) / PAGE, rights) < 0)
			refuse("out of memory loading the program");
		memcpy((void *)(uintptr_t)va, img + p->p_offset, p->p_filesz);
		if (hi > prev_hi)
			prev_hi = hi;
		if (hi > top)
			top = hi;
	}
	if (!top)
		refuse("no PT_LOAD segment");
	return top;
}

/* Where the program's headers are in its memory (AT_PHDR). */
static uint64_t phdr_addr(const uint8_t *img, const Elf64_Ehdr *eh,
			  uint64_t base)
{
	const Elf64_Phdr *ph = (const void *)(img + eh->e_phoff);

	for (unsigned i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_PHDR)
			return base + ph[i].p_vaddr;
	for (unsigned i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset <= eh->e_phoff &&
		    eh->e_phoff - ph[i].p_offset < ph[i].p_filesz)
			return base + ph[i].p_vaddr + eh->e_phoff -
			       ph[i].p_offset;
	return 0;
}

/* The initial stack: strings and AT_RANDOM's bytes at the top, then
 * (16-byte aligned) argc, argv, NULL, envp, NULL, auxv. Returns rsp. */
static uint64_t build_stack(const Elf64_Ehdr *eh, uint64_t base,
			    uint64_t phdr)
{
	const char *s = (const char *)lx_app + lx_app->strings_off;
	uint32_t argc = lx_app->argc, envc = lx_app->envc;
	uint64_t top = UK_APP_STACK_TOP, sp, strings, rnd, execfn;
	uint64_t *w;
	size_t n = 0;

	if (lx_mem_back(UK_APP_STACK_TOP - UK_APP_STACK_SIZE,
			UK_APP_STACK_SIZE / PAGE, UK_R_READ | UK_R_WRITE) < 0)
		refuse("out of memory for the stack");
	strings = top - ((lx_app->strings_size + 15) & ~15ull);
	memcpy((void *)(uintptr_t)strings, s, lx_app->strings_size);
	rnd = strings - 16;
	lx_random((void *)(uintptr_t)rnd, 16);
	execfn = strings;               /* argv[0] */
	/* argc, argv + NULL, envp + NULL, 19 auxv pairs. */
	sp = (rnd - 8 * (1 + argc + 1 + envc + 1 + 2 * 19)) & ~15ull;
	if (top - sp > UK_APP_STACK_SIZE / 2)
		refuse("arguments too long for the stack");
	w = (uint64_t *)(uintptr_t)sp;
	w[n++] = argc;
	for (uint32_t i = 0; i < argc + envc; i++) {
		w[n++] = strings;
		strings += strnlen((const char *)(uintptr_t)strings,
				   lx_app->strings_size) + 1;
		if (i + 1 == argc)
			w[n++] = 0;
	}
	if (!argc)
		w[n++] = 0;
	w[n++] = 0;
#define AUX(t, v) (w[n++] = (t), w[n++] = (v))
	AUX(AT_PHDR, phdr);
	AUX(AT_PHENT, sizeof(Elf64_Phdr));
	AUX(AT_PHNUM, eh->e_phnum);
	AUX(AT_PAGESZ, PAGE);
	AUX(AT_BASE, 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, base + eh->e_entry);
	AUX(AT_UID, 0);
	AUX(AT_EUID, 0);
	AUX(AT_GID, 0);
	AUX(AT_EGID, 0);
	AUX(AT_SECURE, 0);
	AUX(AT_HWCAP, 0x178bfbff);      /* fpu..sse2, as a baseline x86-64 */
	AUX(AT_CLKTCK, 100);
	AUX(AT_RANDOM, rnd);
	AUX(AT_EXECFN, execfn);
	AUX(AT_NULL, 0);
#undef AUX
	return sp;
}

/* Strings: argc + envc of them, each ending within strings_size. */
static void check_module(void)
{
	const struct uk_app *a = lx_app;
	const char *s;
	uint64_t count = 0;

	if (a->magic != UK_APP_MAGIC || a->version != UK_APP_VERSION ||
	    a->size > UK_APP_SIZE_MAX || a->strings_off > a->size ||
	    a->strings_size > a->size - a->strings_off ||
	    a->elf_off > a->size || a->elf_size > a->size - a->elf_off ||
	    a->argc < 1 || (uint64_t)a->argc + a->envc > UK_APP_ARGS_MAX)
		refuse("the program's module is corrupt");
	s = (const char *)a + a->strings_off;
	for (uint32_t i = 0; i < a->strings_size; i++)
		count += s[i] == 0;
	if (count != (uint64_t)a->argc + a->envc ||
	    (a->strings_size && s[a->strings_size - 1]))
		refuse("the program's arguments are corrupt");
}

int main(uint64_t arg)
{
	const Elf64_Ehdr *eh;
	const uint8_t *img;
	uint64_t base = 0, end, sp, entry;

	lx_app = (const struct uk_app *)(uintptr_t)arg;
	lx_clock_init();
	check_module();
	lx_fd_init();
	lx_console_init();
	lx_file_init();
	img = (const uint8_t *)lx_app + lx_app->elf_off;
	eh = check_elf(img, lx_app->elf_size);
	if (eh->e_type == ET_DYN)
		base = UK_APP_PIE_BASE;
	end = load(img, lx_app->elf_size, eh, base);
	lx_mem_seal();
	lx_brk_init(end);
	sp = build_stack(eh, base, phdr_addr(img, eh, base));
	entry = base + eh->e_entry;
	if (!lx_user_ok(entry, 1, 0))
		refuse("the entry point is outside the program");
	register uint64_t r15 __asm__("r15") = entry;
	/* A clean FPU and SSE state (the kernel keeps none for us), every
	 * register 0 but rsp, as Linux starts a program. */
	__asm__ volatile(
		"fninit\n\t"
		"pushq $0x1f80\n\t"
		"ldmxcsr (%%rsp)\n\t"
		"movq %0, %%rsp\n\t"
		"xorl %%eax, %%eax\n\t"
		"xorl %%ebx, %%ebx\n\t"
		"xorl %%ecx, %%ecx\n\t"
		"xorl %%edx, %%edx\n\t"
		"xorl %%esi, %%esi\n\t"
		"xorl %%edi, %%edi\n\t"
		"xorl %%ebp, %%ebp\n\t"
		"xorl %%r8d, %%r8d\n\t"
		"xorl %%r9d, %%r9d\n\t"
		"xorl %%r10d, %%r10d\n\t"
		"xorl %%r11d, %%r11d\n\t"
		"xorl %%r12d, %%r12d\n\t"
		"xorl %%r13d, %%r13d\n\t"
		"xorl %%r14d, %%r14d\n\t"
		"jmpq *%%r15"
		: : "r"(sp), "r"(r15) : "memory");
	__builtin_unreachable();
}
