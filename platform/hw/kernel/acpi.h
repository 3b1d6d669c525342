/*
 * The ACPI tables, as far as interrupts need them: the RSDP, the RSDT or XSDT, and the MADT's
 * I/O APIC and interrupt source overrides for the 16 ISA lines. Pure logic over a physical-memory
 * reader (multiboot.h), shared by the kernel (ioapic.c) and the unit tests.
 *
 * The tables are untrusted input: every table must be readable as a whole, carry its signature,
 * have a length of at least its header and at most HW_ACPI_TABLE_MAX, and sum to zero; the RSDP
 * likewise (20 bytes, and its extended length for revision 2 and up). MADT entries must lie inside
 * the table and have the length of their type; an I/O APIC must be 16-byte aligned, below
 * 4 GiB, with a GSI base; an override must name ISA bus 0, a source below 16, defined polarity
 * and trigger flags. What fails is not used, and why says what (the first refusal). Without an
 * override an ISA line is its own GSI, active high and edge-triggered; a line whose identity GSI
 * another line's override takes has no route (QEMU: IRQ 0 is GSI 2, so IRQ 2 has none).
 */
#ifndef GNEISS_HW_ACPI_H
#define GNEISS_HW_ACPI_H

#include "multiboot.h"

enum {
	HW_ACPI_TABLE_MAX = 64 * 1024, /* longest RSDT, XSDT or MADT read */
	HW_ACPI_ISA_LINES = 16,
	HW_ACPI_CPUS_MAX = 8, /* local APIC ids recorded */
};

typedef struct {
	uint32_t gsi;
	bool routed;     /* false: no GSI (taken by another line's override) */
	bool active_low; /* polarity */
	bool level;      /* trigger mode */
} hw_isa_route_t;

typedef struct {
	uint64_t ioapic;   /* physical address of the I/O APIC whose GSI base is 0 */
	uint32_t gsi_base; /* its first GSI (0) */
	unsigned overrides;
	hw_isa_route_t isa[HW_ACPI_ISA_LINES];
	unsigned cpus;                      /* enabled processors' local APICs (MADT type 0) */
	uint8_t apic_ids[HW_ACPI_CPUS_MAX]; /* the first of them */
} hw_acpi_irq_t;

/*
 * Searches [base, base + size) on 16-byte boundaries for a valid RSDP; its address in *rsdp.
 * Errors: GN_ERR_NOT_FOUND.
 */
gn_err_t hw_acpi_find_rsdp(
	hw_phys_reader_t reader, uint64_t base, uint64_t size, uint64_t *rsdp) GN_MUST_CHECK;

/*
 * Reads the MADT through the RSDP at rsdp into *out (ISA routes with every valid override).
 * Errors, with why saying which table or entry: GN_ERR_INVALID_ARG (a malformed RSDP, RSDT, XSDT
 * or MADT), GN_ERR_NOT_FOUND (no MADT, or no I/O APIC with GSI base 0 in it).
 */
gn_err_t hw_acpi_parse(hw_phys_reader_t reader, uint64_t rsdp, hw_acpi_irq_t *out, char *why,
	size_t why_size) GN_MUST_CHECK;

/* The routes of the ISA lines without any override: line i is GSI i, active high, edge. */
void hw_acpi_isa_default(hw_acpi_irq_t *out);

#endif
