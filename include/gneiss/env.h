/*
 * A component's environment: the parent capability, the environment sessions its parent opened
 * before it ran (PD, CPU, LOG), and the entrypoint of its main thread.
 *
 * A component implements gn_component_construct(); afterwards its main thread serves the
 * entrypoint forever (until gn_exit).
 */
#ifndef GNEISS_ENV_H
#define GNEISS_ENV_H

#include <gneiss/entrypoint.h>

typedef struct gn_env {
	gn_cap_t parent;
	gn_cap_t pd;
	gn_cap_t cpu;
	gn_cap_t log;
	gn_ep_t *ep;
	uint32_t next_session_id;
} gn_env_t;

/* Implemented by each component. */
void gn_component_construct(gn_env_t *env);

/* Tells the parent the component exited with value, then ends every thread. */
GN_NORETURN void gn_exit(gn_env_t *env, int value);

/*
 * Opens a session at the parent: service name and argument string (the label in it is the
 * component's own part; parents prefix theirs). Returns the session capability.
 * Errors: DENIED / UNROUTABLE from the parent, INSUFFICIENT_RAM/_CAPS, transport errors.
 */
gn_err_t gn_session(gn_env_t *env, char const *service, char const *args, gn_cap_t *cap,
	uint32_t *id) GN_MUST_CHECK;

/*
 * Announces that this component provides service, served by the root object root (a gn_root
 * capability; the parent keeps its own reference). Errors: INVALID_ARG (bad name), LIMIT, DENIED.
 */
gn_err_t gn_announce(gn_env_t *env, char const *service, gn_cap_t root) GN_MUST_CHECK;

/* Closes a session opened with gn_session (drops cap). */
void gn_session_close(gn_env_t *env, uint32_t id, gn_cap_t cap);

#endif
