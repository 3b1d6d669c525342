/*
 * The timed_semaphore scenario: a semaphore down with a timeout that runs out, one that another
 * thread's up ends early, and one that finds a count at once. Times are only checked from below
 * (the machine may be slow, never fast).
 */
#include <gneiss/env.h>
#include <gneiss/lock.h>
#include <gneiss/log.h>
#include <gneiss/thread.h>
#include <gneiss/time.h>

#include "test_check.h"

gn_env_t *test_env;
static gn_semaphore_t sem, never;

static void upper(void *arg)
{
	(void)arg;
	TEST_CHECK(!gn_semaphore_down_timeout(&never, 50 * 1000)); /* sleeps 50 ms */
	gn_semaphore_up(&sem);
}

void gn_component_construct(gn_env_t *env)
{
	gn_thread_t thread;

	test_env = env;
	gn_semaphore_init(&sem, 0);
	gn_semaphore_init(&never, 0);

	uint64_t t0 = gn_time_now_us();
	TEST_CHECK(!gn_semaphore_down_timeout(&sem, 100 * 1000));
	uint64_t const waited = gn_time_now_us() - t0;
	TEST_CHECK(waited >= 100 * 1000);
	gn_log("timeout: down gave up after %llu ms without a count",
		(unsigned long long)(waited / 1000));

	TEST_OK(gn_thread_create(env, "upper", 0, upper, NULL, &thread));
	t0 = gn_time_now_us();
	TEST_CHECK(gn_semaphore_down_timeout(&sem, 10 * 1000 * 1000));
	uint64_t const woken = gn_time_now_us() - t0;
	TEST_OK(gn_thread_join(&thread));
	TEST_CHECK(woken >= 50 * 1000 && woken < 10 * 1000 * 1000);
	gn_log("up: another thread's up ended a 10 s down after about 50 ms");

	gn_semaphore_up(&sem);
	TEST_CHECK(gn_semaphore_down_timeout(&sem, 0));
	TEST_CHECK(!gn_semaphore_down_timeout(&sem, 0));
	gn_log("count: a count is taken at once, none is refused at once");
	gn_exit(env, 0);
}
