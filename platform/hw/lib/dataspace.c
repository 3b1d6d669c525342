/*
 * Dataspaces on hw are the kernel's memory objects: the size comes from the kernel (mem_size);
 * attaching (lib/base/ds_attach.c) is a mapping through the region map, read-only when the
 * capability lacks WRITE (a ROM's, or any read-only copy). A managed dataspace
 * (a region map of core's RM service) is an RPC object instead: its size comes from core, and the
 * region map attaches it as a window core backs (region_map.c).
 */
#include <gneiss/dataspace.h>
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
