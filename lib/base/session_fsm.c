/*
 * The parent side of the session protocol as a table-driven state machine (gneiss/session_fsm.h).
 *
 * Invariants. Every record is in exactly one state; a FREE record is all zeroes. A living client
 * names at most one record per id, and a server id names at most one record. Quota sits where the
 * state says: `at_parent` is what the parent holds for the record (the bookkeeping share, a
 * donation on its way or on its way back), `at_server` what the server holds (only in the states
 * marked S below); stats.donated always equals the sum of both over all records plus refunded,
 * kept and lost. A transient state (*) has exactly one pending action, derived from the state
 * alone; `work` counts these records plus the children's pending ROM updates and signals, and no
 * outside event is accepted while it is non-zero, so the caller drains after each event and no
 * event ever meets a record half-way through a transaction. An action with nothing to do (a
 * transfer of zero, a refund to a dead client, a reclaim from upstream, which returned its share
 * with its answer, a close at a child server, which learns it from its ROM) completes as DONE_OK
 * without being handed out. The parent never waits for a child: every child-facing step is an
 * answer to a call, a ROM update or a signal.
 *
 * The table: state, event -> next state [effects] (answer to the call). Effects: sig = signal the
 * client; rom = the server's session_requests changed; lose = the server's share is lost;
 * back = the parent's parent gave its share back with its answer (upstream sessions only);
 * result=X = what session_cap will answer; uerr = what upgrade_status will answer once. "=" keeps
 * the state. Events not listed are refused (GN_ERR_INVALID_ARG, nothing changes). The pending
 * action of each transient state is given after its name; in every transient state DONE_OK and
 * DONE_FAIL are the only events (CLIENT_GONE too in REFUNDING, see child_gone).
 *
 *  FREE               SESSION -> CHARGING (OK)
 *  CHARGING*          transfer client -> parent: the whole donation
 *                     DONE_OK -> AWAIT_ROUTE; DONE_FAIL -> FAILED [sig, result=error]
 *  AWAIT_ROUTE        ROUTE -> DONATING; ROUTE_WAIT -> AWAIT_ANNOUNCE;
 *                     DENY -> FAILED [sig, result=DENIED];
 *                     SESSION_CAP, UPGRADE: = (AGAIN); CLOSE -> REFUNDING (OK);
 *                     CLIENT_GONE -> REFUNDING
 *  AWAIT_ANNOUNCE     ANNOUNCE -> DONATING; SESSION_CAP, UPGRADE: = (AGAIN);
 *                     CLOSE -> REFUNDING (OK); CLIENT_GONE -> REFUNDING;
 *                     SERVER_GONE -> FAILED [sig, result=DENIED]
 *  DONATING*          transfer parent -> server: donation - keep (upstream: UPSTREAM_CREATE)
 *                     DONE_OK -> CREATE_REQUESTED [rom]; DONE_FAIL -> FAILED [sig, result=error]
 *  CREATE_REQUESTED S SESSION_CAP, UPGRADE: = (AGAIN); CLOSE -> CLOSE_FORWARDING [rom] (AGAIN);
 *                     DELIVER -> AVAILABLE [sig, rom] (OK);
 *                     RESP_REFUSED -> RECLAIM_DENIED [rom, back, result=response];
 *                     RESP_CLOSED -> RECLAIM_DENIED [rom, back, result=DENIED];
 *                     CLIENT_GONE -> CLOSE_FORWARDING [rom];
 *                     SERVER_GONE -> FAILED [sig, lose, result=DENIED]
 *  AVAILABLE S        SESSION_CAP -> CAP_HANDED_OUT (OK); UPGRADE: = (AGAIN);
 *                     CLOSE -> CLOSE_FORWARDING [rom] (AGAIN); DELIVER: = (EXISTS);
 *                     CLIENT_GONE -> CLOSE_FORWARDING [rom];
 *                     SERVER_GONE -> FAILED [sig, lose, result=REVOKED]
 *  CAP_HANDED_OUT S   SESSION_CAP: = (OK); UPGRADE -> UPGRADE_CHARGING (OK);
 *                     CLOSE, DELIVER, CLIENT_GONE, SERVER_GONE as AVAILABLE
 *  UPGRADE_CHARGING*S transfer client -> parent: the upgrade
 *                     DONE_OK -> UPGRADE_DONATING; DONE_FAIL -> CAP_HANDED_OUT [uerr=error]
 *  UPGRADE_DONATING*S transfer parent -> server: the upgrade (upstream: UPSTREAM_UPGRADE)
 *                     DONE_OK -> UPGRADE_REQUESTED [rom]; DONE_FAIL -> UPGRADE_UNDO [uerr=error]
 *  UPGRADE_UNDO* S    transfer parent -> client: the upgrade (if that fails, the parent holds it
 *                     for the record and refunds it with the rest)
 *                     DONE_OK, DONE_FAIL -> CAP_HANDED_OUT
 *  UPGRADE_REQUESTED S SESSION_CAP: = (OK); UPGRADE: = (AGAIN);
 *                     RESP_UPGRADED -> CAP_HANDED_OUT [sig, rom] (OK);
 *                     CLOSE, DELIVER, CLIENT_GONE, SERVER_GONE as AVAILABLE
 *  CLOSE_FORWARDING*S UPSTREAM_CLOSE for upstream sessions, nothing for child servers
 *                     DONE_OK, DONE_FAIL -> CLOSE_REQUESTED
 *  CLOSE_REQUESTED S  SESSION_CAP, UPGRADE, DELIVER, RESP_UPGRADED: = (REVOKED);
 *                     CLOSE: = (AGAIN);
 *                     RESP_REFUSED, RESP_CLOSED -> RECLAIM_CLOSED [rom, back];
 *                     CLIENT_GONE: =;
 *                     SERVER_GONE -> REFUNDING [sig, lose]
 *  RECLAIM_DENIED* S  transfer server -> parent: its share (upstream: nothing, it came back); if
 *                     that fails, the share is lost
 *                     DONE_OK, DONE_FAIL -> FAILED [sig]
 *  RECLAIM_CLOSED* S  as RECLAIM_DENIED;  DONE_OK, DONE_FAIL -> REFUNDING [sig]
 *  FAILED             SESSION_CAP -> REFUNDING (result); UPGRADE: = (result);
 *                     CLOSE -> REFUNDING (OK); CLIENT_GONE -> REFUNDING; SERVER_GONE: =
 *  REFUNDING*         transfer parent -> client: all it holds (nothing if the client is gone: the
 *                     parent keeps it, as it does when the transfer fails)
 *                     DONE_OK, DONE_FAIL -> RELEASING; CLIENT_GONE: =
 *  RELEASING*         RELEASE;  DONE_OK, DONE_FAIL -> FREE
 *
 * Close racing create: a close while the request is pending puts <close> in place of <create>
 * in the server's ROM; a capability delivered after that is refused (the caller drops it) and the
 * server, which sees <close>, answers CLOSED. Close racing upgrade: the upgrade is already the
 * server's, so it comes back with the rest when the server answers CLOSED.
 */
#include <gneiss/label.h>
#include <gneiss/session_fsm.h>
#include <gneiss/string.h>
#include <gneiss/xml_gen.h>

/* Short names for the table. */
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

/* Effects of a transition. */
enum {
	F_SIG = 1 << 0,     /* the client has news */
	F_ROM = 1 << 1,     /* the server's session_requests changed */
	F_LOSE = 1 << 2,    /* the server's share is lost (the server died) */
	F_UERR = 1 << 3,    /* upgrade_err := the event's error */
	F_UPGRADE = 1 << 4, /* a new upgrade: take its quota, forget the last one's error */
	F_BACK = 1 << 5,    /* the parent's parent returned its share with this answer */
};

/* What becomes the record's result. */
enum {
	R_NONE,
	R_EVENT, /* the event's error */
	R_DENIED,
	R_REVOKED,
};

/* The answer to the call that caused the event. */
enum {
	A_OK,
	A_AGAIN,
	A_REVOKED,
	A_EXISTS,
	A_RESULT, /* the record's result */
};

typedef struct {
	uint8_t valid, next, effects, result, answer;
} transition_t;

/* One transition: [state][event] = {valid, next, effects, result, answer}. */
#define T(state, event, next, effects, result, answer) \
	[state][event] = {1, next, effects, result, answer}

/* The table above, as code: the single source of truth. */
static transition_t const table[GN_SESSION_STATE_COUNT][GN_SESSION_EVENT_COUNT] = {
	T(FREE, SESSION, CHARGING, 0, R_NONE, A_OK),

	T(CHARGING, DONE_OK, AWAIT_ROUTE, 0, R_NONE, A_OK),
	T(CHARGING, DONE_FAIL, FAILED, F_SIG, R_EVENT, A_OK),

	T(AWAIT_ROUTE, ROUTE, DONATING, 0, R_NONE, A_OK),
	T(AWAIT_ROUTE, ROUTE_WAIT, AWAIT_ANNOUNCE, 0, R_NONE, A_OK),
	T(AWAIT_ROUTE, DENY, FAILED, F_SIG, R_DENIED, A_OK),
	T(AWAIT_ROUTE, SESSION_CAP, SAME, 0, R_NONE, A_AGAIN),
	T(AWAIT_ROUTE, UPGRADE, SAME, 0, R_NONE, A_AGAIN),
	T(AWAIT_ROUTE, CLOSE, REFUNDING, 0, R_NONE, A_OK),
	T(AWAIT_ROUTE, CLIENT_GONE, REFUNDING, 0, R_NONE, A_OK),

	T(AWAIT_ANNOUNCE, ANNOUNCE, DONATING, 0, R_NONE, A_OK),
	T(AWAIT_ANNOUNCE, SESSION_CAP, SAME, 0, R_NONE, A_AGAIN),
	T(AWAIT_ANNOUNCE, UPGRADE, SAME, 0, R_NONE, A_AGAIN),
	T(AWAIT_ANNOUNCE, CLOSE, REFUNDING, 0, R_NONE, A_OK),
	T(AWAIT_ANNOUNCE, CLIENT_GONE, REFUNDING, 0, R_NONE, A_OK),
	T(AWAIT_ANNOUNCE, SERVER_GONE, FAILED, F_SIG, R_DENIED, A_OK),

	T(DONATING, DONE_OK, CREATE_REQUESTED, F_ROM, R_NONE, A_OK),
	T(DONATING, DONE_FAIL, FAILED, F_SIG, R_EVENT, A_OK),

	T(CREATE_REQUESTED, SESSION_CAP, SAME, 0, R_NONE, A_AGAIN),
	T(CREATE_REQUESTED, UPGRADE, SAME, 0, R_NONE, A_AGAIN),
	T(CREATE_REQUESTED, CLOSE, CLOSE_FORWARDING, F_ROM, R_NONE, A_AGAIN),
	T(CREATE_REQUESTED, DELIVER, AVAILABLE, F_SIG | F_ROM, R_NONE, A_OK),
	T(CREATE_REQUESTED, RESP_REFUSED, RECLAIM_DENIED, F_ROM | F_BACK, R_EVENT, A_OK),
	T(CREATE_REQUESTED, RESP_CLOSED, RECLAIM_DENIED, F_ROM | F_BACK, R_DENIED, A_OK),
	T(CREATE_REQUESTED, CLIENT_GONE, CLOSE_FORWARDING, F_ROM, R_NONE, A_OK),
	T(CREATE_REQUESTED, SERVER_GONE, FAILED, F_SIG | F_LOSE, R_DENIED, A_OK),

	T(AVAILABLE, SESSION_CAP, CAP_HANDED_OUT, 0, R_NONE, A_OK),
	T(AVAILABLE, UPGRADE, SAME, 0, R_NONE, A_AGAIN),
	T(AVAILABLE, CLOSE, CLOSE_FORWARDING, F_ROM, R_NONE, A_AGAIN),
	T(AVAILABLE, DELIVER, SAME, 0, R_NONE, A_EXISTS),
	T(AVAILABLE, CLIENT_GONE, CLOSE_FORWARDING, F_ROM, R_NONE, A_OK),
	T(AVAILABLE, SERVER_GONE, FAILED, F_SIG | F_LOSE, R_REVOKED, A_OK),

	T(CAP_HANDED_OUT, SESSION_CAP, SAME, 0, R_NONE, A_OK),
	T(CAP_HANDED_OUT, UPGRADE, UPGRADE_CHARGING, F_UPGRADE, R_NONE, A_OK),
	T(CAP_HANDED_OUT, CLOSE, CLOSE_FORWARDING, F_ROM, R_NONE, A_AGAIN),
	T(CAP_HANDED_OUT, DELIVER, SAME, 0, R_NONE, A_EXISTS),
	T(CAP_HANDED_OUT, CLIENT_GONE, CLOSE_FORWARDING, F_ROM, R_NONE, A_OK),
	T(CAP_HANDED_OUT, SERVER_GONE, FAILED, F_SIG | F_LOSE, R_REVOKED, A_OK),

	T(UPGRADE_CHARGING, DONE_OK, UPGRADE_DONATING, 0, R_NONE, A_OK),
	T(UPGRADE_CHARGING, DONE_FAIL, CAP_HANDED_OUT, F_UERR, R_NONE, A_OK),

	T(UPGRADE_DONATING, DONE_OK, UPGRADE_REQUESTED, F_ROM, R_NONE, A_OK),
	T(UPGRADE_DONATING, DONE_FAIL, UPGRADE_UNDO, F_UERR, R_NONE, A_OK),

	T(UPGRADE_UNDO, DONE_OK, CAP_HANDED_OUT, 0, R_NONE, A_OK),
	T(UPGRADE_UNDO, DONE_FAIL, CAP_HANDED_OUT, 0, R_NONE, A_OK),

	T(UPGRADE_REQUESTED, SESSION_CAP, SAME, 0, R_NONE, A_OK),
	T(UPGRADE_REQUESTED, UPGRADE, SAME, 0, R_NONE, A_AGAIN),
	T(UPGRADE_REQUESTED, CLOSE, CLOSE_FORWARDING, F_ROM, R_NONE, A_AGAIN),
	T(UPGRADE_REQUESTED, DELIVER, SAME, 0, R_NONE, A_EXISTS),
	T(UPGRADE_REQUESTED, RESP_UPGRADED, CAP_HANDED_OUT, F_SIG | F_ROM, R_NONE, A_OK),
	T(UPGRADE_REQUESTED, CLIENT_GONE, CLOSE_FORWARDING, F_ROM, R_NONE, A_OK),
	T(UPGRADE_REQUESTED, SERVER_GONE, FAILED, F_SIG | F_LOSE, R_REVOKED, A_OK),

	T(CLOSE_FORWARDING, DONE_OK, CLOSE_REQUESTED, 0, R_NONE, A_OK),
	T(CLOSE_FORWARDING, DONE_FAIL, CLOSE_REQUESTED, 0, R_NONE, A_OK),

	T(CLOSE_REQUESTED, SESSION_CAP, SAME, 0, R_NONE, A_REVOKED),
	T(CLOSE_REQUESTED, UPGRADE, SAME, 0, R_NONE, A_REVOKED),
	T(CLOSE_REQUESTED, CLOSE, SAME, 0, R_NONE, A_AGAIN),
	T(CLOSE_REQUESTED, DELIVER, SAME, 0, R_NONE, A_REVOKED),
	T(CLOSE_REQUESTED, RESP_UPGRADED, SAME, 0, R_NONE, A_REVOKED),
	T(CLOSE_REQUESTED, RESP_REFUSED, RECLAIM_CLOSED, F_ROM | F_BACK, R_NONE, A_OK),
	T(CLOSE_REQUESTED, RESP_CLOSED, RECLAIM_CLOSED, F_ROM | F_BACK, R_NONE, A_OK),
	T(CLOSE_REQUESTED, CLIENT_GONE, SAME, 0, R_NONE, A_OK),
	T(CLOSE_REQUESTED, SERVER_GONE, REFUNDING, F_SIG | F_LOSE, R_NONE, A_OK),

	T(RECLAIM_DENIED, DONE_OK, FAILED, F_SIG, R_NONE, A_OK),
	T(RECLAIM_DENIED, DONE_FAIL, FAILED, F_SIG, R_NONE, A_OK),

	T(RECLAIM_CLOSED, DONE_OK, REFUNDING, F_SIG, R_NONE, A_OK),
	T(RECLAIM_CLOSED, DONE_FAIL, REFUNDING, F_SIG, R_NONE, A_OK),

	T(FAILED, SESSION_CAP, REFUNDING, 0, R_NONE, A_RESULT),
	T(FAILED, UPGRADE, SAME, 0, R_NONE, A_RESULT),
	T(FAILED, CLOSE, REFUNDING, 0, R_NONE, A_OK),
	T(FAILED, CLIENT_GONE, REFUNDING, 0, R_NONE, A_OK),
	T(FAILED, SERVER_GONE, SAME, 0, R_NONE, A_OK),

	T(REFUNDING, DONE_OK, RELEASING, 0, R_NONE, A_OK),
	T(REFUNDING, DONE_FAIL, RELEASING, 0, R_NONE, A_OK),
	T(REFUNDING, CLIENT_GONE, SAME, 0, R_NONE, A_OK),

	T(RELEASING, DONE_OK, FREE, 0, R_NONE, A_OK),
	T(RELEASING, DONE_FAIL, FREE, 0, R_NONE, A_OK),
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

static state_info_t const info[GN_SESSION_STATE_COUNT] = {
	[FREE] = {W_NONE, false, false, false, ROM_NONE},
	[CHARGING] = {W_CHARGE, true, false, false, ROM_NONE},
	[AWAIT_ROUTE] = {W_NONE, true, false, false, ROM_NONE},
	[AWAIT_ANNOUNCE] = {W_NONE, true, false, true, ROM_NONE},
	[DONATING] = {W_DONATE, true, false, true, ROM_NONE},
	[CREATE_REQUESTED] = {W_NONE, true, true, true, ROM_CREATE},
	[AVAILABLE] = {W_NONE, false, true, true, ROM_NONE},
	[CAP_HANDED_OUT] = {W_NONE, false, true, true, ROM_NONE},
	[UPGRADE_CHARGING] = {W_UP_CHARGE, false, true, true, ROM_NONE},
	[UPGRADE_DONATING] = {W_UP_DONATE, false, true, true, ROM_NONE},
	[UPGRADE_UNDO] = {W_UP_UNDO, false, true, true, ROM_NONE},
	[UPGRADE_REQUESTED] = {W_NONE, false, true, true, ROM_UPGRADE},
	[CLOSE_FORWARDING] = {W_CLOSE, false, true, true, ROM_CLOSE},
	[CLOSE_REQUESTED] = {W_NONE, false, true, true, ROM_CLOSE},
	[RECLAIM_DENIED] = {W_RECLAIM, false, true, true, ROM_NONE},
	[RECLAIM_CLOSED] = {W_RECLAIM, false, true, true, ROM_NONE},
	[FAILED] = {W_NONE, false, false, false, ROM_NONE},
	[REFUNDING] = {W_REFUND, false, false, false, ROM_NONE},
	[RELEASING] = {W_RELEASE, false, false, false, ROM_NONE},
};

static char const *const state_names[GN_SESSION_STATE_COUNT] = {"FREE", "CHARGING", "AWAIT_ROUTE",
	"AWAIT_ANNOUNCE", "DONATING", "CREATE_REQUESTED", "AVAILABLE", "CAP_HANDED_OUT",
	"UPGRADE_CHARGING", "UPGRADE_DONATING", "UPGRADE_UNDO", "UPGRADE_REQUESTED",
	"CLOSE_FORWARDING", "CLOSE_REQUESTED", "RECLAIM_DENIED", "RECLAIM_CLOSED", "FAILED",
	"REFUNDING", "RELEASING"};

static char const *const event_names[GN_SESSION_EVENT_COUNT] = {"SESSION", "ROUTE", "ROUTE_WAIT",
	"DENY", "ANNOUNCE", "SESSION_CAP", "UPGRADE", "CLOSE", "DELIVER", "RESP_UPGRADED",
	"RESP_REFUSED", "RESP_CLOSED", "CLIENT_GONE", "SERVER_GONE", "DONE_OK", "DONE_FAIL"};

/* The arguments an event brings along. */
typedef struct {
	gn_err_t err;             /* why (a refusal, a failed action) */
	gn_session_quota_t quota; /* UPGRADE */
} event_arg_t;

/* ---- quota arithmetic (wrapping like the stats; callers check overflow where it matters) ----- */

static gn_session_quota_t const NOTHING = {0, 0};

static void add(gn_session_quota_t *to, gn_session_quota_t q)
{
	to->ram += q.ram;
	to->caps += q.caps;
}

static void sub(gn_session_quota_t *from, gn_session_quota_t q)
{
	from->ram -= q.ram;
	from->caps -= q.caps;
}

static bool is_zero(gn_session_quota_t q)
{
	return !q.ram && !q.caps;
}

/* Moves all of *from to *to. */
static void move_all(gn_session_quota_t *from, gn_session_quota_t *to)
{
	add(to, *from);
	*from = NOTHING;
}

static gn_session_quota_t forwarded(gn_session_fsm_t const *fsm, gn_session_t const *s)
{
	gn_session_quota_t q = s->donation;

	sub(&q, fsm->cfg.keep);
	return q;
}

/* ---- records and children -------------------------------------------------------------------- */

static bool alive(gn_session_fsm_t const *fsm, uint16_t child)
{
	return child < fsm->num_children && fsm->children[child].alive;
}

static bool transient(uint8_t state)
{
	return info[state].work != W_NONE;
}

static void set_state(gn_session_fsm_t *fsm, gn_session_t *s, uint8_t state)
{
	if (transient(s->state))
		fsm->work--;
	if (transient(state))
		fsm->work++;
	if (state == FREE)
		*s = (gn_session_t){.state = FREE};
	s->state = state;
}

static void flag_rom(gn_session_fsm_t *fsm, uint16_t server)
{
	if (!alive(fsm, server) || fsm->children[server].rom_stale)
		return;
	fsm->children[server].rom_stale = true;
	fsm->work++;
}

static void flag_signal(gn_session_fsm_t *fsm, gn_session_t const *s)
{
	if (s->client_gone || !alive(fsm, s->client) || fsm->children[s->client].signal)
		return;
	fsm->children[s->client].signal = true;
	fsm->work++;
}

/* A client's record of id, not FREE and not orphaned; num_sessions when there is none. */
static uint32_t find_client(gn_session_fsm_t const *fsm, uint16_t child, uint32_t id)
{
	for (uint32_t i = 0; i < fsm->num_sessions; i++) {
		gn_session_t const *s = &fsm->sessions[i];
		if (s->state != FREE && !s->client_gone && s->client == child && s->client_id == id)
			return i;
	}
	return fsm->num_sessions;
}

static uint32_t find_server_id(gn_session_fsm_t const *fsm, uint32_t server_id)
{
	for (uint32_t i = 0; i < fsm->num_sessions; i++) {
		gn_session_t const *s = &fsm->sessions[i];
		if (s->state != FREE && s->server != GN_SESSION_NO_SERVER &&
			s->server_id == server_id)
			return i;
	}
	return fsm->num_sessions;
}

/* An id no record uses, counting up from cfg.first_server_id and wrapping around. */
static uint32_t alloc_server_id(gn_session_fsm_t *fsm)
{
	for (;;) {
		if (fsm->next_server_id < fsm->cfg.first_server_id)
			fsm->next_server_id = fsm->cfg.first_server_id; /* wrapped around */
		uint32_t const id = fsm->next_server_id++;
		if (find_server_id(fsm, id) == fsm->num_sessions)
			return id;
	}
}

static gn_err_t sanitized_result(gn_err_t err)
{
	return err == GN_OK || err == GN_ERR_AGAIN ? GN_ERR_DENIED : err;
}

/* ---- the machine ----------------------------------------------------------------------------- */

/* Applies event ev to record s by the table and returns the answer to the call behind it. */
static gn_err_t apply(gn_session_fsm_t *fsm, gn_session_t *s, unsigned ev, event_arg_t const *arg)
{
	static gn_err_t const answers[] = {[A_OK] = GN_OK,
		[A_AGAIN] = GN_ERR_AGAIN,
		[A_REVOKED] = GN_ERR_REVOKED,
		[A_EXISTS] = GN_ERR_EXISTS};
	static gn_err_t const results[] = {
		[R_DENIED] = GN_ERR_DENIED, [R_REVOKED] = GN_ERR_REVOKED};
	transition_t const *t = &table[s->state][ev];

	if (!t->valid)
		return GN_ERR_INVALID_ARG;
	gn_err_t const answer = t->answer == A_RESULT ? (gn_err_t)s->result : answers[t->answer];

	if (t->result == R_EVENT)
		s->result = (uint8_t)sanitized_result(arg->err);
	else if (t->result != R_NONE)
		s->result = (uint8_t)results[t->result];
	if (t->effects & F_UERR)
		s->upgrade_err = (uint8_t)sanitized_result(arg->err);
	if (t->effects & F_UPGRADE) {
		s->upgrade = arg->quota;
		s->upgrade_err = GN_OK;
	}
	if (t->effects & F_LOSE)
		move_all(&s->at_server, &fsm->stats.lost);
	if ((t->effects & F_BACK) && s->server == GN_SESSION_UPSTREAM)
		move_all(&s->at_server, &s->at_parent);
	if (t->effects & F_ROM)
		flag_rom(fsm, s->server);
	if (t->effects & F_SIG)
		flag_signal(fsm, s);
	if (t->next != SAME)
		set_state(fsm, s, t->next);
	return answer;
}

static bool transfer(gn_session_action_t *a, uint16_t from, uint16_t to, gn_session_quota_t q)
{
	a->kind = GN_SESSION_ACT_TRANSFER;
	a->from = from;
	a->to = to;
	a->quota = q;
	return !is_zero(q);
}

static bool upstream(gn_session_action_t *a, gn_session_action_kind_t kind, gn_session_quota_t q)
{
	a->kind = kind;
	a->quota = q;
	return true;
}

/* The pending action of record sid into *a; false when there is nothing to do. */
static bool derive(gn_session_fsm_t const *fsm, uint32_t sid, gn_session_action_t *a)
{
	gn_session_t const *s = &fsm->sessions[sid];
	bool const up = s->server == GN_SESSION_UPSTREAM;
	uint16_t const self = GN_SESSION_SELF;

	*a = (gn_session_action_t){.sid = sid, .server_id = s->server_id};
	switch ((work_t)info[s->state].work) {
	case W_CHARGE: return transfer(a, s->client, self, s->donation);
	case W_DONATE:
		if (up)
			return upstream(a, GN_SESSION_ACT_UPSTREAM_CREATE, forwarded(fsm, s));
		return transfer(a, self, s->server, forwarded(fsm, s));
	case W_UP_CHARGE: return transfer(a, s->client, self, s->upgrade);
	case W_UP_DONATE:
		if (up)
			return upstream(a, GN_SESSION_ACT_UPSTREAM_UPGRADE, s->upgrade);
		return transfer(a, self, s->server, s->upgrade);
	case W_UP_UNDO: return !s->client_gone && transfer(a, self, s->client, s->upgrade);
	case W_CLOSE: return up && upstream(a, GN_SESSION_ACT_UPSTREAM_CLOSE, NOTHING);
	case W_RECLAIM: return !up && transfer(a, s->server, self, s->at_server);
	case W_REFUND: return !s->client_gone && transfer(a, self, s->client, s->at_parent);
	case W_RELEASE: a->kind = GN_SESSION_ACT_RELEASE; return true;
	case W_NONE: break;
	}
	return false;
}

/* Books the pending action of s as done (err == GN_OK) or failed, then takes the transition. */
static void complete(gn_session_fsm_t *fsm, gn_session_t *s, gn_err_t err)
{
	bool const ok = err == GN_OK;
	gn_session_fsm_stats_t *st = &fsm->stats;
	event_arg_t const arg = {err, NOTHING};

	switch ((work_t)info[s->state].work) {
	case W_CHARGE:
		if (ok) {
			add(&s->at_parent, s->donation);
			add(&st->donated, s->donation);
		}
		break;
	case W_DONATE:
		if (ok) {
			sub(&s->at_parent, forwarded(fsm, s));
			add(&s->at_server, forwarded(fsm, s));
		}
		break;
	case W_UP_CHARGE:
		if (ok) {
			add(&s->at_parent, s->upgrade);
			add(&st->donated, s->upgrade);
		}
		break;
	case W_UP_DONATE:
		if (ok) {
			sub(&s->at_parent, s->upgrade);
			add(&s->at_server, s->upgrade);
		}
		break;
	case W_UP_UNDO:
		if (ok && !s->client_gone) {
			sub(&s->at_parent, s->upgrade);
			add(&st->refunded, s->upgrade);
		}
		break;
	case W_RECLAIM: move_all(&s->at_server, ok ? &s->at_parent : &st->lost); break;
	case W_REFUND:
		move_all(&s->at_parent, ok && !s->client_gone ? &st->refunded : &st->kept);
		break;
	case W_CLOSE:
	case W_RELEASE:
	case W_NONE: break;
	}
	gn_ignore(apply(fsm, s, ok ? DONE_OK : DONE_FAIL, &arg));
}

/* ---- setup and children ---------------------------------------------------------------------- */

void gn_session_fsm_init(gn_session_fsm_t *fsm, gn_session_fsm_config_t const *cfg,
	gn_session_t *sessions, uint32_t num_sessions, gn_session_fsm_child_t *children,
	uint16_t num_children)
{
	if (num_children > GN_SESSION_CHILDREN_MAX)
		num_children = GN_SESSION_CHILDREN_MAX;
	*fsm = (gn_session_fsm_t){.sessions = sessions,
		.num_sessions = num_sessions,
		.children = children,
		.num_children = num_children,
		.cfg = *cfg};
	if (!fsm->cfg.first_server_id)
		fsm->cfg.first_server_id = 1;
	fsm->next_server_id = fsm->cfg.first_server_id;
	for (uint32_t i = 0; i < num_sessions; i++)
		sessions[i] = (gn_session_t){.state = FREE};
	for (uint16_t i = 0; i < num_children; i++)
		children[i] = (gn_session_fsm_child_t){.alive = false};
}

gn_err_t gn_session_fsm_child_add(gn_session_fsm_t *fsm, uint16_t child, char const *name)
{
	gn_session_fsm_child_t *c;

	if (child >= fsm->num_children)
		return GN_ERR_INVALID_ARG;
	c = &fsm->children[child];
	if (c->alive)
		return GN_ERR_EXISTS;
	if (gn_strnlen(name, GN_SESSION_NAME_MAX) == GN_SESSION_NAME_MAX)
		return GN_ERR_TRUNCATED;
	*c = (gn_session_fsm_child_t){.alive = true};
	gn_memcpy(c->name, name, gn_strlen(name));
	return GN_OK;
}

gn_err_t gn_session_fsm_child_gone(gn_session_fsm_t *fsm, uint16_t child)
{
	event_arg_t const arg = {GN_OK, NOTHING};

	if (gn_session_fsm_busy(fsm))
		return GN_ERR_AGAIN;
	if (!alive(fsm, child))
		return GN_ERR_INVALID_ARG;
	/* as a server first: a session it served for itself is then closed like any failed one */
	for (uint32_t i = 0; i < fsm->num_sessions; i++) {
		gn_session_t *s = &fsm->sessions[i];
		if (s->state != FREE && s->server == child)
			gn_ignore(apply(fsm, s, SERVER_GONE, &arg));
	}
	for (uint32_t i = 0; i < fsm->num_sessions; i++) {
		gn_session_t *s = &fsm->sessions[i];
		if (s->state == FREE || s->client_gone || s->client != child)
			continue;
		s->client_gone = true;
		gn_ignore(apply(fsm, s, CLIENT_GONE, &arg));
	}
	gn_session_fsm_child_t *c = &fsm->children[child];
	fsm->work -= (uint32_t)c->rom_stale + (uint32_t)c->signal;
	*c = (gn_session_fsm_child_t){.alive = false};
	return GN_OK;
}

/* ---- the client's parent RPCs ---------------------------------------------------------------- */

static bool valid_service(char const *service)
{
	size_t const len = gn_strnlen(service, GN_SERVICE_NAME_MAX);

	if (len == 0 || len == GN_SERVICE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (service[i] <= ' ' || service[i] >= 0x7f)
			return false;
	return true;
}

static gn_err_t quota_arg(char const *args, char const *key, uint64_t *value)
{
	gn_err_t const err = gn_args_get_num(args, key, value);

	if (err == GN_ERR_NOT_FOUND)
		*value = 0;
	return err == GN_ERR_NOT_FOUND ? GN_OK : err;
}

/* Checks a request and writes the record it becomes into *rec (validate, then commit). */
static gn_err_t prepare(gn_session_fsm_t const *fsm, uint16_t child, char const *service,
	char const *args, gn_session_t *rec)
{
	char label[GN_LABEL_MAX], prefixed[GN_LABEL_MAX];
	gn_session_quota_t q;
	size_t const args_len = gn_strnlen(args, GN_SESSION_ARGS_MAX);

	*rec = (gn_session_t){.state = FREE};
	if (!valid_service(service) || args_len == GN_SESSION_ARGS_MAX)
		return GN_ERR_INVALID_ARG;
	gn_memcpy(rec->service, service, gn_strlen(service));
	gn_memcpy(rec->args, args, args_len);
	if (gn_args_check(rec->args) != GN_OK ||
		quota_arg(rec->args, "ram_quota", &q.ram) != GN_OK ||
		quota_arg(rec->args, "cap_quota", &q.caps) != GN_OK)
		return GN_ERR_INVALID_ARG;
	if (q.ram < fsm->cfg.keep.ram)
		return GN_ERR_INSUFFICIENT_RAM;
	if (q.caps < fsm->cfg.keep.caps)
		return GN_ERR_INSUFFICIENT_CAPS;
	rec->donation = q;
	sub(&q, fsm->cfg.keep);
	if (gn_args_get_label(rec->args, label, sizeof(label)) != GN_OK ||
		gn_label_prefix(prefixed, sizeof(prefixed), fsm->children[child].name, label) !=
			GN_OK ||
		gn_args_set_string(rec->args, sizeof(rec->args), "label", prefixed) != GN_OK ||
		gn_args_set_num(rec->args, sizeof(rec->args), "ram_quota", q.ram) != GN_OK ||
		gn_args_set_num(rec->args, sizeof(rec->args), "cap_quota", q.caps) != GN_OK)
		return GN_ERR_INVALID_ARG;
	return GN_OK;
}

gn_err_t gn_session_fsm_session(gn_session_fsm_t *fsm, uint16_t child, uint32_t id,
	char const *service, char const *args, uint32_t *sid)
{
	gn_session_t rec;
	uint32_t records = 0, pending = 0, slot = fsm->num_sessions;
	event_arg_t const arg = {GN_OK, NOTHING};

	if (gn_session_fsm_busy(fsm))
		return GN_ERR_AGAIN;
	if (!alive(fsm, child) || id < fsm->cfg.first_client_id)
		return GN_ERR_INVALID_ARG;
	if (find_client(fsm, child, id) != fsm->num_sessions)
		return GN_ERR_EXISTS;
	gn_err_t const err = prepare(fsm, child, service, args, &rec);
	if (err != GN_OK)
		return err;
	for (uint32_t i = fsm->num_sessions; i-- > 0;) {
		gn_session_t const *s = &fsm->sessions[i];
		if (s->state == FREE)
			slot = i;
		else if (!s->client_gone && s->client == child) {
			records++;
			pending += info[s->state].pending;
		}
	}
	if (records >= fsm->cfg.max_sessions || pending >= fsm->cfg.max_pending ||
		slot == fsm->num_sessions)
		return GN_ERR_LIMIT;
	rec.client = child;
	rec.client_id = id;
	rec.server = GN_SESSION_NO_SERVER;
	fsm->sessions[slot] = rec;
	*sid = slot;
	return apply(fsm, &fsm->sessions[slot], SESSION, &arg);
}

gn_err_t gn_session_fsm_route(gn_session_fsm_t *fsm, uint32_t sid, uint16_t target, bool announced)
{
	event_arg_t const arg = {GN_OK, NOTHING};

	if (gn_session_fsm_busy(fsm))
		return GN_ERR_AGAIN;
	if (sid >= fsm->num_sessions || fsm->sessions[sid].state != AWAIT_ROUTE)
		return GN_ERR_INVALID_ARG;
	gn_session_t *s = &fsm->sessions[sid];
	if (target == GN_SESSION_ROUTE_DENIED)
		return apply(fsm, s, DENY, &arg);
	if (target != GN_SESSION_UPSTREAM && !alive(fsm, target))
		return GN_ERR_INVALID_ARG;
	s->server_id = alloc_server_id(fsm);
	s->server = target;
	return apply(fsm, s, target == GN_SESSION_UPSTREAM || announced ? ROUTE : ROUTE_WAIT, &arg);
}

gn_err_t gn_session_fsm_announce(gn_session_fsm_t *fsm, uint16_t server, char const *service)
{
	event_arg_t const arg = {GN_OK, NOTHING};

	if (gn_session_fsm_busy(fsm))
		return GN_ERR_AGAIN;
	if (!alive(fsm, server))
		return GN_ERR_INVALID_ARG;
	for (uint32_t i = 0; i < fsm->num_sessions; i++) {
		gn_session_t *s = &fsm->sessions[i];
		if (s->state == AWAIT_ANNOUNCE && s->server == server &&
			gn_strncmp(s->service, service, sizeof(s->service)) == 0)
			gn_ignore(apply(fsm, s, ANNOUNCE, &arg));
	}
	return GN_OK;
}

/* The record of a client's call, or an answer for the call when it cannot go on. */
static gn_err_t client_record(
	gn_session_fsm_t const *fsm, uint16_t child, uint32_t id, uint32_t *sid)
{
	if (gn_session_fsm_busy(fsm))
		return GN_ERR_AGAIN;
	*sid = find_client(fsm, child, id);
	return *sid == fsm->num_sessions ? GN_ERR_NOT_FOUND : GN_OK;
}

gn_err_t gn_session_fsm_session_cap(
	gn_session_fsm_t *fsm, uint16_t child, uint32_t id, uint32_t *sid)
{
	event_arg_t const arg = {GN_OK, NOTHING};
	gn_err_t const err = client_record(fsm, child, id, sid);

	return err ? err : apply(fsm, &fsm->sessions[*sid], SESSION_CAP, &arg);
}

gn_err_t gn_session_fsm_upgrade(
	gn_session_fsm_t *fsm, uint16_t child, uint32_t id, gn_session_quota_t quota)
{
	event_arg_t const arg = {GN_OK, quota};
	uint32_t sid;
	gn_err_t const err = client_record(fsm, child, id, &sid);

	if (err != GN_OK)
		return err;
	gn_session_t *s = &fsm->sessions[sid];
	gn_session_quota_t held = s->at_parent;
	add(&held, s->at_server);
	if (held.ram + quota.ram < held.ram || held.caps + quota.caps < held.caps)
		return GN_ERR_INVALID_ARG;
	/* an upgrade by nothing moves nothing (and does not bother the server) */
	if (is_zero(quota) && s->state == CAP_HANDED_OUT)
		return GN_OK;
	return apply(fsm, s, UPGRADE, &arg);
}

gn_err_t gn_session_fsm_upgrade_status(gn_session_fsm_t *fsm, uint16_t child, uint32_t id)
{
	uint32_t const sid = find_client(fsm, child, id);

	if (sid == fsm->num_sessions)
		return GN_ERR_NOT_FOUND;
	gn_session_t *s = &fsm->sessions[sid];
	if (s->upgrade_err != GN_OK) {
		gn_err_t const err = (gn_err_t)s->upgrade_err;
		s->upgrade_err = GN_OK;
		return err;
	}
	switch (s->state) {
	case UPGRADE_CHARGING:
	case UPGRADE_DONATING:
	case UPGRADE_UNDO:
	case UPGRADE_REQUESTED: return GN_ERR_AGAIN;
	case CLOSE_FORWARDING:
	case CLOSE_REQUESTED:
	case RECLAIM_CLOSED: return GN_ERR_REVOKED;
	case FAILED: return (gn_err_t)s->result;
	default: return GN_OK;
	}
}

gn_err_t gn_session_fsm_close(gn_session_fsm_t *fsm, uint16_t child, uint32_t id)
{
	event_arg_t const arg = {GN_OK, NOTHING};
	uint32_t sid;
	gn_err_t const err = client_record(fsm, child, id, &sid);

	if (err == GN_ERR_NOT_FOUND)
		return GN_OK; /* nothing (left) to close */
	return err ? err : apply(fsm, &fsm->sessions[sid], CLOSE, &arg);
}

/* ---- the server's parent RPCs ---------------------------------------------------------------- */

static gn_err_t server_record(
	gn_session_fsm_t const *fsm, uint16_t server, uint32_t server_id, uint32_t *sid)
{
	if (gn_session_fsm_busy(fsm))
		return GN_ERR_AGAIN;
	if (server != GN_SESSION_UPSTREAM && !alive(fsm, server))
		return GN_ERR_INVALID_ARG;
	*sid = find_server_id(fsm, server_id);
	if (*sid == fsm->num_sessions)
		return GN_ERR_NOT_FOUND;
	return fsm->sessions[*sid].server == server ? GN_OK : GN_ERR_DENIED;
}

gn_err_t gn_session_fsm_deliver(
	gn_session_fsm_t *fsm, uint16_t server, uint32_t server_id, uint32_t *sid)
{
	event_arg_t const arg = {GN_OK, NOTHING};
	gn_err_t const err = server_record(fsm, server, server_id, sid);

	return err ? err : apply(fsm, &fsm->sessions[*sid], DELIVER, &arg);
}

gn_err_t gn_session_fsm_response(
	gn_session_fsm_t *fsm, uint16_t server, uint32_t server_id, gn_session_response_t response)
{
	/* the wire's answers: the event each one is, and what a refusal tells the client */
	static struct {
		uint8_t valid, event;
		gn_err_t err;
	} const map[] = {
		[GN_SESSION_DENIED] = {1, RESP_REFUSED, GN_ERR_DENIED},
		[GN_SESSION_INSUFFICIENT_RAM] = {1, RESP_REFUSED, GN_ERR_INSUFFICIENT_RAM},
		[GN_SESSION_INSUFFICIENT_CAPS] = {1, RESP_REFUSED, GN_ERR_INSUFFICIENT_CAPS},
		[GN_SESSION_CLOSED] = {1, RESP_CLOSED, GN_OK},
		[GN_SESSION_UPGRADED] = {1, RESP_UPGRADED, GN_OK},
	};
	uint32_t sid;

	if (gn_session_fsm_busy(fsm))
		return GN_ERR_AGAIN;
	if ((unsigned)response >= GN_ARRAY_SIZE(map) || !map[response].valid)
		return GN_ERR_INVALID_ARG;
	gn_err_t const err = server_record(fsm, server, server_id, &sid);
	event_arg_t const arg = {map[response].err, NOTHING};

	return err ? err : apply(fsm, &fsm->sessions[sid], map[response].event, &arg);
}

/* ---- actions --------------------------------------------------------------------------------- */

bool gn_session_fsm_next(gn_session_fsm_t *fsm, gn_session_action_t *action)
{
	if (fsm->outstanding) {
		*action = fsm->issued;
		return true;
	}
	if (!fsm->work)
		return false;
	for (uint32_t i = 0; i < fsm->num_sessions; i++) {
		gn_session_t *s = &fsm->sessions[i];
		while (transient(s->state)) {
			if (derive(fsm, i, action)) {
				fsm->issued = *action;
				fsm->outstanding = true;
				return true;
			}
			complete(fsm, s, GN_OK);
		}
	}
	for (int pass = 0; pass < 2; pass++)
		for (uint16_t i = 0; i < fsm->num_children; i++) {
			gn_session_fsm_child_t const *c = &fsm->children[i];
			if (pass == 0 ? !c->rom_stale : !c->signal)
				continue;
			*action =
				(gn_session_action_t){.kind = pass == 0 ? GN_SESSION_ACT_UPDATE_ROM
									: GN_SESSION_ACT_SIGNAL,
					.child = i};
			fsm->issued = *action;
			fsm->outstanding = true;
			return true;
		}
	return false;
}

gn_err_t gn_session_fsm_done(gn_session_fsm_t *fsm, gn_err_t result)
{
	gn_session_action_t const *a = &fsm->issued;

	if (!fsm->outstanding)
		return GN_ERR_INVALID_ARG;
	fsm->outstanding = false;
	switch (a->kind) {
	case GN_SESSION_ACT_UPDATE_ROM:
		fsm->children[a->child].rom_stale = false;
		fsm->work--;
		break;
	case GN_SESSION_ACT_SIGNAL:
		fsm->children[a->child].signal = false;
		fsm->work--;
		break;
	case GN_SESSION_ACT_RELEASE: complete(fsm, &fsm->sessions[a->sid], GN_OK); break;
	case GN_SESSION_ACT_TRANSFER:
	case GN_SESSION_ACT_UPSTREAM_CREATE:
	case GN_SESSION_ACT_UPSTREAM_UPGRADE:
	case GN_SESSION_ACT_UPSTREAM_CLOSE: complete(fsm, &fsm->sessions[a->sid], result); break;
	}
	return GN_OK;
}

/* ---- queries --------------------------------------------------------------------------------- */

gn_err_t gn_session_fsm_lookup(
	gn_session_fsm_t const *fsm, uint16_t child, uint32_t id, uint32_t *sid)
{
	*sid = find_client(fsm, child, id);
	return *sid == fsm->num_sessions ? GN_ERR_NOT_FOUND : GN_OK;
}

gn_session_t const *gn_session_fsm_get(gn_session_fsm_t const *fsm, uint32_t sid)
{
	return sid < fsm->num_sessions ? &fsm->sessions[sid] : NULL;
}

gn_session_fsm_stats_t const *gn_session_fsm_stats(gn_session_fsm_t const *fsm)
{
	return &fsm->stats;
}

bool gn_session_fsm_busy(gn_session_fsm_t const *fsm)
{
	return fsm->work || fsm->outstanding;
}

static void gen_request(gn_xml_gen_t *g, gn_session_t const *s)
{
	char label[GN_LABEL_MAX];

	switch (info[s->state].rom) {
	case ROM_CREATE:
		gn_xml_gen_node_open(g, "create");
		gn_xml_gen_attr_u64(g, "id", s->server_id);
		gn_xml_gen_attr(g, "service", s->service);
		if (gn_args_get_label(s->args, label, sizeof(label)) != GN_OK)
			label[0] = 0; /* cannot happen: the args were checked */
		gn_xml_gen_attr(g, "label", label);
		gn_xml_gen_node_open(g, "args");
		gn_xml_gen_content(g, s->args);
		gn_xml_gen_node_close(g);
		gn_xml_gen_node_close(g);
		break;
	case ROM_UPGRADE:
		gn_xml_gen_node_open(g, "upgrade");
		gn_xml_gen_attr_u64(g, "id", s->server_id);
		gn_xml_gen_attr_u64(g, "ram_quota", s->upgrade.ram);
		gn_xml_gen_attr_u64(g, "cap_quota", s->upgrade.caps);
		gn_xml_gen_node_close(g);
		break;
	case ROM_CLOSE:
		gn_xml_gen_node_open(g, "close");
		gn_xml_gen_attr_u64(g, "id", s->server_id);
		gn_xml_gen_node_close(g);
		break;
	}
}

gn_err_t gn_session_fsm_gen_requests(
	gn_session_fsm_t const *fsm, uint16_t server, char *buf, size_t size, size_t *len)
{
	gn_xml_gen_t g;

	if (server >= fsm->num_children)
		return GN_ERR_INVALID_ARG;
	gn_xml_gen_init(&g, buf, size);
	gn_xml_gen_node_open(&g, "session_requests");
	for (uint32_t i = 0; i < fsm->num_sessions; i++)
		if (fsm->sessions[i].state != FREE && fsm->sessions[i].server == server)
			gen_request(&g, &fsm->sessions[i]);
	gn_xml_gen_node_close(&g);
	return gn_xml_gen_finish(&g, len);
}

static bool quota_eq(gn_session_quota_t a, gn_session_quota_t b)
{
	return a.ram == b.ram && a.caps == b.caps;
}

/* Checks one record on its own; NULL when it is sound. */
static char const *check_record(gn_session_fsm_t const *fsm, gn_session_t const *s)
{
	static gn_session_t const free_record = {.state = FREE};

	if (s->state >= GN_SESSION_STATE_COUNT)
		return "state out of range";
	if (s->state == FREE)
		return gn_memcmp(s, &free_record, sizeof(*s)) ? "FREE record not cleared" : NULL;
	if (s->client >= fsm->num_children)
		return "client out of range";
	if (!s->client_gone && !fsm->children[s->client].alive)
		return "record of a dead client";
	if (info[s->state].has_server && s->server == GN_SESSION_NO_SERVER)
		return "state needs a server";
	if (s->server != GN_SESSION_NO_SERVER && s->server != GN_SESSION_UPSTREAM &&
		s->server >= fsm->num_children)
		return "server out of range";
	if (!info[s->state].at_server && !is_zero(s->at_server))
		return "server holds quota in a state where it cannot";
	return NULL;
}

/* The per-record and per-child invariants; NULL when they hold. */
static char const *check_records(
	gn_session_fsm_t const *fsm, gn_session_quota_t *held, uint32_t *transients)
{
	for (uint32_t i = 0; i < fsm->num_sessions; i++) {
		gn_session_t const *s = &fsm->sessions[i];
		char const *what = check_record(fsm, s);
		uint32_t records = 0, pending = 0;

		if (what)
			return what;
		if (s->state == FREE)
			continue;
		add(held, s->at_parent);
		add(held, s->at_server);
		*transients += transient(s->state);
		for (uint32_t j = 0; j < fsm->num_sessions; j++) {
			gn_session_t const *o = &fsm->sessions[j];
			if (o->state == FREE)
				continue;
			if (j != i && s->server != GN_SESSION_NO_SERVER &&
				o->server != GN_SESSION_NO_SERVER && o->server_id == s->server_id)
				return "server id used twice";
			if (s->client_gone || o->client_gone || o->client != s->client)
				continue;
			records++;
			pending += info[o->state].pending;
			if (j != i && o->client_id == s->client_id)
				return "client id used twice";
		}
		if (!s->client_gone && records > fsm->cfg.max_sessions)
			return "client has more than max_sessions records";
		if (!s->client_gone && pending > fsm->cfg.max_pending)
			return "client has more than max_pending requests";
	}
	return NULL;
}

gn_err_t gn_session_fsm_check(gn_session_fsm_t const *fsm, char const **what)
{
	gn_session_fsm_stats_t const *st = &fsm->stats;
	gn_session_quota_t held = NOTHING;
	uint32_t work = 0;
	char const *broken = check_records(fsm, &held, &work);

	for (uint16_t i = 0; !broken && i < fsm->num_children; i++) {
		gn_session_fsm_child_t const *c = &fsm->children[i];
		if (!c->alive && (c->rom_stale || c->signal))
			broken = "dead child has pending actions";
		work += (uint32_t)c->rom_stale + (uint32_t)c->signal;
	}
	add(&held, st->refunded);
	add(&held, st->kept);
	add(&held, st->lost);
	if (!broken && !quota_eq(held, st->donated))
		broken = "quota not conserved";
	if (!broken && work != fsm->work)
		broken = "pending-work count wrong";
	if (what)
		*what = broken;
	return broken ? GN_ERR_INVALID_ARG : GN_OK;
}

bool gn_session_fsm_accepts(gn_session_state_t state, gn_session_event_t event)
{
	return (unsigned)state < GN_SESSION_STATE_COUNT &&
	       (unsigned)event < GN_SESSION_EVENT_COUNT && table[state][event].valid;
}

char const *gn_session_state_name(gn_session_state_t state)
{
	return (unsigned)state < GN_SESSION_STATE_COUNT ? state_names[state] : "?";
}

char const *gn_session_event_name(gn_session_event_t event)
{
	return (unsigned)event < GN_SESSION_EVENT_COUNT ? event_names[event] : "?";
}
