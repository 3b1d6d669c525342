/*
 * A child of the init-at-scale benchmark (tool/bench/run generates the scenarios): its first RPC
 * is the LOG write of the time it started, and then it stays, so that all of them live at once
 * while the driver reads core's and init's memory from /proc.
 *
 * The line is written through the LOG session directly rather than with gn_log, which drops a line
 * it could not write: a child whose first RPC fails exits with 100 + the error instead, which its
 * parent reports, so the driver can tell a refused RPC from a child that never ran.
 */
#include <gneiss/env.h>
#include <gneiss/fmt.h>
#include <gneiss/log_session.h>
#include <gneiss/time.h>

enum {
	EXIT_LOG_FAILED = 100
};

void gn_component_construct(gn_env_t *env)
{
	gn_log_write_args_t args;
	gn_rpc_void_t res;

	gn_ignore(gn_fmt(args.text, sizeof(args.text), NULL, "bench: started t=%llu",
		(unsigned long long)gn_time_now_ns()));
	gn_err_t const err = gn_log_session_write(env->log, &args, &res, NULL, NULL);
	if (err != GN_OK)
		gn_exit(env, EXIT_LOG_FAILED + (int)err);
}
