/*
 * The resource_yield scenario's child: holds most of its quota in 1 MiB dataspaces and, whenever
 * its parent asks it to yield, frees as many of them as cover the amount asked.
 */
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>

#include "test_check.h"

enum {
	MIB = 1024 * 1024,
	MAX_DS = 64
};

gn_env_t *test_env;
static gn_cap_t held[MAX_DS];
static unsigned num_held;

static void yield(void *ctx, uint64_t ram, uint64_t caps)
{
	gn_rpc_void_t none = {0};
	unsigned freed = 0;

	(void)ctx;
	(void)caps;
	for (uint64_t given = 0; given < ram && num_held; given += MIB, freed++) {
		gn_cap_t ds = held[--num_held];
		TEST_OK(gn_pd_session_free_ram(test_env->pd, &none, &none, &ds, NULL));
		gn_cap_drop(ds);
	}
	gn_log("asked to yield %llu bytes: freed %u MiB, %u MiB held", (unsigned long long)ram,
		freed, num_held);
}

void gn_component_construct(gn_env_t *env)
{
	gn_pd_alloc_ram_res_t res;
	gn_pd_quota_res_t q;
	gn_rpc_void_t none = {0};

	test_env = env;
	TEST_OK(gn_yield_handler(env, yield, NULL));
	for (;;) {
		TEST_OK(gn_pd_session_quota(env->pd, &none, &q, NULL, NULL));
		if (q.ram_quota - q.ram_used < 2 * MIB || num_held == MAX_DS)
			break;
		TEST_OK(gn_pd_session_alloc_ram(
			env->pd, &(gn_pd_alloc_ram_args_t){MIB}, &res, NULL, &held[num_held]));
		num_held++;
	}
	gn_log("holding %u MiB", num_held);
}
