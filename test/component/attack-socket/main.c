/* Sandbox attack: to create an internet socket. Expected: core reports the denied system call socket and kills us. */
#include "../include/attack.h"

void gn_component_construct(gn_env_t *env)
{
	gn_log("attempting to create an internet socket");
	attack_done(env, lx_syscall3(__NR_socket, 2, 1, 0));
}
