/*
 * Hostile system calls for the sandbox scenario. Each attacker component makes exactly one raw call
 * that its sandbox must deny; core must then report that call by name and kill the component. The
 * calls are made with the raw instruction, as a hostile binary would, bypassing the library.
 */
#ifndef TEST_ATTACK_H
#define TEST_ATTACK_H

#include <asm/unistd.h>
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <lx_syscall.h>

static inline void attack_done(gn_env_t *env, long ret)
{
	/* reached only if the sandbox let the call through: a test failure the log makes visible */
	gn_error("attack was not stopped (returned %ld)", ret);
	gn_exit(env, 1);
}

#endif
