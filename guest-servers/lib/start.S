/*
 * Process entry. The kernel starts a process with rsp = the top of its
 * stack (16-byte aligned) and rdi = an argument word; uk_start (crt.c)
 * runs main(arg) and exits with its status. Nothing returns here.
 */
	.section .text.start, "ax"
	.globl _start
	.type _start, @function
_start:
	xorl %ebp, %ebp                 /* the outermost frame, for debuggers */
	andq $-16, %rsp                 /* the ABI's alignment before a call */
	call uk_start                   /* rdi = argument word, untouched */
1:	ud2                             /* uk_start never returns */
	jmp 1b
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
