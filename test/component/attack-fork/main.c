/* Sandbox attack: to fork. Expected: core reports the denied system call fork and kills us. */
#include "../include/attack.h"

void gn_component_construct(gn_env_t *env)
{
	gn_log("attempting to fork");
	attack_done(env, lx_syscall0(__NR_fork));
}
