/*
 * The I/O APIC that routes the 16 ISA interrupt lines (the legacy PICs stay masked, apic.c).
 *
 * At boot the kernel reads the MADT through the RSDP (acpi.c: untrusted, checked) or, without
 * one, assumes QEMU's and the PC's I/O APIC at 0xfec00000 with identity routes. Either way the
 * address must lie outside RAM (the memory map's available regions) and below the direct map,
 * whose page there is uncached, and the chip must answer with a sane version register (at least
 * 16 redirection entries, fewer than 240); otherwise there is no I/O APIC and no IRQ objects. Each
 * routed line's GSI gets vector HW_VECTOR_IRQ + line, fixed delivery to this CPU's local APIC,
 * the route's polarity and trigger mode, and starts masked; every other entry stays masked.
 * Lines are unmasked only for an IRQ object (irq.c). Boot CPU only; interrupts are off in the
 * kernel, so nothing here races.
 */
#ifndef GNEISS_HW_IOAPIC_H
#define GNEISS_HW_IOAPIC_H

#include "multiboot.h"

/* Finds, checks and programs the I/O APIC (everything masked); logs what it found or why not. */
void hw_ioapic_init(hw_boot_info_t const *info);

/* Whether a working I/O APIC was found. */
bool hw_ioapic_present(void);

/* The physical address of the working I/O APIC's page (0: none). */
uint64_t hw_ioapic_phys(void);

/* The enabled CPUs the MADT listed (0 without a usable MADT) and their local APIC ids. */
unsigned hw_acpi_cpus(uint8_t const **apic_ids);

/* Whether ISA line (< 16) has a route through a working I/O APIC. */
bool hw_ioapic_routed(unsigned line);

/* Masks or unmasks ISA line (routed). */
void hw_ioapic_mask(unsigned line);
void hw_ioapic_unmask(unsigned line);

#endif
