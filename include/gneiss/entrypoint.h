/*
 * The entrypoint: a thread's event loop serving RPC objects and signal contexts.
 *
 * An object managed by an entrypoint gets a capability other components may call. The entrypoint
 * validates every request against the object's interface (gn_rpc_validate) before its handler runs,
 * replies without ever blocking on a client, and closes the channel of a client that misbehaves.
 * A handler may defer its reply (gn_ep_defer) and answer later with gn_ep_reply.
 *
 * Dissolving an object revokes it: every holder's further call fails with REVOKED.
 */
#ifndef GNEISS_ENTRYPOINT_H
#define GNEISS_ENTRYPOINT_H

#include <gneiss/rpc.h>

typedef struct gn_ep gn_ep_t;

/* A signal handler: called in the entrypoint with the number of submits since the last call. */
typedef void (*gn_signal_fn_t)(void *ctx, uint64_t count);

typedef struct {
	gn_ep_t *ep;
	uint32_t channel;
	uint32_t gen;
} gn_rpc_token_t;

/* Creates an entrypoint for the calling thread. Errors: LIMIT (no free entrypoint), OUT_OF_CAPS. */
gn_err_t gn_ep_create(gn_ep_t **out) GN_MUST_CHECK;

/*
 * Ends an entrypoint no thread dispatches any more (e.g. before its thread returns): revokes every
 * object it still serves, stops its signal and descriptor watches and frees its slot. The
 * capabilities gn_ep_manage returned stay the caller's to drop.
 */
void gn_ep_destroy(gn_ep_t *ep);

/*
 * Serves obj with the interface's handlers ops (an iface-specific P_ops_t). Returns the object's
 * capability (one reference for the caller, who hands out copies). Errors: LIMIT, OUT_OF_CAPS.
 */
gn_err_t gn_ep_manage(gn_ep_t *ep, void *obj, gn_rpc_iface_t const *iface, void const *ops,
	gn_cap_t *cap) GN_MUST_CHECK;

/* Revokes the object behind cap (which the caller still has to drop) and forgets obj. */
void gn_ep_dissolve(gn_ep_t *ep, gn_cap_t cap);

/*
 * The object this entrypoint serves with interface iface whose capability cap is, or NULL (an
 * object of another interface, of another entrypoint, a returned cap): a server never mistakes
 * one kind of its objects for another.
 */
void *gn_ep_lookup(gn_ep_t *ep, gn_cap_t cap, gn_rpc_iface_t const *iface);

/*
 * Dispatches signals of the signal context sig (a capability from the PD session) to fn(ctx, count).
 * The entrypoint keeps its own reference to sig. Errors: LIMIT, INVALID_CAP.
 */
gn_err_t gn_ep_sigh(gn_ep_t *ep, gn_cap_t sig, gn_signal_fn_t fn, void *ctx) GN_MUST_CHECK;

/* Stops dispatching sig. */
void gn_ep_sigh_dissolve(gn_ep_t *ep, gn_cap_t sig);

/*
 * Waits up to timeout_ms (-1: forever) for events and dispatches them.
 * Returns GN_OK after dispatching, GN_ERR_TIMEOUT when nothing happened.
 */
gn_err_t gn_ep_dispatch(gn_ep_t *ep, int timeout_ms);

/*
 * Like gn_ep_dispatch, but dispatches signals only; RPC requests wait. For a thread that must block
 * without serving (e.g. inside a handler, or a client waiting for a session), yet must not stop the
 * component's signal-driven work. Returns GN_OK after dispatching, GN_ERR_TIMEOUT when none came.
 */
gn_err_t gn_ep_dispatch_signals(gn_ep_t *ep, int timeout_ms);

/*
 * Waits up to timeout_ms (-1: forever) until the signal context sig (not managed by any
 * entrypoint) is submitted, consuming its count. With ep, dispatches ep's signals meanwhile (ep must
 * be the calling thread's), but none once sig is there. Returns GN_OK when sig came,
 * GN_ERR_TIMEOUT otherwise.
 */
gn_err_t gn_ep_wait_signal(gn_ep_t *ep, gn_cap_t sig, int timeout_ms);

/* Dispatches forever. */
GN_NORETURN void gn_ep_run(gn_ep_t *ep);

/* Called in a handler that will return GN_RPC_DEFERRED: the token to answer with later. */
gn_rpc_token_t gn_ep_defer(gn_rpc_request_t *req);

/*
 * Sends the deferred reply of token: status, res (res_len bytes) and caps (references consumed).
 * A client that went away in between is no error.
 */
void gn_ep_reply(gn_rpc_token_t token, gn_err_t status, void const *res, size_t res_len,
	gn_cap_t const *caps, unsigned num_caps);

#endif
