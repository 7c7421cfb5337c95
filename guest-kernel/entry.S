/*
 * PVH entry: from 32-bit flat protected mode (paging off, %ebx = physical
 * address of struct pvh_start_info) to kmain() in the higher half.
 *
 * Memory layout
 *   physical  0 - 1 MiB      firmware, start info, memmap (never allocated)
 *             1 MiB -        kernel image (kernel.ld): text, rodata, the
 *                            Xen note, data (page tables, GDT, TSS, IDT),
 *                            bss (stacks); then free RAM (frame.c)
 *             0xfeb00000 -   virtio-mmio, IOAPIC, LAPIC (uncached)
 *   virtual   0 - 4 GiB                   identity map (boot only)
 *             KERNEL_VMA + p, p < 4 GiB   direct map, PML4 slot 256; the
 *                                         kernel runs here (linked there)
 *
 * The page tables are static data (2 MiB pages, 0 - 4 GiB), so building
 * long mode costs no loops: every boot instruction is emulated on our
 * machines (docs/platform.md). The loader zeroes bss (ELF p_memsz >
 * p_filesz).
 */
#include "arch.h"

#define PHYS(x)         ((x) - KERNEL_VMA)
/* PE MP ET NE WP PG, and AM: a program that sets rflags.AC gets #AC
 * for a misaligned access, as on Linux (SIGBUS). */
#define CR0_PE_MP_ET_NE_WP_PG 0x80050033
/* PAE; OSFXSR and OSXMMEXCPT, so that a Linux program's SSE code runs
 * (the kernel and our servers use none: -mgeneral-regs-only). */
#define CR4_PAE         0x620
#define MSR_EFER        0xc0000080
#define EFER_LME        0x100
#define EFER_NXE        0x800           /* user pages may be no-execute */
/* Accessed and dirty are preset, so the CPU never writes these tables
 * (each page-table write is a trap under PVM's shadow paging). */
#define PTE_P_W         0x023           /* present, writable, accessed */
#define PDE_2M          0x0e3           /* ... dirty, 2 MiB page */
#define PDE_UC          0x018           /* PWT | PCD: MMIO */

	/* The PVH note: name "Xen", type XEN_ELFNOTE_PHYS32_ENTRY (18). */
	.section .note.Xen, "a"
	.balign 4
	.long 4, 4, 18
	.asciz "Xen"
	.long PHYS(pvh_entry)

	.section .text.boot, "ax"
	.code32
	.globl pvh_entry
pvh_entry:
	cld
	lgdt	PHYS(boot_gdtr)
	mov	$PHYS(boot_pml4), %eax
	mov	%eax, %cr3
	mov	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$MSR_EFER, %ecx
	mov	$(EFER_LME | EFER_NXE), %eax
	xor	%edx, %edx
	wrmsr
	mov	$CR0_PE_MP_ET_NE_WP_PG, %eax
	mov	%eax, %cr0
	ljmp	$KERNEL_CS, $PHYS(long_mode)

	.code64
long_mode:                              /* still at the identity address */
	movabs	$higher_half, %rax
	jmp	*%rax
higher_half:
	mov	$KERNEL_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	lea	boot_stack_top(%rip), %rsp
	lgdt	gdt_ptr(%rip)                   /* now with its virtual base */
	lidt	idt_ptr(%rip)
	mov	$TSS_SEL, %eax
	ltr	%ax
	mov	%ebx, %edi
	call	kmain
1:	cli
	hlt
	jmp	1b

	.section .rodata
	.balign 8
boot_gdtr:                              /* lgdt operand in 32-bit mode */
	.word	GDT_LIMIT
	.long	PHYS(gdt)

	/* Page tables: PML4[0] and PML4[256] share one PDPT mapping 0-4 GiB. */
	.section .data.pagetables, "aw"
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.quad	PHYS(boot_pdpt) + PTE_P_W
	.fill	255, 8, 0
	.quad	PHYS(boot_pdpt) + PTE_P_W
	.fill	255, 8, 0
boot_pdpt:
	.quad	PHYS(boot_pd) + PTE_P_W
	.quad	PHYS(boot_pd) + 0x1000 + PTE_P_W
	.quad	PHYS(boot_pd) + 0x2000 + PTE_P_W
	.quad	PHYS(boot_pd) + 0x3000 + PTE_P_W
	.fill	508, 8, 0
boot_pd:
	.set	i, 0
	.rept	3 * 512                         /* 0 - 3 GiB: RAM, cached */
	.quad	(i << 21) + PDE_2M
	.set	i, i + 1
	.endr
	.rept	512                             /* 3 - 4 GiB: MMIO, uncached */
	.quad	(i << 21) + PDE_2M + PDE_UC
	.set	i, i + 1
	.endr

	.section .bss
	.balign 16
	.globl boot_stack_top
boot_stack:
	.skip	16384
boot_stack_top:
