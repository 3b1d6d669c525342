/*
 * Startup of a component on linux. Core executed the binary with exactly four descriptors:
 * 0 parent, 1 PD session, 2 CPU session, 3 LOG session. They become the first capabilities; the main
 * thread gets its TLS, an entrypoint, and calls the component's construct function, then serves.
 */
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gn_platform.h>
#include <lx.h>
#include <lx_cap.h>
#include <lx_start.h>
#include <lx_tls.h>

static gn_env_t env;

void lx_start(void *initial_sp)
{
	gn_cap_t *const caps[] = {&env.parent, &env.pd, &env.cpu, &env.log};

	(void)initial_sp;
	if (lx_main_thread_init() != GN_OK || lx_ds_access_init() != GN_OK)
		lx_exit_group(125);
	for (int fd = 0; fd < 4; fd++)
		if (lx_cap_insert(fd, caps[fd]) != GN_OK)
			lx_exit_group(126);
	if (gn_ep_create(&env.ep) != GN_OK)
		lx_exit_group(127);
	env.next_session_id = GN_PARENT_FIRST_ID;
	gn_log_init(env.log);
	lx_tls_t *self = lx_tls();
	if (gn_trace_main_thread(&env, &self->trace_state, self->tid) == GN_OK)
		self->trace = &self->trace_state;
	gn_err_t const err = gn_env_heartbeat(&env);
	if (err != GN_OK)
		gn_warning("cannot answer heartbeats: %s", gn_err_name(err));
	gn_component_construct(&env);
	gn_ep_run(env.ep);
}
