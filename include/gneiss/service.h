/*
 * Providing a service: the server side of the asynchronous session protocol (DESIGN.md §3).
 *
 * A server announces each service it provides with its create/upgrade/close callbacks. The library
 * fetches the component's session_requests ROM from the parent once, and whenever the parent
 * signals a change it answers every new request: `create` gets the routed argument string (label
 * prefixed by every parent on the way, the donation included) and returns the session capability,
 * which the library delivers, or an error, which it reports (DENIED, or INSUFFICIENT_RAM/_CAPS when
 * the donation does not cover the session). `close` gets the capability back. All callbacks run in
 * the entrypoint of the component's main thread, from a signal, never from an RPC.
 */
#ifndef GNEISS_SERVICE_H
#define GNEISS_SERVICE_H

#include <gneiss/env.h>
#include <gneiss/parent.h>

enum {
	GN_SERVICES_MAX = 8,          /* services one component may announce */
	GN_SERVICE_SESSIONS_MAX = 64, /* sessions one component may serve at once */
};

typedef struct {
	/* A new session for args; *cap gets one reference the library gives to the client. */
	gn_err_t (*create)(void *ctx, char const *args, gn_cap_t *cap);
	/* More quota arrived for the session (optional). */
	void (*upgrade)(void *ctx, gn_cap_t session, uint64_t ram, uint64_t caps);
	/* The session ends; the library drops its own reference afterwards. */
	void (*close)(void *ctx, gn_cap_t session);
} gn_service_ops_t;

/*
 * Announces service at the parent, served by ops with ctx. Errors: INVALID_ARG (empty or long
 * name), LIMIT (GN_SERVICES_MAX), EXISTS, DENIED (the parent does not let this child provide it),
 * and the errors of fetching the session_requests ROM.
 */
gn_err_t gn_service_announce(
	gn_env_t *env, char const *service, gn_service_ops_t const *ops, void *ctx) GN_MUST_CHECK;

/* Answers the parent's session request id (gn_service_announce does this itself). */
void gn_session_respond(gn_env_t *env, uint32_t id, gn_session_response_t response);
/* The response that tells the parent a session could not be created for err. */
gn_session_response_t gn_session_response_of(gn_err_t err);

/*
 * Asks the parent for the component's session_requests ROM (its layout: gneiss/parent.h; reading
 * it: gneiss/session_requests.h) and attaches it into *rom of *size bytes; the entrypoint calls
 * changed(ctx) at every change. gn_service_announce does this itself; init, which answers its
 * parent's requests on behalf of its children, calls it directly.
 */
gn_err_t gn_session_requests_fetch(gn_env_t *env, gn_signal_fn_t changed, void *ctx,
	gn_session_requests_hdr_t const volatile **rom, size_t *size) GN_MUST_CHECK;

#endif
