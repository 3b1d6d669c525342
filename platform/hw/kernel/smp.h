/*
 * More than one CPU: the big kernel lock, kicks between CPUs, and starting the application
 * processors.
 *
 * Every kernel entry (kernel call, exception, interrupt, also the interrupts that end an idle
 * wait) takes the one kernel lock before it touches any kernel state and releases it on the way
 * out, to user mode or to the idle wait; the boot CPU takes it before the first thread runs. So
 * the kernel's code stays what it was on one CPU: everything runs to completion under the lock.
 * What is per CPU lives in hw_cpu_t (cpu_tables.h), reached through GS.
 *
 * A kick (hw_smp_kick_wait) is how the lock holder makes sure another CPU is out of user mode and
 * has flushed its TLB: it raises the CPU's request counter, sends it the HW_VECTOR_KICK IPI and
 * waits until the CPU acknowledges. The CPU does so while it spins for the lock (every entry
 * ends up there, the IPI's own entry too): its user context is saved by then, and it reloads
 * CR3 (after switching to the kernel's tables if asked to) before acknowledging. Used before a
 * thread running on another CPU ends (its domain ends), before page tables of a domain loaded on
 * another CPU are freed, and after mappings are removed from one (TLB shootdown). A kick that
 * needs no answer (hw_smp_wake) just makes an idle CPU look at its ready queue again.
 */
#ifndef GNEISS_HW_SMP_H
#define GNEISS_HW_SMP_H

#include "cpu_tables.h"
#include "multiboot.h"

/* The CPUs running the kernel (1 until hw_smp_start). */
extern unsigned hw_cpu_count;

extern uint32_t volatile hw_kernel_lock;

/* The contended part of hw_lock_take: spins, answering kicks. */
void hw_lock_spin(void);

/* Takes the kernel lock, answering kicks while it spins. */
static inline void hw_lock_take(void)
{
	if (__atomic_exchange_n(&hw_kernel_lock, 1, __ATOMIC_ACQUIRE))
		hw_lock_spin();
}

/* Releases the kernel lock. */
static inline void hw_lock_release(void)
{
	__atomic_store_n(&hw_kernel_lock, 0, __ATOMIC_RELEASE);
}

/* Makes cpu acknowledge a kick (see above); with drop_root it leaves its user tables first. */
void hw_smp_kick_wait(hw_cpu_t *cpu, bool drop_root);

/* Every other CPU that has root loaded flushes its TLB (drop: switches to the kernel's tables). */
void hw_smp_shootdown(uint64_t root, bool drop);

/* Sends cpu the kick IPI without waiting: something became ready for it. */
void hw_smp_wake(hw_cpu_t *cpu);

/*
 * Starts the other CPUs that the MADT lists (up to HW_CPU_MAX in all), each with its own stack,
 * GDT, TSS, syscall MSRs, CPU features and APIC timer, and waits (bounded) until each runs. Called
 * by the boot CPU with the lock held; the APs then wait for the lock to schedule.
 */
void hw_smp_start(hw_boot_info_t const *info);

#endif
