/*
 * The root interface: how a server hands out sessions of the service it announced (DESIGN.md §3).
 *
 * A server creates a root object, announces it at its parent under a service name (gn_announce),
 * and the parent calls `session` with the routed argument string (label prefixed by every parent on
 * the way, quota donations included) whenever a client's request is routed there. `close` gets back
 * the session capability `session` returned; the server recognises it by identity (gn_ep_lookup),
 * never by a number the parent chose.
 */
#ifndef GNEISS_ROOT_H
#define GNEISS_ROOT_H

#include <gneiss/parent.h>
#include <gneiss/rpc.h>

typedef struct {
	char args[GN_SESSION_ARGS_MAX];
} gn_root_session_args_t;

#define GN_ROOT_RPCS(X, P)                                            \
	X(P, session, 1, gn_root_session_args_t, gn_rpc_void_t, 0, 1) \
	X(P, close, 2, gn_rpc_void_t, gn_rpc_void_t, 1, 0)

GN_RPC_CLIENT(gn_root, GN_ROOT_RPCS)

#endif
