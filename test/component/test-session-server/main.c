/*
 * The session scenario's server: provides "Policy", whose answer depends on the last element of
 * the session label, and at the same time opens a session of its client's "Back" service, so that
 * both components wait for each other's answers at once.
 *   deny      refuses with DENIED
 *   need-32K  refuses with INSUFFICIENT_RAM unless ram_quota is at least 32K
 *   die       never answers: the server exits (its pending requests must be refused by init)
 *   anything else is a plain session, reporting upgrades and closes.
 */
#include <gneiss/env.h>
#include <gneiss/label.h>
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gneiss/service.h>
#include <gneiss/string.h>

#include "test_check.h"
#include "test_ping.h"

gn_env_t *test_env;

static int session_object;
GN_RPC_SERVER(test_ping, TEST_PING_RPCS)

static gn_err_t ping(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	(void)obj;
	(void)req;
	(void)args;
	(void)res;
	return GN_OK;
}

static test_ping_ops_t const ping_ops = {ping};

static gn_err_t create(void *ctx, char const *args, gn_cap_t *cap)
{
	char label[GN_LABEL_MAX];
	uint64_t ram = 0;
	size_t last_len;

	(void)ctx;
	if (gn_args_get_label(args, label, sizeof(label)) != GN_OK)
		return GN_ERR_DENIED;
	char const *last = gn_label_last(label, gn_strlen(label), &last_len);
	if (gn_args_get_num(args, "ram_quota", &ram) != GN_OK)
		ram = 0;
	gn_log("request \"%s\" with ram_quota=%llu", label, (unsigned long long)ram);
	if (gn_str_eq_n(last, last_len, "deny"))
		return GN_ERR_DENIED;
	if (gn_str_eq_n(last, last_len, "need-32K") && ram < 32 * 1024)
		return GN_ERR_INSUFFICIENT_RAM;
	if (gn_str_eq_n(last, last_len, "die")) {
		gn_log("exiting with the request unanswered");
		gn_exit(test_env, 0);
	}
	return gn_ep_manage(test_env->ep, &session_object, &test_ping_iface, &ping_ops, cap);
}

static void upgrade(void *ctx, gn_cap_t session, uint64_t ram, uint64_t caps)
{
	(void)ctx;
	(void)session;
	gn_log("upgraded by %llu bytes and %llu caps", (unsigned long long)ram,
		(unsigned long long)caps);
}

static void close(void *ctx, gn_cap_t session)
{
	(void)ctx;
	gn_ep_dissolve(test_env->ep, session);
	gn_log("closed a session");
}

static gn_service_ops_t const ops = {create, upgrade, close};

void gn_component_construct(gn_env_t *env)
{
	gn_cap_t back;
	uint32_t id;

	test_env = env;
	TEST_OK(gn_service_announce(env, "Policy", &ops, NULL));
	/* no donation: the client checks its own quota while this request comes and goes */
	TEST_OK(gn_session(env, "Back", "ram_quota=0, cap_quota=0, label=\"\"", &back, &id));
	gn_log("got the client's Back session while serving its requests");
}
