/*
 * Copies into and out of dataspaces that another component may free at any moment (ds_access.c).
 * Every instruction that touches such memory lies between lx_ds_access_begin and
 * lx_ds_access_end; the bus-error handler resumes a fault there at lx_ds_access_fault, which
 * returns -1. Nothing is pushed before the access, so the fixup's ret returns to the caller.
 */
	.text

/* long lx_ds_copy(void *dst, void const *src, size_t n): 0, or -1 if a page was revoked */
	.globl lx_ds_copy
	.type lx_ds_copy, @function
lx_ds_copy:
	mov %rdx, %rcx
	.globl lx_ds_access_begin
lx_ds_access_begin:
	rep movsb
	xor %eax, %eax
	ret
	.size lx_ds_copy, . - lx_ds_copy

/* long lx_ds_fill(void *dst, int byte, size_t n): 0, or -1 if a page was revoked */
	.globl lx_ds_fill
	.type lx_ds_fill, @function
lx_ds_fill:
	mov %esi, %eax
	mov %rdx, %rcx
	rep stosb
	xor %eax, %eax
	ret
	.size lx_ds_fill, . - lx_ds_fill

	.globl lx_ds_access_end
lx_ds_access_end:
	.globl lx_ds_access_fault
lx_ds_access_fault:
	mov $-1, %rax
	ret

/* the handler's return: rt_sigreturn restores the interrupted (or resumed) context */
	.globl lx_signal_restorer
	.type lx_signal_restorer, @function
lx_signal_restorer:
	mov $15, %eax
	syscall
	ud2
	.size lx_signal_restorer, . - lx_signal_restorer

	.section .note.GNU-stack, "", @progbits
