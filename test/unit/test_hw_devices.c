/*
 * The hw kernel's device-access logic that needs no hardware (platform/hw/kernel/acpi.c,
 * port_range.c): the ACPI tables on a buffer posing as physical memory (RSDP search, RSDT and
 * XSDT, the MADT's I/O APIC and interrupt source overrides, every malformed table refused with
 * a message naming it) and the I/O port ranges (valid ranges, the kernel's own ports, accesses at
 * the edges of a range).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acpi.h"
#include "device_range.h"
#include "port_range.h"

enum {
	MEM_SIZE = 1024 * 1024,
	RSDP = 0xe0010,
	RSDT = 0x1000,
	XSDT = 0x1800,
	MADT = 0x2000,
	OTHER = 0x3000, /* a table that is not the MADT */
};

#define IOAPIC 0xfec00000u

static uint8_t *mem;
static char why[256];
static hw_acpi_irq_t irq;
static uint32_t madt_len;

static void const *fake_read(void *ctx, uint64_t phys, uint64_t size)
{
	(void)ctx;
	if (size == 0 || phys >= MEM_SIZE || size > MEM_SIZE - phys)
		return NULL;
	return mem + phys;
}

static hw_phys_reader_t const reader = {.read = fake_read};

static void put32(uint64_t at, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		mem[at + i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint64_t at, uint64_t v)
{
	put32(at, (uint32_t)v);
	put32(at + 4, (uint32_t)(v >> 32));
}

/* Makes the len bytes at at sum to zero through the byte at sum_at. */
static void checksum(uint64_t at, uint64_t len, uint64_t sum_at)
{
	uint8_t sum = 0;

	mem[sum_at] = 0;
	for (uint64_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + mem[at + i]);
	mem[sum_at] = (uint8_t)-sum;
}

static void header(uint64_t at, char const *sig, uint32_t len)
{
	memcpy(mem + at, sig, 4);
	put32(at + 4, len);
	mem[at + 8] = 1;
}

static void seal(uint64_t at)
{
	checksum(at, mem[at + 4] | mem[at + 5] << 8 | mem[at + 6] << 16, at + 9);
}

static void rsdp_v1(uint32_t rsdt)
{
	memcpy(mem + RSDP, "RSD PTR ", 8);
	mem[RSDP + 15] = 0;
	put32(RSDP + 16, rsdt);
	checksum(RSDP, 20, RSDP + 8);
}

static void rsdt(uint32_t const *tables, unsigned n)
{
	header(RSDT, "RSDT", 36 + 4 * n);
	for (unsigned i = 0; i < n; i++)
		put32(RSDT + 36 + 4 * i, tables[i]);
	seal(RSDT);
}

/* Appends a MADT entry of len bytes (type, len, then body) and reseals the table. */
static void madt_entry(uint8_t type, uint8_t len, uint8_t const *body)
{
	mem[MADT + madt_len] = type;
	mem[MADT + madt_len + 1] = len;
	memcpy(mem + MADT + madt_len + 2, body, len > 2 ? len - 2u : 0);
	madt_len += len;
	put32(MADT + 4, madt_len);
	seal(MADT);
}

static void ioapic_entry(uint32_t addr, uint32_t gsi_base)
{
	uint8_t body[10] = {1, 0};

	memcpy(body + 2, &addr, 4);
	memcpy(body + 6, &gsi_base, 4);
	madt_entry(1, 12, body);
}

static void lapic_entry(uint8_t apic_id, uint32_t flags)
{
	uint8_t body[6] = {0, apic_id};

	memcpy(body + 2, &flags, 4);
	madt_entry(0, 8, body);
}

static void override_entry(uint8_t bus, uint8_t src, uint32_t gsi, uint16_t flags)
{
	uint8_t body[8] = {bus, src};

	memcpy(body + 2, &gsi, 4);
	memcpy(body + 6, &flags, 2);
	madt_entry(2, 10, body);
}

/* QEMU's tables: RSDT -> another table and the MADT, I/O APIC, IRQ 0 -> GSI 2, IRQ 9 level. */
static int setup(void **state)
{
	uint32_t tables[] = {OTHER, MADT};

	(void)state;
	mem = calloc(1, MEM_SIZE);
	header(OTHER, "FACP", 36);
	seal(OTHER);
	madt_len = 44;
	header(MADT, "APIC", madt_len);
	put32(MADT + 36, 0xfee00000);
	ioapic_entry(IOAPIC, 0);
	override_entry(0, 0, 2, 0);
	override_entry(0, 9, 9, 0xd);
	rsdt(tables, 2);
	rsdp_v1(RSDT);
	return mem ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(mem);
	return 0;
}

static gn_err_t parse(void)
{
	why[0] = '\0';
	return hw_acpi_parse(reader, RSDP, &irq, why, sizeof(why));
}

static void qemu_tables(void **state)
{
	uint64_t found = 0;

	(void)state;
	assert_int_equal(hw_acpi_find_rsdp(reader, 0xe0000, 0x20000, &found), GN_OK);
	assert_int_equal(found, RSDP);
	assert_int_equal(parse(), GN_OK);
	assert_int_equal(irq.ioapic, IOAPIC);
	assert_int_equal(irq.overrides, 2);
	assert_int_equal(irq.isa[0].gsi, 2);
	assert_true(irq.isa[0].routed);
	assert_false(irq.isa[0].level || irq.isa[0].active_low);
	assert_false(irq.isa[2].routed); /* IRQ 0 took GSI 2 */
	assert_true(irq.isa[1].routed);
	assert_int_equal(irq.isa[1].gsi, 1);
	assert_true(irq.isa[9].level);
	assert_false(irq.isa[9].active_low);
	for (unsigned i = 3; i < HW_ACPI_ISA_LINES; i++)
		assert_int_equal(irq.isa[i].gsi, i);
}

static void xsdt_and_active_low(void **state)
{
	uint64_t found;

	(void)state;
	override_entry(0, 5, 5, 0xf); /* active low, level */
	header(XSDT, "XSDT", 44);
	put64(XSDT + 36, MADT);
	seal(XSDT);
	mem[RSDP + 15] = 2;
	put32(RSDP + 16, 0); /* only the XSDT */
	put32(RSDP + 20, 36);
	put64(RSDP + 24, XSDT);
	checksum(RSDP, 20, RSDP + 8);
	checksum(RSDP, 36, RSDP + 32);
	assert_int_equal(hw_acpi_find_rsdp(reader, 0xe0000, 0x20000, &found), GN_OK);
	assert_int_equal(parse(), GN_OK);
	assert_true(irq.isa[5].active_low && irq.isa[5].level);
	mem[RSDP + 33]++; /* the extended checksum */
	assert_int_equal(hw_acpi_find_rsdp(reader, 0xe0000, 0x20000, &found), GN_ERR_NOT_FOUND);
	assert_int_equal(parse(), GN_ERR_INVALID_ARG);
	assert_string_equal(why, "RSDP at 0xe0010 is invalid");
}

static void rsdp_refused(void **state)
{
	uint64_t found;

	(void)state;
	mem[RSDP + 8]++;
	assert_int_equal(hw_acpi_find_rsdp(reader, 0xe0000, 0x20000, &found), GN_ERR_NOT_FOUND);
	assert_int_equal(hw_acpi_find_rsdp(reader, MEM_SIZE - 16, 0x1000, &found),
		GN_ERR_NOT_FOUND); /* runs off the end of memory: refused, not read */
	rsdp_v1(RSDT);
	mem[RSDP + 15] = 2;
	put32(RSDP + 20, 0x10000); /* an extended length past any sane RSDP */
	checksum(RSDP, 20, RSDP + 8);
	assert_int_equal(hw_acpi_find_rsdp(reader, 0xe0000, 0x20000, &found), GN_ERR_NOT_FOUND);
	memmove(mem + MEM_SIZE - 20, mem + RSDP, 20); /* revision 2, its length past the end */
	assert_int_equal(hw_acpi_parse(reader, MEM_SIZE - 20, &irq, why, sizeof(why)),
		GN_ERR_INVALID_ARG); /* refused without reading past memory (ASan watches) */
}

static void root_tables_refused(void **state)
{
	uint32_t none[] = {OTHER};

	(void)state;
	mem[RSDT + 20]++;
	assert_int_equal(parse(), GN_ERR_INVALID_ARG);
	assert_string_equal(why, "RSDT at 0x1000: bad checksum");
	put32(RSDT + 4, 0x20000); /* longer than HW_ACPI_TABLE_MAX */
	assert_int_equal(parse(), GN_ERR_INVALID_ARG);
	assert_string_equal(why, "RSDT at 0x1000: unreadable or bad length");
	rsdp_v1(MEM_SIZE - 8);
	assert_int_equal(parse(), GN_ERR_INVALID_ARG);
	rsdp_v1(MADT); /* the RSDT pointer names another table */
	assert_int_equal(parse(), GN_ERR_INVALID_ARG);
	assert_string_equal(why, "RSDT: wrong signature");
	rsdp_v1(RSDT);
	rsdt(none, 1);
	assert_int_equal(parse(), GN_ERR_NOT_FOUND);
	assert_string_equal(why, "no MADT (APIC table) in the RSDT");
}

static void madt_refused(void **state)
{
	uint8_t body[16] = {0};

	(void)state;
	mem[MADT + 40]++; /* the local APIC address: only the checksum notices */
	assert_int_equal(parse(), GN_ERR_INVALID_ARG);
	assert_string_equal(why, "APIC at 0x2000: bad checksum");
	seal(MADT);
	madt_entry(0x7f, 2, body);
	mem[MADT + 77] = 0; /* a zero-length entry would loop for ever */
	seal(MADT);
	assert_int_equal(parse(), GN_ERR_INVALID_ARG);
	assert_string_equal(why, "APIC: entry at offset 76 (type 127, length 0) is invalid");
	mem[MADT + 77] = 200; /* past the end of the table */
	seal(MADT);
	assert_int_equal(parse(), GN_ERR_INVALID_ARG);
}

static void entries_refused(void **state)
{
	static struct {
		uint8_t bus, src;
		uint16_t flags;
	} const bad[] = {{1, 0, 0}, {0, 16, 0}, {0, 3, 0x2}, {0, 3, 0x8}};

	(void)state;
	teardown(NULL); /* each case below starts from fresh tables */
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(setup(NULL), 0);
		override_entry(bad[i].bus, bad[i].src, 3, bad[i].flags);
		assert_int_equal(parse(), GN_ERR_INVALID_ARG);
		teardown(NULL);
	}
	assert_int_equal(setup(NULL), 0);
	madt_len = 44 + 12; /* cut after the I/O APIC ... */
	put32(MADT + 4, madt_len);
	put32(MADT + 44 + 4, IOAPIC + 4); /* ... and misalign it */
	seal(MADT);
	assert_int_equal(parse(), GN_ERR_INVALID_ARG);
	put32(MADT + 44 + 4, IOAPIC);
	put32(MADT + 44 + 8, 24); /* an I/O APIC without the ISA lines */
	seal(MADT);
	assert_int_equal(parse(), GN_ERR_NOT_FOUND);
	assert_string_equal(why, "APIC: no I/O APIC with GSI base 0");
	mem[MADT + 45] = 10; /* an I/O APIC entry of the wrong length */
	seal(MADT);
	assert_int_equal(parse(), GN_ERR_INVALID_ARG);
	teardown(NULL);
	mem = NULL; /* the group's teardown frees nothing more */
}

/* QEMU's pc machine as the loader describes it: RAM, the BIOS's reservations, ACPI. */
static hw_boot_info_t qemu_info(void)
{
	hw_boot_info_t info = {0};

	info.regions[0] = (hw_mem_region_t){0x0, 0x9fc00, HW_MEM_AVAILABLE};
	info.regions[1] = (hw_mem_region_t){0x9fc00, 0x400, 2};
	info.regions[2] = (hw_mem_region_t){0xf0000, 0x10000, 2};
	info.regions[3] = (hw_mem_region_t){0x100000, 0x7ee0000, HW_MEM_AVAILABLE};
	info.regions[4] = (hw_mem_region_t){0x7fe0000, 0x20000, 3}; /* ACPI reclaimable */
	info.regions[5] = (hw_mem_region_t){0xfffc0000, 0x40000, 2};
	info.region_count = 6;
	info.reserved[0] = (hw_reserved_t){{0x0, 0x100000}, HW_RESERVED_LOW};
	info.reserved[1] = (hw_reserved_t){{0x100000, 0x200000}, HW_RESERVED_KERNEL};
	info.reserved[2] = (hw_reserved_t){{0x7000000, 0x10000}, HW_RESERVED_MODULE};
	info.reserved_count = 3;
	return info;
}

static void device_ranges(void **state)
{
	hw_boot_info_t const info = qemu_info();
	hw_device_ranges_t const d = {&info, {0xfee00000, 0xfec00000}, 36};

	(void)state;
	/* device memory: the HPET, legacy video memory, the PCI hole, reserved BIOS regions */
	assert_int_equal(hw_device_range_check(&d, 0xfed00000, 0x1000), GN_OK);
	assert_int_equal(hw_device_range_check(&d, 0xb8000, 0x8000), GN_OK);
	assert_int_equal(hw_device_range_check(&d, 0xe0000000, 0x10000000), GN_OK);
	assert_int_equal(hw_device_range_check(&d, 0xf0000, 0x10000), GN_OK);
	/* RAM, ACPI memory, a module, the kernel image, and ranges touching them by one page */
	assert_int_equal(hw_device_range_check(&d, 0x100000, 0x1000), GN_ERR_DENIED);
	assert_int_equal(hw_device_range_check(&d, 0x7fe0000, 0x1000), GN_ERR_DENIED);
	assert_int_equal(hw_device_range_check(&d, 0x7000000, 0x1000), GN_ERR_DENIED);
	assert_int_equal(hw_device_range_check(&d, 0x9e000, 0x2000), GN_ERR_DENIED);
	assert_int_equal(hw_device_range_check(&d, 0x8000000 - 0x1000, 0x2000), GN_ERR_DENIED);
	/* the kernel's own APIC pages, alone and inside a larger range */
	assert_int_equal(hw_device_range_check(&d, 0xfee00000, 0x1000), GN_ERR_DENIED);
	assert_int_equal(hw_device_range_check(&d, 0xfec00000, 0x1000), GN_ERR_DENIED);
	assert_int_equal(hw_device_range_check(&d, 0xfe000000, 0x1000000), GN_ERR_DENIED);
	assert_int_equal(hw_device_range_check(&d, 0xfed00000, 0x1000), GN_OK);
	/* malformed: unaligned, empty, too large, wrapping, beyond the physical address width */
	assert_int_equal(hw_device_range_check(&d, 0xfed00800, 0x1000), GN_ERR_INVALID_ARG);
	assert_int_equal(hw_device_range_check(&d, 0xfed00000, 0x800), GN_ERR_INVALID_ARG);
	assert_int_equal(hw_device_range_check(&d, 0xfed00000, 0), GN_ERR_INVALID_ARG);
	assert_int_equal(hw_device_range_check(&d, 0xc0000000, HW_IO_MEM_MAX_SIZE + 0x1000),
		GN_ERR_INVALID_ARG);
	assert_int_equal(hw_device_range_check(&d, ~0xfffULL, 0x2000), GN_ERR_INVALID_ARG);
	assert_int_equal(hw_device_range_check(&d, 1ULL << 36, 0x1000), GN_ERR_INVALID_ARG);
	assert_int_equal(hw_device_range_check(&d, (1ULL << 36) - 0x1000, 0x1000), GN_OK);
}

static void port_ranges(void **state)
{
	(void)state;
	assert_true(hw_port_range_valid(0, 1));
	assert_true(hw_port_range_valid(0xffff, 1));
	assert_true(hw_port_range_valid(0, HW_IO_PORTS));
	assert_false(hw_port_range_valid(0x70, 0));
	assert_false(hw_port_range_valid(0xffff, 2));
	assert_false(hw_port_range_valid(HW_IO_PORTS, 1));
	assert_false(hw_port_range_valid(~0ULL, 2));
	assert_false(hw_port_range_valid(1, ~0ULL));

	assert_true(hw_port_range_reserved(0x20, 1));
	assert_true(hw_port_range_reserved(0x1f, 2));
	assert_true(hw_port_range_reserved(0x22, 0x21)); /* reaches 0x42 */
	assert_false(hw_port_range_reserved(0x22, 0x20));
	assert_false(hw_port_range_reserved(0x40, 2));
	assert_false(hw_port_range_reserved(0x43, 1));
	assert_true(hw_port_range_reserved(0x61, 1));
	assert_false(hw_port_range_reserved(0x60, 1));
	assert_false(hw_port_range_reserved(0x62, 0x3e));
	assert_true(hw_port_range_reserved(0xf7, 1));
	assert_false(hw_port_range_reserved(0xf8, 0x300));
	assert_true(hw_port_range_reserved(0x3f7, 2));
	assert_false(hw_port_range_reserved(0x400, HW_IO_PORTS - 0x400));
	assert_true(hw_port_range_reserved(0, HW_IO_PORTS));

	assert_true(hw_port_width_valid(1) && hw_port_width_valid(2) && hw_port_width_valid(4));
	assert_false(hw_port_width_valid(0) || hw_port_width_valid(3) || hw_port_width_valid(8));

	assert_true(hw_port_access_inside(0x70, 2, 0x70, 1));
	assert_true(hw_port_access_inside(0x70, 2, 0x71, 1));
	assert_true(hw_port_access_inside(0x70, 2, 0x70, 2));
	assert_false(hw_port_access_inside(0x70, 2, 0x71, 2));
	assert_false(hw_port_access_inside(0x70, 2, 0x6f, 1));
	assert_false(hw_port_access_inside(0x70, 2, 0x70, 4));
	assert_false(hw_port_access_inside(0x70, 2, ~0ULL, 1));
	assert_true(hw_port_access_inside(0, HW_IO_PORTS, 0xfffc, 4));
	assert_false(hw_port_access_inside(0, HW_IO_PORTS, 0xfffd, 4));
	assert_false(hw_port_access_inside(0x80, 1, 0x80 + (1ULL << 63), 1));
}

/* The MADT's processor local APICs (SMP): enabled ones counted with their ids, a bad length refused. */
static void processors(void **state)
{
	uint8_t bad[4] = {0};

	(void)state;
	assert_int_equal(parse(), GN_OK);
	assert_int_equal(irq.cpus, 0);
	lapic_entry(0, 1);
	lapic_entry(1, 0); /* disabled */
	lapic_entry(3, 1);
	assert_int_equal(parse(), GN_OK);
	assert_int_equal(irq.cpus, 2);
	assert_int_equal(irq.apic_ids[0], 0);
	assert_int_equal(irq.apic_ids[1], 3);
	madt_entry(0, 6, bad);
	assert_int_equal(parse(), GN_ERR_INVALID_ARG);
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test_setup_teardown(qemu_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(xsdt_and_active_low, setup, teardown),
		cmocka_unit_test_setup_teardown(rsdp_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(root_tables_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(madt_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(entries_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(processors, setup, teardown),
		cmocka_unit_test(device_ranges),
		cmocka_unit_test(port_ranges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
