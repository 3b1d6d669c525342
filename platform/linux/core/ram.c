/*
 * RAM and signal objects on linux: memfds and eventfds created by core.
 *
 * A RAM dataspace is sealed against growing; it is not sealed against shrinking because freeing it
 * truncates it to zero, so the memory is really returned even while a component still maps it (its
 * later accesses fault and it is killed). Only core can truncate: components have no ftruncate.
 * That keeps accounting exact. ROM modules are sealed against any change.
 */
#include <lx.h>
#include <lx_cap.h>

#include "core_linux.h"

enum {
	MFD_CLOEXEC = 1,
	MFD_ALLOW_SEALING = 2,
	F_ADD_SEALS = 1033,
	F_SEAL_SEAL = 1,
	F_SEAL_SHRINK = 2,
	F_SEAL_GROW = 4,
	F_SEAL_WRITE = 8,
};

gn_err_t core_platform_ram_alloc(uint64_t size, gn_cap_t *ds)
{
	long fd = lx_syscall2(__NR_memfd_create, "gneiss-ram", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return GN_ERR_OUT_OF_CAPS;
	if (lx_syscall2(__NR_ftruncate, fd, size) < 0 ||
		lx_syscall3(__NR_fcntl, fd, F_ADD_SEALS, F_SEAL_GROW) < 0) {
		lx_close((int)fd);
		return GN_ERR_OUT_OF_RAM;
	}
	return lx_cap_insert((int)fd, ds);
}

void core_platform_ram_free(gn_cap_t ds)
{
	(void)lx_syscall2(__NR_ftruncate, lx_cap_fd(ds), 0);
}

gn_err_t core_linux_seal(gn_cap_t ds)
{
	int const seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

	return lx_syscall3(__NR_fcntl, lx_cap_fd(ds), F_ADD_SEALS, seals) < 0 ? GN_ERR_DENIED
									      : GN_OK;
}

gn_err_t core_platform_signal_alloc(gn_cap_t *sig)
{
	long fd = lx_syscall2(__NR_eventfd2, 0, LX_EFD_CLOEXEC | LX_EFD_NONBLOCK);

	return fd < 0 ? GN_ERR_OUT_OF_CAPS : lx_cap_insert((int)fd, sig);
}
