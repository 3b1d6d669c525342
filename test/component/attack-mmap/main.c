/* Sandbox attack: to map anonymous memory. Expected: core reports the denied system call mmap and kills us. */
#include "../include/attack.h"

void gn_component_construct(gn_env_t *env)
{
	gn_log("attempting to map anonymous memory");
	attack_done(env, lx_syscall6(__NR_mmap, 0, 4096, 3, 0x22, -1, 0));
}
