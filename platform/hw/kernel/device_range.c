/* Physical ranges of device memory (see device_range.h). */
#include <hw_syscall.h>

#include "device_range.h"

enum {
	PAGE = 4096,
	PHYS_BITS_MIN = 32,
	PHYS_BITS_MAX = 52, /* what a page-table entry holds */
	TYPE_DEFECTIVE = 5,
};

/* The end of physical memory the CPU addresses: 2^bits, bits clamped to what the tables take. */
static uint64_t phys_end(unsigned bits)
{
	if (bits < PHYS_BITS_MIN || bits > PHYS_BITS_MAX)
		bits = bits > PHYS_BITS_MAX ? PHYS_BITS_MAX : PHYS_BITS_MIN;
	return 1ULL << bits;
}

/* Types 1 (available), 3 (ACPI reclaimable), 4 (ACPI NVS) and 5 (defective) are RAM. */
static bool is_ram(uint32_t type)
{
	return type == HW_MEM_AVAILABLE || (type >= 3 && type <= TYPE_DEFECTIVE);
}

static bool touches_ram(hw_boot_info_t const *info, hw_range_t r)
{
	for (size_t i = 0; i < info->region_count; i++) {
		hw_mem_region_t const *m = &info->regions[i];
		if (is_ram(m->type) && hw_range_overlaps(r, (hw_range_t){m->base, m->size}))
			return true;
	}
	for (size_t i = 0; i < info->reserved_count; i++) {
		hw_reserved_t const *res = &info->reserved[i];
		if (res->kind != HW_RESERVED_LOW && hw_range_overlaps(r, res->range))
			return true;
	}
	return false;
}

gn_err_t hw_device_range_check(hw_device_ranges_t const *d, uint64_t phys, uint64_t size)
{
	hw_range_t const r = {phys, size};
	uint64_t const end = phys_end(d->phys_bits);

	if (phys % PAGE != 0 || size % PAGE != 0 || size == 0 || size > HW_IO_MEM_MAX_SIZE ||
		phys >= end || size > end - phys)
		return GN_ERR_INVALID_ARG;
	if (touches_ram(d->info, r))
		return GN_ERR_DENIED;
	for (unsigned i = 0; i < HW_DEVICE_KERNEL_PAGES; i++) {
		if (d->kernel_pages[i] != 0 &&
			hw_range_overlaps(
				r, (hw_range_t){d->kernel_pages[i] & ~(uint64_t)(PAGE - 1), PAGE}))
			return GN_ERR_DENIED;
	}
	return GN_OK;
}
