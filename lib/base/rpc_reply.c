/*
 * The last step of serving a call, shared by every platform's entrypoint: turning what the handler
 * left into the reply to send, and dropping the capabilities that do not go out with it. Apart from
 * msg_check.c because it needs the capability table, which the message checks do not.
 */
#include <gneiss/rpc.h>

void gn_rpc_reply_complete(gn_rpc_request_t *req, gn_err_t err, gn_ipc_buf_t *reply)
{
	unsigned const carried = err == GN_OK ? reply->hdr.num_caps : 0;

	if (err != GN_OK)
		reply->hdr = (gn_ipc_header_t){(uint32_t)err, 0, 0, 0};
	for (unsigned i = 0; i < req->num_caps_out; i++) {
		if (i < carried)
			reply->caps[i] = req->caps_out[i];
		else
			gn_cap_drop(req->caps_out[i]);
	}
	reply->hdr.word = (uint32_t)err;
}
