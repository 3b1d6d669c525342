/* The direct map and the boot page tables (entry.S builds them; this file only takes away). */
#include "cpu.h"
#include "paging.h"

extern uint64_t hw_boot_pml4[512];

void const *hw_phys_read(void *ctx, uint64_t phys, uint64_t size)
{
	(void)ctx;
	if (size == 0 || phys >= HW_DIRECT_MAP_SIZE || size > HW_DIRECT_MAP_SIZE - phys)
		return NULL;
	return hw_phys_to_virt(phys);
}

void hw_paging_drop_identity(void)
{
	hw_boot_pml4[0] = 0;
	hw_write_cr3(hw_read_cr3()); /* flushes every non-global translation */
}
