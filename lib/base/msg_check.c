/*
 * The checks every message passes before anything in it is trusted, kept apart from the transport
 * so that they are pure (no I/O, no capability table) and can be unit-tested and fuzzed on the host
 * (test/unit/test_rpc_msg.c, test/fuzz/rpc_message.c).
 *
 * Order on the server: the transport receives a message and frames it (gn_ipc_msg_check: what the
 * header claims agrees with what arrived; on failure the transport drops the capabilities and the
 * server answers BAD_MSG), then gn_rpc_dispatch validates it against the invoked object's
 * interface (opcode, payload length, capability count) and only then runs the handler. On the
 * client, a reply is framed the same way and then checked against the call's declaration
 * (gn_rpc_reply_check). No check reads beyond what the header it passed said was there.
 */
#include <gneiss/rpc.h>
#include <gneiss/string.h>
#include <gn_trace.h>

gn_err_t gn_ipc_msg_check(gn_ipc_header_t const *hdr, gn_ipc_delivery_t const *got)
{
	if (got->truncated || got->bytes < sizeof(*hdr) || got->caps > GN_IPC_CAPS)
		return GN_ERR_BAD_MSG;
	size_t const payload = got->bytes - sizeof(*hdr);
	if (payload > GN_IPC_PAYLOAD || hdr->len != payload || hdr->num_caps != got->caps)
		return GN_ERR_BAD_MSG;
	return GN_OK;
}

gn_rpc_op_desc_t const *gn_rpc_find_op(gn_rpc_iface_t const *iface, uint32_t opcode)
{
	for (unsigned i = 0; i < iface->num_ops; i++)
		if (iface->ops[i].opcode == opcode)
			return &iface->ops[i];
	return NULL;
}

gn_err_t gn_rpc_validate(
	gn_rpc_iface_t const *iface, gn_ipc_header_t const *hdr, gn_rpc_op_desc_t const **out)
{
	gn_rpc_op_desc_t const *op = gn_rpc_find_op(iface, hdr->word);

	if (!op || hdr->len != op->args_len || hdr->num_caps != op->caps_in)
		return GN_ERR_BAD_MSG;
	*out = op;
	return GN_OK;
}

gn_err_t gn_rpc_dispatch(gn_rpc_iface_t const *iface, void const *ops, void *obj,
	gn_rpc_request_t *req, gn_ipc_buf_t const *request, gn_ipc_buf_t *reply)
{
	gn_rpc_op_desc_t const *op;
	gn_err_t err = gn_rpc_validate(iface, &request->hdr, &op);

	if (err != GN_OK)
		return err;
	gn_trace(GN_TRACE_RPC_DISPATCH, op->opcode, op->args_len, op->name, gn_strlen(op->name));
	gn_memset(reply->payload, 0, op->res_len);
	req->object = obj;
	err = op->thunk(ops, obj, req, request->payload, reply->payload);
	gn_trace(GN_TRACE_RPC_REPLY, op->opcode, (uint64_t)err, NULL, 0);
	if (err == GN_OK) {
		reply->hdr.len = op->res_len;
		reply->hdr.num_caps = req->num_caps_out <= op->caps_out ? req->num_caps_out : 0;
	}
	return err;
}

gn_err_t gn_rpc_reply_check(gn_ipc_header_t const *hdr, size_t res_len, unsigned num_out)
{
	if (hdr->num_caps > num_out || (hdr->word == GN_OK && hdr->len != res_len))
		return GN_ERR_BAD_MSG;
	return GN_OK;
}
