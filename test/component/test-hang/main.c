/* A child that hangs: its entrypoint never runs, so it answers no heartbeat. */
#include <gneiss/env.h>
#include <gneiss/lock.h>
#include <gneiss/log.h>

void gn_component_construct(gn_env_t *env)
{
	static gn_semaphore_t never;

	(void)env;
	gn_log("started, now hanging");
	gn_semaphore_down(&never);
}
