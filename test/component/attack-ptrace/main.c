/* Sandbox attack: to ptrace. Expected: core reports the denied system call ptrace and kills us. */
#include "../include/attack.h"

void gn_component_construct(gn_env_t *env)
{
	gn_log("attempting to ptrace");
	attack_done(env, lx_syscall4(__NR_ptrace, 0, 0, 0, 0));
}
