/*
 * Each CPU's protection features and its kernel entry by `syscall` (the boot CPU's at boot, every
 * other CPU's when it starts, smp.c).
 *
 * hw_cpu_setup turns on what the CPU offers: NX (EFER.NXE, before any table uses the bit), write
 * protection for the kernel (CR0.WP), global kernel pages, SMEP and SMAP (the kernel neither runs
 * nor touches user pages: it reads user memory through the direct map, pt.h), UMIP (no SGDT/SIDT
 * in user mode), and CR0.EM, which makes x87 instructions fault: user threads have no FPU or
 * vector state to switch yet (SSE faults anyway, CR4.OSFXSR being off).
 */
#ifndef GNEISS_HW_CPU_SETUP_H
#define GNEISS_HW_CPU_SETUP_H

#include "cpu_tables.h"

typedef struct {
	bool nx, global_pages, smep, smap, umip;
	unsigned phys_bits; /* the physical address width (CPUID 0x80000008; 36 without it) */
} hw_cpu_features_t;

/* Detects and enables the features above; panics without syscall/sysret. */
void hw_cpu_setup(hw_cpu_features_t *out);

/*
 * 1 once hw_cpu_setup turned SMAP on: isr.S then clears RFLAGS.AC (clac) on every entry, since
 * user mode may set AC and an interrupt or exception, unlike syscall (SFMASK), keeps it; without
 * SMAP clac would be #UD.
 */
extern uint8_t hw_cpu_smap;

/*
 * Enables `syscall` into hw_syscall_entry (isr.S), with IF, TF, DF, AC, NT and IOPL cleared on
 * entry, and makes cpu the per-CPU data GS reaches in the kernel.
 */
void hw_cpu_syscall_init(hw_cpu_t *cpu);

#endif
