/*
 * The rpc scenario's server: provides "Test", hands out sessions (interface in test_rpc.h), and
 * makes, recognises and revokes counter objects.
 */
#include <gneiss/dataspace.h>
#include <gneiss/env.h>
#include <gneiss/label.h>
#include <gneiss/log.h>
#include <gneiss/service.h>
#include <gneiss/signal.h>
#include <gneiss/string.h>

#include "test_rpc.h"

enum {
	MAX_SESSIONS = 32,
	MAX_COUNTERS = 16
};

typedef struct {
	bool used;
	gn_cap_t cap;
	uint64_t value;
} counter_t;

typedef struct {
	bool used;
	gn_cap_t cap;
	char label[GN_LABEL_MAX];
	void *shared; /* the client's dataspace it shared, attached */
	size_t shared_size;
} session_t;

static gn_env_t *env;
static session_t sessions[MAX_SESSIONS];
static counter_t counters[MAX_COUNTERS];

GN_RPC_SERVER(test_rpc_session, TEST_RPC_SESSION_RPCS)
GN_RPC_SERVER(test_rpc_counter, TEST_RPC_COUNTER_RPCS)

static gn_err_t increment(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, test_rpc_value_t *res)
{
	counter_t *c = obj;

	(void)req;
	(void)args;
	res->value = ++c->value;
	return GN_OK;
}

static test_rpc_counter_ops_t const counter_ops = {increment};

/* The counter behind cap, when cap is one of this server's counters (recognised by identity). */
static counter_t *own_counter(gn_cap_t cap)
{
	void *obj = gn_ep_lookup(env->ep, cap, &test_rpc_counter_iface);

	for (unsigned i = 0; i < MAX_COUNTERS; i++)
		if (counters[i].used && obj == &counters[i])
			return &counters[i];
	return NULL;
}

static gn_err_t add(
	void *obj, gn_rpc_request_t *req, test_rpc_add_args_t const *args, test_rpc_add_res_t *res)
{
	(void)obj;
	(void)req;
	res->sum = args->a + args->b;
	return GN_OK;
}

static gn_err_t echo_big(
	void *obj, gn_rpc_request_t *req, test_rpc_big_t const *args, test_rpc_big_t *res)
{
	(void)obj;
	(void)req;
	for (unsigned i = 0; i < TEST_RPC_BIG; i++)
		res->bytes[i] = (uint8_t)~args->bytes[i];
	return GN_OK;
}

static gn_err_t echo_cap(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	(void)obj;
	(void)args;
	(void)res;
	req->caps_out[0] = gn_cap_copy(req->caps_in[0]);
	req->num_caps_out = 1;
	return GN_OK;
}

static gn_err_t create_counter(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	(void)obj;
	(void)args;
	(void)res;
	for (unsigned i = 0; i < MAX_COUNTERS; i++) {
		counter_t *c = &counters[i];
		if (c->used)
			continue;
		gn_err_t err =
			gn_ep_manage(env->ep, c, &test_rpc_counter_iface, &counter_ops, &c->cap);
		if (err != GN_OK)
			return err;
		c->used = true;
		c->value = 0;
		req->caps_out[0] = gn_cap_copy(c->cap);
		req->num_caps_out = 1;
		return GN_OK;
	}
	return GN_ERR_LIMIT;
}

static gn_err_t destroy_counter(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	counter_t *c = own_counter(req->caps_in[0]);

	(void)obj;
	(void)args;
	(void)res;
	if (!c)
		return GN_ERR_INVALID_CAP;
	gn_ep_dissolve(env->ep, c->cap);
	gn_cap_drop(c->cap);
	c->used = false;
	return GN_OK;
}

static gn_err_t counter_value(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, test_rpc_value_t *res)
{
	counter_t *c = own_counter(req->caps_in[0]);

	(void)obj;
	(void)args;
	if (!c)
		return GN_ERR_INVALID_CAP;
	res->value = c->value;
	return GN_OK;
}

static gn_err_t kinds(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, test_rpc_value_t *res)
{
	(void)obj;
	(void)args;
	res->value = 0;
	for (unsigned i = 0; i < req->num_caps_in; i++)
		if (own_counter(req->caps_in[i]))
			res->value |= 1u << i;
	return GN_OK;
}

static gn_err_t notify(
	void *obj, gn_rpc_request_t *req, test_rpc_count_t const *args, gn_rpc_void_t *res)
{
	(void)obj;
	(void)res;
	if (gn_cap_kind(req->caps_in[0]) != GN_CAP_KIND_SIGNAL)
		return GN_ERR_INVALID_CAP;
	for (uint32_t i = 0; i < args->count; i++) {
		gn_err_t err = gn_signal_submit(req->caps_in[0], 1);
		if (err != GN_OK)
			return err;
	}
	return GN_OK;
}

static gn_err_t fill(
	void *obj, gn_rpc_request_t *req, test_rpc_fill_args_t const *args, gn_rpc_void_t *res)
{
	void *addr;
	size_t size;
	bool writable;

	(void)obj;
	(void)res;
	gn_err_t err = gn_ds_attach(req->caps_in[0], &addr, &size, &writable);
	if (err != GN_OK)
		return err;
	if (writable)
		err = gn_ds_fill(addr, args->byte, size); /* the client may free it meanwhile */
	gn_ds_detach(addr, size);
	return writable ? err : GN_ERR_DENIED;
}

static void unshare(session_t *s)
{
	if (s->shared)
		gn_ds_detach(s->shared, s->shared_size);
	s->shared = NULL;
}

static gn_err_t share(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	session_t *s = obj;
	bool writable;

	(void)args;
	(void)res;
	unshare(s);
	gn_err_t err = gn_ds_attach(req->caps_in[0], &s->shared, &s->shared_size, &writable);
	if (err == GN_OK && !writable) {
		unshare(s);
		err = GN_ERR_DENIED;
	}
	return err;
}

static gn_err_t fill_shared(
	void *obj, gn_rpc_request_t *req, test_rpc_fill_args_t const *args, gn_rpc_void_t *res)
{
	session_t *s = obj;

	(void)req;
	(void)res;
	if (!s->shared)
		return GN_ERR_INVALID_ARG;
	gn_err_t const err = gn_ds_fill(s->shared, args->byte, s->shared_size);
	if (err != GN_OK)
		unshare(s);
	return err;
}

static test_rpc_session_ops_t const session_ops = {add, echo_big, echo_cap, create_counter,
	destroy_counter, counter_value, kinds, notify, fill, share, fill_shared};

static gn_err_t create_session(void *ctx, char const *args, gn_cap_t *cap)
{
	(void)ctx;
	for (unsigned i = 0; i < MAX_SESSIONS; i++) {
		session_t *s = &sessions[i];
		if (s->used)
			continue;
		if (gn_args_get_label(args, s->label, sizeof(s->label)) != GN_OK)
			return GN_ERR_DENIED;
		gn_err_t err =
			gn_ep_manage(env->ep, s, &test_rpc_session_iface, &session_ops, &s->cap);
		if (err != GN_OK)
			return err;
		s->used = true;
		gn_log("session for \"%s\"", s->label);
		*cap = gn_cap_copy(s->cap);
		return GN_OK;
	}
	return GN_ERR_DENIED;
}

static void close_session(void *ctx, gn_cap_t cap)
{
	void *session = gn_ep_lookup(env->ep, cap, &test_rpc_session_iface);

	(void)ctx;
	for (unsigned i = 0; i < MAX_SESSIONS; i++) {
		session_t *s = &sessions[i];
		if (!s->used || session != s)
			continue;
		gn_log("closed session of \"%s\"", s->label);
		unshare(s);
		gn_ep_dissolve(env->ep, s->cap);
		gn_cap_drop(s->cap);
		s->used = false;
	}
}

static gn_service_ops_t const service_ops = {create_session, NULL, close_session};

void gn_component_construct(gn_env_t *e)
{
	env = e;
	if (gn_service_announce(env, "Test", &service_ops, NULL) != GN_OK) {
		gn_error("could not announce the Test service");
		gn_exit(env, 1);
	}
	gn_log("announced Test");
}
