/*
 * long lx_clone(void (*fn)(void *), void *stack, unsigned long flags, void *arg,
 *               int *parent_tid, void *tls, int *child_tid)
 *
 * clone(2) for threads. The parent gets the new thread's id or -errno. The child starts on `stack`
 * (16-byte aligned by this code) and never touches the parent's stack: fn and arg travel on the new
 * stack, and the child calls fn(arg), which must not return (if it does, the thread exits).
 */
	.text
	.global lx_clone
	.type lx_clone, @function
lx_clone:
	and $-16, %rsi
	sub $16, %rsi
	mov %rdi, (%rsi)	/* fn */
	mov %rcx, 8(%rsi)	/* arg */
	mov %rdx, %rdi		/* flags */
	mov %r8, %rdx		/* parent_tid */
	mov %r9, %r8		/* tls */
	mov 8(%rsp), %r10	/* child_tid */
	mov $56, %eax		/* __NR_clone */
	syscall
	test %rax, %rax
	jz 1f
	ret
1:	/* the child, on its own stack */
	xor %ebp, %ebp
	pop %rax
	pop %rdi
	call *%rax
	mov $60, %eax		/* __NR_exit: this thread only */
	xor %edi, %edi
	syscall
	hlt
	.size lx_clone, . - lx_clone
	.section .note.GNU-stack, "", @progbits
