/* Mappings of memory objects (see mapping.h). */
#include <hw_syscall.h>

#include "mapping.h"

enum {
	PAGE = 4096,
	MAP_FLAGS = HW_MAP_READ | HW_MAP_WRITE | HW_MAP_EXEC,
};

uint16_t hw_mapping_rights(uint64_t flags, unsigned *pt_flags)
{
	if ((flags & ~(uint64_t)MAP_FLAGS) || !(flags & HW_MAP_READ) ||
		((flags & HW_MAP_WRITE) && (flags & HW_MAP_EXEC)))
		return 0;
	*pt_flags = ((flags & HW_MAP_WRITE) ? HW_PT_WRITE : 0) |
		    ((flags & HW_MAP_EXEC) ? HW_PT_EXEC : 0);
	return HW_RIGHT_READ | ((flags & HW_MAP_WRITE) ? HW_RIGHT_WRITE : 0) |
	       ((flags & HW_MAP_EXEC) ? HW_RIGHT_EXEC : 0);
}

bool hw_mapping_range_ok(uint64_t object_pages, uint64_t va, uint64_t offset, uint64_t size)
{
	return va % PAGE == 0 && offset % PAGE == 0 && size % PAGE == 0 && size > 0 &&
	       offset / PAGE <= object_pages && size / PAGE <= object_pages - offset / PAGE &&
	       va >= HW_USER_BASE && va < HW_UTCB_BASE && size <= HW_UTCB_BASE - va;
}

static void unmap(hw_pt_t *pt, uint64_t va, uint64_t pages)
{
	for (uint64_t i = 0; i < pages; i++)
		gn_ignore(hw_pt_unmap(pt, va + i * PAGE)); /* mapped by hw_mapping_add */
}

static bool overlaps(hw_pt_t const *pt, uint64_t va, uint64_t pages)
{
	uint64_t pa;
	unsigned flags;

	for (uint64_t i = 0; i < pages; i++) {
		if (hw_pt_lookup(pt, va + i * PAGE, &pa, &flags))
			return true;
	}
	return false;
}

gn_err_t hw_mapping_add(hw_pt_t *pt, hw_mapping_t maps[HW_PD_MAPPINGS], hw_obj_t *mem,
	uint64_t phys, uint64_t va, uint64_t pages, unsigned pt_flags)
{
	hw_mapping_t *map = NULL;

	for (unsigned i = 0; i < HW_PD_MAPPINGS && !map; i++)
		map = maps[i].mem ? NULL : &maps[i];
	if (!map)
		return GN_ERR_LIMIT;
	if (overlaps(pt, va, pages))
		return GN_ERR_EXISTS;
	for (uint64_t i = 0; i < pages; i++) {
		gn_err_t err = hw_pt_map(pt, va + i * PAGE, phys + i * PAGE, pt_flags);
		if (err != GN_OK) {
			unmap(pt, va, i);
			return err;
		}
	}
	*map = (hw_mapping_t){.mem = mem, .va = va, .pages = pages, .pt_flags = pt_flags};
	return GN_OK;
}

hw_mapping_t *hw_mapping_find(hw_mapping_t maps[HW_PD_MAPPINGS], uint64_t va)
{
	for (unsigned i = 0; i < HW_PD_MAPPINGS; i++) {
		if (maps[i].mem && maps[i].va == va)
			return &maps[i];
	}
	return NULL;
}

void hw_mapping_remove(hw_pt_t *pt, hw_mapping_t *map)
{
	unmap(pt, map->va, map->pages);
	*map = (hw_mapping_t){0};
}
