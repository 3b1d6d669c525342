/*
 * The parent interface: the only capability a component starts with (DESIGN.md §3).
 *
 * Sessions are created asynchronously, and no parent ever blocks on a child:
 * - a client picks an id and calls `session(id, service, args)` (`ram_quota=8K, cap_quota=4,
 *   label="x"`); the parent prefixes the label with the child's name, routes the request and moves
 *   the donation towards the server; the call returns at once (or fails at once: UNROUTABLE,
 *   INSUFFICIENT_RAM/_CAPS from the client's own account, INVALID_ARG, LIMIT);
 * - a server child learns of requests from its `session_requests` ROM (an XML document in a
 *   dataspace the parent rewrites, signalled on change; format below) and answers each with
 *   `deliver_session_cap(id, cap)` or `session_response(id, result)`;
 * - the client is signalled (its `session_sigh`) and fetches the capability with `session_cap(id)`,
 *   which answers AGAIN while the request is pending and the final refusal once refused;
 * - `upgrade` moves more quota the same way, `close` returns the donation along the same path.
 * The environment sessions (PD, CPU, LOG) exist before the component runs.
 *
 * The session_requests ROM: the dataspace starts with a gn_session_requests_hdr_t (a sequence
 * number, odd while the parent writes, and the document's length), then the document:
 *   <session_requests>
 *     <create id="7" service="Test"> <args>ram_quota=8K, label="client -> x"</args> </create>
 *     <upgrade id="7" ram_quota="4096" cap_quota="1"/>
 *     <close id="7"/>
 *   </session_requests>
 * Ids there are the parent's, one space per parent. A request stays in the document until the
 * server answered it (create: deliver or refuse; upgrade: UPGRADED; close: CLOSED).
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
	GN_SESSION_REQUESTS_SIZE = 16384,
};

typedef struct {
	uint64_t seq; /* odd while the parent rewrites the document */
	uint64_t len; /* bytes of the document that follows */
} gn_session_requests_hdr_t;

/* interface-specific statuses */
#define GN_ERR_INSUFFICIENT_RAM ((gn_err_t)(GN_ERR_INTERFACE_BASE + 0))
#define GN_ERR_INSUFFICIENT_CAPS ((gn_err_t)(GN_ERR_INTERFACE_BASE + 1))
#define GN_ERR_UNROUTABLE ((gn_err_t)(GN_ERR_INTERFACE_BASE + 2))

/* What a server answers to a request of its session_requests ROM (besides delivering a cap). */
typedef enum {
	GN_SESSION_DENIED = 1,
	GN_SESSION_INSUFFICIENT_RAM = 2,
	GN_SESSION_INSUFFICIENT_CAPS = 3,
	GN_SESSION_CLOSED = 4,
	GN_SESSION_UPGRADED = 5,
} gn_session_response_t;

typedef struct {
	uint32_t id;
	char service[GN_SERVICE_NAME_MAX];
	char args[GN_SESSION_ARGS_MAX];
} gn_parent_session_args_t;

typedef struct {
	uint32_t id;
} gn_parent_id_args_t;

typedef struct {
	uint32_t id;
	char args[GN_SESSION_ARGS_MAX]; /* ram_quota, cap_quota */
} gn_parent_upgrade_args_t;

typedef struct {
	uint32_t id;
	uint32_t response; /* gn_session_response_t */
} gn_parent_response_args_t;

typedef struct {
	int32_t value;
} gn_parent_exit_args_t;

typedef struct {
	char service[GN_SERVICE_NAME_MAX];
} gn_parent_announce_args_t;

typedef struct {
	uint64_t ram, caps; /* wanted beyond what the account has */
	/*
	 * resource_request: the account's quota the request was measured against. A parent that has
	 * raised the quota since answers AGAIN, and the child measures anew.
	 */
	uint64_t ram_quota, cap_quota;
} gn_parent_resource_args_t;

/*
 * session_sigh: the signal context the parent submits whenever one of the caller's session requests
 * was answered. heartbeat_sigh / heartbeat_response: the parent submits the signal now and then,
 * and a component whose entrypoint still runs answers (the library does both at start), so a
 * parent can tell a hung child. resource_request: asks for more quota; OK when granted at once,
 * AGAIN when recorded (the parent submits the session signal once it granted more), DENIED when it
 * can never be granted. yield_sigh / yield_request / yield_response: the parent submits the
 * signal when it wants quota back; the child asks how much, frees what it can and responds, and
 * the parent takes back what is free then. session_requests: takes the signal context for changes of the caller's
 * session_requests ROM and returns its dataspace (read-only for the server).
 */
#define GN_PARENT_RPCS(X, P)                                                       \
	X(P, session, 1, gn_parent_session_args_t, gn_rpc_void_t, 0, 0)            \
	X(P, session_cap, 2, gn_parent_id_args_t, gn_rpc_void_t, 0, 1)             \
	X(P, close, 3, gn_parent_id_args_t, gn_rpc_void_t, 0, 0)                   \
	X(P, exit, 4, gn_parent_exit_args_t, gn_rpc_void_t, 0, 0)                  \
	X(P, announce, 5, gn_parent_announce_args_t, gn_rpc_void_t, 0, 0)          \
	X(P, session_sigh, 6, gn_rpc_void_t, gn_rpc_void_t, 1, 0)                  \
	X(P, upgrade, 7, gn_parent_upgrade_args_t, gn_rpc_void_t, 0, 0)            \
	X(P, session_requests, 8, gn_rpc_void_t, gn_rpc_void_t, 1, 1)              \
	X(P, deliver_session_cap, 9, gn_parent_id_args_t, gn_rpc_void_t, 1, 0)     \
	X(P, session_response, 10, gn_parent_response_args_t, gn_rpc_void_t, 0, 0) \
	X(P, heartbeat_sigh, 11, gn_rpc_void_t, gn_rpc_void_t, 1, 0)               \
	X(P, heartbeat_response, 12, gn_rpc_void_t, gn_rpc_void_t, 0, 0)           \
	X(P, resource_request, 13, gn_parent_resource_args_t, gn_rpc_void_t, 0, 0) \
	X(P, yield_sigh, 14, gn_rpc_void_t, gn_rpc_void_t, 1, 0)                   \
	X(P, yield_request, 15, gn_rpc_void_t, gn_parent_resource_args_t, 0, 0)    \
	X(P, yield_response, 16, gn_rpc_void_t, gn_rpc_void_t, 0, 0)

GN_RPC_CLIENT(gn_parent, GN_PARENT_RPCS)

#endif
