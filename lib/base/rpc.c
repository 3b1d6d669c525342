/*
 * The generic client half of RPC: the call that marshals into the thread's IPC buffer and checks
 * the reply (msg_check.c holds the checks, shared with the server side). Platform-independent;
 * the transport is gn_ipc_call().
 */
#include <gneiss/rpc.h>
#include <gneiss/string.h>
#include <gn_trace.h>

gn_err_t gn_rpc_call(gn_cap_t cap, uint32_t opcode, void const *args, size_t args_len,
	unsigned num_in, gn_cap_t const *caps_in, void *res, size_t res_len, unsigned num_out,
	gn_cap_t *caps_out)
{
	gn_ipc_buf_t *buf = gn_ipc_buf();
	gn_err_t err;

	if (args_len > GN_IPC_PAYLOAD || res_len > GN_IPC_PAYLOAD || num_in > GN_IPC_CAPS ||
		num_out > GN_IPC_CAPS)
		return GN_ERR_INVALID_ARG;
	/* before the IPC buffer is filled: a trace point may make calls of its own */
	gn_trace(GN_TRACE_RPC_CALL, opcode, args_len, NULL, 0);

	buf->hdr.word = opcode;
	buf->hdr.len = (uint32_t)args_len;
	buf->hdr.num_caps = num_in;
	gn_memcpy(buf->payload, args, args_len);
	for (unsigned i = 0; i < num_in; i++)
		buf->caps[i] = caps_in[i];

	err = gn_ipc_call(cap, buf);
	if (err != GN_OK) {
		gn_trace(GN_TRACE_RPC_RETURNED, opcode, (uint64_t)err, NULL, 0);
		return err;
	}

	if (gn_rpc_reply_check(&buf->hdr, res_len, num_out) != GN_OK) {
		for (unsigned i = 0; i < buf->hdr.num_caps; i++)
			gn_cap_drop(buf->caps[i]);
		gn_trace(GN_TRACE_RPC_RETURNED, opcode, (uint64_t)GN_ERR_BAD_MSG, NULL, 0);
		return GN_ERR_BAD_MSG;
	}
	/* capabilities count only with a successful reply */
	bool const ok = buf->hdr.word == GN_OK;
	for (unsigned i = 0; i < buf->hdr.num_caps; i++)
		if (!ok)
			gn_cap_drop(buf->caps[i]);
	for (unsigned i = 0; i < num_out; i++)
		caps_out[i] = ok && i < buf->hdr.num_caps ? buf->caps[i] : GN_CAP_INVALID;
	if (ok)
		gn_memcpy(res, buf->payload, res_len);
	err = (gn_err_t)buf->hdr.word;
	gn_trace(GN_TRACE_RPC_RETURNED, opcode, (uint64_t)err, NULL, 0);
	return err;
}
