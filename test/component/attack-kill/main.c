/* Sandbox attack: to kill another process. Expected: core reports the denied system call kill and kills us. */
#include "../include/attack.h"

void gn_component_construct(gn_env_t *env)
{
	gn_log("attempting to kill another process");
	attack_done(env, lx_syscall2(__NR_kill, 1, 9));
}
