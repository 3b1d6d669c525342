/*
 * The kernel's address space (see layout.h) and its view of physical memory.
 *
 * entry.S boots with 2 MiB pages that map everything writable and executable, plus an identity map
 * of the low 4 GiB. Once the boot information is parsed, hw_paging_init switches to the kernel's
 * own tables: the direct map of physical memory below 4 GiB (writable, never executable, uncached
 * where a 2 MiB page holds no available memory, which covers the local APIC and other MMIO), and
 * the kernel image in 4 KiB pages with the permissions of its sections: text read-only and
 * executable, rodata read-only, data and bss writable, neither executable; the page below the
 * kernel stack stays unmapped as its guard. All of it is supervisor-only and global. The lower half
 * is empty: it belongs to the protection domains, whose page tables share the kernel half's PML4
 * entries (pt.h).
 */
#ifndef GNEISS_HW_PAGING_H
#define GNEISS_HW_PAGING_H

#include <gneiss/types.h>

#include "layout.h"
#include "multiboot.h"

/* Reader for hw_multiboot_parse: physical memory below HW_DIRECT_MAP_SIZE through the direct map. */
void const *hw_phys_read(void *ctx, uint64_t phys, uint64_t size);

/* A pointer to physical address phys, which must lie below HW_DIRECT_MAP_SIZE. */
static inline void *hw_phys_to_virt(uint64_t phys)
{
	return (void *)(HW_DIRECT_MAP + phys);
}

/*
 * Builds the kernel's page tables for the memory map of info and switches to them; nx says whether
 * EFER.NXE is on (then non-executable mappings get NX). Afterwards the lower half is unmapped, so a
 * NULL dereference in the kernel faults.
 */
void hw_paging_init(hw_boot_info_t const *info, bool nx);

/* The kernel's PML4, whose upper half every protection domain's page tables copy. */
uint64_t const *hw_paging_kernel_pml4(void);

/* Physical address of the kernel's PML4 (the address space when no protection domain runs). */
uint64_t hw_paging_kernel_root(void);

#endif
