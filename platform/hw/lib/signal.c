/*
 * Submitting a signal: the kernel's submit on the context capability, which counts one signal and
 * never blocks. The kernel counts one submit per call, so a count of n is n calls.
 */
#include <gneiss/signal.h>

#include "hw_lib.h"
#include "hw_rt.h"

gn_err_t gn_signal_submit(gn_cap_t sig, uint32_t count)
{
	if (gn_cap_kind(sig) != GN_CAP_KIND_SIGNAL || count == 0)
		return GN_ERR_INVALID_CAP;
	gn_trace(GN_TRACE_SIGNAL_SUBMIT, sig, count, NULL, 0);
	for (uint32_t i = 0; i < count; i++) {
		int64_t const r = hw_syscall4(HW_SYS_SUBMIT, sig, 0, 0, 0);
		if (r < 0)
			return r == -GN_ERR_REVOKED ? GN_ERR_REVOKED : GN_ERR_INVALID_CAP;
	}
	return GN_OK;
}

gn_err_t hw_signal_receiver_create(hw_signal_receiver_t *r)
{
	int64_t const slot = hw_syscall4(HW_SYS_SIGNAL_RECEIVER, 0, 0, 0, 0);

	if (slot < 0)
		return slot == -GN_ERR_LIMIT ? GN_ERR_LIMIT : GN_ERR_OUT_OF_CAPS;
	r->slot = (uint64_t)slot;
	return GN_OK;
}

void hw_signal_receiver_destroy(hw_signal_receiver_t *r)
{
	(void)hw_syscall4(HW_SYS_CAP_DROP, r->slot, 0, 0, 0);
	r->slot = 0;
}

gn_err_t hw_signal_context_create(hw_signal_receiver_t *r, uint64_t badge, gn_cap_t *sig)
{
	int64_t const slot = hw_syscall4(HW_SYS_SIGNAL_CONTEXT, r->slot, badge, 0, 0);

	if (slot < 0)
		return slot == -GN_ERR_LIMIT ? GN_ERR_LIMIT : GN_ERR_OUT_OF_CAPS;
	gn_err_t const err = hw_cap_enter((uint64_t)slot, sig);
	if (err != GN_OK)
		(void)hw_syscall4(HW_SYS_CAP_DROP, (uint64_t)slot, 0, 0, 0);
	return err;
}

gn_err_t hw_signal_wait(
	hw_signal_receiver_t *r, uint64_t timeout_us, uint64_t *count, uint64_t *badge)
{
	int64_t const n = hw_syscall4(HW_SYS_SIGNAL_WAIT, r->slot, timeout_us, 0, 0);

	if (n < 0)
		return hw_err(n);
	*count = (uint64_t)n;
	*badge = hw_tls()->utcb->badge;
	gn_trace(GN_TRACE_SIGNAL_RECEIVE, r->slot, *count, NULL, 0);
	return GN_OK;
}
