/* The ACPI tables interrupts need (see acpi.h). */
#include <gneiss/fmt.h>
#include <gneiss/string.h>

#include "acpi.h"

enum {
	RSDP_V1 = 20,
	RSDP_V2 = 36,
	RSDP_LENGTH_END = 24,
	HEADER = 36,
	MADT_ENTRIES = 44, /* header, local APIC address, flags */
	MADT_LAPIC = 0,
	MADT_IOAPIC = 1,
	MADT_OVERRIDE = 2,
	LAPIC_LEN = 8,
	LAPIC_ENABLED = 1,
	IOAPIC_LEN = 12,
	OVERRIDE_LEN = 10,
	FLAG_POLARITY = 0x3,
	FLAG_TRIGGER = 0xc,
};

static uint32_t le32(uint8_t const *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(uint8_t const *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static bool sums_to_zero(uint8_t const *p, uint64_t len)
{
	uint8_t sum = 0;

	for (uint64_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum == 0;
}

static uint8_t const *read(hw_phys_reader_t r, uint64_t phys, uint64_t size)
{
	return r.read(r.ctx, phys, size);
}

static bool rsdp_valid(hw_phys_reader_t r, uint64_t phys)
{
	uint8_t const *p = read(r, phys, RSDP_V1);
	uint32_t len;

	if (!p || gn_memcmp(p, "RSD PTR ", 8) != 0 || !sums_to_zero(p, RSDP_V1))
		return false;
	if (p[15] < 2)
		return true;
	p = read(r, phys, RSDP_LENGTH_END); /* the extended length follows the first 20 bytes */
	if (!p)
		return false;
	len = le32(p + 20);
	p = len >= RSDP_V2 && len <= 4096 ? read(r, phys, len) : NULL;
	return p && sums_to_zero(p, len);
}

gn_err_t hw_acpi_find_rsdp(hw_phys_reader_t reader, uint64_t base, uint64_t size, uint64_t *rsdp)
{
	for (uint64_t off = 0; off + RSDP_V1 <= size; off += 16) {
		if (rsdp_valid(reader, base + off)) {
			*rsdp = base + off;
			return GN_OK;
		}
	}
	return GN_ERR_NOT_FOUND;
}

/* The whole table at phys with signature sig, checked; NULL (why set) when it is not valid. */
static uint8_t const *table(hw_phys_reader_t r, uint64_t phys, char const *sig, uint32_t *len,
	char *why, size_t why_size)
{
	uint8_t const *p = read(r, phys, HEADER);

	if (!p)
		goto error;
	*len = le32(p + 4);
	if (gn_memcmp(p, sig, 4) != 0)
		return NULL; /* another table: not an error */
	if (*len < HEADER || *len > HW_ACPI_TABLE_MAX || !(p = read(r, phys, *len)))
		goto error;
	if (!sums_to_zero(p, *len)) {
		gn_ignore(gn_fmt(why, why_size, NULL, "%s at 0x%lx: bad checksum", sig, phys));
		return NULL;
	}
	return p;
error:
	gn_ignore(gn_fmt(why, why_size, NULL, "%s at 0x%lx: unreadable or bad length", sig, phys));
	return NULL;
}

void hw_acpi_isa_default(hw_acpi_irq_t *out)
{
	for (unsigned i = 0; i < HW_ACPI_ISA_LINES; i++)
		out->isa[i] = (hw_isa_route_t){.gsi = i, .routed = true};
	out->overrides = 0;
}

/* One interrupt source override entry e (OVERRIDE_LEN bytes); false when it is malformed. */
static bool override(hw_acpi_irq_t *out, bool overridden[], uint8_t const *e)
{
	unsigned bus = e[2], src = e[3], pol = e[8] & FLAG_POLARITY,
		 trig = (e[8] & FLAG_TRIGGER) >> 2;

	if (bus != 0 || src >= HW_ACPI_ISA_LINES || pol == 2 || trig == 2)
		return false;
	out->isa[src] = (hw_isa_route_t){
		.gsi = le32(e + 4), .routed = true, .active_low = pol == 3, .level = trig == 3};
	overridden[src] = true;
	out->overrides++;
	return true;
}

/* An ISA line without an override loses its identity GSI to a line overridden onto it. */
static void drop_taken(hw_acpi_irq_t *out, bool const overridden[])
{
	for (unsigned i = 0; i < HW_ACPI_ISA_LINES; i++) {
		for (unsigned j = 0; j < HW_ACPI_ISA_LINES && !overridden[i]; j++) {
			if (j != i && overridden[j] && out->isa[j].gsi == i)
				out->isa[i].routed = false;
		}
	}
}

static gn_err_t madt(hw_acpi_irq_t *out, uint8_t const *p, uint32_t len, char *why, size_t n)
{
	bool overridden[HW_ACPI_ISA_LINES] = {false}, ioapic = false;

	hw_acpi_isa_default(out);
	out->cpus = 0;
	for (uint32_t off = MADT_ENTRIES; off + 2 <= len;) {
		uint8_t type = p[off], elen = p[off + 1];
		uint64_t addr;
		if (elen < 2 || elen > len - off)
			goto error;
		if (type == MADT_IOAPIC && elen != IOAPIC_LEN)
			goto error;
		if (type == MADT_OVERRIDE &&
			(elen != OVERRIDE_LEN || !override(out, overridden, p + off)))
			goto error;
		if (type == MADT_LAPIC && elen != LAPIC_LEN)
			goto error;
		if (type == MADT_LAPIC && (le32(p + off + 4) & LAPIC_ENABLED)) {
			if (out->cpus < HW_ACPI_CPUS_MAX)
				out->apic_ids[out->cpus] = p[off + 3];
			out->cpus++;
		}
		addr = type == MADT_IOAPIC ? le32(p + off + 4) : 0;
		if (type == MADT_IOAPIC && le32(p + off + 8) == 0 && !ioapic) {
			if (addr == 0 || addr % 16 != 0)
				goto error;
			out->ioapic = addr;
			out->gsi_base = 0;
			ioapic = true;
		}
		off += elen;
		continue;
	error:
		gn_ignore(gn_fmt(why, n, NULL,
			"APIC: entry at offset %u (type %u, length %u) is invalid", off, type,
			elen));
		return GN_ERR_INVALID_ARG;
	}
	drop_taken(out, overridden);
	if (!ioapic)
		gn_ignore(gn_fmt(why, n, NULL, "APIC: no I/O APIC with GSI base 0"));
	return ioapic ? GN_OK : GN_ERR_NOT_FOUND;
}

gn_err_t hw_acpi_parse(
	hw_phys_reader_t reader, uint64_t rsdp, hw_acpi_irq_t *out, char *why, size_t why_size)
{
	uint8_t const *root, *p = read(reader, rsdp, RSDP_V1);
	uint32_t len, tlen;
	unsigned width;
	bool x;

	if (!p || !rsdp_valid(reader, rsdp)) {
		gn_ignore(gn_fmt(why, why_size, NULL, "RSDP at 0x%lx is invalid", rsdp));
		return GN_ERR_INVALID_ARG;
	}
	/* revision 2 and up: rsdp_valid read its RSDP_V2 bytes; an XSDT address of 0 means none */
	x = p[15] >= 2 && le64(read(reader, rsdp, RSDP_V2) + 24) != 0;
	width = x ? 8 : 4;
	why[0] = '\0';
	root = x ? table(reader, le64(p + 24), "XSDT", &len, why, why_size)
		 : table(reader, le32(p + 16), "RSDT", &len, why, why_size);
	if (!root) {
		if (why[0] == '\0')
			gn_ignore(gn_fmt(
				why, why_size, NULL, "%s: wrong signature", x ? "XSDT" : "RSDT"));
		return GN_ERR_INVALID_ARG;
	}
	for (uint32_t off = HEADER; off + width <= len; off += width) {
		uint64_t phys = x ? le64(root + off) : le32(root + off);
		uint8_t const *m = table(reader, phys, "APIC", &tlen, why, why_size);
		if (m && tlen >= MADT_ENTRIES)
			return madt(out, m, tlen, why, why_size);
		if (m)
			gn_ignore(gn_fmt(why, why_size, NULL, "APIC: %u bytes is too short", tlen));
		if (why[0] != '\0')
			return GN_ERR_INVALID_ARG;
	}
	gn_ignore(
		gn_fmt(why, why_size, NULL, "no MADT (APIC table) in the %s", x ? "XSDT" : "RSDT"));
	return GN_ERR_NOT_FOUND;
}
