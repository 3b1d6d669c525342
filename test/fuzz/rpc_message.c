/*
 * libFuzzer target for what a component applies to an incoming RPC message (lib/base/msg_check.c):
 * framing (gn_ipc_msg_check), then on a server validation against the invoked object's interface
 * and dispatch to its handler (gn_rpc_validate, gn_rpc_dispatch), or on a client the check of a
 * reply against the call's declaration (gn_rpc_reply_check).
 *
 * The interfaces are the real ones: their descriptor tables are built here from the X-macro lists
 * of the session headers (opcodes, argument and result sizes, capability counts), with one
 * recording handler in place of the servers' code. Once, every declaration is checked to fit the
 * wire (sizes, capability counts, unique opcodes).
 *
 * Input: three control bytes, then the bytes as they arrived on the socket, copied into an IPC
 * buffer the way the linux transport's recvmsg does (what does not fit is cut off and marks the
 * message truncated).
 *   c0: bits 0-2 capabilities that arrived (above GN_IPC_CAPS the transport drops the rest and
 *       marks the message truncated), bit 3 a truncated control block, bit 4 make the header's
 *       length honest, bit 5 make its capability count honest, bit 6 a reply instead of a request
 *   c1: the interface (c1 % 7) and for a reply the operation called (c1 / 7)
 *   c2: the handler's status and how many capabilities it returns
 * Each answer is compared with an independent model of the rules the headers state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gneiss/cpu_session.h>
#include <gneiss/log_session.h>
#include <gneiss/parent.h>
#include <gneiss/pd_session.h>
#include <gneiss/report_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/rpc.h>
#include <gneiss/timer_session.h>

#define CHECK(cond) ((cond) ? (void)0 : abort())

enum {
	CTRL = 3,
	WIRE_MAX = sizeof(gn_ipc_header_t) + GN_IPC_PAYLOAD,
	STALE = 0xbe,
};

typedef struct {
	gn_rpc_op_desc_t const *expect; /* the operation the model says runs */
	gn_ipc_buf_t const *request;
	unsigned calls;
	gn_err_t status;
	uint32_t caps_out;
} handler_t;

static gn_err_t handler(
	void const *ops, void *obj, gn_rpc_request_t *req, void const *args, void *res)
{
	handler_t *h = obj;
	uint8_t const *a = args;
	uint8_t *r = res;
	unsigned sum = 0;

	CHECK(ops == h && req->object == obj && h->expect);
	CHECK(args == h->request->payload);
	h->calls++;
	for (size_t i = 0; i < h->expect->args_len; i++)
		sum += a[i]; /* every declared byte is readable */
	for (size_t i = 0; i < h->expect->res_len; i++) {
		CHECK(r[i] == 0); /* no stale bytes reach the client */
		r[i] = (uint8_t)(sum + i);
	}
	req->num_caps_out = h->caps_out;
	return h->status;
}

#define DESC_(P, name, op, A, R, ci, co) {(op), sizeof(A), sizeof(R), (ci), (co), handler, #name},
#define IFACE_(P, LIST)                                               \
	static gn_rpc_op_desc_t const P##_descs[] = {LIST(DESC_, P)}; \
	static gn_rpc_iface_t const P##_fuzz = {#P, P##_descs, GN_ARRAY_SIZE(P##_descs)};

IFACE_(gn_parent, GN_PARENT_RPCS)
IFACE_(gn_pd_session, GN_PD_RPCS)
IFACE_(gn_cpu_session, GN_CPU_RPCS)
IFACE_(gn_log_session, GN_LOG_RPCS)
IFACE_(gn_rom_session, GN_ROM_RPCS)
IFACE_(gn_report_session, GN_REPORT_RPCS)
IFACE_(gn_timer_session, GN_TIMER_RPCS)

static gn_rpc_iface_t const *const ifaces[] = {&gn_parent_fuzz, &gn_pd_session_fuzz,
	&gn_cpu_session_fuzz, &gn_log_session_fuzz, &gn_rom_session_fuzz, &gn_report_session_fuzz,
	&gn_timer_session_fuzz};

static gn_err_t const statuses[] = {GN_OK, GN_ERR_DENIED, GN_ERR_OUT_OF_RAM, GN_ERR_INVALID_ARG,
	GN_RPC_DEFERRED, GN_ERR_INTERFACE_BASE, GN_OK, GN_ERR_AGAIN};

static gn_ipc_buf_t *request, *reply;

/* Every declaration fits the wire: sizes, capability counts, one descriptor per opcode. */
static void check_declarations(void)
{
	for (size_t i = 0; i < GN_ARRAY_SIZE(ifaces); i++) {
		gn_rpc_iface_t const *f = ifaces[i];

		CHECK(f->num_ops > 0);
		for (unsigned j = 0; j < f->num_ops; j++) {
			gn_rpc_op_desc_t const *op = &f->ops[j];

			CHECK(op->args_len <= GN_IPC_PAYLOAD && op->res_len <= GN_IPC_PAYLOAD);
			CHECK(op->caps_in <= GN_IPC_CAPS && op->caps_out <= GN_IPC_CAPS);
			CHECK(gn_rpc_find_op(f, op->opcode) == op);
		}
	}
}

/* The model of gn_rpc_find_op: the one descriptor with the opcode. */
static gn_rpc_op_desc_t const *model_op(gn_rpc_iface_t const *f, uint32_t opcode)
{
	gn_rpc_op_desc_t const *found = NULL;

	for (unsigned j = 0; j < f->num_ops; j++)
		if (f->ops[j].opcode == opcode) {
			CHECK(!found);
			found = &f->ops[j];
		}
	return found;
}

static void serve(gn_rpc_iface_t const *f, uint8_t c2)
{
	gn_rpc_op_desc_t const *op = model_op(f, request->hdr.word), *got = NULL;
	bool const valid =
		op && request->hdr.len == op->args_len && request->hdr.num_caps == op->caps_in;
	handler_t h = {
		valid ? op : NULL, request, 0, statuses[c2 & 7], (c2 >> 3) % (GN_IPC_CAPS + 1)};
	gn_rpc_request_t req = {0};
	gn_ipc_header_t const before = {GN_OK, 0, 0, 0};

	gn_err_t err = gn_rpc_validate(f, &request->hdr, &got);
	CHECK(err == (valid ? GN_OK : GN_ERR_BAD_MSG));
	CHECK(!valid || got == op);

	reply->hdr = before;
	memset(reply->payload, STALE, sizeof(reply->payload));
	err = gn_rpc_dispatch(f, &h, &h, &req, request, reply);
	if (!valid) {
		CHECK(err == GN_ERR_BAD_MSG && h.calls == 0 && req.object == NULL);
		CHECK(memcmp(&reply->hdr, &before, sizeof(before)) == 0);
		CHECK(reply->payload[0] == STALE);
		return;
	}
	CHECK(h.calls == 1 && err == h.status);
	for (size_t i = op->res_len; i < op->res_len + 16 && i < GN_IPC_PAYLOAD; i++)
		CHECK(reply->payload[i] == STALE); /* nothing written beyond the result */
	if (err == GN_OK) {
		CHECK(reply->hdr.len == op->res_len);
		CHECK(reply->hdr.num_caps == (h.caps_out <= op->caps_out ? h.caps_out : 0));
	} else {
		CHECK(memcmp(&reply->hdr, &before, sizeof(before)) == 0);
	}
}

static void answer(gn_rpc_iface_t const *f, uint8_t c1)
{
	gn_rpc_op_desc_t const *op = &f->ops[c1 / GN_ARRAY_SIZE(ifaces) % f->num_ops];
	gn_ipc_header_t const *hdr = &reply->hdr;
	bool const valid =
		hdr->num_caps <= op->caps_out && (hdr->word != GN_OK || hdr->len == op->res_len);

	CHECK(gn_rpc_reply_check(hdr, op->res_len, op->caps_out) ==
		(valid ? GN_OK : GN_ERR_BAD_MSG));
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size);

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
	uint8_t c[CTRL] = {0};
	size_t const n = size < CTRL ? size : CTRL;

	if (!request) {
		check_declarations();
		request = malloc(sizeof(*request));
		reply = malloc(sizeof(*reply));
	}
	memcpy(c, data, n);
	data += n;
	size -= n;

	/* the transport: what recvmsg wrote, with stale bytes where nothing arrived */
	bool const is_reply = c[0] & 0x40;
	gn_ipc_buf_t *buf = is_reply ? reply : request;
	size_t const bytes = size < WIRE_MAX ? size : WIRE_MAX;
	size_t const head = bytes < sizeof(buf->hdr) ? bytes : sizeof(buf->hdr);
	unsigned const arrived = c[0] & 7;

	memset(buf, STALE, sizeof(*buf));
	memcpy(&buf->hdr, data, head);
	memcpy(buf->payload, data + head, bytes - head);
	gn_ipc_delivery_t const got = {bytes, arrived < GN_IPC_CAPS ? arrived : GN_IPC_CAPS,
		size > WIRE_MAX || arrived > GN_IPC_CAPS || (c[0] & 8)};
	if ((c[0] & 0x10) && bytes >= sizeof(buf->hdr))
		buf->hdr.len = (uint32_t)(bytes - sizeof(buf->hdr));
	if (c[0] & 0x20)
		buf->hdr.num_caps = got.caps;

	bool const framed = !got.truncated && bytes >= sizeof(buf->hdr) &&
			    buf->hdr.len == bytes - sizeof(buf->hdr) &&
			    buf->hdr.num_caps == got.caps;
	CHECK(gn_ipc_msg_check(&buf->hdr, &got) == (framed ? GN_OK : GN_ERR_BAD_MSG));
	if (!framed)
		return 0; /* the server answers BAD_MSG, the client sees it */

	gn_rpc_iface_t const *f = ifaces[c[1] % GN_ARRAY_SIZE(ifaces)];
	if (is_reply)
		answer(f, c[1]);
	else
		serve(f, c[2]);
	return 0;
}
