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
	gn_cap_t session_sig; /* the parent signals answers to session requests (made on demand) */
} gn_env_t;

/* Implemented by each component. */
void gn_component_construct(gn_env_t *env);

/* Tells the parent the component exited with value, then ends every thread. */
GN_NORETURN void gn_exit(gn_env_t *env, int value);

/*
 * Opens a session at the parent: service name and argument string (the label in it is the
 * component's own part; parents prefix theirs). Waits until the server answered (dispatching the
 * entrypoint's signals meanwhile when called on the main thread) and returns the session capability.
 * A donation the server finds too small is doubled and retried while the account allows.
 * Errors: DENIED / UNROUTABLE from the parent, INSUFFICIENT_RAM/_CAPS, transport errors.
 */
gn_err_t gn_session(gn_env_t *env, char const *service, char const *args, gn_cap_t *cap,
	uint32_t *id) GN_MUST_CHECK;

/*
 * Makes sure the component's own account has ram bytes and caps available, asking the parent for
 * the rest and waiting (dispatching signals on the main thread) until it granted them.
 * Errors: DENIED when the parent can never grant them.
 */
gn_err_t gn_resource_request(gn_env_t *env, uint64_t ram, uint64_t caps) GN_MUST_CHECK;

/* Frees what it can of ram bytes and caps the parent wants back. */
typedef void (*gn_yield_fn_t)(void *ctx, uint64_t ram, uint64_t caps);

/*
 * Calls fn in the entrypoint whenever the parent asks for quota back; the library then tells the
 * parent it may take what is free.
 */
gn_err_t gn_yield_handler(gn_env_t *env, gn_yield_fn_t fn, void *ctx) GN_MUST_CHECK;

/* Donates ram bytes and caps more to the open session id. Errors: INSUFFICIENT_RAM/_CAPS. */
gn_err_t gn_session_upgrade(gn_env_t *env, uint32_t id, uint64_t ram, uint64_t caps) GN_MUST_CHECK;

/*
 * Answers the parent's heartbeats from the entrypoint from now on (the platform calls it before
 * gn_component_construct): a component whose entrypoint hangs stops answering, and its parent
 * notices.
 */
gn_err_t gn_env_heartbeat(gn_env_t *env) GN_MUST_CHECK;

/* Closes a session opened with gn_session (drops cap); returns once the donation is back. */
void gn_session_close(gn_env_t *env, uint32_t id, gn_cap_t cap);

#endif
