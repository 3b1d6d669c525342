/*
 * The resource_request scenario's child: exhausts its quota by allocating, by opening a session
 * and by upgrading it, and is served each time by asking its parent for more (init grants up to
 * the start node's ram_limit); a request beyond the limit is refused.
 */
#include <gneiss/env.h>
#include <gneiss/fmt.h>
#include <gneiss/parent.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>

#include "test_check.h"

gn_env_t *test_env;

static uint64_t avail(void)
{
	gn_pd_quota_res_t q;
	gn_rpc_void_t none = {0};

	TEST_OK(gn_pd_session_quota(test_env->pd, &none, &q, NULL, NULL));
	return q.ram_quota - q.ram_used;
}

void gn_component_construct(gn_env_t *env)
{
	gn_pd_alloc_ram_res_t res;
	gn_rpc_void_t none = {0};
	gn_cap_t ds, session;
	uint32_t id;
	char args[GN_SESSION_ARGS_MAX];

	test_env = env;
	uint64_t const size = avail() + 512 * 1024;
	TEST_EXPECT(
		gn_pd_session_alloc_ram(env->pd, &(gn_pd_alloc_ram_args_t){size}, &res, NULL, &ds),
		GN_ERR_OUT_OF_RAM);
	TEST_OK(gn_resource_request(env, size, 0));
	TEST_OK(gn_pd_session_alloc_ram(env->pd, &(gn_pd_alloc_ram_args_t){size}, &res, NULL, &ds));
	gn_log("allocating: %llu bytes did not fit, the parent granted them",
		(unsigned long long)size);

	uint64_t const donation = avail() + 256 * 1024;
	TEST_OK(gn_fmt(args, sizeof(args), NULL, "ram_quota=%llu, cap_quota=3, label=\"\"",
		(unsigned long long)donation));
	TEST_OK(gn_session(env, "Test", args, &session, &id));
	gn_log("session: a donation beyond the account was paid after a request");

	TEST_OK(gn_session_upgrade(env, id, avail() + 128 * 1024, 0));
	gn_log("upgrade: beyond the account, paid after a request");

	TEST_EXPECT(gn_resource_request(env, avail() + 64 * 1024 * 1024, 0), GN_ERR_DENIED);
	TEST_EXPECT(gn_resource_request(env, UINT64_MAX, 0), GN_ERR_DENIED); /* must not wrap */
	gn_log("limit: a request beyond ram_limit is refused");
	gn_session_close(env, id, session);
	TEST_OK(gn_pd_session_free_ram(env->pd, &none, &none, &ds, NULL));
	gn_exit(env, 0);
}
