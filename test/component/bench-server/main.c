/*
 * The server of the RPC benchmark: announces "Bench" and hands out sessions whose calls answer
 * value + 1 (interface in bench.h). Capabilities that come with a request are received into the
 * capability table and dropped by the entrypoint, as in any server; the handler does no more.
 */
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/service.h>

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

static gn_err_t create_session(void *ctx, char const *args, gn_cap_t *cap)
{
	(void)ctx;
	(void)args;
	for (unsigned i = 0; i < MAX_SESSIONS; i++) {
		session_t *s = &sessions[i];
		if (s->used)
			continue;
		gn_err_t err =
			gn_ep_manage(env->ep, s, &bench_session_iface, &session_ops, &s->cap);
		if (err != GN_OK)
			return err;
		s->used = true;
		*cap = gn_cap_copy(s->cap);
		return GN_OK;
	}
	return GN_ERR_DENIED;
}

static void close_session(void *ctx, gn_cap_t cap)
{
	void *session = gn_ep_lookup(env->ep, cap);

	(void)ctx;
	for (unsigned i = 0; i < MAX_SESSIONS; i++) {
		session_t *s = &sessions[i];
		if (!s->used || session != s)
			continue;
		gn_ep_dissolve(env->ep, s->cap);
		gn_cap_drop(s->cap);
		s->used = false;
	}
}

static gn_service_ops_t const service_ops = {create_session, NULL, close_session};

void gn_component_construct(gn_env_t *e)
{
	env = e;
	if (gn_service_announce(env, "Bench", &service_ops, NULL) != GN_OK) {
		gn_error("could not announce the Bench service");
		gn_exit(env, 1);
	}
	gn_log("announced Bench");
}
