/*
 * The affinity scenario's witness: logs the size of its CPU session's affinity space and the host
 * CPU core gives a thread created on the last CPU of that space, then exits.
 */
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/thread.h>

#include "test_check.h"

gn_env_t *test_env;

static void nothing(void *arg)
{
	(void)arg;
}

void gn_component_construct(gn_env_t *env)
{
	uint32_t count = 0;
	gn_thread_t t;

	test_env = env;
	TEST_OK(gn_thread_affinity_space(env, &count));
	TEST_CHECK(count >= 1);
	TEST_OK(gn_thread_create_on(env, "last", 0, count - 1, nothing, NULL, &t));
	uint32_t const cpu = t.cpu;
	TEST_OK(gn_thread_join(&t));
	TEST_EXPECT(gn_thread_create_on(env, "beyond", 0, count, nothing, NULL, &t),
		GN_ERR_INVALID_ARG);
	gn_log("affinity space of %u CPUs, its last is host CPU %u", count, cpu);
	gn_exit(env, 0);
}
