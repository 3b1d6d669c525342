/* The I/O APIC (see ioapic.h). */
#include "ioapic.h"
#include "acpi.h"
#include "apic.h"
#include "cpu_tables.h"
#include "log.h"
#include "paging.h"

enum {
	QEMU_IOAPIC = 0xfec00000,
	EBDA_SEGMENT = 0x40e,
	EBDA_SEARCH = 1024,
	BIOS_AREA = 0xe0000,
	BIOS_AREA_SIZE = 0x20000,
	REG_SELECT = 0x00,
	REG_WINDOW = 0x10,
	REG_VERSION = 0x01,
	REG_REDIRECT = 0x10,
	ENTRIES_MIN = 16,
	ENTRIES_MAX = 240,
	RTE_ACTIVE_LOW = 1 << 13,
	RTE_LEVEL = 1 << 15,
	RTE_MASKED = 1 << 16,
};

static uint32_t volatile *regs;
static hw_acpi_irq_t routes;
static unsigned entries;

static uint32_t ioapic_read(uint32_t reg)
{
	regs[REG_SELECT / 4] = reg;
	return regs[REG_WINDOW / 4];
}

static void ioapic_write(uint32_t reg, uint32_t value)
{
	regs[REG_SELECT / 4] = reg;
	regs[REG_WINDOW / 4] = value;
}

/* The RSDP in the EBDA's first KiB or the BIOS area (ACPI's places on a PC), or 0. */
static uint64_t find_rsdp(hw_phys_reader_t reader)
{
	uint8_t const *seg = reader.read(reader.ctx, EBDA_SEGMENT, 2);
	uint64_t ebda = seg ? (uint64_t)(seg[0] | seg[1] << 8) << 4 : 0, rsdp;

	if (ebda >= 0x80000 && ebda < 0xa0000 &&
		hw_acpi_find_rsdp(reader, ebda, EBDA_SEARCH, &rsdp) == GN_OK)
		return rsdp;
	if (hw_acpi_find_rsdp(reader, BIOS_AREA, BIOS_AREA_SIZE, &rsdp) == GN_OK)
		return rsdp;
	return 0;
}

static bool in_ram(hw_boot_info_t const *info, uint64_t phys)
{
	hw_range_t r = {.base = phys & ~0xfffULL, .size = 0x1000};

	for (size_t i = 0; i < info->region_count; i++) {
		hw_mem_region_t const *m = &info->regions[i];
		if (m->type == HW_MEM_AVAILABLE &&
			hw_range_overlaps(r, (hw_range_t){.base = m->base, .size = m->size}))
			return true;
	}
	return false;
}

/* Reads the routes from ACPI, or falls back to QEMU's fixed address and identity routes. */
static void find(void)
{
	hw_phys_reader_t reader = {.read = hw_phys_read};
	char why[HW_LOG_LINE_MAX];
	uint64_t rsdp = find_rsdp(reader);

	if (rsdp && hw_acpi_parse(reader, rsdp, &routes, why, sizeof(why)) == GN_OK) {
		hw_log("acpi: RSDP at 0x%lx, MADT: I/O APIC at 0x%lx, %u ISA overrides", rsdp,
			routes.ioapic, routes.overrides);
		return;
	}
	if (rsdp)
		hw_log("acpi: RSDP at 0x%lx, but %s; assuming the I/O APIC at 0x%x", rsdp, why,
			QEMU_IOAPIC);
	else
		hw_log("acpi: no RSDP; assuming the I/O APIC at 0x%x", QEMU_IOAPIC);
	hw_acpi_isa_default(&routes);
	routes.ioapic = QEMU_IOAPIC;
	routes.cpus = 0;
}

static void route(unsigned line, uint32_t dest)
{
	hw_isa_route_t const *r = &routes.isa[line];
	uint32_t low = (HW_VECTOR_IRQ + line) | RTE_MASKED | (r->active_low ? RTE_ACTIVE_LOW : 0) |
		       (r->level ? RTE_LEVEL : 0);

	ioapic_write(REG_REDIRECT + 2 * r->gsi + 1, dest << 24);
	ioapic_write(REG_REDIRECT + 2 * r->gsi, low);
}

void hw_ioapic_init(hw_boot_info_t const *info)
{
	uint32_t version;

	find();
	if (routes.ioapic >= HW_DIRECT_MAP_SIZE - 0x1000 || in_ram(info, routes.ioapic)) {
		hw_log("ioapic: 0x%lx lies in RAM or outside the direct map: no IRQ objects",
			routes.ioapic);
		return;
	}
	regs = hw_phys_to_virt(routes.ioapic);
	version = ioapic_read(REG_VERSION);
	entries = ((version >> 16) & 0xff) + 1;
	if (version == 0xffffffff || entries < ENTRIES_MIN || entries > ENTRIES_MAX) {
		hw_log("ioapic: no sane I/O APIC at 0x%lx (version register 0x%x): no IRQ objects",
			routes.ioapic, version);
		regs = NULL;
		return;
	}
	for (unsigned i = 0; i < entries; i++)
		ioapic_write(REG_REDIRECT + 2 * i, RTE_MASKED);
	for (unsigned line = 0; line < HW_ACPI_ISA_LINES; line++) {
		if (routes.isa[line].gsi >= entries)
			routes.isa[line].routed = false;
		if (routes.isa[line].routed)
			route(line, hw_apic_id());
	}
	hw_log("ioapic: version 0x%x, %u entries, ISA IRQ 0 -> GSI %u, IRQ 1 -> GSI %u, all masked",
		version & 0xff, entries, routes.isa[0].gsi, routes.isa[1].gsi);
}

uint64_t hw_ioapic_phys(void)
{
	return regs ? routes.ioapic : 0;
}

bool hw_ioapic_present(void)
{
	return regs != NULL;
}

bool hw_ioapic_routed(unsigned line)
{
	return regs && line < HW_ACPI_ISA_LINES && routes.isa[line].routed;
}

void hw_ioapic_mask(unsigned line)
{
	uint32_t reg = REG_REDIRECT + 2 * routes.isa[line].gsi;

	ioapic_write(reg, ioapic_read(reg) | RTE_MASKED);
}

void hw_ioapic_unmask(unsigned line)
{
	uint32_t reg = REG_REDIRECT + 2 * routes.isa[line].gsi;

	ioapic_write(reg, ioapic_read(reg) & ~(uint32_t)RTE_MASKED);
}

unsigned hw_acpi_cpus(uint8_t const **apic_ids)
{
	*apic_ids = routes.apic_ids;
	return routes.cpus;
}
