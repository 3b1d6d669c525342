/*
 * The server of the RPC benchmark: announces "Bench" and hands out sessions whose calls answer
 * value + 1 (interface in bench.h). Capabilities that come with a request are received into the
 * capability table and dropped by the entrypoint, as in any server; the handler does no more.
 */
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/root.h>

#include "bench.h"

enum {
	MAX_SESSIONS = 4
};

typedef struct {
	bool used;
	gn_cap_t cap;
} session_t;

static gn_env_t *env;
static session_t sessions[MAX_SESSIONS];
static int root_object;

GN_RPC_SERVER(gn_root, GN_ROOT_RPCS)
GN_RPC_SERVER(bench_session, BENCH_SESSION_RPCS)

static gn_err_t answer(
	void *obj, gn_rpc_request_t *req, bench_value_t const *args, bench_value_t *res)
{
	(void)obj;
	(void)req;
	res->value = args->value + 1;
	return GN_OK;
}

static bench_session_ops_t const session_ops = {answer, answer, answer, answer, answer};

static gn_err_t root_session(
	void *obj, gn_rpc_request_t *req, gn_root_session_args_t const *args, gn_rpc_void_t *res)
{
	(void)obj;
	(void)args;
	(void)res;
	for (unsigned i = 0; i < MAX_SESSIONS; i++) {
		session_t *s = &sessions[i];
		if (s->used)
			continue;
		gn_err_t err =
			gn_ep_manage(env->ep, s, &bench_session_iface, &session_ops, &s->cap);
		if (err != GN_OK)
			return err;
		s->used = true;
		req->caps_out[0] = gn_cap_copy(s->cap);
		req->num_caps_out = 1;
		return GN_OK;
	}
	return GN_ERR_LIMIT;
}

static gn_err_t root_close(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	void *session = gn_ep_lookup(env->ep, req->caps_in[0]);

	(void)obj;
	(void)args;
	(void)res;
	for (unsigned i = 0; i < MAX_SESSIONS; i++) {
		session_t *s = &sessions[i];
		if (!s->used || session != s)
			continue;
		gn_ep_dissolve(env->ep, s->cap);
		gn_cap_drop(s->cap);
		s->used = false;
		return GN_OK;
	}
	return GN_ERR_INVALID_CAP;
}

static gn_root_ops_t const root_ops = {root_session, root_close};

void gn_component_construct(gn_env_t *e)
{
	gn_cap_t root;

	env = e;
	if (gn_ep_manage(env->ep, &root_object, &gn_root_iface, &root_ops, &root) != GN_OK ||
		gn_announce(env, "Bench", root) != GN_OK) {
		gn_error("could not announce the Bench service");
		gn_exit(env, 1);
	}
	gn_cap_drop(root);
	gn_log("announced Bench");
}
