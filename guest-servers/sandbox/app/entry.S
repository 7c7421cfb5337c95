/*
 * A Linux system call arrives here, at UK_LINUX_ENTRY_VA, in user mode:
 * rax = the call, rdi, rsi, rdx, r10, r8, r9 = its arguments, rcx = the
 * address to go back to, r11 = the program's rflags (ukern/abi.h). The
 * program's stack is not to be trusted (it may be gone, or the red zone
 * below rsp in use), so the handler runs on a stack of its own. Every
 * register but rax (the result), rcx and r11 comes back as it was, as
 * Linux does it; rflags too.
 */
	.section .text.lxentry, "ax"
	.globl lx_entry
lx_entry:
	movq	%rsp, lx_user_rsp(%rip)
	leaq	lx_stack_top(%rip), %rsp
	pushq	%r11
	pushq	%rcx
	pushq	%r9
	pushq	%r8
	pushq	%r10
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rax
	pushq	$0                      /* 16-byte alignment for the call */
	cld
	leaq	8(%rsp), %rdi           /* struct lx_call */
	call	lx_syscall              /* rax = the result */
	addq	$16, %rsp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%r10
	popq	%r8
	popq	%r9
	popq	%rcx
	popq	%r11
	pushq	%r11
	popfq
	movq	lx_user_rsp(%rip), %rsp
	jmpq	*%rcx

	.bss
	.balign 16
lx_stack:
	.skip	65536
lx_stack_top:
	.balign 8
lx_user_rsp:
	.skip	8

	.section .note.GNU-stack, "", @progbits
