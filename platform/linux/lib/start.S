/* Process entry: the kernel's stack holds argc/argv; we need neither. Align and enter C. */
	.text
	.global _start
	.type _start, @function
_start:
	xor %rbp, %rbp
	mov %rsp, %rdi
	and $-16, %rsp
	call lx_start
	hlt
	.section .note.GNU-stack, "", @progbits
