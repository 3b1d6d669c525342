/*
 * The signal scenario: counting delivery, several handlers on one entrypoint, a stress run of
 * submits that coalesce, and signals submitted by another component (the rpc scenario's server).
 */
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/signal.h>

#include "test_check.h"
#include "test_rpc.h"

gn_env_t *test_env;

enum {
	HANDLERS = 3,
	STRESS = 100000
};

typedef struct {
	uint64_t total;
	uint64_t deliveries;
} handler_t;

static handler_t handlers[HANDLERS];

static void on_signal(void *ctx, uint64_t count)
{
	handler_t *h = ctx;

	h->total += count;
	h->deliveries++;
}

/* Dispatches until handler h has seen want signals; false when nothing arrives for 5 s. */
static bool await(handler_t *h, uint64_t want)
{
	while (h->total < want)
		if (gn_ep_dispatch(test_env->ep, 5000) == GN_ERR_TIMEOUT)
			return false;
	return h->total == want;
}

void gn_component_construct(gn_env_t *env)
{
	gn_rpc_void_t none = {0};
	gn_cap_t sig[HANDLERS], session;
	uint32_t id;

	test_env = env;
	for (unsigned i = 0; i < HANDLERS; i++) {
		TEST_OK(gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &sig[i]));
		TEST_OK(gn_ep_sigh(env->ep, sig[i], on_signal, &handlers[i]));
	}

	TEST_OK(gn_signal_submit(sig[0], 1));
	TEST_OK(gn_signal_submit(sig[0], 2));
	TEST_CHECK(await(&handlers[0], 3));
	TEST_CHECK(handlers[1].total == 0 && handlers[2].total == 0);
	gn_log("counting: 1 + 2 submits delivered as %llu in %llu deliveries",
		(unsigned long long)handlers[0].total, (unsigned long long)handlers[0].deliveries);

	for (unsigned i = 0; i < HANDLERS; i++)
		for (unsigned n = 0; n <= i; n++)
			TEST_OK(gn_signal_submit(sig[i], 10));
	TEST_CHECK(await(&handlers[1], 20) && await(&handlers[2], 30) && await(&handlers[0], 13));
	gn_log("handlers: each of %u contexts got exactly its own count", (unsigned)HANDLERS);

	uint64_t const before = handlers[1].deliveries;
	for (unsigned i = 0; i < STRESS; i++)
		TEST_OK(gn_signal_submit(sig[1], 1));
	TEST_CHECK(await(&handlers[1], 20 + STRESS));
	gn_log("stress: %u submits without a receiver running, all counted, in %llu deliveries",
		(unsigned)STRESS, (unsigned long long)(handlers[1].deliveries - before));

	TEST_OK(gn_session(env, "Test", "ram_quota=8K, cap_quota=3, label=\"\"", &session, &id));
	TEST_OK(test_rpc_session_notify(session, &(test_rpc_count_t){5000}, &none, &sig[2], NULL));
	TEST_CHECK(await(&handlers[2], 30 + 5000));
	gn_log("remote: 5000 signals from the server arrived");

	for (unsigned i = 0; i < HANDLERS; i++) {
		gn_ep_sigh_dissolve(env->ep, sig[i]);
		TEST_OK(gn_pd_session_free_signal(env->pd, &none, &none, &sig[i], NULL));
		gn_cap_drop(sig[i]);
	}
	gn_session_close(env, id, session);
	gn_exit(env, 0);
}
