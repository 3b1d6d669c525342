/*
 * RPC interfaces, declared once.
 *
 * A session header lists its interface as an X-macro, one line per function:
 *
 *   #define GN_LOG_RPCS(X, P) X(P, write, 1, gn_log_write_args_t, gn_rpc_void_t, 0, 0)
 *
 * giving the function's name, its explicit opcode, the argument and result structs, and how many
 * capabilities travel with the request and with the reply. From that one list:
 *   GN_RPC_CLIENT(P, LIST)  declares the typed client stubs  P_name(cap, args, res, caps_in, caps_out);
 *   GN_RPC_SERVER(P, LIST)  (in exactly one server file) defines the descriptor table P_iface that the
 *                           entrypoint uses to validate every message before calling P_ops_t's handler.
 * No marshalling code is written per call. Messages are validated generically: opcode known, payload
 * length equal to the argument struct, capability count equal to the declaration.
 */
#ifndef GNEISS_RPC_H
#define GNEISS_RPC_H

#include <gneiss/ipc.h>

typedef struct {
	uint8_t unused;
} gn_rpc_void_t;

/* A handler that will answer later returns this after taking a token with gn_ep_defer(). */
#define GN_RPC_DEFERRED ((gn_err_t)(GN_ERR_INTERFACE_BASE - 1))

typedef struct gn_rpc_request {
	void *object;                  /* the invoked object (the kernel said which) */
	gn_cap_t caps_in[GN_IPC_CAPS]; /* received; dropped after the handler returns */
	uint32_t num_caps_in;
	gn_cap_t caps_out[GN_IPC_CAPS]; /* references the reply consumes */
	uint32_t num_caps_out;
	struct gn_ep *ep;
	uint32_t channel; /* for deferred replies */
	uint32_t channel_gen;
} gn_rpc_request_t;

typedef gn_err_t (*gn_rpc_thunk_t)(
	void const *ops, void *obj, gn_rpc_request_t *req, void const *args, void *res);

typedef struct {
	uint32_t opcode;
	uint32_t args_len;
	uint32_t res_len;
	uint8_t caps_in;
	uint8_t caps_out;
	gn_rpc_thunk_t thunk;
	char const *name;
} gn_rpc_op_desc_t;

typedef struct {
	char const *name;
	gn_rpc_op_desc_t const *ops;
	unsigned num_ops;
} gn_rpc_iface_t;

/*
 * Generic client call: sends args (args_len bytes) and caps_in[0..num_in) to the object cap, and
 * copies a reply of exactly res_len bytes into res. Returns the reply's status, or a transport
 * error. A reply that does not fit the declaration (length, more than num_out capabilities) is
 * BAD_MSG. Received capabilities go to caps_out (owned by the caller; unused slots invalid).
 */
gn_err_t gn_rpc_call(gn_cap_t cap, uint32_t opcode, void const *args, size_t args_len,
	unsigned num_in, gn_cap_t const *caps_in, void *res, size_t res_len, unsigned num_out,
	gn_cap_t *caps_out) GN_MUST_CHECK;

/* Finds the descriptor of opcode in iface, or NULL. */
gn_rpc_op_desc_t const *gn_rpc_find_op(gn_rpc_iface_t const *iface, uint32_t opcode);

/*
 * Checks a request (framed already: gn_ipc_msg_check) against the interface: opcode declared,
 * payload length equal to the argument struct, capability count equal to the declaration. GN_OK
 * with the operation's descriptor in *out, or BAD_MSG.
 */
gn_err_t gn_rpc_validate(gn_rpc_iface_t const *iface, gn_ipc_header_t const *hdr,
	gn_rpc_op_desc_t const **out) GN_MUST_CHECK;

/*
 * The server's half of one call on obj, served by iface and ops, once the transport framed the
 * message: validates request's header (gn_rpc_validate), zeroes the result's bytes of reply's
 * payload (no stale bytes leave the server) and runs the handler on request's payload and req. On
 * GN_OK, reply's length becomes the result size and its capability count req->num_caps_out, or 0
 * when the handler returned more capabilities than declared. Returns the handler's status, or
 * BAD_MSG when no handler ran; reply's header stays as it was unless the handler succeeded.
 */
gn_err_t gn_rpc_dispatch(gn_rpc_iface_t const *iface, void const *ops, void *obj,
	gn_rpc_request_t *req, gn_ipc_buf_t const *request, gn_ipc_buf_t *reply) GN_MUST_CHECK;

/*
 * Makes reply, as gn_rpc_dispatch left it, the answer to send for req with status err (not
 * GN_RPC_DEFERRED): on success it carries the first reply->hdr.num_caps of req->caps_out, on an
 * error nothing but err; every capability of req->caps_out it does not carry is dropped.
 */
void gn_rpc_reply_complete(gn_rpc_request_t *req, gn_err_t err, gn_ipc_buf_t *reply);

/*
 * Checks a reply (framed already) against the call's declaration: at most num_out capabilities,
 * and with status GN_OK a payload of exactly res_len bytes. GN_OK or BAD_MSG.
 */
gn_err_t gn_rpc_reply_check(
	gn_ipc_header_t const *hdr, size_t res_len, unsigned num_out) GN_MUST_CHECK;

#define GN_RPC_OPCODE_(P, name, op, A, R, ci, co) P##_OP_##name = (op),
#define GN_RPC_STUB_(P, name, op, A, R, ci, co)                                                   \
	static inline GN_MUST_CHECK gn_err_t P##_##name(                                          \
		gn_cap_t cap, A const *args, R *res, gn_cap_t const *caps_in, gn_cap_t *caps_out) \
	{                                                                                         \
		return gn_rpc_call(cap, (op), args, sizeof(A), (ci), caps_in, res, sizeof(R),     \
			(co), caps_out);                                                          \
	}
#define GN_RPC_FIELD_(P, name, op, A, R, ci, co) \
	gn_err_t (*name)(void *obj, gn_rpc_request_t *req, A const *args, R *res);
#define GN_RPC_THUNK_(P, name, op, A, R, ci, co)                                                \
	static gn_err_t P##_thunk_##name(                                                       \
		void const *ops, void *obj, gn_rpc_request_t *req, void const *args, void *res) \
	{                                                                                       \
		return ((P##_ops_t const *)ops)->name(obj, req, (A const *)args, (R *)res);     \
	}
#define GN_RPC_DESC_(P, name, op, A, R, ci, co) \
	{(op), sizeof(A), sizeof(R), (ci), (co), P##_thunk_##name, #name},

#define GN_RPC_CLIENT(P, LIST)                 \
	enum {                                 \
		LIST(GN_RPC_OPCODE_, P)        \
	};                                     \
	typedef struct {                       \
		LIST(GN_RPC_FIELD_, P)         \
	} P##_ops_t;                           \
	extern gn_rpc_iface_t const P##_iface; \
	LIST(GN_RPC_STUB_, P)

#define GN_RPC_SERVER(P, LIST)                                               \
	LIST(GN_RPC_THUNK_, P)                                               \
	static gn_rpc_op_desc_t const P##_descs[] = {LIST(GN_RPC_DESC_, P)}; \
	gn_rpc_iface_t const P##_iface = {#P, P##_descs, sizeof(P##_descs) / sizeof(P##_descs[0])};

#endif
