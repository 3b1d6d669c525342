/*
 * Access to dataspaces another component owns, on linux. Core frees a dataspace by truncating its
 * memfd, so the next access through any mapping of it is a bus error (SIGBUS). The copies of
 * ds_access.S are the only code allowed to fault that way: the handler resumes them at their
 * fixup, and they return GN_ERR_REVOKED. A bus error anywhere else is a bug of the component; the
 * handler then restores the default action, so the retried access ends the component as before.
 */
#include <gneiss/dataspace.h>
#include <lx.h>
#include <lx_start.h>

enum {
	SIGBUS = 7,
	SA_SIGINFO = 4,
	SA_RESTORER = 0x04000000,
	UCONTEXT_RIP = 168, /* uc_mcontext (offset 40) holds r8..r15, rdi, rsi, rbp, rbx, rdx,
			       rax, rcx, rsp, rip */
};

struct lx_sigaction {
	void *handler;
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

long lx_ds_copy(void *dst, void const *src, size_t n);
long lx_ds_fill(void *dst, int byte, size_t n);
extern char const lx_ds_access_begin[], lx_ds_access_end[], lx_ds_access_fault[];
void lx_signal_restorer(void);

static void on_bus_error(int sig, void *info, void *context)
{
	uintptr_t *rip = (uintptr_t *)((char *)context + UCONTEXT_RIP);

	(void)info;
	if (*rip >= (uintptr_t)lx_ds_access_begin && *rip < (uintptr_t)lx_ds_access_end) {
		*rip = (uintptr_t)lx_ds_access_fault;
		return;
	}
	struct lx_sigaction const dfl = {0};
	(void)lx_syscall4(__NR_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
}

gn_err_t lx_ds_access_init(void)
{
	struct lx_sigaction const act = {
		(void *)on_bus_error, SA_SIGINFO | SA_RESTORER, lx_signal_restorer, 0};

	return lx_err(lx_syscall4(__NR_rt_sigaction, SIGBUS, &act, NULL, sizeof(act.mask)));
}

gn_err_t gn_ds_read(void *dst, void const *attached, size_t n)
{
	return lx_ds_copy(dst, attached, n) ? GN_ERR_REVOKED : GN_OK;
}

gn_err_t gn_ds_write(void *attached, void const *src, size_t n)
{
	return lx_ds_copy(attached, src, n) ? GN_ERR_REVOKED : GN_OK;
}

gn_err_t gn_ds_fill(void *attached, uint8_t byte, size_t n)
{
	return lx_ds_fill(attached, byte, n) ? GN_ERR_REVOKED : GN_OK;
}
