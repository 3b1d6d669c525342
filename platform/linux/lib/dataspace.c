/* Dataspaces are memfds (region_map.c maps them shared and populated: no page faults later). */
#include <gneiss/dataspace.h>
#include <lx.h>
#include <lx_cap.h>

gn_err_t gn_ds_size(gn_cap_t ds, size_t *size)
{
	struct lx_stat st;
	int const fd = lx_cap_fd(ds);

	if (fd < 0 || gn_cap_kind(ds) != GN_CAP_KIND_DATASPACE || lx_fstat(fd, &st) < 0)
		return GN_ERR_INVALID_CAP;
	*size = (size_t)st.size;
	return GN_OK;
}
