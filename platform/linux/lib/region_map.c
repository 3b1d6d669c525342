/*
 * The local region map on linux: a table of the mappings this library made. Fixed placements use
 * MAP_FIXED_NOREPLACE, so the kernel itself refuses to replace anything already mapped there (the
 * program's own image and stacks included), not just the regions this table knows.
 */
#include <gneiss/dataspace.h>
#include <gneiss/lock.h>
#include <gneiss/region_map.h>
#include <lx.h>
#include <lx_cap.h>

enum {
	LX_MAP_FIXED_NOREPLACE = 0x100000
};

typedef struct {
	uintptr_t start; /* 0: unused */
	size_t size;
	bool writable;
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
	return GN_OK;
}

gn_err_t gn_rm_attach(gn_cap_t ds, gn_rm_attach_args_t const *args, void **addr)
{
	size_t size;
	gn_err_t err = check_window(ds, args, &size);

	if (err != GN_OK)
		return err;
	int const prot = LX_PROT_READ | (args->writable ? LX_PROT_WRITE : 0);
	int const flags = LX_MAP_SHARED | LX_MAP_POPULATE | (args->at ? LX_MAP_FIXED_NOREPLACE : 0);

	gn_mutex_lock(&lock);
	region_t *r = unused();
	long ret = -LX_ENOSPC;
	if (r)
		ret = lx_mmap(args->at, size, prot, flags, lx_cap_fd(ds), (long)args->offset);
	if (ret >= 0 && args->at && (void *)ret != args->at) { /* a kernel without NOREPLACE */
		(void)lx_munmap((void *)ret, size);
		ret = -LX_EEXIST;
	}
	if (ret >= 0)
		*r = (region_t){(uintptr_t)ret, size, args->writable};
	gn_mutex_unlock(&lock);

	switch (ret) {
	case -LX_ENOSPC: return GN_ERR_LIMIT;
	case -LX_EACCES:
	case -LX_EPERM: return GN_ERR_DENIED;
	case -LX_EEXIST: return GN_ERR_EXISTS;
	case -LX_ENOMEM: return GN_ERR_OUT_OF_RAM;
	default: break;
	}
	if (ret < 0)
		return GN_ERR_INVALID_ARG;
	*addr = (void *)ret;
	return GN_OK;
}

gn_err_t gn_rm_detach(void *addr)
{
	gn_mutex_lock(&lock);
	region_t *r = containing((uintptr_t)addr);
	bool const found = r && r->start == (uintptr_t)addr;
	if (found) {
		(void)lx_munmap(addr, r->size);
		r->start = 0;
	}
	gn_mutex_unlock(&lock);
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
