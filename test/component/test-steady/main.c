/*
 * The exhaust_server scenario's well-behaved client: opens its Timer session at once, then keeps
 * sleeping while a hog takes every other session of the server and loads it.
 */
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/time.h>
#include <gneiss/timer_session.h>

#include "test_check.h"

gn_env_t *test_env;

void gn_component_construct(gn_env_t *env)
{
	gn_timer_t timer;

	test_env = env;
	TEST_OK(gn_timer_open(env, "steady", &timer));
	gn_log("session open");
	for (unsigned i = 0; i < 20; i++) {
		uint64_t const t0 = gn_time_now_us();
		TEST_OK(gn_timer_sleep_ms(&timer, 50));
		TEST_CHECK(gn_time_now_us() - t0 >= 50 * 1000);
	}
	gn_log("20 sleeps of 50 ms served while the hog held every other session");
	gn_timer_close(&timer);
	gn_exit(env, 0);
}
