/* A signal context is an eventfd: the kernel keeps the count and a writer never blocks. */
#include <gneiss/signal.h>
#include <gn_trace.h>
#include <lx.h>
#include <lx_cap.h>

gn_err_t gn_signal_submit(gn_cap_t sig, uint32_t count)
{
	uint64_t const value = count;
	int const fd = lx_cap_fd(sig);

	if (fd < 0 || gn_cap_kind(sig) != GN_CAP_KIND_SIGNAL || count == 0)
		return GN_ERR_INVALID_CAP;
	gn_trace(GN_TRACE_SIGNAL_SUBMIT, sig, count, NULL, 0);
	/* a counter at its maximum would block: the eventfd is non-blocking, so EAGAIN just merges */
	long ret = lx_write(fd, &value, sizeof(value));
	return ret == sizeof(value) || ret == -LX_EAGAIN ? GN_OK : GN_ERR_INVALID_CAP;
}
