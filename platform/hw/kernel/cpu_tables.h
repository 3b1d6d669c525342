/*
 * The CPU's descriptor tables, the kernel's entry frame and the per-CPU data the entry code uses.
 *
 * Selectors are laid out for syscall/sysret: kernel code 0x08 and data 0x10, then user 32-bit code
 * 0x18 (unused), user data 0x20 and user 64-bit code 0x28 (DPL 3), and the TSS at 0x30. The TSS
 * gives #DF, NMI and #MC stacks of their own (IST 1..3), so even a fault on a broken kernel stack
 * is reported instead of ending in a triple fault, and RSP0, the kernel stack every entry from user
 * mode starts on. The IDT has a gate (DPL 0: `int n` from user mode is a #GP) for each of the 256
 * vectors: the 32 exceptions, the legacy PICs' 16 (masked; only their spurious IRQs can arrive),
 * the local APIC timer and its spurious vector; any other vector is reported as unexpected.
 *
 * Usable from assembly (isr.S) too: the constants are macros, the C declarations are guarded.
 */
#ifndef GNEISS_HW_CPU_TABLES_H
#define GNEISS_HW_CPU_TABLES_H

#define HW_SEL_KCODE 0x08
#define HW_SEL_KDATA 0x10
#define HW_SEL_STAR_USER 0x18 /* sysret: SS = this + 8, CS = this + 16, both RPL 3 */
#define HW_SEL_UDATA (0x20 | 3)
#define HW_SEL_UCODE (0x28 | 3)
#define HW_SEL_TSS 0x30

#define HW_EXCEPTIONS 32
#define HW_VECTORS 256
#define HW_VECTOR_NMI 2
#define HW_VECTOR_DF 8
#define HW_VECTOR_PF 14
#define HW_VECTOR_MC 18
#define HW_VECTOR_PIC 0x20 /* the legacy PICs' IRQ 0..15, remapped here and masked */
#define HW_VECTOR_TIMER 0x30
#define HW_VECTOR_KICK 0x31 /* IPI: another CPU wants this one in the kernel (smp.h) */
#define HW_VECTOR_IRQ 0x40  /* ISA line n of the I/O APIC (ioapic.c) at 0x40 + n */
#define HW_VECTOR_SPURIOUS 0xff
#define HW_VECTOR_SYSCALL 0x100 /* no IDT vector: marks a frame saved by the syscall entry */

/* Byte offsets into hw_frame_t and hw_cpu_t for isr.S. */
#define HW_FRAME_VECTOR 120
#define HW_FRAME_CS 144
#define HW_CPU_KERNEL_RSP 0
#define HW_CPU_USER_RSP 8
#define HW_CPU_SAVE_TOP 16
#define HW_CPU_MAX 4 /* CPUs the kernel runs on; more are left halted */

#ifndef __ASSEMBLER__

#include <gneiss/types.h>

/*
 * A saved register frame, lowest address first: what the entry stubs push, and a thread's user
 * context (the syscall entry builds the same frame, with vector HW_VECTOR_SYSCALL).
 */
typedef struct {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error; /* error is 0 for vectors without an error code */
	uint64_t rip, cs, rflags, rsp, ss;
} hw_frame_t;

_Static_assert(__builtin_offsetof(hw_frame_t, vector) == HW_FRAME_VECTOR, "isr.S offsets");
_Static_assert(__builtin_offsetof(hw_frame_t, cs) == HW_FRAME_CS, "isr.S offsets");

struct hw_thread;

/*
 * Per-CPU data, reached through GS (GS_BASE while in the kernel): the syscall entry's fields first,
 * then what the kernel keeps per CPU (smp.h). Everything but the kick counters is changed only
 * by its own CPU, under the kernel lock.
 */
typedef struct hw_cpu {
	uint64_t kernel_rsp; /* top of this CPU's kernel stack (also the TSS's RSP0) */
	uint64_t user_rsp;   /* scratch: the user's RSP during the syscall entry */
	uint64_t save_top;   /* the end of the running thread's hw_frame_t: syscalls save there */
	struct hw_cpu *self; /* this structure, read through %gs:HW_CPU_SELF */
	unsigned index;      /* 0: the boot CPU */
	uint32_t apic_id;
	struct hw_thread *current;  /* the thread whose context this CPU runs; NULL: idle */
	uint64_t loaded_root;       /* the page tables in CR3 */
	uint64_t loaded_fs;         /* the FS base in the MSR */
	bool idle;                  /* waits for an interrupt with the lock released */
	uint64_t volatile kick_req; /* raised by the lock holder (smp.c) */
	uint64_t volatile kick_ack; /* caught up by this CPU outside the lock, after a TLB flush */
	bool volatile drop_root;    /* with a kick: switch to the kernel's tables first */
} hw_cpu_t;

#define HW_CPU_SELF 24
_Static_assert(__builtin_offsetof(hw_cpu_t, self) == HW_CPU_SELF, "per-CPU offsets");

/* This CPU's data (valid in the kernel once hw_cpu_syscall_init ran). */
static inline hw_cpu_t *hw_cpu_self(void)
{
	hw_cpu_t *cpu;

	__asm__("movq %%gs:24, %0" : "=r"(cpu));
	return cpu;
}

_Static_assert(__builtin_offsetof(hw_cpu_t, user_rsp) == HW_CPU_USER_RSP, "isr.S offsets");
_Static_assert(__builtin_offsetof(hw_cpu_t, save_top) == HW_CPU_SAVE_TOP, "isr.S offsets");

/* Every CPU's data; hw_cpus[0] is the boot CPU's. */
extern hw_cpu_t hw_cpus[HW_CPU_MAX];

/*
 * Loads CPU cpu's own GDT and TSS (RSP0 = kernel_stack_top, its own IST stacks) and reloads every
 * segment register.
 */
void hw_gdt_init(unsigned cpu, uint64_t kernel_stack_top);

/* Loads the IDT with a gate for every vector. */
void hw_idt_init(void);

/* Loads the IDT hw_idt_init built (on another CPU). */
void hw_idt_load(void);

/* Called by isr.S for an exception in kernel mode; reports it and exits with HW_EXIT_PANIC. */
GN_NORETURN void hw_exception(hw_frame_t *frame);

/*
 * Prints the report line of an exception, prefixed by who: vector, name, mode, error code, RIP,
 * and for a page fault CR2 and a line with the decoded error code.
 */
void hw_exception_report(char const *who, hw_frame_t const *frame, uint64_t cr2);

/* The name of exception vector v ("#PF page fault"). */
char const *hw_exception_name(uint64_t v);

#endif
#endif
