/*
 * Managed dataspaces on linux: none. Every component maps its dataspaces itself (memfds), so core
 * cannot put memory into a component's address space, and no component can attach a region map
 * (as in Genode's base-linux): windows are refused, and with no window there is nothing to map or
 * resume. Region maps themselves (core/rm.c) are kept all the same.
 */
#include "../../../core/core.h"

gn_err_t core_platform_rm_window(core_pd_t *pd, uint64_t va, uint64_t size)
{
	(void)pd;
	(void)va;
	(void)size;
	return GN_ERR_DENIED;
}

gn_err_t core_platform_rm_map(
	core_pd_t *pd, gn_cap_t ds, uint64_t va, uint64_t offset, uint64_t size, bool writable)
{
	(void)pd;
	(void)ds;
	(void)va;
	(void)offset;
	(void)size;
	(void)writable;
	return GN_ERR_DENIED;
}

void core_platform_rm_unmap(core_pd_t *pd, uint64_t va)
{
	(void)pd;
	(void)va;
}

void core_platform_rm_resume(core_pd_t *pd, uint64_t token, bool resume)
{
	(void)pd;
	(void)token;
	(void)resume;
}

/* Sealed memfds (ROMs) refuse writable mappings in the component itself; core need not know. */
bool core_platform_ds_writable(gn_cap_t ds)
{
	(void)ds;
	return true;
}
