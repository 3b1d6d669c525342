/*
 * Entry points of a user test program. The kernel starts the first thread at _start with RSP at
 * the top of its stack (16-byte aligned) and every other thread where sys_thread_create says:
 * thread_start, with RSP pointing at the thread's function and argument (user.c put them there).
 * Every thread finds its UTCB in RSI: the first one's is kept in main_utcb, the others get theirs
 * as their function's second argument.
 */
	.section .text.start, "ax"
	.global _start
_start:
	xorl %ebp, %ebp
	movq %rsi, main_utcb(%rip)
	call main
	movslq %eax, %rdi
	call sys_exit
	ud2

	.text
	.global thread_start
thread_start:
	popq %rax
	popq %rdi
	xorl %ebp, %ebp
	call *%rax
	call sys_thread_exit
	ud2

	.section .note.GNU-stack, "", @progbits
