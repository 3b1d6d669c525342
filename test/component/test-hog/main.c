/*
 * The exhaust_server scenario's hog: after a pause, opens Timer sessions until the server refuses
 * (each paid from its own donation), then keeps all of them firing at the shortest period.
 */
#include <gneiss/env.h>
#include <gneiss/fmt.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/timer_session.h>

#include "test_check.h"

enum {
	MAX = 64,
	HOG_PERIOD_US = 1000, /* busy, but not so busy that the machine's two cores drown */
};

gn_env_t *test_env;
static gn_timer_t timers[MAX];

static void ignore(void *ctx, uint64_t count)
{
	(void)ctx;
	(void)count;
}

void gn_component_construct(gn_env_t *env)
{
	gn_rpc_void_t none = {0};
	gn_cap_t sig;
	unsigned n = 1;
	gn_err_t err = GN_OK;

	test_env = env;
	TEST_OK(gn_timer_open(env, "hog 0", &timers[0]));
	TEST_OK(gn_timer_sleep_ms(&timers[0], 200)); /* let the steady client in first */
	TEST_OK(gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &sig));
	TEST_OK(gn_ep_sigh(env->ep, sig, ignore, NULL));
	for (; n < MAX; n++) {
		char label[16];
		TEST_OK(gn_fmt(label, sizeof(label), NULL, "hog %u", n));
		err = gn_timer_open(env, label, &timers[n]);
		if (err != GN_OK)
			break;
	}
	for (unsigned i = 0; i < n; i++) {
		TEST_OK(gn_timer_session_sigh(timers[i].session.cap, &none, &none, &sig, NULL));
		TEST_OK(gn_timer_session_trigger_periodic(timers[i].session.cap,
			&(gn_timer_us_args_t){HOG_PERIOD_US}, &none, NULL, NULL));
	}
	gn_log("holding %u sessions firing every %u us; the next one was refused: %s", n,
		(unsigned)HOG_PERIOD_US, gn_err_name(err));
}
