/*
 * The kernel's view of physical memory and the boot page tables of entry.S (see layout.h).
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
 * Removes the identity map of the low 4 GiB that the boot needed: from then on the lower half is
 * unmapped (a NULL dereference faults) until user protection domains are built there.
 */
void hw_paging_drop_identity(void);

#endif
