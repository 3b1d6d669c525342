/* Sandbox attack: to open a host file. Expected: core reports the denied system call openat and kills us. */
#include "../include/attack.h"

void gn_component_construct(gn_env_t *env)
{
	gn_log("attempting to open a host file");
	attack_done(env, lx_syscall4(__NR_openat, -100, "/etc/passwd", 0, 0));
}
