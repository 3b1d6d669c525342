/*
 * Kernel entry and exit.
 *
 * Every IDT vector has a stub that pushes a zero error code where the CPU pushes none, then its
 * vector, and jumps to isr_common. That saves the general registers in hw_frame_t order
 * (cpu_tables.h) and calls C: hw_trap_kernel(frame) for an entry from kernel mode (an exception,
 * or an interrupt while the kernel idles), after which the same context resumes with iretq; or
 * hw_trap_user(frame) for an entry from user mode, which returns the saved frame of the thread to
 * run next, and hw_user_resume enters it.
 *
 * `syscall` enters at hw_syscall_entry with the user's RSP: it builds the same frame, with RCX as
 * RIP, R11 as RFLAGS and vector HW_VECTOR_SYSCALL, directly in the running thread's saved context
 * (the per-CPU data's save_top, found through GS, is the end of its hw_frame_t), so nothing is
 * copied; then it switches to the kernel stack and calls hw_trap_syscall(frame), which returns the
 * frame to resume like hw_trap_user.
 *
 * RFLAGS.AC: user mode may set it, and an interrupt or exception (unlike syscall, whose SFMASK
 * clears it) keeps it, which would switch SMAP off in the kernel: isr_common clears it with clac
 * when SMAP is on (hw_cpu_smap; clac is #UD without SMAP).
 *
 * GS: in the kernel GS_BASE points to the CPU's hw_cpu_t; in user mode it holds the user's value
 * and KERNEL_GS_BASE the pointer. Every entry from user mode (told apart by the RPL of the saved
 * CS) and every exit to it swaps them. Interrupts stay disabled in the kernel except while idling,
 * when the entries nest on the kernel stack but never come from user mode. The C side takes the
 * kernel lock (smp.h) on every entry and releases it before hw_user_resume; the syscall entry
 * saves into the running thread before that, which only this CPU can switch away from.
 *
 * hw_user_resume takes a frame that the kernel wrote or sanitised (user selectors, RFLAGS with IF
 * set and IOPL 0, RIP in the user half). A frame saved by the syscall entry returns with sysretq,
 * which needs RCX = RIP and R11 = RFLAGS (the syscall clobbered both anyway) and a canonical RIP,
 * which the user half's end guarantees; every other frame with iretq.
 *
 * The stack is 16-byte aligned at each call: the CPU aligns RSP before pushing its frame of five
 * quadwords, and with error code, vector and the 15 registers that makes 22.
 */
#include "cpu_tables.h"

	.macro SAVE_GPRS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	.endm

	.macro RESTORE_GPRS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	.endm

	.text
	.code64

isr_common:
	testb $3, 24(%rsp) /* the saved CS, above vector, error code and RIP */
	jz 1f
	swapgs
1:	SAVE_GPRS
	cld
	cmpb $0, hw_cpu_smap(%rip) /* user mode may have set AC, which would turn SMAP off */
	je 4f
	clac
4:
	movq %rsp, %rdi
	testb $3, HW_FRAME_CS(%rsp)
	jnz 2f
	call hw_trap_kernel
	RESTORE_GPRS
	addq $16, %rsp
	iretq
2:	call hw_trap_user
	movq %rax, %rdi
	jmp hw_user_resume

	.global hw_syscall_entry
hw_syscall_entry:
	swapgs
	movq %rsp, %gs:HW_CPU_USER_RSP
	movq %gs:HW_CPU_SAVE_TOP, %rsp
	pushq $HW_SEL_UDATA
	pushq %gs:HW_CPU_USER_RSP
	pushq %r11
	pushq $HW_SEL_UCODE
	pushq %rcx
	pushq $0
	pushq $HW_VECTOR_SYSCALL
	SAVE_GPRS
	movq %rsp, %rdi
	movq %gs:HW_CPU_KERNEL_RSP, %rsp
	call hw_trap_syscall
	movq %rax, %rdi
	jmp hw_user_resume

/* void hw_user_resume(hw_frame_t const *frame): never returns. */
	.global hw_user_resume
hw_user_resume:
	movq %rdi, %rsp
	cmpq $HW_VECTOR_SYSCALL, HW_FRAME_VECTOR(%rsp)
	je 3f
	RESTORE_GPRS
	addq $16, %rsp
	swapgs
	iretq
3:	RESTORE_GPRS
	movq 16(%rsp), %rcx /* RIP */
	movq 32(%rsp), %r11 /* RFLAGS */
	movq 40(%rsp), %rsp /* the user's RSP: nothing touches the stack from here on */
	swapgs
	sysretq

/* Vectors whose exceptions push an error code: #DF #TS #NP #SS #GP #PF #AC #CP #VC #SX. */
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.balign 16
isr_\n:
	.if (\n == 8) || (\n == 10) || (\n == 11) || (\n == 12) || (\n == 13) || (\n == 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	.else
	pushq $0
	.endif
	pushq $\n
	jmp isr_common
	.endr

/* Vectors 32..255 (interrupts): 16 bytes each, no error code. */
	.balign 16
irq_stubs:
	.set vector, HW_EXCEPTIONS
	.rept HW_VECTORS - HW_EXCEPTIONS
	.balign 16
	pushq $0
	pushq $vector
	jmp isr_common
	.set vector, vector + 1
	.endr

	.section .rodata
	.balign 8
	.global hw_isr_table
hw_isr_table:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad isr_\n
	.endr
	.set vector, HW_EXCEPTIONS
	.rept HW_VECTORS - HW_EXCEPTIONS
	.quad irq_stubs + (vector - HW_EXCEPTIONS) * 16
	.set vector, vector + 1
	.endr

	.section .note.GNU-stack, "", @progbits
