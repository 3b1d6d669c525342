/* UTCBs (see utcb.h). */
#include <gneiss/string.h>
#include <hw_syscall.h>

#include "utcb.h"

enum {
	PAGE = 4096,
};

/* The page at va: mapped before (by this code: writable, owned), or a fresh zeroed frame. */
static gn_err_t page(hw_pt_t *pt, uint64_t va, uint64_t **out)
{
	hw_pt_mem_t const *mem = pt->mem;
	uint64_t phys;
	unsigned flags;
	gn_err_t err;

	if (hw_pt_lookup(pt, va, &phys, &flags)) {
		if ((flags & (HW_PT_WRITE | HW_PT_OWNED)) != (HW_PT_WRITE | HW_PT_OWNED))
			return GN_ERR_EXISTS;
	} else {
		if (mem->alloc(mem->ctx, &phys) != GN_OK)
			return GN_ERR_OUT_OF_RAM;
		err = hw_pt_map(pt, va, phys, HW_PT_WRITE | HW_PT_OWNED);
		if (err != GN_OK) {
			mem->free(mem->ctx, phys);
			return err;
		}
	}
	*out = mem->virt(mem->ctx, phys);
	gn_memset(*out, 0, PAGE);
	return GN_OK;
}

gn_err_t hw_utcb_map(hw_pt_t *pt, unsigned index, uint64_t *pages[HW_UTCB_PAGES])
{
	uint64_t va = HW_UTCB_BASE + (uint64_t)index * HW_UTCB_SIZE;

	if (index >= HW_PD_THREADS)
		return GN_ERR_INVALID_ARG;
	for (unsigned i = 0; i < HW_UTCB_PAGES; i++) {
		gn_err_t err = page(pt, va + (uint64_t)i * PAGE, &pages[i]);
		if (err != GN_OK)
			return err;
	}
	return GN_OK;
}
