/*
 * The kernel's side of user mode: the `syscall` entry (used when the boot
 * self-test found that syscall/sysret work), the syscall probe, and the
 * one way back to user mode, from a struct trap_frame (kobj.h) with iretq.
 */
#include "arch.h"

#define SYSCALL_VECTOR  0x100   /* struct trap_frame.vector of a syscall entry */

	.section .text
/* rcx = user rip, r11 = user rflags, rsp = user rsp; IF cleared by FMASK.
 * Builds the same frame an interrupt would, on the current thread's
 * kernel stack, and never returns (user_syscall leaves via kernel_exit). */
	.globl syscall_entry
syscall_entry:
	mov	%rsp, syscall_user_rsp(%rip)
	mov	syscall_kstack(%rip), %rsp
	push	$(USER_DS | 3)
	push	syscall_user_rsp(%rip)
	push	%r11
	push	$(USER_CS | 3)
	push	%rcx
	push	$0
	push	$SYSCALL_VECTOR
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%rbp
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %rdi
	cld
	call	user_syscall
	ud2

/* The boot probe's LSTAR target: reached in ring 0 only where syscall
 * works; then it tries sysretq straight back (rcx, r11 untouched). */
	.globl syscall_probe_entry
syscall_probe_entry:
	movb	$1, syscall_probe_hit(%rip)
	.globl syscall_probe_sysret
syscall_probe_sysret:
	sysretq

/* exit_to_user(struct trap_frame *r): load r and return to user mode. */
	.globl exit_to_user
exit_to_user:
	mov	%rdi, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rbp
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	add	$16, %rsp
	iretq

/* idle(): nothing to run. Halt with interrupts on, on the boot stack;
 * an interrupt that makes a thread ready leaves through kernel_exit. */
	.globl idle
idle:
	lea	boot_stack_top(%rip), %rsp
1:	sti
	hlt
	cli
	jmp	1b

	.section .bss
	.balign 8
	.globl syscall_kstack, syscall_user_rsp, syscall_probe_hit
syscall_kstack:         .quad 0
syscall_user_rsp:       .quad 0
syscall_probe_hit:      .byte 0
