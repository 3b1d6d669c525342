/*
 * What the files of the session state machine share (the interface is gneiss/session_fsm.h; the
 * invariants and the table are explained in session_fsm.c): short names for the states and
 * events, what each state implies (its pending action, whether it counts as pending, where quota
 * may sit, what the server's ROM shows), the quota arithmetic, and the one way to change a
 * record's state, gn_sfsm_apply(). session_fsm.c holds the table and applies it;
 * session_fsm_event.c turns the parent RPCs and children coming and going into events;
 * session_fsm_action.c hands out the pending actions and books their outcome;
 * session_fsm_query.c answers questions about the records and checks the invariants.
 */
#ifndef GN_SESSION_FSM_INTERNAL_H
#define GN_SESSION_FSM_INTERNAL_H

#include <gneiss/session_fsm.h>

/* Short names for the table and the code around it. */
enum {
	FREE = GN_SESSION_FREE,
	CHARGING = GN_SESSION_CHARGING,
	AWAIT_ROUTE = GN_SESSION_AWAIT_ROUTE,
	AWAIT_ANNOUNCE = GN_SESSION_AWAIT_ANNOUNCE,
	DONATING = GN_SESSION_DONATING,
	CREATE_REQUESTED = GN_SESSION_CREATE_REQUESTED,
	AVAILABLE = GN_SESSION_AVAILABLE,
	CAP_HANDED_OUT = GN_SESSION_CAP_HANDED_OUT,
	UPGRADE_CHARGING = GN_SESSION_UPGRADE_CHARGING,
	UPGRADE_DONATING = GN_SESSION_UPGRADE_DONATING,
	UPGRADE_UNDO = GN_SESSION_UPGRADE_UNDO,
	UPGRADE_REQUESTED = GN_SESSION_UPGRADE_REQUESTED,
	CLOSE_FORWARDING = GN_SESSION_CLOSE_FORWARDING,
	CLOSE_REQUESTED = GN_SESSION_CLOSE_REQUESTED,
	RECLAIM_DENIED = GN_SESSION_RECLAIM_DENIED,
	RECLAIM_CLOSED = GN_SESSION_RECLAIM_CLOSED,
	FAILED = GN_SESSION_FAILED,
	REFUNDING = GN_SESSION_REFUNDING,
	RELEASING = GN_SESSION_RELEASING,
	SAME = 0xff,
};

enum {
	SESSION = GN_SESSION_EV_SESSION,
	ROUTE = GN_SESSION_EV_ROUTE,
	ROUTE_WAIT = GN_SESSION_EV_ROUTE_WAIT,
	DENY = GN_SESSION_EV_DENY,
	ANNOUNCE = GN_SESSION_EV_ANNOUNCE,
	SESSION_CAP = GN_SESSION_EV_SESSION_CAP,
	UPGRADE = GN_SESSION_EV_UPGRADE,
	CLOSE = GN_SESSION_EV_CLOSE,
	DELIVER = GN_SESSION_EV_DELIVER,
	RESP_UPGRADED = GN_SESSION_EV_RESP_UPGRADED,
	RESP_REFUSED = GN_SESSION_EV_RESP_REFUSED,
	RESP_CLOSED = GN_SESSION_EV_RESP_CLOSED,
	CLIENT_GONE = GN_SESSION_EV_CLIENT_GONE,
	SERVER_GONE = GN_SESSION_EV_SERVER_GONE,
	DONE_OK = GN_SESSION_EV_DONE_OK,
	DONE_FAIL = GN_SESSION_EV_DONE_FAIL,
};

/* The pending action of a transient state. */
typedef enum {
	W_NONE,
	W_CHARGE,
	W_DONATE,
	W_UP_CHARGE,
	W_UP_DONATE,
	W_UP_UNDO,
	W_CLOSE,
	W_RECLAIM,
	W_REFUND,
	W_RELEASE,
} work_t;

/* What a server's session_requests ROM shows for a record. */
enum {
	ROM_NONE,
	ROM_CREATE,
	ROM_UPGRADE,
	ROM_CLOSE
};

typedef struct {
	uint8_t work;    /* work_t */
	bool pending;    /* counts against max_pending */
	bool at_server;  /* the server may hold quota */
	bool has_server; /* routed */
	uint8_t rom;
} state_info_t;

/* What each state implies, indexed by state (session_fsm.c). */
extern state_info_t const gn_sfsm_info[GN_SESSION_STATE_COUNT];

/* The arguments an event brings along. */
typedef struct {
	gn_err_t err;             /* why (a refusal, a failed action) */
	gn_session_quota_t quota; /* UPGRADE */
} event_arg_t;

/* ---- quota arithmetic (wrapping like the stats; callers check overflow where it matters) ----- */

static gn_session_quota_t const NOTHING = {0, 0};

static inline void add(gn_session_quota_t *to, gn_session_quota_t q)
{
	to->ram += q.ram;
	to->caps += q.caps;
}

static inline void sub(gn_session_quota_t *from, gn_session_quota_t q)
{
	from->ram -= q.ram;
	from->caps -= q.caps;
}

static inline bool is_zero(gn_session_quota_t q)
{
	return !q.ram && !q.caps;
}

/* Moves all of *from to *to. */
static inline void move_all(gn_session_quota_t *from, gn_session_quota_t *to)
{
	add(to, *from);
	*from = NOTHING;
}

/* ---- records and children -------------------------------------------------------------------- */

static inline bool alive(gn_session_fsm_t const *fsm, uint16_t child)
{
	return child < fsm->num_children && fsm->children[child].alive;
}

static inline bool transient(uint8_t state)
{
	return gn_sfsm_info[state].work != W_NONE;
}

/* ---- shared functions, prefixed gn_sfsm_ ----------------------------------------------------- */

/* Applies event ev to record s by the table and returns the answer to the call behind it. */
gn_err_t gn_sfsm_apply(gn_session_fsm_t *fsm, gn_session_t *s, unsigned ev, event_arg_t const *arg);

/* A client's record of id, not FREE and not orphaned; num_sessions when there is none. */
uint32_t gn_sfsm_find_client(gn_session_fsm_t const *fsm, uint16_t child, uint32_t id);

#endif
