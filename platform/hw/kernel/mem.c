/* Memory objects and their mappings (see mem.h). */
#include <gneiss/string.h>

#include "cpu.h"
#include "device_range.h"
#include "layout.h"
#include "log.h"
#include "mem.h"
#include "paging.h"
#include "pd.h"
#include "smp.h"
#include "syscall.h"

enum {
	PAGE = 4096,
};

typedef struct {
	hw_obj_t obj;
	hw_pd_t *owner; /* NULL: a boot module, whose frames are not the allocator's */
	uint64_t phys;
	uint64_t pages;
	bool device; /* device memory (io_mem_create): the frames are the device's, mapped uncached */
} mem_t;

static mem_t mems[HW_MEMS];
static hw_frames_t *all_frames;
static hw_device_ranges_t device_ranges;
static hw_obj_t io_mem_factory;

void hw_mem_init(hw_frames_t *frames)
{
	all_frames = frames;
}

static mem_t *unused(void)
{
	for (unsigned i = 0; i < HW_MEMS; i++) {
		if (mems[i].obj.type == HW_OBJ_NONE)
			return &mems[i];
	}
	return NULL;
}

/*
 * Flushes [va, va + pages pages) from the TLB when pd's tables are loaded, and every other CPU's
 * TLB where they are loaded there (smp.h: that CPU is out of user mode before this returns).
 */
static void flush(hw_pd_t const *pd, uint64_t va, uint64_t pages)
{
	hw_smp_shootdown(pd->pt.root, false);
	if (hw_read_cr3() != pd->pt.root)
		return;
	for (uint64_t i = 0; i < pages; i++)
		hw_invlpg(va + i * PAGE);
}

static void unmap(hw_pd_t *pd, hw_mapping_t *map)
{
	uint64_t va = map->va, pages = map->pages;

	hw_mapping_remove(&pd->pt, map);
	flush(pd, va, pages);
}

static void unmap_everywhere(mem_t *m)
{
	for (size_t i = 0; i < HW_PD_MAX; i++) {
		hw_pd_t *pd = hw_pd_slot(i);
		for (unsigned j = 0; pd && j < HW_PD_MAPPINGS; j++) {
			hw_mapping_t *map = &pd->maps[j];
			if (map->mem == &m->obj)
				unmap(pd, map);
		}
	}
}

/* Whether m is mapped anywhere with the page-table flag pt_flag (HW_PT_WRITE or HW_PT_EXEC). */
static bool mapped_as(mem_t const *m, unsigned pt_flag)
{
	for (size_t i = 0; i < HW_PD_MAX; i++) {
		hw_pd_t const *pd = hw_pd_slot(i);

		for (unsigned j = 0; pd && j < HW_PD_MAPPINGS; j++) {
			if (pd->maps[j].mem == &m->obj && (pd->maps[j].pt_flags & pt_flag))
				return true;
		}
	}
	return false;
}

/*
 * W^X per object, not only per mapping: an object mapped writable anywhere cannot be mapped
 * executable anywhere, and the other way round (else code written through one mapping would run
 * through another).
 */
static bool wx_conflict(mem_t const *m, unsigned pt_flags)
{
	return ((pt_flags & HW_PT_WRITE) && mapped_as(m, HW_PT_EXEC)) ||
	       ((pt_flags & HW_PT_EXEC) && mapped_as(m, HW_PT_WRITE));
}

static void destroy(mem_t *m)
{
	unmap_everywhere(m);
	if (m->owner && m->device)
		m->owner->objects--; /* the frames are the device's: nothing to free */
	else if (m->owner) {
		for (uint64_t i = 0; i < m->pages; i++) {
			if (hw_frames_free(all_frames, m->phys + i * PAGE) != GN_OK)
				hw_panic("memory object frame 0x%lx was not allocated",
					m->phys + i * PAGE);
		}
		m->owner->mem_pages -= m->pages;
		m->owner->objects--;
	}
	m->owner = NULL;
	m->device = false;
	hw_obj_destroy(&m->obj);
}

void hw_mem_destroy(hw_obj_t *obj)
{
	destroy(GN_CONTAINER_OF(obj, mem_t, obj));
}

void hw_mem_pd_ended(hw_pd_t *pd)
{
	for (unsigned i = 0; i < HW_MEMS; i++) {
		if (mems[i].obj.type == HW_OBJ_MEMORY && mems[i].owner == pd)
			destroy(&mems[i]);
	}
}

void hw_mem_boot_modules(
	hw_pd_t *root, hw_boot_info_t const *info, bool const *started, uint64_t *utcb)
{
	hw_boot_table_t *table = (hw_boot_table_t *)utcb;

	table->magic = HW_BOOT_MAGIC;
	table->count = 0;
	table->free_bytes = (uint64_t)hw_frames_free_count(all_frames) * PAGE;
	for (size_t i = 0; i < info->module_count && i < HW_BOOT_MODULES; i++) {
		hw_module_t const *mod = &info->modules[i];
		hw_boot_module_t *e = &table->modules[table->count];
		unsigned slot = HW_CAP_BOOT_MODULE - (unsigned)i;
		mem_t *m = unused();
		if (!m || mod->range.size == 0 || root->caps.slots[slot].obj)
			continue;
		hw_obj_init(&m->obj, HW_OBJ_MEMORY);
		m->phys = mod->range.base; /* page-aligned: the multiboot header asks for it */
		m->pages = (mod->range.size + PAGE - 1) / PAGE;
		hw_cap_set(&root->caps, slot, &m->obj, HW_RIGHT_READ | HW_RIGHT_EXEC);
		*e = (hw_boot_module_t){
			.slot = slot, .size = mod->range.size, .started = started[i]};
		gn_ignore(gn_strlcpy(e->name, mod->name, sizeof(e->name)));
		table->count++;
	}
}

int64_t hw_call_mem_create(hw_thread_t *t, uint64_t const arg[6])
{
	uint64_t size = arg[0], pages = size / PAGE, phys, idx;
	hw_pd_t *pd = t->pd;
	mem_t *m = NULL;
	gn_err_t err = GN_OK;

	if (size == 0 || size % PAGE != 0 || pages > HW_MEM_MAX_PAGES)
		err = GN_ERR_INVALID_ARG;
	else if (pd->mem_pages + pages > HW_PD_MEM_PAGES && pd != hw_pd_root())
		err = GN_ERR_LIMIT;
	if (err == GN_OK)
		err = hw_object_room(pd);
	if (err == GN_OK && !(m = unused()))
		err = GN_ERR_LIMIT;
	if (err == GN_OK)
		err = hw_frames_alloc_run(all_frames, pages, &phys);
	if (err != GN_OK)
		return hw_error(err);
	for (uint64_t i = 0; i < pages; i++)
		gn_memset(hw_phys_to_virt(phys + i * PAGE), 0, PAGE);
	hw_obj_init(&m->obj, HW_OBJ_MEMORY);
	m->owner = pd;
	m->phys = phys;
	m->pages = pages;
	m->device = false;
	pd->mem_pages += pages;
	pd->objects++;
	if (hw_cap_insert(&pd->caps, &m->obj,
		    HW_RIGHT_READ | HW_RIGHT_WRITE | HW_RIGHT_EXEC | HW_RIGHT_OWNER, &idx) != GN_OK)
		return hw_error(GN_ERR_OUT_OF_CAPS); /* cannot happen after hw_object_room */
	return (int64_t)idx;
}

static gn_err_t lookup_pd(hw_thread_t *t, uint64_t idx, hw_pd_t **pd)
{
	hw_obj_t *obj;
	gn_err_t err = hw_cap_lookup(&t->pd->caps, idx, HW_OBJ_PD, HW_RIGHT_MANAGE, &obj);

	if (err == GN_OK)
		*pd = GN_CONTAINER_OF(obj, hw_pd_t, obj);
	return err;
}

int64_t hw_call_mem_map(hw_thread_t *t, uint64_t const arg[6])
{
	uint64_t va = arg[2], offset = arg[3], size = arg[4];
	unsigned pt_flags = 0;
	uint16_t rights = hw_mapping_rights(arg[5], &pt_flags);
	hw_obj_t *obj;
	hw_pd_t *pd;
	mem_t *m;
	gn_err_t err = hw_cap_lookup(&t->pd->caps, arg[0], HW_OBJ_MEMORY, 0, &obj);

	if (err == GN_OK)
		err = lookup_pd(t, arg[1], &pd);
	if (err != GN_OK)
		return hw_error(err);
	m = GN_CONTAINER_OF(obj, mem_t, obj);
	if (rights == 0 || !hw_mapping_range_ok(m->pages, va, offset, size))
		return hw_error(GN_ERR_INVALID_ARG);
	if (hw_cap_lookup(&t->pd->caps, arg[0], HW_OBJ_MEMORY, rights, &obj) != GN_OK)
		return hw_error(GN_ERR_DENIED);
	if (wx_conflict(m, pt_flags))
		return hw_error(GN_ERR_DENIED);
	pt_flags |= m->device ? HW_PT_DEVICE : 0; /* never EXEC: the capability lacks the right */
	err = hw_mapping_add(
		&pd->pt, pd->maps, &m->obj, m->phys + offset, va, size / PAGE, pt_flags);
	if (err == GN_ERR_OUT_OF_RAM)
		flush(pd, va, size / PAGE); /* mapped for a moment, never used */
	return err == GN_OK ? 0 : hw_error(err);
}

int64_t hw_call_mem_unmap(hw_thread_t *t, uint64_t const arg[6])
{
	hw_mapping_t *map;
	hw_pd_t *pd;
	gn_err_t err = lookup_pd(t, arg[0], &pd);

	if (err != GN_OK)
		return hw_error(err);
	map = hw_mapping_find(pd->maps, arg[1]);
	if (!map)
		return hw_error(GN_ERR_NOT_FOUND);
	unmap(pd, map);
	return 0;
}

/* Any capability to the object will do: a dataspace's size is no secret to its holder. */
int64_t hw_call_mem_size(hw_thread_t *t, uint64_t const arg[6])
{
	hw_obj_t *obj;
	gn_err_t err = hw_cap_lookup(&t->pd->caps, arg[0], HW_OBJ_MEMORY, 0, &obj);

	if (err != GN_OK)
		return hw_error(err);
	return (int64_t)(GN_CONTAINER_OF(obj, mem_t, obj)->pages * PAGE);
}

void hw_mem_io_boot(hw_pd_t *root, hw_device_ranges_t const *ranges)
{
	device_ranges = *ranges;
	hw_obj_init(&io_mem_factory, HW_OBJ_IO_MEM_FACTORY);
	hw_cap_set(&root->caps, HW_CAP_IO_MEM_FACTORY, &io_mem_factory, HW_RIGHT_CREATE);
}

/* Whether a live device memory object covers a page of [phys, phys + size) (checked, no wrap). */
static bool device_taken(uint64_t phys, uint64_t size)
{
	for (unsigned i = 0; i < HW_MEMS; i++) {
		mem_t const *m = &mems[i];
		if (m->obj.type == HW_OBJ_MEMORY && m->device && phys < m->phys + m->pages * PAGE &&
			m->phys < phys + size)
			return true;
	}
	return false;
}

int64_t hw_call_io_mem_create(hw_thread_t *t, uint64_t const arg[6])
{
	uint64_t phys = arg[1], size = arg[2], idx;
	hw_pd_t *pd = t->pd;
	mem_t *m = NULL;
	hw_obj_t *obj;
	gn_err_t err =
		hw_cap_lookup(&pd->caps, arg[0], HW_OBJ_IO_MEM_FACTORY, HW_RIGHT_CREATE, &obj);

	if (err == GN_OK)
		err = hw_device_range_check(&device_ranges, phys, size);
	if (err == GN_OK && device_taken(phys, size))
		err = GN_ERR_EXISTS; /* one holder per range */
	if (err == GN_OK)
		err = hw_object_room(pd);
	if (err == GN_OK && !(m = unused()))
		err = GN_ERR_LIMIT;
	if (err != GN_OK)
		return hw_error(err);
	hw_obj_init(&m->obj, HW_OBJ_MEMORY);
	m->owner = pd;
	m->phys = phys;
	m->pages = size / PAGE;
	m->device = true;
	pd->objects++;
	if (hw_cap_insert(&pd->caps, &m->obj, HW_RIGHT_READ | HW_RIGHT_WRITE | HW_RIGHT_OWNER,
		    &idx) != GN_OK)
		return hw_error(GN_ERR_OUT_OF_CAPS); /* cannot happen after hw_object_room */
	return (int64_t)idx;
}
