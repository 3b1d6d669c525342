/*
 * The generic halves of RPC: the client call that marshals into the thread's IPC buffer, and the
 * validation every server applies before a handler sees a message. Both are platform-independent;
 * the transport is gn_ipc_call().
 */
#include <gneiss/rpc.h>
#include <gneiss/string.h>

gn_err_t gn_rpc_call(gn_cap_t cap, uint32_t opcode, void const *args, size_t args_len,
	unsigned num_in, gn_cap_t const *caps_in, void *res, size_t res_len, unsigned num_out,
	gn_cap_t *caps_out)
{
	gn_ipc_buf_t *buf = gn_ipc_buf();
	gn_err_t err;

	if (args_len > GN_IPC_PAYLOAD || res_len > GN_IPC_PAYLOAD || num_in > GN_IPC_CAPS ||
		num_out > GN_IPC_CAPS)
		return GN_ERR_INVALID_ARG;

	buf->hdr.word = opcode;
	buf->hdr.len = (uint32_t)args_len;
	buf->hdr.num_caps = num_in;
	gn_memcpy(buf->payload, args, args_len);
	for (unsigned i = 0; i < num_in; i++)
		buf->caps[i] = caps_in[i];

	err = gn_ipc_call(cap, buf);
	if (err != GN_OK)
		return err;

	if (buf->hdr.num_caps > num_out || (buf->hdr.word == GN_OK && buf->hdr.len != res_len)) {
		for (unsigned i = 0; i < buf->hdr.num_caps; i++)
			gn_cap_drop(buf->caps[i]);
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
	return (gn_err_t)buf->hdr.word;
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
