/*
 * Interrupt stubs and the common trap entry. Stub i sits at isr_stubs +
 * 16 * i (desc.S builds the IDT from that rule): stubs 0-32 push a zero
 * error code when the CPU does not, then the vector, and join
 * trap_common (stub 3, int3, joins trap_int3_entry); stub 33 is the
 * spurious vector (no EOI, by definition); stubs 34-57 are the device
 * interrupts, vectors IRQ_VECTOR0 + 0..23.
 */
#include "arch.h"

	.section .text
	.balign 1024                    /* 58 stubs never carry into bit 16 */
	.globl isr_stubs
isr_stubs:
	.set	vec, 0
	.rept	33
	.balign	16
	.if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || \
	    (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21) || \
	    (vec == 29) || (vec == 30)
	push	$vec
	jmp	trap_common
	.elseif vec == 3
	push	$0
	push	$vec
	jmp	trap_int3_entry
	.else
	push	$0
	push	$vec
	jmp	trap_common
	.endif
	.set	vec, vec + 1
	.endr
	.balign	16
	iretq                           /* stub 33: spurious */
	.set	vec, IRQ_VECTOR0
	.rept	IRQ_COUNT
	.balign	16
	push	$0
	push	$vec
	jmp	trap_common
	.set	vec, vec + 1
	.endr

	.macro	save_frame
	.irp	reg, rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15
	push	%\reg
	.endr
	mov	%rsp, %rdi
	cld
	.endm

/* Vector 3: the trap entry's system calls (kentry.c, trap_int3). */
trap_int3_entry:
	save_frame
	call	trap_int3
	jmp	trap_return

/* Builds a struct trap_frame (trap.h) and calls trap_dispatch(frame). */
trap_common:
	save_frame
	call	trap_dispatch
trap_return:
	.irp	reg, r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax
	pop	%\reg
	.endr
	add	$16, %rsp                       /* vector, error code */
	iretq
