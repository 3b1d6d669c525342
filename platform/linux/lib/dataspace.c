/* Dataspaces are memfds: attach is one shared, populated mapping (no page faults later). */
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

gn_err_t gn_ds_attach(gn_cap_t ds, void **addr, size_t *size, bool *writable)
{
	size_t len;
	gn_err_t err = gn_ds_size(ds, &len);

	if (err != GN_OK)
		return err;
	if (len == 0)
		return GN_ERR_INVALID_ARG;
	int const flags = LX_MAP_SHARED | LX_MAP_POPULATE;
	long ret = lx_mmap(NULL, len, LX_PROT_READ | LX_PROT_WRITE, flags, lx_cap_fd(ds), 0);
	*writable = ret >= 0;
	if (ret < 0) /* sealed against writing: read-only */
		ret = lx_mmap(NULL, len, LX_PROT_READ, flags, lx_cap_fd(ds), 0);
	if (ret < 0)
		return ret == -LX_ENOMEM ? GN_ERR_OUT_OF_RAM : GN_ERR_INVALID_CAP;
	*addr = (void *)ret;
	*size = len;
	return GN_OK;
}

void gn_ds_detach(void *addr, size_t size)
{
	(void)lx_munmap(addr, size);
}
