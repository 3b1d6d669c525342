/*
 * The kernel's entry from a multiboot v1 loader (QEMU's -kernel or GRUB), in 32-bit protected mode
 * with paging off, EAX = the multiboot magic, EBX = the physical address of the boot information.
 *
 * It checks for long mode, clears .bss, builds the boot page tables (see layout.h), enables PAE,
 * EFER.LME and paging, and jumps through a 64-bit code segment to the linked (higher-half) address
 * of hw_entry64, which sets up the boot stack and calls hw_kernel_main(magic, info). Nothing here
 * trusts the loader beyond the register contract: the C code validates the magic and every field.
 */
#include "layout.h"

#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00000003 /* bit 0: page-aligned modules; bit 1: memory information */

#define PHYS(sym) ((sym) - HW_KERNEL_VMA)
#define PTE_PRESENT_WRITE 0x3
#define PTE_LARGE 0x80

	.section .multiboot, "a"
	.balign 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.section .boot.text, "ax"
	.code32
	.global hw_entry32
hw_entry32:
	cli
	cld
	movl %eax, hw_boot_magic
	movl %ebx, hw_boot_info

	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx
	jz no_long_mode

	/* .bss (which holds the page tables and the stack) starts out zeroed */
	movl $PHYS(hw_bss_start), %edi
	movl $PHYS(hw_bss_end), %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl

	/* four page directories: 2048 large pages for physical 0 .. 4 GiB */
	movl $PHYS(hw_boot_pd), %edi
	movl $(PTE_PRESENT_WRITE | PTE_LARGE), %eax
	movl $2048, %ecx
1:	movl %eax, (%edi)
	addl $0x200000, %eax
	addl $8, %edi
	loop 1b

	/* the low PDPT maps 4 GiB through them; the high one maps its slot 510 to the first GiB */
	movl $PHYS(hw_boot_pdpt_low), %edi
	movl $(PHYS(hw_boot_pd) + PTE_PRESENT_WRITE), %eax
	movl $4, %ecx
2:	movl %eax, (%edi)
	addl $0x1000, %eax
	addl $8, %edi
	loop 2b
	movl $(PHYS(hw_boot_pd) + PTE_PRESENT_WRITE), PHYS(hw_boot_pdpt_high) + 510 * 8

	/* PML4: identity (slot 0), direct map (slot 256), kernel image (slot 511) */
	movl $(PHYS(hw_boot_pdpt_low) + PTE_PRESENT_WRITE), PHYS(hw_boot_pml4)
	movl $(PHYS(hw_boot_pdpt_low) + PTE_PRESENT_WRITE), PHYS(hw_boot_pml4) + 256 * 8
	movl $(PHYS(hw_boot_pdpt_high) + PTE_PRESENT_WRITE), PHYS(hw_boot_pml4) + 511 * 8

	movl %cr4, %eax
	orl $(1 << 5), %eax /* PAE */
	movl %eax, %cr4
	movl $PHYS(hw_boot_pml4), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx /* EFER */
	rdmsr
	orl $(1 << 8), %eax /* LME */
	wrmsr
	movl %cr0, %eax
	orl $((1 << 31) | 1), %eax /* PG, PE */
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $entry64_low

/* Without long mode there is nothing to run: say so on COM1 and exit with HW_EXIT_PANIC. */
no_long_mode:
	movl $no_long_mode_msg, %esi
	movw $HW_COM1, %dx
3:	lodsb
	testb %al, %al
	jz 4f
	outb %al, %dx
	jmp 3b
4:	movw $HW_DEBUG_EXIT_PORT, %dx
	movl $(HW_EXIT_PANIC + 1), %eax
	outl %eax, %dx
5:	hlt
	jmp 5b

	.code64
entry64_low:
	movabsq $hw_entry64, %rax
	jmp *%rax

	.section .boot.data, "aw"
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff /* 0x08: 64-bit code, ring 0 */
	.quad 0x00cf92000000ffff /* 0x10: data, ring 0 */
boot_gdt_ptr:
	.word boot_gdt_ptr - boot_gdt - 1
	.long boot_gdt
	.balign 4
hw_boot_magic:
	.long 0
hw_boot_info:
	.long 0
no_long_mode_msg:
	.asciz "[kernel] panic: the CPU has no long mode (x86_64)\r\n"

	.text
	.code64
hw_entry64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorl %eax, %eax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $hw_boot_stack_top, %rsp
	xorl %ebp, %ebp
	movl hw_boot_magic, %edi
	movl hw_boot_info, %esi
	call hw_kernel_main
6:	cli
	hlt
	jmp 6b

	.section .bss
	.balign 4096
	.global hw_boot_pml4, hw_boot_stack_guard, hw_boot_stack, hw_boot_stack_top
hw_boot_pml4:
	.skip 4096
hw_boot_pdpt_low:
	.skip 4096
hw_boot_pdpt_high:
	.skip 4096
hw_boot_pd:
	.skip 4 * 4096
/* unmapped once paging.c's tables run: a stack overflow faults instead of overwriting the PDs */
hw_boot_stack_guard:
	.skip 4096
/* the boot stack, and from the first entry into user mode on the CPU's kernel stack (TSS RSP0) */
hw_boot_stack:
	.skip 16384
hw_boot_stack_top:

	.section .note.GNU-stack, "", @progbits
