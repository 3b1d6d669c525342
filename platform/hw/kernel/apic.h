/*
 * Interrupt controllers and the timer: the legacy PICs are remapped and masked (only their
 * spurious IRQs can still arrive), and the boot CPU's local APIC runs a periodic timer, calibrated
 * against the PIT, that drives time and preemption. Called at boot only, on the boot CPU.
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

/* Signals the end of the interrupt in service. */
void hw_apic_eoi(void);

/* True when the local APIC has vector in service (it then needs an EOI). */
bool hw_apic_in_service(unsigned vector);

/* The local APIC's ID (0 before hw_apic_init): where the I/O APIC sends interrupts. */
uint32_t hw_apic_id(void);

/* Acknowledges a spurious IRQ 7 or 15 of the PICs: IRQ 15's cascade needs the master's EOI. */
void hw_pic_spurious(unsigned irq);

#endif
