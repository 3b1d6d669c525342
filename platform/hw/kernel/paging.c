/*
 * The kernel's page tables (see paging.h). They live in .bss, so building them needs no allocator,
 * and they never change after hw_paging_init: the protection domains copy PML4 entries 256 (direct
 * map) and 511 (image) and thereby share everything below them.
 */
#include "cpu.h"
#include "log.h"
#include "paging.h"

#define PTE_PRESENT 0x1ULL
#define PTE_WRITE 0x2ULL
#define PTE_PWT 0x8ULL
#define PTE_PCD 0x10ULL
#define PTE_LARGE 0x80ULL
#define PTE_GLOBAL 0x100ULL
#define PTE_NX (1ULL << 63)

enum {
	ENTRIES = 512,
	PAGE = 4096,
	LARGE = 2 * 1024 * 1024,
	DIRECT_PDS = HW_DIRECT_MAP_SIZE / (ENTRIES * (uint64_t)LARGE),
	IMAGE_PTS = 4, /* the image ends below 8 MiB physical (kernel.ld checks) */
	SLOT_DIRECT = 256,
	SLOT_IMAGE = 511,
	IMAGE_PDPT_SLOT = 510,
};

typedef uint64_t table_t[ENTRIES] __attribute__((aligned(PAGE)));

extern char hw_text_start[], hw_text_end[], hw_rodata_end[], hw_image_end[];
extern char hw_boot_stack_guard[];

static table_t pml4, direct_pdpt, direct_pd[DIRECT_PDS], image_pdpt, image_pd, image_pt[IMAGE_PTS];

void const *hw_phys_read(void *ctx, uint64_t phys, uint64_t size)
{
	(void)ctx;
	if (size == 0 || phys >= HW_DIRECT_MAP_SIZE || size > HW_DIRECT_MAP_SIZE - phys)
		return NULL;
	return hw_phys_to_virt(phys);
}

static uint64_t phys_of(void const *kernel_va)
{
	return (uint64_t)kernel_va - HW_KERNEL_VMA;
}

static bool holds_available(hw_boot_info_t const *info, uint64_t base, uint64_t size)
{
	for (size_t i = 0; i < info->region_count; i++) {
		hw_mem_region_t const *m = &info->regions[i];
		if (m->type == HW_MEM_AVAILABLE && m->base < base + size &&
			base < m->base + m->size)
			return true;
	}
	return false;
}

static void map_direct(hw_boot_info_t const *info, uint64_t nx)
{
	for (unsigned d = 0; d < DIRECT_PDS; d++) {
		for (unsigned i = 0; i < ENTRIES; i++) {
			uint64_t phys = ((uint64_t)d * ENTRIES + i) * LARGE;
			uint64_t cache = holds_available(info, phys, LARGE) ? 0 : PTE_PCD | PTE_PWT;
			direct_pd[d][i] = phys | PTE_PRESENT | PTE_WRITE | PTE_LARGE | PTE_GLOBAL |
					  cache | nx;
		}
		direct_pdpt[d] = phys_of(direct_pd[d]) | PTE_PRESENT | PTE_WRITE;
	}
	pml4[SLOT_DIRECT] = phys_of(direct_pdpt) | PTE_PRESENT | PTE_WRITE;
}

static void map_image(uint64_t nx)
{
	uint64_t first = (uint64_t)hw_text_start, end = (uint64_t)hw_image_end;

	if (phys_of(hw_image_end) > (uint64_t)IMAGE_PTS * LARGE)
		hw_panic("the kernel image ends above %lu MiB",
			(uint64_t)IMAGE_PTS * LARGE / GN_MIB);
	for (uint64_t va = first; va < end; va += PAGE) {
		uint64_t phys = phys_of((void *)va), flags = PTE_PRESENT | PTE_GLOBAL;
		if (va >= (uint64_t)hw_text_end)
			flags |= nx;
		if (va >= (uint64_t)hw_rodata_end)
			flags |= PTE_WRITE;
		if (va == (uint64_t)hw_boot_stack_guard)
			continue;
		image_pt[phys / LARGE][(phys / PAGE) % ENTRIES] = phys | flags;
	}
	for (unsigned t = 0; t < IMAGE_PTS; t++)
		image_pd[t] = phys_of(image_pt[t]) | PTE_PRESENT | PTE_WRITE;
	image_pdpt[IMAGE_PDPT_SLOT] = phys_of(image_pd) | PTE_PRESENT | PTE_WRITE;
	pml4[SLOT_IMAGE] = phys_of(image_pdpt) | PTE_PRESENT | PTE_WRITE;
}

void hw_paging_init(hw_boot_info_t const *info, bool nx)
{
	uint64_t nx_bit = nx ? PTE_NX : 0;

	map_direct(info, nx_bit);
	map_image(nx_bit);
	hw_write_cr3(phys_of(pml4));
}

uint64_t const *hw_paging_kernel_pml4(void)
{
	return pml4;
}

uint64_t hw_paging_kernel_root(void)
{
	return phys_of(pml4);
}
