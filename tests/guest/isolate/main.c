/*
 * isolate: does one forbidden thing, chosen by its argument, and must be
 * stopped by the kernel with the expected fault (init checks which), or
 * (from mode 11, quota.c) tries to make the kernel allocate without end
 * and must be held to its quota. Nothing it does may disturb any other
 * process.
 */
#include "isolate.h"
#include "uk.h"
#include "ulib.h"
#include "umap.h"

/* An address inside the kernel's image (the higher half). */
#define KERNEL_ADDR     0xffff800000100000ull
/* Where echo's (and every server's) heap lives in its own space; not
 * mapped here unless this process allocates, which it does not. */
#define OTHERS_HEAP     UMAP_HEAP

/* Not the entry page's: a Linux system call (abi.h), reflected to
 * UK_LINUX_ENTRY_VA, where nothing is mapped in this process (#PF); on
 * the forced trap entry, where the kernel clears EFER.SCE, #UD. Either
 * way never our system call: the line is not printed. */
static int raw_syscall(void)
{
	static const char line[] = "isolate: a raw syscall is a system call\n";
	uint64_t rax = UK_SYS_DEBUG_WRITE;

	__asm__ volatile("syscall"
			 : "+a"(rax)
			 : "D"(0ull), "S"(line), "d"(sizeof line - 1)
			 : "rcx", "r8", "r9", "r10", "r11", "r12", "r13",
			   "memory");
	return rax == UK_OK ? 0 : 3;
}

int main(uint64_t arg)
{
	volatile uint64_t *p;
	volatile uint64_t zero = 0;

	switch (arg) {
	case 1:                                 /* read the kernel: #PF */
		p = (volatile uint64_t *)KERNEL_ADDR;
		return (int)*p;
	case 2:                                 /* write the kernel: #PF */
		p = (volatile uint64_t *)KERNEL_ADDR;
		*p = 0xbad;
		return 0;
	case 3:                                 /* another's memory: #PF */
		p = (volatile uint64_t *)OTHERS_HEAP;
		return (int)*p;
	case 4:                                 /* #UD */
		__asm__ volatile("ud2");
		return 0;
	case 5:                                 /* #DE */
		__asm__ volatile("xor %%edx, %%edx; divq %0"
				 : : "r"(zero), "a"(1ull) : "rdx");
		return 0;
	case 6:                                 /* privileged: #GP */
		__asm__ volatile("hlt");
		return 0;
	case 7:                                 /* write the entry page: #PF */
		p = (volatile uint64_t *)UK_ENTRY_VA;
		*p = 0;
		return 0;
	case 8:                                 /* jump into kernel text */
		((void (*)(void))KERNEL_ADDR)();
		return 0;
	case 9:         /* print (a console session opens), then #UD */
		printf("isolate: a line, then a fault\n");
		__asm__ volatile("ud2");
		return 0;
	case 10:        /* syscall itself, not through the entry page */
		return raw_syscall();
	case 11:
		return isolate_page_tables();
	case 12:
		return isolate_regions();
	default:
		printf("isolate: unknown mode %lu\n", arg);
		return 2;
	}
}
