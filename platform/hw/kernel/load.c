/* Loading programs into page tables (see load.h). */
#include <gneiss/string.h>

#include "load.h"

enum {
	PAGE = 4096,
};

/* Maps a fresh zeroed frame at va, with count bytes from bytes copied to offset at in it. */
static gn_err_t map_page(
	hw_pt_t *pt, uint64_t va, unsigned flags, uint8_t const *bytes, uint64_t at, uint64_t count)
{
	hw_pt_mem_t const *mem = pt->mem;
	uint64_t phys;
	uint8_t *page;
	gn_err_t err;

	if (mem->alloc(mem->ctx, &phys) != GN_OK)
		return GN_ERR_OUT_OF_RAM;
	page = mem->virt(mem->ctx, phys);
	gn_memset(page, 0, PAGE);
	if (count > 0)
		gn_memcpy(page + at, bytes, count);
	err = hw_pt_map(pt, va, phys, flags | HW_PT_OWNED);
	if (err != GN_OK)
		mem->free(mem->ctx, phys);
	return err;
}

static gn_err_t load_segment(hw_pt_t *pt, uint8_t const *data, hw_elf_segment_t const *s)
{
	uint64_t first = s->vaddr - s->vaddr % PAGE, end = s->vaddr + s->memsz;
	uint64_t file_end = s->vaddr + s->filesz;
	unsigned flags = ((s->rights & HW_ELF_WRITE) ? HW_PT_WRITE : 0) |
			 ((s->rights & HW_ELF_EXEC) ? HW_PT_EXEC : 0);

	for (uint64_t va = first; va < end; va += PAGE) {
		uint64_t lo = va > s->vaddr ? va : s->vaddr;
		uint64_t hi = va + PAGE < file_end ? va + PAGE : file_end;
		uint64_t count = lo < hi ? hi - lo : 0;
		uint8_t const *bytes = count > 0 ? data + s->offset + (lo - s->vaddr) : NULL;
		gn_err_t err = map_page(pt, va, flags, bytes, lo - va, count);
		if (err != GN_OK)
			return err;
	}
	return GN_OK;
}

gn_err_t hw_load_image(hw_pt_t *pt, uint8_t const *data, hw_elf_image_t const *image)
{
	for (size_t i = 0; i < image->count; i++) {
		gn_err_t err = load_segment(pt, data, &image->segments[i]);
		if (err != GN_OK)
			return err;
	}
	return GN_OK;
}

gn_err_t hw_load_stack(hw_pt_t *pt, uint64_t top, uint64_t size)
{
	if (size % PAGE != 0 || top % PAGE != 0 || size > top)
		return GN_ERR_INVALID_ARG;
	for (uint64_t va = top - size; va < top; va += PAGE) {
		gn_err_t err = map_page(pt, va, HW_PT_WRITE, NULL, 0, 0);
		if (err != GN_OK)
			return err;
	}
	return GN_OK;
}
