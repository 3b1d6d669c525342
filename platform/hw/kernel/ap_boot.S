/*
 * The application processors' way into the kernel (smp.c).
 *
 * hw_ap_trampoline .. hw_ap_trampoline_end is copied to HW_AP_TRAMPOLINE (a page below 1 MiB that
 * the frame allocator never hands out) and started there by the SIPI in 16-bit real mode with CS
 * = HW_AP_TRAMPOLINE >> 4. It loads its own GDT, enters protected mode, enables PAE, loads the boot
 * page tables of entry.S (which still map the first 4 GiB at 0 and the kernel image at its linked
 * address), sets EFER.LME (and NXE when the boot CPU has NX: the field hw_ap_efer patched in the
 * copy), enables paging and jumps through a 64-bit code segment to hw_ap_entry64 in the image. That
 * takes the stack smp.c prepared (hw_ap_stack) and calls hw_ap_main, which loads the kernel's own
 * tables and never returns. Everything before hw_ap_entry64 runs at physical addresses.
 */
#include "layout.h"
#include "smp_layout.h"

#define PHYS(sym) ((sym) - HW_KERNEL_VMA)
#define AT(label) (HW_AP_TRAMPOLINE + (label) - hw_ap_trampoline)

	.section .rodata
	.balign 16
	.global hw_ap_trampoline, hw_ap_trampoline_end, hw_ap_efer_offset
	.code16
hw_ap_trampoline:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl AT(tramp_gdt_ptr)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x08, $AT(tramp32)

	.code32
tramp32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $(1 << 5), %eax /* PAE */
	movl %eax, %cr4
	movl $PHYS(hw_boot_pml4), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx /* EFER */
	rdmsr
	orl AT(tramp_efer), %eax
	wrmsr
	movl %cr0, %eax
	orl $((1 << 31) | 1), %eax /* PG, PE */
	movl %eax, %cr0
	ljmpl $0x18, $AT(tramp64)

	.code64
tramp64:
	movabsq $hw_ap_entry64, %rax
	jmp *%rax

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff /* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff /* 0x10: data */
	.quad 0x00af9a000000ffff /* 0x18: 64-bit code */
tramp_gdt_ptr:
	.word tramp_gdt_ptr - tramp_gdt - 1
	.long AT(tramp_gdt)
	.balign 4
tramp_efer:
	.long 0x100 /* LME; smp.c adds NXE */
hw_ap_trampoline_end:

	.balign 8
hw_ap_efer_offset:
	.quad tramp_efer - hw_ap_trampoline

	.text
	.code64
hw_ap_entry64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorl %eax, %eax
	movw %ax, %fs
	movw %ax, %gs
	movq hw_ap_stack(%rip), %rsp
	xorl %ebp, %ebp
	call hw_ap_main
1:	cli
	hlt
	jmp 1b

	.section .note.GNU-stack, "", @progbits
