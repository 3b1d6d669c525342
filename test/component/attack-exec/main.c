/* Sandbox attack: to execute a program. Expected: core reports the denied system call execve and kills us. */
#include "../include/attack.h"

void gn_component_construct(gn_env_t *env)
{
	gn_log("attempting to execute a program");
	attack_done(env, lx_syscall3(__NR_execve, "/bin/sh", 0, 0));
}
