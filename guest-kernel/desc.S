/*
 * GDT, TSS and IDT, fully built at link time so loading them costs three
 * instructions (entry.S). Descriptors split addresses into fields, which
 * relocations cannot do, so kernel.ld computes the pieces: __isr_lo16,
 * __isr_hi16, __isr_hi32 (of isr_stubs) and __tss_lo16, __tss_b16,
 * __tss_b24, __tss_hi32 (of tss).
 */
#include "arch.h"

#define IST_DF          1
#define IST_NMI         2

	.section .data
	.balign 16
	.globl gdt
gdt:
	.quad	0                       /* null */
	.quad	0x00af9a000000ffff      /* 0x08 kernel code, 64-bit */
	.quad	0x00cf92000000ffff      /* 0x10 kernel data */
	.quad	0x00cff2000000ffff      /* 0x18 user data (DPL 3) */
	.quad	0x00affa000000ffff      /* 0x20 user code, 64-bit (DPL 3) */
	.word	TSS_SIZE - 1            /* 0x28 TSS, 16 bytes */
	.word	__tss_lo16
	.byte	__tss_b16, 0x89, 0, __tss_b24
	.long	__tss_hi32, 0
gdt_end:
	.set	GDT_LIMIT, gdt_end - gdt - 1
	.globl	GDT_LIMIT

	.balign 8
	.globl gdt_ptr
gdt_ptr:
	.word	gdt_end - gdt - 1
	.quad	gdt

	.balign 16
	.globl tss
tss:
	.long	0
	.quad	boot_stack_top          /* rsp0 */
	.quad	0, 0, 0                 /* rsp1, rsp2, reserved */
	.quad	df_stack_top            /* ist1 */
	.quad	nmi_stack_top           /* ist2 */
	.quad	0, 0, 0, 0, 0, 0        /* ist3-7, reserved */
	.word	0, TSS_SIZE             /* no I/O bitmap */
tss_end:
	.set	TSS_SIZE, tss_end - tss

/* Gate for stub number \stub (isr_stubs + 16 * stub): interrupt gate,
 * DPL 0. */
.macro gate stub, ist, type=0x8e
	.word	__isr_lo16 + 16 * \stub
	.word	KERNEL_CS
	.byte	\ist, \type
	.word	__isr_hi16
	.long	__isr_hi32, 0
.endm

	.balign 16
idt:
	.set	vec, 0
	.rept	33                      /* exceptions 0-31, timer 32 */
	.if vec == 2
	gate	vec, IST_NMI
	.elseif vec == 8
	gate	vec, IST_DF
	.elseif vec == 3                /* int3: DPL 3, the trap entry */
	gate	vec, 0, 0xee
	.else
	gate	vec, 0
	.endif
	.set	vec, vec + 1
	.endr
	.fill	16 * (IRQ_VECTOR0 - 33), 1, 0
	.set	stub, 34
	.rept	IRQ_COUNT                       /* device interrupts */
	gate	stub, 0
	.set	stub, stub + 1
	.endr
	.fill	16 * (SPURIOUS_VECTOR - IRQ_VECTOR0 - IRQ_COUNT), 1, 0
	gate	33, 0                   /* 0xff: spurious, stub 33 */
idt_end:

	.balign 8
	.globl idt_ptr
idt_ptr:
	.word	idt_end - idt - 1
	.quad	idt

	.section .bss
	.balign 16
	.skip	4096
df_stack_top:
	.skip	4096
nmi_stack_top:
