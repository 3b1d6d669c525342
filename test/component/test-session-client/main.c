/*
 * The session scenario's client: provides "Back" to its server while it opens "Policy" sessions
 * there, and checks every outcome of the asynchronous protocol with its own quota as the witness.
 */
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gneiss/pd_session.h>
#include <gneiss/service.h>

#include "test_check.h"
#include "test_ping.h"
#include <gneiss/fmt.h>

gn_env_t *test_env;

static int back_object;
static bool back_created;
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

static gn_err_t create_back(void *ctx, char const *args, gn_cap_t *cap)
{
	(void)ctx;
	(void)args;
	back_created = true;
	return gn_ep_manage(test_env->ep, &back_object, &test_ping_iface, &ping_ops, cap);
}

static void close_back(void *ctx, gn_cap_t cap)
{
	(void)ctx;
	gn_ep_dissolve(test_env->ep, cap);
}

static gn_service_ops_t const back_ops = {create_back, NULL, close_back};

static gn_pd_quota_res_t quota(void)
{
	gn_pd_quota_res_t q;
	gn_rpc_void_t none = {0};

	TEST_OK(gn_pd_session_quota(test_env->pd, &none, &q, NULL, NULL));
	return q;
}

static gn_err_t policy(char const *label, uint64_t ram, gn_cap_t *cap, uint32_t *id)
{
	char args[GN_SESSION_ARGS_MAX];

	TEST_OK(gn_fmt(args, sizeof(args), NULL, "ram_quota=%llu, cap_quota=1, label=\"%s\"",
		(unsigned long long)ram, label));
	return gn_session(test_env, "Policy", args, cap, id);
}

void gn_component_construct(gn_env_t *env)
{
	gn_cap_t cap;
	uint32_t id;

	test_env = env;
	TEST_OK(gn_service_announce(env, "Back", &back_ops, NULL));

	/* no call on the session here: the server answers calls only once it has our Back session */
	TEST_OK(policy("plain", 8192, &cap, &id));
	TEST_CHECK(gn_cap_kind(cap) == GN_CAP_KIND_OBJECT);
	gn_log("plain: created while the server waited for our Back session");
	gn_pd_quota_res_t const open = quota();
	TEST_OK(gn_session_upgrade(env, id, 4096, 1));
	gn_pd_quota_res_t const up = quota();
	TEST_CHECK(up.ram_quota == open.ram_quota - 4096 && up.cap_quota == open.cap_quota - 1);
	gn_session_close(env, id, cap);
	gn_pd_quota_res_t const closed = quota();
	TEST_CHECK(closed.ram_quota == open.ram_quota + 8192 &&
		   closed.cap_quota == open.cap_quota + 1);
	gn_log("plain: upgrade and close moved the donation exactly");

	gn_pd_quota_res_t const before = quota();
	TEST_EXPECT(policy("deny", 8192, &cap, &id), GN_ERR_DENIED);
	TEST_CHECK(quota().ram_quota == before.ram_quota);
	gn_log("deny: refused, the donation came back");

	TEST_OK(policy("need-32K", 8192, &cap, &id));
	gn_session_close(env, id, cap);
	TEST_CHECK(quota().ram_quota == before.ram_quota);
	gn_log("need-32K: the library raised the donation until the server accepted");

	/* the server's Back request is answered whenever this thread waits; make sure it did */
	while (!back_created)
		TEST_OK(gn_ep_dispatch_signals(env->ep, 5000));
	TEST_EXPECT(policy("die", 8192, &cap, &id), GN_ERR_DENIED);
	gn_log("die: the server exited with our request pending, init refused it");
	gn_exit(env, 0);
}
