/*
 * Process entry. The kernel starts a process with rsp = the top of its
 * stack or just below the program's name (uk.h, UK_START_SP; 16-byte
 * aligned) and rdi = an argument word; uk_start (crt.c) gets that rsp
 * too, runs main(arg) and exits with its status. Nothing returns here.
 */
	.section .text.start, "ax"
	.globl _start
	.type _start, @function
_start:
	xorl %ebp, %ebp                 /* the outermost frame, for debuggers */
	movq %rsp, %rsi                 /* where my name is, if I have one */
	andq $-16, %rsp                 /* the ABI's alignment before a call */
	call uk_start                   /* rdi = argument word, rsi = rsp */
1:	ud2                             /* uk_start never returns */
	jmp 1b
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
