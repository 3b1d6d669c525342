/* Dataspaces are memfds: attach is one shared, populated mapping (no page faults later). */
#include <gneiss/dataspace.h>
#include <gneiss/region_map.h>
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

gn_err_t gn_ds_attach(gn_cap_t ds, void **addr, size_t *size, bool *writable)
{
	gn_rm_attach_args_t args = {.writable = true};
	gn_err_t err = gn_rm_attach(ds, &args, addr);

	if (err == GN_ERR_DENIED) { /* sealed against writing: read-only */
		args.writable = false;
		err = gn_rm_attach(ds, &args, addr);
	}
	if (err != GN_OK)
		return err;
	*writable = args.writable;
	void *start;
	return gn_rm_lookup(*addr, &start, size, writable); /* the region map knows the size */
}

void gn_ds_detach(void *addr, size_t size)
{
	(void)size;
	gn_ignore(gn_rm_detach(addr));
}
