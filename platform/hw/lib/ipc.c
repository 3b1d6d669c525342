/*
 * The client side of IPC on hw: a call is the kernel's call on the endpoint capability (for an
 * RPC object: the badged copy its entrypoint minted), with the message copied from the thread's
 * gn_ipc_buf_t into its UTCB and the reply back (msg.c). The thread blocks in the kernel until the
 * server replies; no timeout.
 */
#include "hw_lib.h"

gn_ipc_buf_t *gn_ipc_buf(void)
{
	return &hw_tls()->ipc;
}

gn_err_t gn_ipc_call(gn_cap_t cap, gn_ipc_buf_t *buf)
{
	hw_utcb_t *utcb = hw_tls()->utcb;
	uint64_t info;

	if (gn_cap_kind(cap) != GN_CAP_KIND_OBJECT)
		return GN_ERR_INVALID_CAP;
	gn_err_t err = hw_msg_put(buf, utcb, &info);
	if (err != GN_OK)
		return err;
	int64_t const r = hw_syscall4(HW_SYS_CALL, cap, info, 0, 0);
	if (r < 0) {
		/* the server thread ended without a reply: the object is gone for this caller */
		err = hw_err(r);
		return err == GN_ERR_NOT_FOUND ? GN_ERR_REVOKED : err;
	}
	return hw_msg_get((uint64_t)r, utcb, buf);
}
