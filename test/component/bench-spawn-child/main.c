/* The child of the spawn benchmark: its first RPC, the exit, is what bench-spawn times. */
#include <gneiss/env.h>

void gn_component_construct(gn_env_t *env)
{
	gn_exit(env, 0);
}
