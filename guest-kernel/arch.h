/*
 * x86-64 specifics shared by the kernel's C and assembly files: the virtual
 * layout, segment selectors, vectors and small inline helpers. Never
 * included by the host-testable files (frame.c cmdline.c memmap.c fmt.c).
 */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

/*
 * Physical p (p < 4 GiB) is mapped at KERNEL_VMA + p: PML4 slot 256, the
 * first slot of the higher half (never the top 2 GiB). kernel.ld repeats
 * KERNEL_VMA.
 */
#define KERNEL_VMA      0xffff800000000000
#define DIRECT_MAP_END  0x100000000             /* physical */

/* GDT selectors; the order (kdata after kcode, udata before ucode) is
 * the one syscall/sysret expect. */
#define KERNEL_CS       0x08
#define KERNEL_DS       0x10
#define USER_DS         0x18
#define USER_CS         0x20
#define TSS_SEL         0x28

#define TIMER_VECTOR    32
#define SPURIOUS_VECTOR 0xff
#define IRQ_VECTOR0     48      /* IOAPIC input (GSI) n: vector 48 + n */
#define IRQ_COUNT       24

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Image bounds (virtual), from kernel.ld. */
extern char __kernel_start[], __kernel_end[];

static inline void *phys_to_virt(uint64_t p)
{
	return (void *)(p + KERNEL_VMA);
}

static inline uint64_t virt_to_phys(const void *v)
{
	return (uint64_t)v - KERNEL_VMA;
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

#define MSR_EFER        0xc0000080u
#define MSR_STAR        0xc0000081u
#define MSR_LSTAR       0xc0000082u
#define MSR_FMASK       0xc0000084u
#define MSR_FS_BASE     0xc0000100u

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

/* The TSC (about 5,000 ticks to read in the kernel under KVM PVM). */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline void cpu_cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void cpu_sti(void) { __asm__ volatile("sti" ::: "memory"); }
/* Enable interrupts and halt until one arrives (sti's shadow makes the
 * pair atomic: no interrupt is lost between them). */
static inline void cpu_sti_hlt(void)
{
	__asm__ volatile("sti; hlt" ::: "memory");
}
#endif
#endif
