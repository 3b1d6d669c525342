/*
 * Entry points of a program on the hw component runtime. The kernel starts the first thread at
 * _start and every other at hw_thread_entry (thread.c) with RSP 16-byte aligned at the top of its
 * stack, its argument in RDI and its UTCB in RSI; both call into C with the stack as a call leaves
 * it, and neither returns.
 */
	.section .text.start, "ax"
	.global _start
_start:
	xorl %ebp, %ebp
	movq %rsi, %rdi
	call hw_rt_start
	ud2

	.text
	.global hw_thread_entry
hw_thread_entry:
	xorl %ebp, %ebp
	call hw_thread_main
	ud2

	.section .note.GNU-stack, "", @progbits
