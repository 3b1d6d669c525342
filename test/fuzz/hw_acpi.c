/*
 * libFuzzer target for the hw kernel's ACPI reader (platform/hw/kernel/acpi.c).
 *
 * Input: the bytes of physical memory from address 0. The target searches all of it for an RSDP
 * and parses the MADT through it; the reader refuses anything past the input. Checks beyond "no
 * crash": a failed parse says why; one that succeeds names a 16-byte aligned I/O APIC below
 * 4 GiB, counts no more overrides than the input can hold, and gives the same result again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acpi.h"

#define CHECK(cond) ((cond) ? (void)0 : abort())

typedef struct {
	uint8_t const *mem;
	size_t size;
} memory_t;

static void const *read_mem(void *ctx, uint64_t phys, uint64_t size)
{
	memory_t const *m = ctx;

	if (size == 0 || phys >= m->size || size > m->size - phys)
		return NULL;
	return m->mem + phys;
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size);

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
	memory_t m = {data, size};
	hw_phys_reader_t reader = {.read = read_mem, .ctx = &m};
	hw_acpi_irq_t irq, again;
	char why[256];
	uint64_t rsdp;

	memset(&irq, 0, sizeof(irq));
	if (hw_acpi_find_rsdp(reader, 0, size, &rsdp) != GN_OK)
		return 0;
	CHECK(rsdp % 16 == 0 && rsdp + 20 <= size);
	if (hw_acpi_parse(reader, rsdp, &irq, why, sizeof(why)) != GN_OK) {
		CHECK(why[0] != '\0');
		return 0;
	}
	CHECK(irq.ioapic != 0 && irq.ioapic % 16 == 0 && irq.ioapic < (1ULL << 32));
	CHECK(irq.overrides <= size / 10);
	memset(&again, 0, sizeof(again)); /* padding included: compared below */
	CHECK(hw_acpi_parse(reader, rsdp, &again, why, sizeof(why)) == GN_OK);
	CHECK(memcmp(&irq, &again, sizeof(irq)) == 0); /* nothing depends on state */
	return 0;
}
