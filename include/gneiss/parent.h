/*
 * The parent interface: the only capability a component starts with (DESIGN.md §3).
 *
 * A component asks its parent for sessions by service name and argument string
 * (`ram_quota=8K, cap_quota=4, label="x"`); the parent prefixes the label with the child's name,
 * routes the request by its policy and delivers the session capability. The environment sessions
 * (PD, CPU, LOG) exist before the component runs.
 */
#ifndef GNEISS_PARENT_H
#define GNEISS_PARENT_H

#include <gneiss/rpc.h>

enum {
	GN_SERVICE_NAME_MAX = 32,
	GN_SESSION_ARGS_MAX = 160,
	GN_PARENT_ENV_PD = 1,
	GN_PARENT_ENV_CPU = 2,
	GN_PARENT_ENV_LOG = 3,
	GN_PARENT_FIRST_ID = 16, /* ids below are the parent's */
};

/* interface-specific statuses */
#define GN_ERR_INSUFFICIENT_RAM ((gn_err_t)(GN_ERR_INTERFACE_BASE + 0))
#define GN_ERR_INSUFFICIENT_CAPS ((gn_err_t)(GN_ERR_INTERFACE_BASE + 1))
#define GN_ERR_UNROUTABLE ((gn_err_t)(GN_ERR_INTERFACE_BASE + 2))

typedef struct {
	uint32_t id;
	char service[GN_SERVICE_NAME_MAX];
	char args[GN_SESSION_ARGS_MAX];
} gn_parent_session_args_t;

typedef struct {
	uint32_t id;
} gn_parent_id_args_t;

typedef struct {
	int32_t value;
} gn_parent_exit_args_t;

typedef struct {
	char service[GN_SERVICE_NAME_MAX];
} gn_parent_announce_args_t;

#define GN_PARENT_RPCS(X, P)                                            \
	X(P, session, 1, gn_parent_session_args_t, gn_rpc_void_t, 0, 0) \
	X(P, session_cap, 2, gn_parent_id_args_t, gn_rpc_void_t, 0, 1)  \
	X(P, close, 3, gn_parent_id_args_t, gn_rpc_void_t, 0, 0)        \
	X(P, exit, 4, gn_parent_exit_args_t, gn_rpc_void_t, 0, 0)       \
	X(P, announce, 5, gn_parent_announce_args_t, gn_rpc_void_t, 1, 0)

GN_RPC_CLIENT(gn_parent, GN_PARENT_RPCS)

#endif
