/* The checks every RPC message passes: framing, interface validation, dispatch, reply check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <gneiss/rpc.h>

typedef struct {
	uint32_t a, b;
} add_args_t;

typedef struct {
	uint64_t sum;
	uint8_t pad[24];
} add_res_t;

#define T_RPCS(X, P)                              \
	X(P, add, 1, add_args_t, add_res_t, 0, 0) \
	X(P, give, 7, gn_rpc_void_t, gn_rpc_void_t, 1, 2)

GN_RPC_CLIENT(t, T_RPCS)
GN_RPC_SERVER(t, T_RPCS)

typedef struct {
	unsigned calls;
	bool result_was_zero;
	gn_err_t status;
	uint32_t caps_out;
} obj_t;

static bool all_zero(void const *p, size_t n)
{
	uint8_t const *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static gn_err_t add(void *o, gn_rpc_request_t *req, add_args_t const *args, add_res_t *res)
{
	obj_t *obj = o;

	assert_ptr_equal(req->object, o);
	obj->calls++;
	obj->result_was_zero = all_zero(res, sizeof(*res));
	res->sum = (uint64_t)args->a + args->b;
	return obj->status;
}

static gn_err_t give(void *o, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	obj_t *obj = o;

	(void)args;
	(void)res;
	obj->calls++;
	req->num_caps_out = obj->caps_out;
	return obj->status;
}

static t_ops_t const ops = {add, give};

static gn_ipc_buf_t request, reply;

static gn_ipc_header_t hdr(uint32_t word, uint32_t len, uint32_t caps)
{
	return (gn_ipc_header_t){word, len, caps, 0};
}

static gn_err_t framed(gn_ipc_header_t h, size_t bytes, unsigned caps, bool truncated)
{
	gn_ipc_delivery_t const got = {bytes, caps, truncated};

	return gn_ipc_msg_check(&h, &got);
}

/* ---- framing ----------------------------------------------------------------------------------- */

static void framing_accepts_what_arrived(void **state)
{
	size_t const h = sizeof(gn_ipc_header_t);

	(void)state;
	assert_int_equal(framed(hdr(1, 0, 0), h, 0, false), GN_OK);
	assert_int_equal(framed(hdr(1, 8, 0), h + 8, 0, false), GN_OK);
	assert_int_equal(framed(hdr(1, 8, 3), h + 8, 3, false), GN_OK);
	assert_int_equal(
		framed(hdr(1, GN_IPC_PAYLOAD, GN_IPC_CAPS), h + GN_IPC_PAYLOAD, GN_IPC_CAPS, false),
		GN_OK);
}

static void framing_rejects_disagreement(void **state)
{
	size_t const h = sizeof(gn_ipc_header_t);

	(void)state;
	/* a short header, whatever the stale buffer says */
	assert_int_equal(framed(hdr(1, 0, 0), 0, 0, false), GN_ERR_BAD_MSG);
	assert_int_equal(framed(hdr(1, 0, 0), h - 1, 0, false), GN_ERR_BAD_MSG);
	/* length claimed vs delivered */
	assert_int_equal(framed(hdr(1, 9, 0), h + 8, 0, false), GN_ERR_BAD_MSG);
	assert_int_equal(framed(hdr(1, 7, 0), h + 8, 0, false), GN_ERR_BAD_MSG);
	assert_int_equal(framed(hdr(1, UINT32_MAX, 0), h + 8, 0, false), GN_ERR_BAD_MSG);
	/* capabilities claimed vs arrived */
	assert_int_equal(framed(hdr(1, 0, 1), h, 0, false), GN_ERR_BAD_MSG);
	assert_int_equal(framed(hdr(1, 0, 0), h, 1, false), GN_ERR_BAD_MSG);
	assert_int_equal(framed(hdr(1, 0, 5), h, 5, false), GN_ERR_BAD_MSG);
	/* anything cut off by the transport, even when the rest agrees */
	assert_int_equal(framed(hdr(1, 8, 0), h + 8, 0, true), GN_ERR_BAD_MSG);
	/* more payload than any buffer holds, even when the header agrees */
	assert_int_equal(framed(hdr(1, GN_IPC_PAYLOAD + 1, 0), h + GN_IPC_PAYLOAD + 1, 0, false),
		GN_ERR_BAD_MSG);
}

/* ---- validation and dispatch ------------------------------------------------------------------- */

static void validate_by_declaration(void **state)
{
	gn_rpc_op_desc_t const *op = NULL;
	gn_ipc_header_t h;

	(void)state;
	h = hdr(t_OP_add, sizeof(add_args_t), 0);
	assert_int_equal(gn_rpc_validate(&t_iface, &h, &op), GN_OK);
	assert_ptr_equal(op, gn_rpc_find_op(&t_iface, t_OP_add));
	assert_string_equal(op->name, "add");
	h = hdr(t_OP_give, sizeof(gn_rpc_void_t), 1);
	assert_int_equal(gn_rpc_validate(&t_iface, &h, &op), GN_OK);
	assert_int_equal(op->caps_out, 2);

	op = NULL;
	h = hdr(2, sizeof(add_args_t), 0); /* no such opcode */
	assert_int_equal(gn_rpc_validate(&t_iface, &h, &op), GN_ERR_BAD_MSG);
	h = hdr(t_OP_add, sizeof(add_args_t) - 1, 0);
	assert_int_equal(gn_rpc_validate(&t_iface, &h, &op), GN_ERR_BAD_MSG);
	h = hdr(t_OP_add, sizeof(add_args_t) + 1, 0);
	assert_int_equal(gn_rpc_validate(&t_iface, &h, &op), GN_ERR_BAD_MSG);
	h = hdr(t_OP_add, sizeof(add_args_t), 1);
	assert_int_equal(gn_rpc_validate(&t_iface, &h, &op), GN_ERR_BAD_MSG);
	h = hdr(t_OP_give, sizeof(gn_rpc_void_t), 0);
	assert_int_equal(gn_rpc_validate(&t_iface, &h, &op), GN_ERR_BAD_MSG);
	assert_null(op);
	assert_null(gn_rpc_find_op(&t_iface, 0));
}

static void dispatch_runs_the_handler_on_a_valid_request(void **state)
{
	obj_t obj = {.status = GN_OK};
	gn_rpc_request_t req = {0};
	add_res_t res;

	(void)state;
	request.hdr = hdr(t_OP_add, sizeof(add_args_t), 0);
	memcpy(request.payload, &(add_args_t){40, 2}, sizeof(add_args_t));
	memset(reply.payload, 0xaa, sizeof(reply.payload)); /* stale bytes of an earlier reply */
	reply.hdr = hdr(GN_OK, 0, 0);
	assert_int_equal(gn_rpc_dispatch(&t_iface, &ops, &obj, &req, &request, &reply), GN_OK);
	assert_int_equal(obj.calls, 1);
	assert_true(obj.result_was_zero);
	assert_int_equal(reply.hdr.len, sizeof(add_res_t));
	assert_int_equal(reply.hdr.num_caps, 0);
	memcpy(&res, reply.payload, sizeof(res));
	assert_int_equal(res.sum, 42);
	assert_true(all_zero(res.pad, sizeof(res.pad)));
}

static void dispatch_refuses_before_any_handler(void **state)
{
	obj_t obj = {.status = GN_OK};
	gn_rpc_request_t req = {0};

	(void)state;
	request.hdr = hdr(t_OP_add, sizeof(add_args_t) + 1, 0);
	reply.hdr = hdr(GN_OK, 0, 0);
	memset(reply.payload, 0xaa, 16);
	assert_int_equal(
		gn_rpc_dispatch(&t_iface, &ops, &obj, &req, &request, &reply), GN_ERR_BAD_MSG);
	request.hdr = hdr(0x4f50454e, 0, 1);
	assert_int_equal(
		gn_rpc_dispatch(&t_iface, &ops, &obj, &req, &request, &reply), GN_ERR_BAD_MSG);
	assert_int_equal(obj.calls, 0);
	assert_null(req.object);
	assert_int_equal(reply.hdr.len, 0);
	assert_int_equal(reply.payload[0], 0xaa); /* untouched */
}

static void dispatch_bounds_the_capabilities_returned(void **state)
{
	obj_t obj = {.status = GN_OK, .caps_out = 2};
	gn_rpc_request_t req = {0};

	(void)state;
	request.hdr = hdr(t_OP_give, sizeof(gn_rpc_void_t), 1);
	reply.hdr = hdr(GN_OK, 0, 0);
	assert_int_equal(gn_rpc_dispatch(&t_iface, &ops, &obj, &req, &request, &reply), GN_OK);
	assert_int_equal(reply.hdr.num_caps, 2);

	/* more than declared: none travel (the entrypoint drops them) */
	obj.caps_out = 3;
	req = (gn_rpc_request_t){0};
	reply.hdr = hdr(GN_OK, 0, 0);
	assert_int_equal(gn_rpc_dispatch(&t_iface, &ops, &obj, &req, &request, &reply), GN_OK);
	assert_int_equal(reply.hdr.num_caps, 0);
	assert_int_equal(reply.hdr.len, sizeof(gn_rpc_void_t));
}

static void dispatch_passes_a_handler_error(void **state)
{
	obj_t obj = {.status = GN_ERR_DENIED, .caps_out = 1};
	gn_rpc_request_t req = {0};

	(void)state;
	request.hdr = hdr(t_OP_give, sizeof(gn_rpc_void_t), 1);
	reply.hdr = hdr(GN_OK, 0, 0);
	assert_int_equal(
		gn_rpc_dispatch(&t_iface, &ops, &obj, &req, &request, &reply), GN_ERR_DENIED);
	assert_int_equal(obj.calls, 1);
	assert_int_equal(reply.hdr.len, 0);
	assert_int_equal(reply.hdr.num_caps, 0);
	obj.status = GN_RPC_DEFERRED;
	assert_int_equal(
		gn_rpc_dispatch(&t_iface, &ops, &obj, &req, &request, &reply), GN_RPC_DEFERRED);
}

/* ---- replies ----------------------------------------------------------------------------------- */

static void reply_check_by_declaration(void **state)
{
	gn_ipc_header_t h;

	(void)state;
	h = hdr(GN_OK, 8, 1);
	assert_int_equal(gn_rpc_reply_check(&h, 8, 1), GN_OK);
	assert_int_equal(gn_rpc_reply_check(&h, 8, 2), GN_OK);
	assert_int_equal(gn_rpc_reply_check(&h, 8, 0), GN_ERR_BAD_MSG);
	assert_int_equal(gn_rpc_reply_check(&h, 7, 1), GN_ERR_BAD_MSG);
	assert_int_equal(gn_rpc_reply_check(&h, 9, 1), GN_ERR_BAD_MSG);
	/* an error status carries no result, so its length is not checked; its caps are */
	h = hdr(GN_ERR_DENIED, 0, 0);
	assert_int_equal(gn_rpc_reply_check(&h, 8, 0), GN_OK);
	h = hdr(GN_ERR_DENIED, 3, 1);
	assert_int_equal(gn_rpc_reply_check(&h, 8, 0), GN_ERR_BAD_MSG);
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(framing_accepts_what_arrived),
		cmocka_unit_test(framing_rejects_disagreement),
		cmocka_unit_test(validate_by_declaration),
		cmocka_unit_test(dispatch_runs_the_handler_on_a_valid_request),
		cmocka_unit_test(dispatch_refuses_before_any_handler),
		cmocka_unit_test(dispatch_bounds_the_capabilities_returned),
		cmocka_unit_test(dispatch_passes_a_handler_error),
		cmocka_unit_test(reply_check_by_declaration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
