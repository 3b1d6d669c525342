/*
 * The local region map on hw: a table of the memory objects this component mapped into its own
 * domain (mem_map through its slot 0), inside the window [HW_RM_BASE, HW_RM_END) that
 * hw_component.h leaves free in every component (and in every program the kernel starts).
 *
 * Invariants:
 * - a region is in the table exactly while its mapping was made by this file and not yet removed
 *   by gn_rm_detach; the kernel may have removed the mapping itself meanwhile (the object's owner
 *   destroyed it: every mapping of it goes), so a region is no proof of memory behind it, which is
 *   why gn_ds_read/write/fill ask the kernel first (hw_rm_access);
 * - each region holds a reference to its dataspace's capability, so its slot names the same
 *   object for as long as the region exists (the check above needs it) whatever the component
 *   drops meanwhile;
 * - regions never overlap; one placed by first fit keeps a page free on either side of it (a
 *   thread's stack that overflows faults on that page instead of running into its neighbour), a
 *   region placed at a given address only has to be free itself (and the kernel refuses it over
 *   anything else mapped there: EXISTS);
 * - everything happens under one mutex, mapping and unmapping included, so a lookup never sees a
 *   region whose mapping is half made.
 * The kernel allows 32 mappings per domain (core's mappings of the component's image and stack
 * count too), so LIMIT comes from there long before GN_RM_REGIONS_MAX.
 *
 * A managed dataspace (an RPC object of core's RM service, gneiss/rm_session.h, not a memory
 * object) is attached as a window: the region is placed as any other, and core is asked to back
 * it (back, with the component's own PD session from its fixed slot, hw_component.h), which maps
 * nothing yet: core maps what the region map has attached when the window is touched (the
 * component's page faults go to core), so its memory is no object of this component's and
 * gn_ds_read/write/fill do not ask the kernel about it. Detaching asks core to end the window.
 */
#include <gneiss/dataspace.h>
#include <gneiss/lock.h>
#include <gneiss/region_map.h>
#include <gneiss/rm_session.h>
#include <hw_component.h>

#include "hw_lib.h"

enum {
	GUARD = GN_RM_PAGE, /* kept free around a region placed by first fit */
};

typedef struct {
	uintptr_t start; /* 0: unused */
	size_t size;
	gn_cap_t ds; /* the region's reference to the dataspace's capability */
	bool writable;
	bool managed; /* a window core backs (ds: a managed dataspace) */
} region_t;

static region_t regions[GN_RM_REGIONS_MAX];
static gn_mutex_t lock = GN_MUTEX_INIT;

static region_t *containing(uintptr_t addr)
{
	for (unsigned i = 0; i < GN_RM_REGIONS_MAX; i++)
		if (regions[i].start && addr >= regions[i].start &&
			addr - regions[i].start < regions[i].size)
			return &regions[i];
	return NULL;
}

static region_t *unused(void)
{
	for (unsigned i = 0; i < GN_RM_REGIONS_MAX; i++)
		if (!regions[i].start)
			return &regions[i];
	return NULL;
}

/* True when [start, start + size) meets no region widened by margin on both sides. */
static bool free_range(uintptr_t start, size_t size, size_t margin)
{
	for (unsigned i = 0; i < GN_RM_REGIONS_MAX; i++) {
		region_t const *r = &regions[i];
		if (r->start && start < r->start + r->size + margin &&
			r->start < start + size + margin)
			return false;
	}
	return true;
}

/*
 * The lowest address of the window where size bytes fit with a guard page on either side: the
 * window's start or a page after the end of a region. 0: none.
 */
static uintptr_t first_fit(size_t size)
{
	uintptr_t best = 0;

	if (size > HW_RM_END - HW_RM_BASE)
		return 0;
	for (unsigned i = 0; i <= GN_RM_REGIONS_MAX; i++) {
		uintptr_t const at = i == GN_RM_REGIONS_MAX ? HW_RM_BASE
				     : regions[i].start ? regions[i].start + regions[i].size + GUARD
							: 0;
		if (at < HW_RM_BASE || at > HW_RM_END - size || (best && at >= best))
			continue;
		if (free_range(at, size, GUARD))
			best = at;
	}
	return best;
}

static gn_err_t check_window(gn_cap_t ds, gn_rm_attach_args_t const *a, size_t *size)
{
	size_t ds_size;
	gn_err_t err = gn_ds_size(ds, &ds_size);

	if (err != GN_OK)
		return err;
	if (a->offset % GN_RM_PAGE || (uintptr_t)a->at % GN_RM_PAGE || a->offset >= ds_size)
		return GN_ERR_INVALID_ARG;
	*size = a->size ? a->size : ds_size - a->offset;
	if (*size > ds_size - a->offset)
		return GN_ERR_INVALID_ARG;
	/* whole pages, as mmap maps them: a memory object's size is one */
	*size = (*size + GN_RM_PAGE - 1) & ~(size_t)(GN_RM_PAGE - 1);
	if (a->at && (uintptr_t)a->at + *size < (uintptr_t)a->at)
		return GN_ERR_INVALID_ARG;
	return GN_OK;
}

/* The kernel's refusal of mem_map as the region map's error (gneiss/region_map.h). */
static gn_err_t map_error(int64_t r)
{
	switch (r) {
	case -GN_ERR_DENIED: return GN_ERR_DENIED;
	case -GN_ERR_EXISTS: return GN_ERR_EXISTS;
	case -GN_ERR_LIMIT: return GN_ERR_LIMIT;
	case -GN_ERR_OUT_OF_RAM: return GN_ERR_OUT_OF_RAM;
	case -GN_ERR_INVALID_CAP:
	case -GN_ERR_REVOKED: return GN_ERR_INVALID_CAP;
	default: return GN_ERR_INVALID_ARG;
	}
}

/* Asks core to back [at, at + size) of this domain with the managed dataspace ds. */
static gn_err_t back(gn_cap_t ds, gn_rm_attach_args_t const *a, uintptr_t at, size_t size)
{
	gn_managed_ds_back_args_t const args = {at, a->offset, size, a->writable, {0}};
	gn_cap_t const pd = HW_CAP_PD_SESSION; /* the component's own (hw_component.h) */
	gn_rpc_void_t none;

	if (gn_cap_kind(pd) != GN_CAP_KIND_OBJECT)
		return GN_ERR_DENIED; /* a program without core's environment (core itself) */
	return gn_managed_ds_back(ds, &args, &none, &pd, NULL);
}

/* Places and maps the window under the lock; *addr receives its start. */
static gn_err_t place(gn_cap_t ds, gn_rm_attach_args_t const *a, size_t size, void **addr)
{
	region_t *r = unused();
	uintptr_t at = (uintptr_t)a->at;

	if (!r)
		return GN_ERR_LIMIT;
	if (at && !free_range(at, size, 0))
		return GN_ERR_EXISTS;
	if (!at)
		at = first_fit(size);
	if (!at)
		return GN_ERR_OUT_OF_RAM;
	bool const managed = gn_cap_kind(ds) == GN_CAP_KIND_OBJECT;
	if (managed) {
		gn_err_t const err = back(ds, a, at, size);
		if (err != GN_OK)
			return err;
	} else {
		uint64_t const flags = HW_MAP_READ | (a->writable ? HW_MAP_WRITE : 0);
		int64_t const mapped =
			hw_syscall6(HW_SYS_MEM_MAP, ds, HW_CAP_PD, at, a->offset, size, flags);
		if (mapped < 0)
			return map_error(mapped);
	}
	*r = (region_t){at, size, gn_cap_copy(ds), a->writable, managed};
	*addr = (void *)at;
	return GN_OK;
}

gn_err_t gn_rm_attach(gn_cap_t ds, gn_rm_attach_args_t const *args, void **addr)
{
	size_t size;
	gn_err_t err = check_window(ds, args, &size);

	if (err != GN_OK)
		return err;
	gn_mutex_lock(&lock);
	err = place(ds, args, size, addr);
	gn_mutex_unlock(&lock);
	return err;
}

gn_err_t gn_rm_detach(void *addr)
{
	gn_cap_t ds = GN_CAP_INVALID;

	gn_mutex_lock(&lock);
	region_t *r = containing((uintptr_t)addr);
	bool const found = r && r->start == (uintptr_t)addr;
	if (found && r->managed) {
		gn_managed_ds_unback_args_t const args = {r->start};
		gn_cap_t const pd = HW_CAP_PD_SESSION;
		gn_rpc_void_t none;
		/* a region map destroyed meanwhile took the window with it: gone all the same */
		gn_ignore(gn_managed_ds_unback(r->ds, &args, &none, &pd, NULL));
	}
	if (found) {
		/* NOT_FOUND when the object's end removed the mapping already: gone all the same */
		if (!r->managed)
			(void)hw_syscall4(HW_SYS_MEM_UNMAP, HW_CAP_PD, r->start, 0, 0);
		ds = r->ds;
		*r = (region_t){0};
	}
	gn_mutex_unlock(&lock);
	gn_cap_drop(ds);
	return found ? GN_OK : GN_ERR_NOT_FOUND;
}

gn_err_t gn_rm_lookup(void const *addr, void **start, size_t *size, bool *writable)
{
	gn_mutex_lock(&lock);
	region_t const *r = containing((uintptr_t)addr);
	if (r) {
		*start = (void *)r->start;
		*size = r->size;
		*writable = r->writable;
	}
	gn_mutex_unlock(&lock);
	return r ? GN_OK : GN_ERR_NOT_FOUND;
}

unsigned gn_rm_count(void)
{
	unsigned n = 0;

	gn_mutex_lock(&lock);
	for (unsigned i = 0; i < GN_RM_REGIONS_MAX; i++)
		n += regions[i].start != 0;
	gn_mutex_unlock(&lock);
	return n;
}

/* The start of the lowest region above addr, or 0. */
static uintptr_t next_start(uintptr_t addr)
{
	uintptr_t next = 0;

	for (unsigned i = 0; i < GN_RM_REGIONS_MAX; i++)
		if (regions[i].start > addr && (!next || regions[i].start < next))
			next = regions[i].start;
	return next;
}

/*
 * The residual race: the owner may destroy the object between the kernel's answer and the copy.
 * The copy then page-faults, and core, the component's fault handler, ends the component as it
 * would on any other fault; only a check the kernel makes during the copy could close that gap.
 */
gn_err_t hw_rm_access(uintptr_t addr, size_t n, hw_rm_access_fn_t fn, void *ctx)
{
	gn_err_t err = GN_OK;
	size_t done = 0;

	gn_mutex_lock(&lock);
	while (done < n && err == GN_OK) {
		uintptr_t const at = addr + done;
		region_t const *r = containing(at);
		size_t len = n - done;
		if (r && r->start + r->size - at < len)
			len = r->start + r->size - at;
		uintptr_t const next = r ? 0 : next_start(at);
		if (next && next - at < len)
			len = next - at; /* own memory up to the next region, then that region */
		if (r && !r->managed && hw_syscall4(HW_SYS_MEM_SIZE, r->ds, 0, 0, 0) < 0)
			err = GN_ERR_REVOKED;
		if (err == GN_OK)
			fn(ctx, done, len);
		done += len;
	}
	gn_mutex_unlock(&lock);
	return err;
}
