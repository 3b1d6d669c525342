/*
 * The CPU's descriptor tables: the GDT (with the TSS) and the IDT.
 *
 * Selectors are laid out for syscall/sysret: kernel code 0x08 and data 0x10, then user 32-bit code
 * 0x18 (unused), user data 0x20 and user 64-bit code 0x28 (DPL 3), and the TSS at 0x30. The TSS
 * gives #DF, NMI and #MC stacks of their own (IST 1..3), so even a fault on a broken kernel stack
 * is reported instead of ending in a triple fault. The IDT holds the 32 exception vectors; every
 * other vector is not present, and interrupts stay disabled in this milestone.
 */
#ifndef GNEISS_HW_CPU_TABLES_H
#define GNEISS_HW_CPU_TABLES_H

#include <gneiss/types.h>

enum {
	HW_SEL_KCODE = 0x08,
	HW_SEL_KDATA = 0x10,
	HW_SEL_UDATA = 0x20 | 3,
	HW_SEL_UCODE = 0x28 | 3,
	HW_SEL_TSS = 0x30,
	HW_EXCEPTIONS = 32,
};

/* What isr.S pushes for an exception, lowest address first: hw_exception gets a pointer to it. */
typedef struct {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error; /* error is 0 for vectors without an error code */
	uint64_t rip, cs, rflags, rsp, ss;
} hw_frame_t;

/* Loads the GDT and TSS and reloads every segment register. */
void hw_gdt_init(void);

/* Loads the IDT with the exception vectors. */
void hw_idt_init(void);

/* Called by isr.S for every exception; reports it and exits with HW_EXIT_PANIC. */
void hw_exception(hw_frame_t *frame);

#endif
