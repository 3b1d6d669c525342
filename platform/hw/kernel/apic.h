/*
 * Interrupt controllers and the timer: the legacy PICs are remapped and masked (only their
 * spurious IRQs can still arrive), and the boot CPU's local APIC runs a periodic timer, calibrated
 * against the PIT, that drives time and preemption; every other CPU's runs at the same rate
 * (hw_apic_init_ap), and CPUs kick each other by IPIs (smp.h).
 */
#ifndef GNEISS_HW_APIC_H
#define GNEISS_HW_APIC_H

#include <gneiss/types.h>

/* Remaps the PICs to HW_VECTOR_PIC.. and masks every IRQ. */
void hw_pic_disable(void);

/*
 * Enables the local APIC (spurious vector HW_VECTOR_SPURIOUS), measures its timer against 10 ms of
 * the PIT and starts it periodic at tick_us on HW_VECTOR_TIMER. Panics without an APIC, with one
 * outside the direct map, or when the PIT does not count.
 */
void hw_apic_init(unsigned tick_us);

/* Enables an application processor's local APIC (its timer not yet). */
void hw_apic_init_ap(void);

/* Starts an application processor's timer, periodic at the boot CPU's rate. */
void hw_apic_timer_start_ap(void);

/* Sends a fixed interrupt of vector to the CPU with that local APIC id. */
void hw_apic_ipi(uint32_t apic_id, unsigned vector);

/* INIT, then twice STARTUP at trampoline (page-aligned, below 1 MiB), with the delays. */
void hw_apic_start_ap(uint32_t apic_id, uint32_t trampoline);

/* Waits at least us microseconds, counting the running APIC timer (after hw_apic_init). */
void hw_apic_delay_us(unsigned us);

/* Signals the end of the interrupt in service. */
void hw_apic_eoi(void);

/* True when the local APIC has vector in service (it then needs an EOI). */
bool hw_apic_in_service(unsigned vector);

/* The local APIC's ID (0 before hw_apic_init): where the I/O APIC sends interrupts. */
uint32_t hw_apic_id(void);

/* The physical address of the boot CPU's local APIC page (0 before hw_apic_init). */
uint64_t hw_apic_phys(void);

/* Acknowledges a spurious IRQ 7 or 15 of the PICs: IRQ 15's cascade needs the master's EOI. */
void hw_pic_spurious(unsigned irq);

#endif
