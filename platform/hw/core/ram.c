/*
 * RAM, read-only views and signal objects on hw: kernel objects core creates and owns.
 *
 * A RAM dataspace is a memory object (zeroed, physically contiguous, at most 16 MiB: the kernel's
 * limit per object). Core holds the owning capability; freeing it destroys the object, which
 * unmaps it from every domain at once, so the memory really returns even while a component still
 * has it attached (its next access faults, and core ends it). A read-only view is a copy minted
 * without WRITE. Signal contexts are made unbound: the component binds each to its own receiver
 * (hw_syscall.h), so core never holds a component's receiver.
 */
#include "core_hw.h"
#include "hw_lib.h"

gn_err_t core_hw_enter(int64_t slot, gn_cap_t *cap)
{
	if (slot < 0)
		return hw_err(slot);
	gn_err_t const err = hw_cap_enter((uint64_t)slot, cap);
	if (err != GN_OK)
		(void)hw_syscall4(HW_SYS_CAP_DROP, (uint64_t)slot, 0, 0, 0);
	return err;
}

gn_err_t core_platform_ram_alloc(uint64_t size, gn_cap_t *ds)
{
	size = (size + CORE_PAGE - 1) & ~(uint64_t)(CORE_PAGE - 1);
	int64_t const slot = hw_syscall4(HW_SYS_MEM_CREATE, size, 0, 0, 0);
	/* too large for one object, or no contiguous run of frames left */
	if (slot == -GN_ERR_INVALID_ARG)
		return GN_ERR_OUT_OF_RAM;
	return core_hw_enter(slot, ds);
}

/* Core's gn_cap_drop of the owning capability that follows destroys the object. */
void core_platform_ram_free(gn_cap_t ds)
{
	(void)ds;
}

gn_err_t core_platform_ds_readonly(gn_cap_t ds, gn_cap_t *ro)
{
	return core_hw_enter(hw_syscall4(HW_SYS_CAP_MINT, ds, HW_RIGHT_READ, 0, 0), ro);
}

gn_err_t core_platform_signal_alloc(gn_cap_t *sig)
{
	return core_hw_enter(hw_syscall4(HW_SYS_SIGNAL_CONTEXT, HW_SIGNAL_UNBOUND, 0, 0, 0), sig);
}
