/*
 * The parent side of the asynchronous session protocol (DESIGN.md §3) as a pure state machine.
 *
 * One gn_session_fsm_t holds every session request a parent brokers between its children (the
 * clients) and the servers: a sibling child, or the parent's own parent ("upstream"). It does no
 * I/O and no allocation: the caller gives it the storage for a fixed number of session records and
 * children, feeds it events (its children's parent RPCs, routing decisions, answers of its own
 * parent, deaths) and performs the actions it asks for (quota transfers, calls to the own parent,
 * ROM updates, signals). The transition table and its invariants are documented at the top of
 * lib/base/session_fsm.c.
 *
 * Parties and accounts. A child is its index in the caller's child table (0 .. num_children-1),
 * registered with gn_session_fsm_child_add(). GN_SESSION_SELF is the parent's own quota account,
 * GN_SESSION_UPSTREAM the parent's parent in the role of a server. Quota only ever moves between a
 * child and SELF; the parent's parent takes and returns its share itself (with the forwarded
 * session, upgrade and close calls).
 *
 * Ids. A client names its sessions with ids of its own choosing (from cfg.first_client_id up,
 * unique per client while the record exists). The machine names each routed session towards its
 * server with an id it allocates (from cfg.first_server_id up, unique across the machine), so a
 * server can only address the sessions routed to it. For upstream sessions that id is the
 * parent's own client id at its parent: keep the parent's other ids below cfg.first_server_id.
 *
 * Driving it. Every event function first refuses with GN_ERR_AGAIN (changing nothing) while
 * actions are pending, so after each event the caller drains the machine,
 *
 *	gn_session_action_t a;
 *	while (gn_session_fsm_next(fsm, &a))
 *		gn_ignore(gn_session_fsm_done(fsm, perform(&a)));
 *
 * where perform() returns GN_OK or why a transfer or upstream call failed (ignored for the other
 * kinds). Each action is acknowledged with gn_session_fsm_done() before the next is handed out;
 * gn_session_fsm_next() repeats an unacknowledged one. Queries (lookup, get, gen_requests, check)
 * are allowed at any time.
 *
 * The parent's parent as a server. UPSTREAM_CREATE / _UPGRADE / _CLOSE ask the caller to make
 * the call at its own parent and to report whether the call was accepted (done). Its outcome is
 * reported later, exactly as a child server's: gn_session_fsm_deliver(GN_SESSION_UPSTREAM, id)
 * once session_cap(id) at the own parent yields the capability, gn_session_fsm_response() with its
 * refusal, GN_SESSION_UPGRADED when the upgrade is done, GN_SESSION_CLOSED when close(id) no
 * longer answers AGAIN. A parent that answers at once is simply asked right after the drain.
 *
 * Quota. A session request donates ram_quota and cap_quota (its args). The parent charges the
 * whole donation to the client first, keeps cfg.keep of it for its bookkeeping while the record
 * exists, and forwards the rest to the server (the args the server sees say so). Upgrades are
 * forwarded whole. Every failed step is undone or accounted: the stats satisfy
 *   donated == sum over records of (at_parent + at_server) + refunded + kept + lost
 * for RAM and caps separately, where "kept" went to the parent (from clients that died, and
 * refunds that failed) and "lost" stayed with servers that died or did not give it back.
 *
 * Not thread-safe: one entrypoint owns the machine.
 */
#ifndef GNEISS_SESSION_FSM_H
#define GNEISS_SESSION_FSM_H

#include <gneiss/error.h>
#include <gneiss/parent.h>
#include <gneiss/types.h>

enum {
	GN_SESSION_SELF = 0xffff,         /* account: the parent itself */
	GN_SESSION_UPSTREAM = 0xfffe,     /* server: the parent's own parent */
	GN_SESSION_ROUTE_DENIED = 0xfffd, /* route target: the policy refuses the request */
	GN_SESSION_NO_SERVER = 0xfffc,    /* server of a record not routed yet */
	GN_SESSION_CHILDREN_MAX = 0xfff0,
	GN_SESSION_NAME_MAX = 64, /* bytes of a child's name, NUL included */
};

/* The states of a session record. (*): transient, an action is pending. */
typedef enum {
	GN_SESSION_FREE,           /* unused slot */
	GN_SESSION_CHARGING,       /* * the donation moves client -> parent */
	GN_SESSION_AWAIT_ROUTE,    /* charged; the caller's policy decides where it goes */
	GN_SESSION_AWAIT_ANNOUNCE, /* routed to a child that has not announced the service yet */
	GN_SESSION_DONATING,       /* * the donation moves parent -> server (upstream: the call) */
	GN_SESSION_CREATE_REQUESTED,  /* the server sees <create> */
	GN_SESSION_AVAILABLE,         /* the server delivered the capability */
	GN_SESSION_CAP_HANDED_OUT,    /* the client fetched it: the session is established */
	GN_SESSION_UPGRADE_CHARGING,  /* * an upgrade moves client -> parent */
	GN_SESSION_UPGRADE_DONATING,  /* * ... parent -> server (upstream: the call) */
	GN_SESSION_UPGRADE_UNDO,      /* * ... parent -> client, the server side having failed */
	GN_SESSION_UPGRADE_REQUESTED, /* the server sees <upgrade> */
	GN_SESSION_CLOSE_FORWARDING,  /* * upstream: the close call (child servers: nothing) */
	GN_SESSION_CLOSE_REQUESTED,   /* the server sees <close> */
	GN_SESSION_RECLAIM_DENIED,    /* * the server refused: its share moves server -> parent */
	GN_SESSION_RECLAIM_CLOSED,    /* * the server closed: its share moves server -> parent */
	GN_SESSION_FAILED,            /* will not work; session_cap answers why, and it goes */
	GN_SESSION_REFUNDING,         /* * what the parent holds moves parent -> client */
	GN_SESSION_RELEASING,         /* * the caller forgets what it keeps for the slot */
	GN_SESSION_STATE_COUNT
} gn_session_state_t;

/* The events, one per column of the table; the functions below cause them. */
typedef enum {
	GN_SESSION_EV_SESSION,       /* gn_session_fsm_session() */
	GN_SESSION_EV_ROUTE,         /* gn_session_fsm_route(): upstream or an announced service */
	GN_SESSION_EV_ROUTE_WAIT,    /* gn_session_fsm_route(): a service not announced yet */
	GN_SESSION_EV_DENY,          /* gn_session_fsm_route(): GN_SESSION_ROUTE_DENIED */
	GN_SESSION_EV_ANNOUNCE,      /* gn_session_fsm_announce() */
	GN_SESSION_EV_SESSION_CAP,   /* gn_session_fsm_session_cap() */
	GN_SESSION_EV_UPGRADE,       /* gn_session_fsm_upgrade() */
	GN_SESSION_EV_CLOSE,         /* gn_session_fsm_close() */
	GN_SESSION_EV_DELIVER,       /* gn_session_fsm_deliver() */
	GN_SESSION_EV_RESP_UPGRADED, /* gn_session_fsm_response(): GN_SESSION_UPGRADED */
	GN_SESSION_EV_RESP_REFUSED,  /* ... DENIED, INSUFFICIENT_RAM, INSUFFICIENT_CAPS */
	GN_SESSION_EV_RESP_CLOSED,   /* ... CLOSED */
	GN_SESSION_EV_CLIENT_GONE,   /* gn_session_fsm_child_gone() of the client */
	GN_SESSION_EV_SERVER_GONE,   /* gn_session_fsm_child_gone() of the server */
	GN_SESSION_EV_DONE_OK,       /* gn_session_fsm_done(GN_OK), or nothing to do */
	GN_SESSION_EV_DONE_FAIL,     /* gn_session_fsm_done(error) */
	GN_SESSION_EVENT_COUNT
} gn_session_event_t;

typedef struct {
	uint64_t ram;
	uint64_t caps;
} gn_session_quota_t;

typedef enum {
	GN_SESSION_ACT_TRANSFER,         /* move quota from account `from` to `to` */
	GN_SESSION_ACT_UPSTREAM_CREATE,  /* session(server_id, service and args of sid) upstream */
	GN_SESSION_ACT_UPSTREAM_UPGRADE, /* upgrade(server_id, quota) upstream */
	GN_SESSION_ACT_UPSTREAM_CLOSE,   /* close(server_id) upstream */
	GN_SESSION_ACT_RELEASE,          /* slot sid is free: drop what the caller keeps for it */
	GN_SESSION_ACT_UPDATE_ROM,       /* rewrite child's session_requests ROM (gen_requests) */
	GN_SESSION_ACT_SIGNAL,           /* submit child's session signal (session_sigh) */
} gn_session_action_kind_t;

/*
 * What the caller is asked to do. Only TRANSFER and UPSTREAM_* can fail: report their error with
 * gn_session_fsm_done(). A TRANSFER moves ram and caps together or neither.
 */
typedef struct {
	gn_session_action_kind_t kind;
	uint32_t sid;       /* the record (all but UPDATE_ROM, SIGNAL) */
	uint16_t child;     /* UPDATE_ROM, SIGNAL */
	uint16_t from, to;  /* TRANSFER: child index or GN_SESSION_SELF */
	uint32_t server_id; /* UPSTREAM_*: the parent's id of the session at its parent */
	gn_session_quota_t
		quota; /* TRANSFER; UPSTREAM_CREATE: forwarded donation; UPSTREAM_UPGRADE */
} gn_session_action_t;

/* A session record. The caller may read it (gn_session_fsm_get()); the machine alone writes it. */
typedef struct {
	uint8_t state;       /* gn_session_state_t */
	bool client_gone;    /* the client died: the record is nobody's session any more */
	uint8_t result;      /* gn_err_t: why FAILED */
	uint8_t upgrade_err; /* gn_err_t: why the last upgrade failed, until read */
	uint16_t client;     /* child index */
	uint16_t server;     /* child index, GN_SESSION_UPSTREAM or GN_SESSION_NO_SERVER */
	uint32_t client_id;
	uint32_t server_id;           /* 0 until routed */
	gn_session_quota_t donation;  /* what the session request donated, bookkeeping included */
	gn_session_quota_t upgrade;   /* the last upgrade */
	gn_session_quota_t at_parent; /* held by the parent for this record */
	gn_session_quota_t at_server; /* held by the server for this record */
	char service[GN_SERVICE_NAME_MAX];
	char args
		[GN_SESSION_ARGS_MAX]; /* as the server sees them: label prefixed, quota forwarded */
} gn_session_t;

typedef struct {
	char name[GN_SESSION_NAME_MAX]; /* what the parent puts in front of its labels */
	bool alive;
	bool rom_stale; /* UPDATE_ROM pending */
	bool signal;    /* SIGNAL pending */
} gn_session_fsm_child_t;

typedef struct {
	gn_session_quota_t keep;  /* the parent's bookkeeping share of every session donation */
	uint32_t first_client_id; /* client ids below are reserved (environment sessions) */
	uint32_t first_server_id; /* server ids are allocated from here on (0 counts as 1) */
	uint16_t max_sessions;    /* records per living client, whatever their state */
	uint16_t max_pending;     /* of them, requests no server has answered yet */
} gn_session_fsm_config_t;

typedef struct {
	gn_session_quota_t donated;  /* charged to clients (requests and upgrades) */
	gn_session_quota_t refunded; /* given back to clients */
	gn_session_quota_t kept;     /* went to the parent: dead clients' share, failed refunds */
	gn_session_quota_t lost; /* stayed with dead servers or servers that did not return it */
} gn_session_fsm_stats_t;

/* The machine. Treat the fields as private. */
typedef struct {
	gn_session_t *sessions;
	uint32_t num_sessions;
	gn_session_fsm_child_t *children;
	uint16_t num_children;
	gn_session_fsm_config_t cfg;
	uint32_t next_server_id;
	uint32_t work;    /* records in transient states plus pending child flags */
	bool outstanding; /* `issued` awaits gn_session_fsm_done() */
	gn_session_action_t issued;
	gn_session_fsm_stats_t stats;
} gn_session_fsm_t;

/* ---- setup and children ---------------------------------------------------------------------- */

/*
 * Starts an empty machine over the caller's storage: num_sessions records and num_children
 * children (at most GN_SESSION_CHILDREN_MAX), which the caller owns and keeps alive. cfg is
 * copied. Size num_sessions for num_children * max_sessions plus the records of dead clients whose
 * servers have not answered <close> yet (they stay until the server answers or dies).
 */
void gn_session_fsm_init(gn_session_fsm_t *fsm, gn_session_fsm_config_t const *cfg,
	gn_session_t *sessions, uint32_t num_sessions, gn_session_fsm_child_t *children,
	uint16_t num_children);

/*
 * Registers child (an index) under name, the label prefix of its requests. Errors:
 * GN_ERR_INVALID_ARG for an index out of range, GN_ERR_EXISTS when it is registered,
 * GN_ERR_TRUNCATED when name does not fit GN_SESSION_NAME_MAX.
 */
gn_err_t gn_session_fsm_child_add(
	gn_session_fsm_t *fsm, uint16_t child, char const *name) GN_MUST_CHECK;

/*
 * The child died or was killed: first as a server (requests pending there fail with DENIED,
 * established sessions with REVOKED, closes complete; what it held is lost), then as a client (its
 * sessions are closed at their servers; whatever comes back stays with the parent). The index is
 * free for gn_session_fsm_child_add() afterwards. Drain the actions, then destroy the child's PD.
 * Errors: GN_ERR_AGAIN while actions are pending, GN_ERR_INVALID_ARG for an unknown child.
 */
gn_err_t gn_session_fsm_child_gone(gn_session_fsm_t *fsm, uint16_t child) GN_MUST_CHECK;

/* ---- the client's parent RPCs ---------------------------------------------------------------- */

/*
 * session(id, service, args) from child. Validates, prefixes the label with the child's name,
 * takes the bookkeeping share out of the forwarded quota and records the request, whose first
 * action charges the donation. service and args are read up to GN_SERVICE_NAME_MAX and
 * GN_SESSION_ARGS_MAX bytes and need their NUL within. On GN_OK *sid is the record, which after
 * the drain is in AWAIT_ROUTE (route it) or FAILED (the client could not pay). Errors, nothing
 * recorded: GN_ERR_AGAIN (actions pending), GN_ERR_INVALID_ARG (unknown child, id below
 * first_client_id, malformed service or args, label or args too long once rewritten),
 * GN_ERR_EXISTS (the child uses the id), GN_ERR_LIMIT (the child has max_sessions records or
 * max_pending pending ones, or the table is full), GN_ERR_INSUFFICIENT_RAM /
 * GN_ERR_INSUFFICIENT_CAPS (the donation does not cover the bookkeeping share).
 */
gn_err_t gn_session_fsm_session(gn_session_fsm_t *fsm, uint16_t child, uint32_t id,
	char const *service, char const *args, uint32_t *sid) GN_MUST_CHECK;

/*
 * The policy's decision for record sid in AWAIT_ROUTE: a child index, GN_SESSION_UPSTREAM or
 * GN_SESSION_ROUTE_DENIED. A child that has not announced the service yet (announced false) gets
 * the request when gn_session_fsm_announce() says so. Errors, nothing changed: GN_ERR_AGAIN,
 * GN_ERR_INVALID_ARG (sid not awaiting a route, target no registered child nor constant).
 */
gn_err_t gn_session_fsm_route(
	gn_session_fsm_t *fsm, uint32_t sid, uint16_t target, bool announced) GN_MUST_CHECK;

/*
 * Child server announced service: the requests routed to it that waited for that go on. Errors:
 * GN_ERR_AGAIN, GN_ERR_INVALID_ARG (unknown child).
 */
gn_err_t gn_session_fsm_announce(
	gn_session_fsm_t *fsm, uint16_t server, char const *service) GN_MUST_CHECK;

/*
 * session_cap(id) from child. GN_OK: the capability is there; *sid is the record whose capability
 * the caller hands out. GN_ERR_AGAIN: still pending (or actions pending); wait for the signal.
 * The reason of a FAILED record (GN_ERR_DENIED, GN_ERR_INSUFFICIENT_RAM/CAPS,
 * GN_ERR_OUT_OF_RAM/CAPS when the client could not pay, GN_ERR_REVOKED when the server died):
 * the record goes and the parent's share is refunded. GN_ERR_REVOKED: the session is being
 * closed. GN_ERR_NOT_FOUND: unknown id.
 */
gn_err_t gn_session_fsm_session_cap(
	gn_session_fsm_t *fsm, uint16_t child, uint32_t id, uint32_t *sid) GN_MUST_CHECK;

/*
 * upgrade(id, quota) from child. GN_OK: accepted (its charge is an action, then the server sees
 * <upgrade>), or zero quota on an established session (nothing to do). Ask
 * gn_session_fsm_upgrade_status() after the drain. Errors, nothing changed: GN_ERR_AGAIN (actions
 * pending, the capability not fetched yet, or an upgrade in progress: retry after the signal),
 * GN_ERR_REVOKED (closing), a FAILED record's reason, GN_ERR_NOT_FOUND, GN_ERR_INVALID_ARG (the
 * session's quota would overflow).
 */
gn_err_t gn_session_fsm_upgrade(
	gn_session_fsm_t *fsm, uint16_t child, uint32_t id, gn_session_quota_t quota) GN_MUST_CHECK;

/*
 * Where child's last upgrade of session id stands: GN_OK done (or none), GN_ERR_AGAIN at the
 * server, the transfer's error when it could not be charged or forwarded (reported once; the
 * quota is back with the client), GN_ERR_REVOKED closing, a FAILED record's reason,
 * GN_ERR_NOT_FOUND.
 */
gn_err_t gn_session_fsm_upgrade_status(gn_session_fsm_t *fsm, uint16_t child, uint32_t id);

/*
 * close(id) from child. GN_OK: the session is gone once the actions are drained (donation
 * refunded), or the id is unknown (close is idempotent). GN_ERR_AGAIN: the server must answer
 * first; the id stays in use and the client is signalled when the close is done (a later close
 * answers GN_OK then). Refused while actions are pending: GN_ERR_AGAIN as well.
 */
gn_err_t gn_session_fsm_close(gn_session_fsm_t *fsm, uint16_t child, uint32_t id) GN_MUST_CHECK;

/* ---- the server's parent RPCs (or the upstream's answers) ------------------------------------ */

/*
 * deliver_session_cap(server_id, cap) from server (a child index or GN_SESSION_UPSTREAM). GN_OK:
 * the caller keeps cap for record *sid (and drops it at its RELEASE). Otherwise the caller drops
 * cap and may log why: GN_ERR_NOT_FOUND (unknown id), GN_ERR_DENIED (another server's session),
 * GN_ERR_REVOKED (the client closed the request meanwhile; the server sees <close>),
 * GN_ERR_EXISTS (delivered before), GN_ERR_INVALID_ARG (not expected now or unknown server),
 * GN_ERR_AGAIN (actions pending).
 */
gn_err_t gn_session_fsm_deliver(
	gn_session_fsm_t *fsm, uint16_t server, uint32_t server_id, uint32_t *sid) GN_MUST_CHECK;

/*
 * session_response(server_id, response) from server. GN_OK when taken; otherwise ignored, with
 * the errors of gn_session_fsm_deliver() (GN_ERR_REVOKED: a stale answer for a session being
 * closed; GN_ERR_INVALID_ARG: not expected in this state, or no such response).
 */
gn_err_t gn_session_fsm_response(gn_session_fsm_t *fsm, uint16_t server, uint32_t server_id,
	gn_session_response_t response) GN_MUST_CHECK;

/* ---- actions --------------------------------------------------------------------------------- */

/* The next action to perform into *action, or false when there is none. */
bool gn_session_fsm_next(gn_session_fsm_t *fsm, gn_session_action_t *action) GN_MUST_CHECK;

/*
 * Acknowledges the action handed out last: GN_OK, or why it failed (the caller's error, e.g.
 * GN_ERR_OUT_OF_RAM, becomes what session_cap or upgrade_status answers). Errors:
 * GN_ERR_INVALID_ARG when no action is outstanding.
 */
gn_err_t gn_session_fsm_done(gn_session_fsm_t *fsm, gn_err_t result) GN_MUST_CHECK;

/* ---- queries --------------------------------------------------------------------------------- */

/* Record of child's session id into *sid. Errors: GN_ERR_NOT_FOUND. */
gn_err_t gn_session_fsm_lookup(
	gn_session_fsm_t const *fsm, uint16_t child, uint32_t id, uint32_t *sid) GN_MUST_CHECK;

/* Record sid (NULL when out of range). */
gn_session_t const *gn_session_fsm_get(gn_session_fsm_t const *fsm, uint32_t sid);

/* The quota totals (see above). */
gn_session_fsm_stats_t const *gn_session_fsm_stats(gn_session_fsm_t const *fsm);

/* True when actions are pending (events are refused until they are drained). */
bool gn_session_fsm_busy(gn_session_fsm_t const *fsm);

/*
 * Writes child server's session_requests document into the size bytes at buf (NUL-terminated,
 * its length in *len): <create id service label><args>..</args></create> for each request it has
 * not answered, <upgrade id ram_quota cap_quota/> for each upgrade, <close id/> for each close.
 * Errors: GN_ERR_INVALID_ARG (not a child), GN_ERR_TRUNCATED (buf too small; it holds "").
 */
gn_err_t gn_session_fsm_gen_requests(gn_session_fsm_t const *fsm, uint16_t server, char *buf,
	size_t size, size_t *len) GN_MUST_CHECK;

/*
 * Checks the invariants: one record per client id and per server id, the per-child bounds, quota
 * only where the state allows it, the conservation law, the pending-work count. For tests and
 * debugging: O(records^2). Errors: GN_ERR_INVALID_ARG, with *what (when not NULL) naming the
 * broken invariant.
 */
gn_err_t gn_session_fsm_check(gn_session_fsm_t const *fsm, char const **what) GN_MUST_CHECK;

/* Whether the table has a transition for event in state (tests cover each one). */
bool gn_session_fsm_accepts(gn_session_state_t state, gn_session_event_t event);

/* Short names ("CREATE_REQUESTED", "DELIVER"); never NULL. */
char const *gn_session_state_name(gn_session_state_t state);
char const *gn_session_event_name(gn_session_event_t event);

#endif
