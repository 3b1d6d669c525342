/*
 * Attaching a whole dataspace (include/gneiss/dataspace.h) on any platform: through the local
 * region map, writable unless the platform refuses that (DENIED: a sealed memfd on linux, a
 * capability without WRITE on hw), then read-only. The region map knows what it attached.
 */
#include <gneiss/dataspace.h>
#include <gneiss/region_map.h>

gn_err_t gn_ds_attach(gn_cap_t ds, void **addr, size_t *size, bool *writable)
{
	gn_rm_attach_args_t args = {.writable = true};
	gn_err_t err = gn_rm_attach(ds, &args, addr);

	if (err == GN_ERR_DENIED) {
		args.writable = false;
		err = gn_rm_attach(ds, &args, addr);
	}
	if (err != GN_OK)
		return err;
	void *start;
	return gn_rm_lookup(*addr, &start, size, writable);
}

void gn_ds_detach(void *addr, size_t size)
{
	(void)size;
	gn_ignore(gn_rm_detach(addr));
}
