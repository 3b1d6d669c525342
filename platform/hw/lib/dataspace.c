/*
 * Dataspaces on hw are the kernel's memory objects: the size comes from the kernel (mem_size),
 * attaching is a mapping through the region map, writable unless the capability lacks the right
 * (a ROM's, or any read-only copy), in which case it is attached read-only. A managed dataspace
 * (a region map of core's RM service) is an RPC object instead: its size comes from core, and the
 * region map attaches it as a window core backs (region_map.c).
 */
#include <gneiss/dataspace.h>
#include <gneiss/region_map.h>
#include <gneiss/rm_session.h>

#include "hw_lib.h"

gn_err_t gn_ds_size(gn_cap_t ds, size_t *size)
{
	gn_cap_kind_t const kind = gn_cap_kind(ds);

	if (kind == GN_CAP_KIND_OBJECT) {
		gn_managed_ds_info_res_t res;
		gn_rpc_void_t const none = {0};
		if (gn_managed_ds_info(ds, &none, &res, NULL, NULL) != GN_OK)
			return GN_ERR_INVALID_CAP; /* no managed dataspace either */
		*size = (size_t)res.size;
		return GN_OK;
	}
	if (kind != GN_CAP_KIND_DATASPACE)
		return GN_ERR_INVALID_CAP;
	int64_t const r = hw_syscall4(HW_SYS_MEM_SIZE, ds, 0, 0, 0);
	if (r < 0)
		return GN_ERR_INVALID_CAP; /* REVOKED too: there is no dataspace any more */
	*size = (size_t)r;
	return GN_OK;
}

gn_err_t gn_ds_attach(gn_cap_t ds, void **addr, size_t *size, bool *writable)
{
	gn_rm_attach_args_t args = {.writable = true};
	gn_err_t err = gn_rm_attach(ds, &args, addr);

	if (err == GN_ERR_DENIED) { /* no WRITE right: read-only */
		args.writable = false;
		err = gn_rm_attach(ds, &args, addr);
	}
	if (err != GN_OK)
		return err;
	void *start;
	return gn_rm_lookup(*addr, &start, size, writable); /* the region map knows the size */
}

void gn_ds_detach(void *addr, size_t size)
{
	(void)size;
	gn_ignore(gn_rm_detach(addr));
}
