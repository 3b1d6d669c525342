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
 *
 * This file holds the table, its application to a record and the machine's setup. The calls that
 * become events (session_fsm_event.c), the pending actions and their accounting
 * (session_fsm_action.c) and the queries and the invariant check (session_fsm_query.c) are files
 * of their own; session_fsm_internal.h is what they share.
 */
#include <gneiss/session_fsm.h>

#include "session_fsm_internal.h"

/* ---- the table ------------------------------------------------------------------------------- */

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

state_info_t const gn_sfsm_info[GN_SESSION_STATE_COUNT] = {
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

/* ---- the machine ----------------------------------------------------------------------------- */

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

static gn_err_t sanitized_result(gn_err_t err)
{
	return err == GN_OK || err == GN_ERR_AGAIN ? GN_ERR_DENIED : err;
}

/* Applies event ev to record s by the table and returns the answer to the call behind it. */
gn_err_t gn_sfsm_apply(gn_session_fsm_t *fsm, gn_session_t *s, unsigned ev, event_arg_t const *arg)
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

/* ---- setup ----------------------------------------------------------------------------------- */

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

/* ---- the table, asked from outside ----------------------------------------------------------- */

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
