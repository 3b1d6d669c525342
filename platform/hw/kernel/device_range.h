/*
 * The physical ranges the kernel lets the root make device memory objects of (io_mem_create,
 * hw_syscall.h "Device memory"): pure logic on the boot information, like port_range.c, so host
 * unit tests can run it.
 *
 * A range is page-aligned, holds at least a page and at most HW_IO_MEM_MAX_SIZE bytes, does not
 * wrap and ends at or below 2^phys_bits (INVALID_ARG otherwise); it touches no RAM: no region of
 * the memory map that is available, ACPI (reclaimable or NVS) or defective memory, and none of the
 * boot reservations but the first MiB (the kernel image, the boot information, the modules), and
 * none of the kernel's own device pages (the local APIC's, the I/O APIC's): DENIED. What the map
 * calls reserved, and what it does not list at all (the PCI hole, the first MiB's legacy video
 * memory), is device memory. Whether another object holds the range is mem.c's question.
 */
#ifndef GNEISS_HW_DEVICE_RANGE_H
#define GNEISS_HW_DEVICE_RANGE_H

#include "multiboot.h"

enum {
	HW_DEVICE_KERNEL_PAGES = 2, /* the local APIC's page, the I/O APIC's page */
};

typedef struct {
	hw_boot_info_t const *info;
	uint64_t kernel_pages[HW_DEVICE_KERNEL_PAGES]; /* physical addresses; 0: none */
	unsigned phys_bits; /* the CPU's physical address width (clamped to 32..52) */
} hw_device_ranges_t;

/* GN_OK when [phys, phys + size) may become a device memory object; INVALID_ARG, DENIED. */
gn_err_t hw_device_range_check(
	hw_device_ranges_t const *d, uint64_t phys, uint64_t size) GN_MUST_CHECK;

#endif
