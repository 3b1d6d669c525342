/*
 * The parent side of the session protocol (gneiss/session_fsm.h).
 *
 * One test per transition of the table: each vector drives a session (client 0, id 16, server
 * child 1 or the parent's parent) into a state, causes one event, and checks the answer, the state
 * right after, every action up to the end of the drain and the state then; a coverage test checks
 * that every transition the table has is exercised by a vector. Then the cases that bite, each on
 * its own, and a randomized run against the ledger of test/fuzz/session_fsm_world.h (which the
 * fuzz target uses too).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>

#include "../fuzz/session_fsm_world.h"

enum {
	ID = 16,
	UP = GN_SESSION_UPSTREAM,
	/* short names for the vectors */
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

#define ARGS "ram_quota=8K, cap_quota=4, label=\"x\""
static quota_t const UPGRADE_Q = {4096, 2};

static world_t world;

static void expect_sound(world_t const *w)
{
	char const *what = world_check(w);

	if (what)
		fail_msg("%s", what);
}

static world_t *fresh(void)
{
	gn_session_fsm_config_t const cfg = world_config();

	world_init(&world, &cfg);
	return &world;
}

static gn_session_t const *rec(world_t const *w, uint32_t sid)
{
	return gn_session_fsm_get(&w->fsm, sid);
}

static void forget_log(world_t *w)
{
	w->log[0] = 0;
	memset(w->signals, 0, sizeof(w->signals));
	memset(w->roms, 0, sizeof(w->roms));
}

static void drain(world_t *w)
{
	world_drain(w);
	expect_sound(w);
}

static uint32_t open_request(world_t *w, uint16_t client, uint32_t id, char const *args)
{
	uint32_t sid = W_SESSIONS;

	assert_int_equal(gn_session_fsm_session(&w->fsm, client, id, "LOG", args, &sid), GN_OK);
	assert_true(sid < W_SESSIONS);
	return sid;
}

/* A session of client at server, established (cap fetched). */
static uint32_t establish(world_t *w, uint16_t client, uint32_t id, uint16_t server)
{
	uint32_t sid = open_request(w, client, id, ARGS), got;

	drain(w);
	assert_int_equal(gn_session_fsm_route(&w->fsm, sid, server, true), GN_OK);
	drain(w);
	assert_int_equal(world_deliver(w, server, rec(w, sid)->server_id), GN_OK);
	drain(w);
	assert_int_equal(gn_session_fsm_session_cap(&w->fsm, client, id, &got), GN_OK);
	assert_int_equal(got, sid);
	return sid;
}

/* ---- one test per transition ----------------------------------------------------------------- */

typedef struct {
	uint8_t state, event;
	bool up;          /* served by the parent's parent */
	bool self;        /* served by the client itself (state is reached within child_gone) */
	gn_err_t answer;  /* of the call, or of done() */
	uint8_t next;     /* right after the event */
	char const *log;  /* the actions it leads to, through the drain */
	uint8_t final;    /* after the drain */
	gn_err_t outcome; /* FAILED: its result; otherwise upgrade_status (GN_OK: not checked) */
} vector_t;

/* Drives client 0's session ID to state (server 1, the parent's parent, or client 0 itself). */
static uint32_t reach(world_t *w, uint8_t state, bool up, bool self)
{
	uint16_t const server = up ? UP : self ? 0 : 1;
	uint32_t sid = open_request(w, 0, ID, ARGS), got;
	uint8_t const path[] = {CHARGING, AWAIT_ROUTE, DONATING, CREATE_REQUESTED, AVAILABLE,
		CAP_HANDED_OUT, UPGRADE_CHARGING, UPGRADE_DONATING, UPGRADE_REQUESTED,
		CLOSE_FORWARDING, CLOSE_REQUESTED, RECLAIM_CLOSED};
	unsigned step = 0;

	/* the states off the main path branch from it */
	uint8_t target = state;
	if (state == AWAIT_ANNOUNCE)
		target = AWAIT_ROUTE;
	if (state == RECLAIM_DENIED || state == FAILED || state == REFUNDING || state == RELEASING)
		target = CREATE_REQUESTED;
	if (state == UPGRADE_UNDO)
		target = UPGRADE_CHARGING;

	for (; path[step] != target; step++) {
		uint32_t const id = rec(w, sid)->server_id;
		switch (path[step]) {
		case CHARGING: drain(w); break;
		case AWAIT_ROUTE:
			assert_int_equal(gn_session_fsm_route(&w->fsm, sid, server, true), GN_OK);
			break;
		case DONATING: drain(w); break;
		case CREATE_REQUESTED:
			assert_int_equal(world_deliver(w, server, id), GN_OK);
			drain(w);
			break;
		case AVAILABLE:
			assert_int_equal(gn_session_fsm_session_cap(&w->fsm, 0, ID, &got), GN_OK);
			break;
		case CAP_HANDED_OUT:
			assert_int_equal(gn_session_fsm_upgrade(&w->fsm, 0, ID, UPGRADE_Q), GN_OK);
			break;
		case UPGRADE_CHARGING: assert_true(world_step(w)); break;
		case UPGRADE_DONATING:
			drain(w);
			if (target == UPGRADE_REQUESTED)
				break;
			assert_int_equal(world_response(w, server, id, GN_SESSION_UPGRADED), GN_OK);
			drain(w);
			assert_int_equal(gn_session_fsm_close(&w->fsm, 0, ID), GN_ERR_AGAIN);
			step++; /* UPGRADE_REQUESTED skipped */
			break;
		case CLOSE_FORWARDING: drain(w); break;
		case CLOSE_REQUESTED:
			assert_int_equal(world_response(w, server, id, GN_SESSION_CLOSED), GN_OK);
			break;
		}
	}
	uint32_t const id = rec(w, sid)->server_id;
	switch (state) {
	case AWAIT_ANNOUNCE:
		assert_int_equal(gn_session_fsm_route(&w->fsm, sid, 1, false), GN_OK);
		drain(w);
		break;
	case RECLAIM_DENIED:
		assert_int_equal(world_response(w, server, id, GN_SESSION_DENIED), GN_OK);
		break;
	case FAILED:
	case REFUNDING:
	case RELEASING:
		assert_int_equal(world_response(w, server, id, GN_SESSION_DENIED), GN_OK);
		drain(w);
		if (state == FAILED)
			break;
		assert_int_equal(gn_session_fsm_close(&w->fsm, 0, ID), GN_OK);
		if (state == RELEASING)
			assert_true(world_step(w));
		break;
	case UPGRADE_UNDO:
		w->fail_bits = 2; /* the charge works, the donation fails */
		assert_true(world_step(w));
		assert_true(world_step(w));
		break;
	}
	assert_string_equal(
		gn_session_state_name(rec(w, sid)->state), gn_session_state_name(state));
	forget_log(w);
	return sid;
}

/* Causes v's event for record sid; returns the answer. */
static gn_err_t fire(world_t *w, vector_t const *v, uint32_t *sid)
{
	uint16_t const server = v->up ? UP : v->self ? 0 : 1;
	uint32_t const id = *sid < W_SESSIONS ? rec(w, *sid)->server_id : 0;
	uint32_t got;
	gn_session_action_t a;

	switch (v->event) {
	case SESSION:
		*sid = W_SESSIONS;
		return gn_session_fsm_session(&w->fsm, 0, ID, "LOG", ARGS, sid);
	case ROUTE: return gn_session_fsm_route(&w->fsm, *sid, server, true);
	case ROUTE_WAIT: return gn_session_fsm_route(&w->fsm, *sid, server, false);
	case DENY: return gn_session_fsm_route(&w->fsm, *sid, GN_SESSION_ROUTE_DENIED, true);
	case ANNOUNCE: return gn_session_fsm_announce(&w->fsm, server, "LOG");
	case SESSION_CAP: return gn_session_fsm_session_cap(&w->fsm, 0, ID, &got);
	case UPGRADE: return gn_session_fsm_upgrade(&w->fsm, 0, ID, UPGRADE_Q);
	case CLOSE: return gn_session_fsm_close(&w->fsm, 0, ID);
	case DELIVER: return world_deliver(w, server, id);
	case RESP_UPGRADED: return world_response(w, server, id, GN_SESSION_UPGRADED);
	case RESP_REFUSED: return world_response(w, server, id, GN_SESSION_INSUFFICIENT_RAM);
	case RESP_CLOSED: return world_response(w, server, id, GN_SESSION_CLOSED);
	case CLIENT_GONE: return world_gone(w, 0);
	case SERVER_GONE: return world_gone(w, server);
	case DONE_OK: assert_true(world_step(w)); return GN_OK;
	case DONE_FAIL:
		assert_true(gn_session_fsm_next(&w->fsm, &a));
		if (a.kind == GN_SESSION_ACT_RELEASE) { /* cannot fail: the machine frees anyway */
			world_release(w, a.sid);
			return gn_session_fsm_done(&w->fsm, GN_ERR_IO);
		}
		w->fail_bits = 1;
		assert_true(world_step(w));
		return GN_OK;
	}
	fail_msg("no such event");
	return GN_ERR_INVALID_ARG;
}

#define V(s, e, ans, nx, lg, fin, out)                    \
	{                                                 \
		s, e, false, false, ans, nx, lg, fin, out \
	}
#define VU(s, e, ans, nx, lg, fin, out)                  \
	{                                                \
		s, e, true, false, ans, nx, lg, fin, out \
	}

static vector_t const vectors[] = {
	V(FREE, SESSION, GN_OK, CHARGING, "T0>s", AWAIT_ROUTE, GN_OK),

	V(CHARGING, DONE_OK, GN_OK, AWAIT_ROUTE, "T0>s", AWAIT_ROUTE, GN_OK),
	V(CHARGING, DONE_FAIL, GN_OK, FAILED, "T0>s SIG0", FAILED, GN_ERR_OUT_OF_RAM),

	V(AWAIT_ROUTE, ROUTE, GN_OK, DONATING, "Ts>1 ROM1", CREATE_REQUESTED, GN_OK),
	VU(AWAIT_ROUTE, ROUTE, GN_OK, DONATING, "UC", CREATE_REQUESTED, GN_OK),
	V(AWAIT_ROUTE, ROUTE_WAIT, GN_OK, AWAIT_ANNOUNCE, "", AWAIT_ANNOUNCE, GN_OK),
	V(AWAIT_ROUTE, DENY, GN_OK, FAILED, "SIG0", FAILED, GN_ERR_DENIED),
	V(AWAIT_ROUTE, SESSION_CAP, GN_ERR_AGAIN, AWAIT_ROUTE, "", AWAIT_ROUTE, GN_OK),
	V(AWAIT_ROUTE, UPGRADE, GN_ERR_AGAIN, AWAIT_ROUTE, "", AWAIT_ROUTE, GN_OK),
	V(AWAIT_ROUTE, CLOSE, GN_OK, REFUNDING, "Ts>0 REL", FREE, GN_OK),
	V(AWAIT_ROUTE, CLIENT_GONE, GN_OK, REFUNDING, "REL", FREE, GN_OK),

	V(AWAIT_ANNOUNCE, ANNOUNCE, GN_OK, DONATING, "Ts>1 ROM1", CREATE_REQUESTED, GN_OK),
	V(AWAIT_ANNOUNCE, SESSION_CAP, GN_ERR_AGAIN, AWAIT_ANNOUNCE, "", AWAIT_ANNOUNCE, GN_OK),
	V(AWAIT_ANNOUNCE, UPGRADE, GN_ERR_AGAIN, AWAIT_ANNOUNCE, "", AWAIT_ANNOUNCE, GN_OK),
	V(AWAIT_ANNOUNCE, CLOSE, GN_OK, REFUNDING, "Ts>0 REL", FREE, GN_OK),
	V(AWAIT_ANNOUNCE, CLIENT_GONE, GN_OK, REFUNDING, "REL", FREE, GN_OK),
	V(AWAIT_ANNOUNCE, SERVER_GONE, GN_OK, FAILED, "SIG0", FAILED, GN_ERR_DENIED),

	V(DONATING, DONE_OK, GN_OK, CREATE_REQUESTED, "Ts>1 ROM1", CREATE_REQUESTED, GN_OK),
	VU(DONATING, DONE_OK, GN_OK, CREATE_REQUESTED, "UC", CREATE_REQUESTED, GN_OK),
	V(DONATING, DONE_FAIL, GN_OK, FAILED, "Ts>1 SIG0", FAILED, GN_ERR_OUT_OF_RAM),
	VU(DONATING, DONE_FAIL, GN_OK, FAILED, "UC SIG0", FAILED, GN_ERR_OUT_OF_RAM),

	V(CREATE_REQUESTED, SESSION_CAP, GN_ERR_AGAIN, CREATE_REQUESTED, "", CREATE_REQUESTED,
		GN_OK),
	V(CREATE_REQUESTED, UPGRADE, GN_ERR_AGAIN, CREATE_REQUESTED, "", CREATE_REQUESTED, GN_OK),
	V(CREATE_REQUESTED, CLOSE, GN_ERR_AGAIN, CLOSE_FORWARDING, "ROM1", CLOSE_REQUESTED, GN_OK),
	VU(CREATE_REQUESTED, CLOSE, GN_ERR_AGAIN, CLOSE_FORWARDING, "UX", CLOSE_REQUESTED, GN_OK),
	V(CREATE_REQUESTED, DELIVER, GN_OK, AVAILABLE, "ROM1 SIG0", AVAILABLE, GN_OK),
	VU(CREATE_REQUESTED, DELIVER, GN_OK, AVAILABLE, "SIG0", AVAILABLE, GN_OK),
	V(CREATE_REQUESTED, RESP_REFUSED, GN_OK, RECLAIM_DENIED, "T1>s ROM1 SIG0", FAILED,
		GN_ERR_INSUFFICIENT_RAM),
	VU(CREATE_REQUESTED, RESP_REFUSED, GN_OK, RECLAIM_DENIED, "SIG0", FAILED,
		GN_ERR_INSUFFICIENT_RAM),
	V(CREATE_REQUESTED, RESP_CLOSED, GN_OK, RECLAIM_DENIED, "T1>s ROM1 SIG0", FAILED,
		GN_ERR_DENIED),
	V(CREATE_REQUESTED, CLIENT_GONE, GN_OK, CLOSE_FORWARDING, "ROM1", CLOSE_REQUESTED, GN_OK),
	VU(CREATE_REQUESTED, CLIENT_GONE, GN_OK, CLOSE_FORWARDING, "UX", CLOSE_REQUESTED, GN_OK),
	V(CREATE_REQUESTED, SERVER_GONE, GN_OK, FAILED, "SIG0", FAILED, GN_ERR_DENIED),

	V(AVAILABLE, SESSION_CAP, GN_OK, CAP_HANDED_OUT, "", CAP_HANDED_OUT, GN_OK),
	V(AVAILABLE, UPGRADE, GN_ERR_AGAIN, AVAILABLE, "", AVAILABLE, GN_OK),
	V(AVAILABLE, CLOSE, GN_ERR_AGAIN, CLOSE_FORWARDING, "ROM1", CLOSE_REQUESTED, GN_OK),
	V(AVAILABLE, DELIVER, GN_ERR_EXISTS, AVAILABLE, "", AVAILABLE, GN_OK),
	V(AVAILABLE, CLIENT_GONE, GN_OK, CLOSE_FORWARDING, "ROM1", CLOSE_REQUESTED, GN_OK),
	V(AVAILABLE, SERVER_GONE, GN_OK, FAILED, "SIG0", FAILED, GN_ERR_REVOKED),

	V(CAP_HANDED_OUT, SESSION_CAP, GN_OK, CAP_HANDED_OUT, "", CAP_HANDED_OUT, GN_OK),
	V(CAP_HANDED_OUT, UPGRADE, GN_OK, UPGRADE_CHARGING, "T0>s Ts>1 ROM1", UPGRADE_REQUESTED,
		GN_ERR_AGAIN),
	VU(CAP_HANDED_OUT, UPGRADE, GN_OK, UPGRADE_CHARGING, "T0>s UU", UPGRADE_REQUESTED,
		GN_ERR_AGAIN),
	V(CAP_HANDED_OUT, CLOSE, GN_ERR_AGAIN, CLOSE_FORWARDING, "ROM1", CLOSE_REQUESTED, GN_OK),
	V(CAP_HANDED_OUT, DELIVER, GN_ERR_EXISTS, CAP_HANDED_OUT, "", CAP_HANDED_OUT, GN_OK),
	V(CAP_HANDED_OUT, CLIENT_GONE, GN_OK, CLOSE_FORWARDING, "ROM1", CLOSE_REQUESTED, GN_OK),
	V(CAP_HANDED_OUT, SERVER_GONE, GN_OK, FAILED, "SIG0", FAILED, GN_ERR_REVOKED),

	V(UPGRADE_CHARGING, DONE_OK, GN_OK, UPGRADE_DONATING, "T0>s Ts>1 ROM1", UPGRADE_REQUESTED,
		GN_ERR_AGAIN),
	V(UPGRADE_CHARGING, DONE_FAIL, GN_OK, CAP_HANDED_OUT, "T0>s", CAP_HANDED_OUT,
		GN_ERR_OUT_OF_RAM),

	V(UPGRADE_DONATING, DONE_OK, GN_OK, UPGRADE_REQUESTED, "Ts>1 ROM1", UPGRADE_REQUESTED,
		GN_ERR_AGAIN),
	VU(UPGRADE_DONATING, DONE_OK, GN_OK, UPGRADE_REQUESTED, "UU", UPGRADE_REQUESTED,
		GN_ERR_AGAIN),
	V(UPGRADE_DONATING, DONE_FAIL, GN_OK, UPGRADE_UNDO, "Ts>1 Ts>0", CAP_HANDED_OUT,
		GN_ERR_OUT_OF_RAM),
	VU(UPGRADE_DONATING, DONE_FAIL, GN_OK, UPGRADE_UNDO, "UU Ts>0", CAP_HANDED_OUT,
		GN_ERR_OUT_OF_RAM),

	V(UPGRADE_UNDO, DONE_OK, GN_OK, CAP_HANDED_OUT, "Ts>0", CAP_HANDED_OUT, GN_ERR_OUT_OF_RAM),
	V(UPGRADE_UNDO, DONE_FAIL, GN_OK, CAP_HANDED_OUT, "Ts>0", CAP_HANDED_OUT,
		GN_ERR_OUT_OF_RAM),

	V(UPGRADE_REQUESTED, SESSION_CAP, GN_OK, UPGRADE_REQUESTED, "", UPGRADE_REQUESTED,
		GN_ERR_AGAIN),
	V(UPGRADE_REQUESTED, UPGRADE, GN_ERR_AGAIN, UPGRADE_REQUESTED, "", UPGRADE_REQUESTED,
		GN_ERR_AGAIN),
	V(UPGRADE_REQUESTED, CLOSE, GN_ERR_AGAIN, CLOSE_FORWARDING, "ROM1", CLOSE_REQUESTED,
		GN_ERR_REVOKED),
	V(UPGRADE_REQUESTED, DELIVER, GN_ERR_EXISTS, UPGRADE_REQUESTED, "", UPGRADE_REQUESTED,
		GN_ERR_AGAIN),
	V(UPGRADE_REQUESTED, RESP_UPGRADED, GN_OK, CAP_HANDED_OUT, "ROM1 SIG0", CAP_HANDED_OUT,
		GN_OK),
	VU(UPGRADE_REQUESTED, RESP_UPGRADED, GN_OK, CAP_HANDED_OUT, "SIG0", CAP_HANDED_OUT, GN_OK),
	V(UPGRADE_REQUESTED, CLIENT_GONE, GN_OK, CLOSE_FORWARDING, "ROM1", CLOSE_REQUESTED, GN_OK),
	V(UPGRADE_REQUESTED, SERVER_GONE, GN_OK, FAILED, "SIG0", FAILED, GN_ERR_REVOKED),

	V(CLOSE_FORWARDING, DONE_OK, GN_OK, CLOSE_REQUESTED, "ROM1", CLOSE_REQUESTED, GN_OK),
	VU(CLOSE_FORWARDING, DONE_OK, GN_OK, CLOSE_REQUESTED, "UX", CLOSE_REQUESTED, GN_OK),
	VU(CLOSE_FORWARDING, DONE_FAIL, GN_OK, CLOSE_REQUESTED, "UX", CLOSE_REQUESTED, GN_OK),

	V(CLOSE_REQUESTED, SESSION_CAP, GN_ERR_REVOKED, CLOSE_REQUESTED, "", CLOSE_REQUESTED,
		GN_OK),
	V(CLOSE_REQUESTED, UPGRADE, GN_ERR_REVOKED, CLOSE_REQUESTED, "", CLOSE_REQUESTED, GN_OK),
	V(CLOSE_REQUESTED, CLOSE, GN_ERR_AGAIN, CLOSE_REQUESTED, "", CLOSE_REQUESTED, GN_OK),
	V(CLOSE_REQUESTED, DELIVER, GN_ERR_REVOKED, CLOSE_REQUESTED, "", CLOSE_REQUESTED, GN_OK),
	V(CLOSE_REQUESTED, RESP_UPGRADED, GN_ERR_REVOKED, CLOSE_REQUESTED, "", CLOSE_REQUESTED,
		GN_OK),
	V(CLOSE_REQUESTED, RESP_REFUSED, GN_OK, RECLAIM_CLOSED, "T1>s Ts>0 REL ROM1 SIG0", FREE,
		GN_OK),
	V(CLOSE_REQUESTED, RESP_CLOSED, GN_OK, RECLAIM_CLOSED, "T1>s Ts>0 REL ROM1 SIG0", FREE,
		GN_OK),
	VU(CLOSE_REQUESTED, RESP_CLOSED, GN_OK, RECLAIM_CLOSED, "Ts>0 REL SIG0", FREE, GN_OK),
	V(CLOSE_REQUESTED, CLIENT_GONE, GN_OK, CLOSE_REQUESTED, "", CLOSE_REQUESTED, GN_OK),
	V(CLOSE_REQUESTED, SERVER_GONE, GN_OK, REFUNDING, "Ts>0 REL SIG0", FREE, GN_OK),

	V(RECLAIM_DENIED, DONE_OK, GN_OK, FAILED, "T1>s ROM1 SIG0", FAILED, GN_ERR_DENIED),
	V(RECLAIM_DENIED, DONE_FAIL, GN_OK, FAILED, "T1>s ROM1 SIG0", FAILED, GN_ERR_DENIED),

	V(RECLAIM_CLOSED, DONE_OK, GN_OK, REFUNDING, "T1>s Ts>0 REL ROM1 SIG0", FREE, GN_OK),
	V(RECLAIM_CLOSED, DONE_FAIL, GN_OK, REFUNDING, "T1>s Ts>0 REL ROM1 SIG0", FREE, GN_OK),

	V(FAILED, SESSION_CAP, GN_ERR_DENIED, REFUNDING, "Ts>0 REL", FREE, GN_OK),
	V(FAILED, UPGRADE, GN_ERR_DENIED, FAILED, "", FAILED, GN_ERR_DENIED),
	V(FAILED, CLOSE, GN_OK, REFUNDING, "Ts>0 REL", FREE, GN_OK),
	V(FAILED, CLIENT_GONE, GN_OK, REFUNDING, "REL", FREE, GN_OK),
	V(FAILED, SERVER_GONE, GN_OK, FAILED, "", FAILED, GN_ERR_DENIED),

	V(REFUNDING, DONE_OK, GN_OK, RELEASING, "Ts>0 REL", FREE, GN_OK),
	V(REFUNDING, DONE_FAIL, GN_OK, RELEASING, "Ts>0 REL", FREE, GN_OK),
	/* the server pass of child_gone leaves the record REFUNDING, then the client pass comes */
	{REFUNDING, CLIENT_GONE, false, true, GN_OK, REFUNDING, "REL", FREE, GN_OK},

	V(RELEASING, DONE_OK, GN_OK, FREE, "REL", FREE, GN_OK),
	V(RELEASING, DONE_FAIL, GN_OK, FREE, "REL", FREE, GN_OK),
};

static void transition(void **state)
{
	vector_t const *v = *state;
	world_t *w = fresh();
	uint32_t sid = W_SESSIONS;

	if (v->self)
		sid = reach(w, CLOSE_REQUESTED, false, true);
	else if (v->state != FREE)
		sid = reach(w, v->state, v->up, false);
	assert_int_equal(fire(w, v, &sid), v->answer);
	assert_true(sid < W_SESSIONS);
	assert_string_equal(
		gn_session_state_name(rec(w, sid)->state), gn_session_state_name(v->next));
	world_drain(w);
	assert_string_equal(w->log, v->log);
	assert_string_equal(
		gn_session_state_name(rec(w, sid)->state), gn_session_state_name(v->final));
	if (v->final == FAILED)
		assert_int_equal(rec(w, sid)->result, v->outcome);
	else if (v->outcome != GN_OK)
		assert_int_equal(gn_session_fsm_upgrade_status(&w->fsm, 0, ID), v->outcome);
	expect_sound(w);
	assert_null(world_finish(w));
}

/* Every transition of the table has its vector, and every vector is a transition of the table. */
static void every_transition_has_a_test(void **state)
{
	bool covered[GN_SESSION_STATE_COUNT][GN_SESSION_EVENT_COUNT] = {{false}};
	unsigned missing = 0, transitions = 0;

	(void)state;
	for (size_t i = 0; i < GN_ARRAY_SIZE(vectors); i++) {
		assert_true(gn_session_fsm_accepts(
			vectors[i].state, (gn_session_event_t)vectors[i].event));
		covered[vectors[i].state][vectors[i].event] = true;
	}
	for (int s = 0; s < GN_SESSION_STATE_COUNT; s++)
		for (int e = 0; e < GN_SESSION_EVENT_COUNT; e++) {
			if (!gn_session_fsm_accepts(s, e))
				continue;
			transitions++;
			if (!covered[s][e]) {
				print_error("no test for %s x %s\n", gn_session_state_name(s),
					gn_session_event_name(e));
				missing++;
			}
		}
	assert_int_equal(missing, 0);
	assert_int_equal(transitions, 76);
	assert_false(gn_session_fsm_accepts(GN_SESSION_STATE_COUNT, GN_SESSION_EV_SESSION));
	assert_string_equal(gn_session_state_name(GN_SESSION_STATE_COUNT), "?");
	assert_string_equal(gn_session_event_name(GN_SESSION_EV_DONE_FAIL), "DONE_FAIL");
}

/* A server's message the table has no transition for is refused and changes nothing. */
static void unexpected_server_messages_are_ignored(void **state)
{
	static uint8_t const states[] = {AWAIT_ANNOUNCE, CREATE_REQUESTED, AVAILABLE,
		CAP_HANDED_OUT, UPGRADE_REQUESTED, FAILED};
	static gn_session_response_t const responses[] = {
		GN_SESSION_UPGRADED, GN_SESSION_DENIED, GN_SESSION_CLOSED, 0, 6};

	(void)state;
	for (size_t i = 0; i < GN_ARRAY_SIZE(states); i++)
		for (size_t j = 0; j <= GN_ARRAY_SIZE(responses); j++) {
			world_t *w = fresh();
			uint32_t const sid = reach(w, states[i], false, false);
			uint32_t const id = rec(w, sid)->server_id;
			gn_session_t const before = *rec(w, sid);
			gn_err_t err;
			if (j == GN_ARRAY_SIZE(responses)) {
				if (gn_session_fsm_accepts(states[i], GN_SESSION_EV_DELIVER))
					continue;
				err = world_deliver(w, 1, id);
			} else {
				gn_session_response_t const r = responses[j];
				uint8_t const ev = r == GN_SESSION_UPGRADED ? RESP_UPGRADED
						   : r == GN_SESSION_DENIED ? RESP_REFUSED
						   : r == GN_SESSION_CLOSED ? RESP_CLOSED
									    : 0xff;
				if (ev != 0xff &&
					gn_session_fsm_accepts(states[i], (gn_session_event_t)ev))
					continue;
				err = world_response(w, 1, id, r);
			}
			assert_int_equal(err, GN_ERR_INVALID_ARG);
			assert_memory_equal(&before, rec(w, sid), sizeof(before));
			assert_false(gn_session_fsm_busy(&w->fsm));
			expect_sound(w);
		}
}

/* ---- the cases that bite --------------------------------------------------------------------- */

/* A server dies with requests pending: DENIED; its share is not refunded, the bookkeeping is. */
static void server_dies_with_requests_pending(void **state)
{
	world_t *w = fresh();
	uint32_t got;

	(void)state;
	uint32_t const pending = reach(w, CREATE_REQUESTED, false, false);
	uint32_t const waiting = open_request(w, 2, ID, ARGS);
	drain(w);
	assert_int_equal(gn_session_fsm_route(&w->fsm, waiting, 1, false), GN_OK);
	drain(w);
	uint32_t const open = establish(w, 3, ID, 1);
	uint32_t const elsewhere = establish(w, 3, ID + 1, 2);
	forget_log(w);

	assert_int_equal(world_gone(w, 1), GN_OK);
	drain(w);
	assert_int_equal(rec(w, pending)->state, FAILED);
	assert_int_equal(rec(w, pending)->result, GN_ERR_DENIED);
	assert_int_equal(rec(w, waiting)->result, GN_ERR_DENIED);
	assert_int_equal(rec(w, open)->result, GN_ERR_REVOKED);
	assert_int_equal(rec(w, elsewhere)->state, CAP_HANDED_OUT);
	assert_string_equal(w->log, "SIG0 SIG2 SIG3");
	assert_int_equal(w->fsm.stats.lost.ram, 2 * (8192 - W_KEEP_RAM));

	/* the clients learn it and get the bookkeeping share back, nothing more */
	quota_t const before = w->balance[0];
	assert_int_equal(gn_session_fsm_session_cap(&w->fsm, 0, ID, &got), GN_ERR_DENIED);
	drain(w);
	assert_int_equal(w->balance[0].ram, before.ram + W_KEEP_RAM);
	assert_int_equal(gn_session_fsm_session_cap(&w->fsm, 0, ID, &got), GN_ERR_NOT_FOUND);
	assert_int_equal(gn_session_fsm_session_cap(&w->fsm, 2, ID, &got), GN_ERR_DENIED);
	drain(w);
	assert_int_equal(gn_session_fsm_close(&w->fsm, 3, ID), GN_OK);
	drain(w);
	assert_int_equal(rec(w, open)->state, FREE);
	/* a new child in the dead one's place sees none of it */
	world_add(w, 1);
	char doc[W_ROM];
	size_t len;
	assert_int_equal(gn_session_fsm_gen_requests(&w->fsm, 1, doc, sizeof(doc), &len), GN_OK);
	assert_string_equal(doc, "<session_requests/>\n");
	assert_null(world_finish(w));
}

/* A client dies with sessions open and pending: every server sees <close>, nobody waits. */
static void client_dies_with_sessions_open_and_pending(void **state)
{
	world_t *w = fresh();
	char doc[W_ROM];
	size_t len;

	(void)state;
	uint32_t const pending = reach(w, CREATE_REQUESTED, false, false);
	uint32_t const open = establish(w, 0, ID + 1, 2);
	uint32_t const up = establish(w, 0, ID + 2, UP);
	uint32_t const unrouted = open_request(w, 0, ID + 3, ARGS);
	drain(w);
	assert_int_equal(gn_session_fsm_upgrade(&w->fsm, 0, ID + 1, UPGRADE_Q), GN_OK);
	drain(w);
	forget_log(w);
	quota_t const self = w->self;

	assert_int_equal(world_gone(w, 0), GN_OK);
	drain(w);
	assert_string_equal(w->log, "UX REL ROM1 ROM2");
	assert_int_equal(rec(w, pending)->state, CLOSE_REQUESTED);
	assert_int_equal(rec(w, open)->state, CLOSE_REQUESTED);
	assert_int_equal(rec(w, up)->state, CLOSE_REQUESTED);
	assert_int_equal(rec(w, unrouted)->state, FREE);
	assert_int_equal(w->self.ram, self.ram); /* the unrouted donation stays with the parent */
	assert_true(gn_session_fsm_stats(&w->fsm)->kept.ram == 8192);
	assert_int_equal(gn_session_fsm_gen_requests(&w->fsm, 2, doc, sizeof(doc), &len), GN_OK);
	assert_string_equal(
		doc, "<session_requests>\n\t<close id=\"101\"/>\n</session_requests>\n");

	/* the client's index is taken again at once; the orphans count for nobody */
	world_add(w, 0);
	for (uint32_t i = 0; i < W_MAX_PENDING; i++) {
		open_request(w, 0, ID + i, ARGS);
		drain(w);
	}

	/* the servers close at their pace; the donations go to the parent, not the new child */
	quota_t const child0 = w->balance[0];
	assert_int_equal(world_response(w, 2, rec(w, open)->server_id, GN_SESSION_CLOSED), GN_OK);
	drain(w);
	assert_int_equal(
		world_response(w, 1, rec(w, pending)->server_id, GN_SESSION_CLOSED), GN_OK);
	drain(w);
	assert_int_equal(world_response(w, UP, rec(w, up)->server_id, GN_SESSION_CLOSED), GN_OK);
	drain(w);
	assert_memory_equal(&child0, &w->balance[0], sizeof(child0));
	assert_int_equal(w->signals[0], 0);
	assert_null(world_finish(w));
}

/* Client-chosen ids: reserved ones and duplicates are refused; ids are per client. */
static void client_ids_reserved_and_duplicate(void **state)
{
	world_t *w = fresh();
	uint32_t sid;

	(void)state;
	assert_int_equal(
		gn_session_fsm_session(&w->fsm, 0, 0, "LOG", ARGS, &sid), GN_ERR_INVALID_ARG);
	assert_int_equal(
		gn_session_fsm_session(&w->fsm, 0, W_FIRST_CLIENT_ID - 1, "LOG", ARGS, &sid),
		GN_ERR_INVALID_ARG);
	uint32_t const first = establish(w, 0, ID, 1);
	assert_int_equal(gn_session_fsm_session(&w->fsm, 0, ID, "LOG", ARGS, &sid), GN_ERR_EXISTS);
	uint32_t const other = open_request(w, 1, ID, ARGS); /* another client's id space */
	drain(w);
	assert_int_not_equal(first, other);

	/* an id being closed is still in use, and free again once the close is done */
	assert_int_equal(gn_session_fsm_close(&w->fsm, 0, ID), GN_ERR_AGAIN);
	drain(w);
	assert_int_equal(gn_session_fsm_session(&w->fsm, 0, ID, "LOG", ARGS, &sid), GN_ERR_EXISTS);
	assert_int_equal(world_response(w, 1, rec(w, first)->server_id, GN_SESSION_CLOSED), GN_OK);
	drain(w);
	assert_int_equal(gn_session_fsm_close(&w->fsm, 0, ID), GN_OK); /* done: idempotent */
	open_request(w, 0, ID, ARGS);
	drain(w);
	/* unknown or dead children */
	assert_int_equal(gn_session_fsm_session(&w->fsm, W_CHILDREN, ID, "LOG", ARGS, &sid),
		GN_ERR_INVALID_ARG);
	assert_int_equal(world_gone(w, 3), GN_OK);
	drain(w);
	assert_int_equal(
		gn_session_fsm_session(&w->fsm, 3, ID, "LOG", ARGS, &sid), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_session_fsm_child_gone(&w->fsm, 3), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_session_fsm_child_add(&w->fsm, 2, "again"), GN_ERR_EXISTS);
	assert_int_equal(gn_session_fsm_child_add(&w->fsm, W_CHILDREN, "x"), GN_ERR_INVALID_ARG);
	char long_name[GN_SESSION_NAME_MAX + 1];
	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[GN_SESSION_NAME_MAX] = 0;
	assert_int_equal(gn_session_fsm_child_add(&w->fsm, 3, long_name), GN_ERR_TRUNCATED);
	assert_null(world_finish(w));
}

/* A request of client c the policy denied: a record, but no longer a pending request. */
static void denied_record(world_t *w, uint16_t c, uint32_t id)
{
	uint32_t const sid = open_request(w, c, id, ARGS);

	drain(w);
	assert_int_equal(gn_session_fsm_route(&w->fsm, sid, GN_SESSION_ROUTE_DENIED, true), GN_OK);
	drain(w);
}

/* Pending requests and records are bounded per child; one child cannot take the others' room. */
static void pending_and_records_bounded_per_child(void **state)
{
	world_t *w = fresh();
	uint32_t sid;

	(void)state;
	for (uint32_t i = 0; i < W_MAX_PENDING; i++) {
		open_request(w, 0, ID + i, ARGS);
		drain(w);
	}
	assert_int_equal(
		gn_session_fsm_session(&w->fsm, 0, ID + 9, "LOG", ARGS, &sid), GN_ERR_LIMIT);
	open_request(w, 1, ID, ARGS); /* another child is not affected */
	drain(w);

	/* answered requests no longer count as pending, but as records */
	for (uint32_t i = 0; i < W_MAX_PENDING; i++) {
		assert_int_equal(gn_session_fsm_lookup(&w->fsm, 0, ID + i, &sid), GN_OK);
		assert_int_equal(gn_session_fsm_route(&w->fsm, sid, 2, true), GN_OK);
		drain(w);
		assert_int_equal(world_deliver(w, 2, rec(w, sid)->server_id), GN_OK);
		drain(w);
	}
	for (uint32_t i = W_MAX_PENDING; i < W_MAX_SESSIONS; i++)
		denied_record(w, 0, ID + i);
	assert_int_equal(
		gn_session_fsm_session(&w->fsm, 0, ID + 9, "LOG", ARGS, &sid), GN_ERR_LIMIT);

	/* records of a dead client count for nobody, but they do fill the table */
	for (uint32_t i = 0; i < W_MAX_SESSIONS; i++)
		establish(w, 3, ID + i, 2);
	assert_int_equal(world_gone(w, 3), GN_OK);
	drain(w);
	world_add(w, 3);
	for (uint32_t i = 0; i < W_MAX_SESSIONS; i++)
		denied_record(w, 2, ID + i);
	for (uint32_t i = 0; i < W_MAX_SESSIONS - 1; i++)
		denied_record(
			w, 3, ID + i); /* 6 + 1 + 6 orphans + 6 + 5 records: the table is full */
	assert_int_equal(
		gn_session_fsm_session(&w->fsm, 3, ID + 9, "LOG", ARGS, &sid), GN_ERR_LIMIT);
	expect_sound(w);
	assert_null(world_finish(w));
}

/* The bookkeeping is charged before anything else happens, and only refunded with the record. */
static void bookkeeping_charged_up_front(void **state)
{
	world_t *w = fresh();
	uint32_t sid, got;

	(void)state;
	/* a donation below the bookkeeping share is refused at once: no record */
	assert_int_equal(
		gn_session_fsm_session(&w->fsm, 0, ID, "LOG", "ram_quota=1023, cap_quota=4", &sid),
		GN_ERR_INSUFFICIENT_RAM);
	assert_int_equal(gn_session_fsm_session(&w->fsm, 0, ID, "LOG", "ram_quota=8K", &sid),
		GN_ERR_INSUFFICIENT_CAPS);
	assert_false(gn_session_fsm_busy(&w->fsm));

	/* the first action of a request takes the whole donation from the client */
	sid = open_request(w, 0, ID, ARGS);
	gn_session_action_t a;
	assert_true(gn_session_fsm_next(&w->fsm, &a));
	assert_int_equal(a.kind, GN_SESSION_ACT_TRANSFER);
	assert_int_equal(a.from, 0);
	assert_int_equal(a.to, GN_SESSION_SELF);
	assert_int_equal(a.quota.ram, 8192);
	assert_int_equal(a.quota.caps, 4);
	assert_int_equal(gn_session_fsm_done(&w->fsm, world_transfer(w, &a)), GN_OK);
	assert_int_equal(gn_session_fsm_route(&w->fsm, sid, 1, true), GN_OK);
	drain(w);
	/* the server gets the rest and is told so */
	assert_int_equal(rec(w, sid)->at_parent.ram, W_KEEP_RAM);
	assert_int_equal(rec(w, sid)->at_server.ram, 8192 - W_KEEP_RAM);
	assert_int_equal(rec(w, sid)->at_server.caps, 4 - W_KEEP_CAPS);
	assert_non_null(strstr(rec(w, sid)->args, "ram_quota=7168"));
	assert_non_null(strstr(rec(w, sid)->args, "cap_quota=3"));

	/* a client that cannot pay gets no further: nothing reaches a server */
	world_spend(w, 2, (quota_t){W_INITIAL_RAM - 100, 0});
	uint32_t const poor = open_request(w, 2, ID, ARGS);
	drain(w);
	assert_int_equal(rec(w, poor)->state, FAILED);
	assert_int_equal(rec(w, poor)->result, GN_ERR_OUT_OF_RAM);
	assert_int_equal(gn_session_fsm_session_cap(&w->fsm, 2, ID, &got), GN_ERR_OUT_OF_RAM);
	drain(w);
	assert_int_equal(w->balance[2].ram, 100);
	world_spend(w, 2, (quota_t){-(W_INITIAL_RAM - 100), W_INITIAL_CAPS});
	open_request(w, 2, ID, ARGS);
	drain(w);
	assert_int_equal(gn_session_fsm_session_cap(&w->fsm, 2, ID, &got), GN_ERR_OUT_OF_CAPS);
	drain(w);
	world_spend(w, 2, (quota_t){0, -W_INITIAL_CAPS});

	/* the refusal of a server gives back its share; the keep comes back with the record */
	assert_int_equal(
		world_response(w, 1, rec(w, sid)->server_id, GN_SESSION_INSUFFICIENT_RAM), GN_OK);
	drain(w);
	assert_int_equal(rec(w, sid)->at_parent.ram, 8192);
	assert_int_equal(w->balance[0].ram, W_INITIAL_RAM - 8192);
	assert_int_equal(gn_session_fsm_session_cap(&w->fsm, 0, ID, &got), GN_ERR_INSUFFICIENT_RAM);
	drain(w);
	assert_int_equal(w->balance[0].ram, W_INITIAL_RAM);
	assert_null(world_finish(w));
}

/* Close racing create: the server that delivers anyway is still told to close. */
static void close_racing_create(void **state)
{
	world_t *w = fresh();
	char doc[W_ROM];
	size_t len;

	(void)state;
	uint32_t const sid = reach(w, CREATE_REQUESTED, false, false);
	uint32_t const id = rec(w, sid)->server_id;
	assert_int_equal(gn_session_fsm_close(&w->fsm, 0, ID), GN_ERR_AGAIN);
	drain(w);
	assert_int_equal(world_deliver(w, 1, id), GN_ERR_REVOKED); /* the caller drops the cap */
	assert_false(w->has_cap[sid]);
	assert_int_equal(gn_session_fsm_gen_requests(&w->fsm, 1, doc, sizeof(doc), &len), GN_OK);
	assert_string_equal(
		doc, "<session_requests>\n\t<close id=\"100\"/>\n</session_requests>\n");
	assert_int_equal(gn_session_fsm_close(&w->fsm, 0, ID), GN_ERR_AGAIN);
	forget_log(w);
	assert_int_equal(world_response(w, 1, id, GN_SESSION_CLOSED), GN_OK);
	drain(w);
	assert_string_equal(w->log, "T1>s Ts>0 REL ROM1 SIG0");
	assert_int_equal(gn_session_fsm_close(&w->fsm, 0, ID), GN_OK);
	assert_int_equal(w->balance[0].ram, W_INITIAL_RAM);

	/* the same when the server refuses the request it saw before the close */
	uint32_t const again = reach(w, CREATE_REQUESTED, false, false);
	assert_int_equal(gn_session_fsm_close(&w->fsm, 0, ID), GN_ERR_AGAIN);
	drain(w);
	assert_int_equal(world_response(w, 1, rec(w, again)->server_id, GN_SESSION_DENIED), GN_OK);
	drain(w);
	assert_int_equal(rec(w, again)->state, FREE);
	assert_int_equal(w->balance[0].ram, W_INITIAL_RAM);
	assert_null(world_finish(w));
}

/* Close racing upgrade: the upgrade's quota comes back with the rest; its late ack is stale. */
static void close_racing_upgrade(void **state)
{
	world_t *w = fresh();
	char doc[W_ROM];
	size_t len;

	(void)state;
	uint32_t const sid = reach(w, UPGRADE_REQUESTED, false, false);
	uint32_t const id = rec(w, sid)->server_id;
	assert_int_equal(gn_session_fsm_gen_requests(&w->fsm, 1, doc, sizeof(doc), &len), GN_OK);
	assert_string_equal(doc, "<session_requests>\n\t<upgrade id=\"100\" ram_quota=\"4096\" "
				 "cap_quota=\"2\"/>\n</session_requests>\n");
	assert_int_equal(gn_session_fsm_close(&w->fsm, 0, ID), GN_ERR_AGAIN);
	drain(w);
	assert_int_equal(gn_session_fsm_gen_requests(&w->fsm, 1, doc, sizeof(doc), &len), GN_OK);
	assert_string_equal(
		doc, "<session_requests>\n\t<close id=\"100\"/>\n</session_requests>\n");
	assert_int_equal(world_response(w, 1, id, GN_SESSION_UPGRADED), GN_ERR_REVOKED);
	assert_int_equal(rec(w, sid)->at_server.ram, 8192 - W_KEEP_RAM + 4096);
	assert_int_equal(world_response(w, 1, id, GN_SESSION_CLOSED), GN_OK);
	drain(w);
	assert_int_equal(w->balance[0].ram, W_INITIAL_RAM);
	assert_int_equal(w->balance[0].caps, W_INITIAL_CAPS);
	assert_int_equal(w->balance[1].ram, W_INITIAL_RAM);

	/* an upgrade while one is in progress waits; one of nothing is nothing */
	establish(w, 0, ID, 1);
	assert_int_equal(gn_session_fsm_upgrade(&w->fsm, 0, ID, (quota_t){0, 0}), GN_OK);
	assert_false(gn_session_fsm_busy(&w->fsm));
	assert_int_equal(gn_session_fsm_upgrade(&w->fsm, 0, ID, UPGRADE_Q), GN_OK);
	drain(w);
	assert_int_equal(gn_session_fsm_upgrade(&w->fsm, 0, ID, UPGRADE_Q), GN_ERR_AGAIN);
	assert_int_equal(gn_session_fsm_upgrade_status(&w->fsm, 0, ID), GN_ERR_AGAIN);
	assert_int_equal(gn_session_fsm_upgrade(&w->fsm, 0, ID, (quota_t){UINT64_MAX, 0}),
		GN_ERR_INVALID_ARG); /* would overflow */
	assert_null(world_finish(w));
}

/* Deliveries and responses that do not fit: unknown ids, closed ones, the wrong server. */
static void deliver_unknown_closed_or_wrong_server(void **state)
{
	world_t *w = fresh();
	uint32_t sid;

	(void)state;
	uint32_t const pending = reach(w, CREATE_REQUESTED, false, false);
	uint32_t const id = rec(w, pending)->server_id;
	gn_session_t const before = *rec(w, pending);

	assert_int_equal(world_deliver(w, 1, 999), GN_ERR_NOT_FOUND);
	assert_int_equal(world_deliver(w, 2, id), GN_ERR_DENIED);
	assert_int_equal(world_deliver(w, UP, id), GN_ERR_DENIED);
	assert_int_equal(world_response(w, 2, id, GN_SESSION_DENIED), GN_ERR_DENIED);
	assert_int_equal(world_response(w, 1, 999, GN_SESSION_CLOSED), GN_ERR_NOT_FOUND);
	assert_int_equal(gn_session_fsm_deliver(&w->fsm, W_CHILDREN, id, &sid), GN_ERR_INVALID_ARG);
	assert_memory_equal(&before, rec(w, pending), sizeof(before));
	assert_false(gn_session_fsm_busy(&w->fsm));

	/* after the close is done the id is unknown; so it is after the server died */
	assert_int_equal(gn_session_fsm_close(&w->fsm, 0, ID), GN_ERR_AGAIN);
	drain(w);
	assert_int_equal(world_response(w, 1, id, GN_SESSION_CLOSED), GN_OK);
	drain(w);
	assert_int_equal(world_deliver(w, 1, id), GN_ERR_NOT_FOUND);
	assert_int_equal(world_response(w, 1, id, GN_SESSION_CLOSED), GN_ERR_NOT_FOUND);
	assert_int_equal(world_gone(w, 1), GN_OK);
	drain(w);
	assert_int_equal(world_deliver(w, 1, id), GN_ERR_INVALID_ARG);
	expect_sound(w);
	assert_null(world_finish(w));
}

static void session_cap_for_unknown_id(void **state)
{
	world_t *w = fresh();
	uint32_t sid;

	(void)state;
	assert_int_equal(gn_session_fsm_session_cap(&w->fsm, 0, ID, &sid), GN_ERR_NOT_FOUND);
	establish(w, 1, ID, 2);
	assert_int_equal(gn_session_fsm_session_cap(&w->fsm, 0, ID, &sid), GN_ERR_NOT_FOUND);
	assert_int_equal(
		gn_session_fsm_session_cap(&w->fsm, W_CHILDREN + 5, ID, &sid), GN_ERR_NOT_FOUND);
	assert_int_equal(gn_session_fsm_upgrade(&w->fsm, 0, ID, UPGRADE_Q), GN_ERR_NOT_FOUND);
	assert_int_equal(gn_session_fsm_upgrade_status(&w->fsm, 0, ID), GN_ERR_NOT_FOUND);
	assert_int_equal(gn_session_fsm_lookup(&w->fsm, 0, ID, &sid), GN_ERR_NOT_FOUND);
	assert_false(gn_session_fsm_busy(&w->fsm));
	assert_null(world_finish(w));
}

/* A server that never answers blocks nobody: no action waits for it, everyone else goes on. */
static void server_that_never_answers_blocks_nobody(void **state)
{
	world_t *w = fresh();
	uint32_t got;

	(void)state;
	uint32_t const stuck = reach(w, CREATE_REQUESTED, false, false);
	assert_false(gn_session_fsm_busy(&w->fsm));
	assert_int_equal(gn_session_fsm_session_cap(&w->fsm, 0, ID, &got), GN_ERR_AGAIN);

	/* other clients and servers carry on */
	establish(w, 2, ID, 3);
	establish(w, 0, ID + 1, UP);
	/* the waiting client gives up: its close answers at once, and so does its death */
	assert_int_equal(gn_session_fsm_close(&w->fsm, 0, ID), GN_ERR_AGAIN);
	drain(w);
	assert_int_equal(world_gone(w, 0), GN_OK);
	drain(w);
	assert_false(gn_session_fsm_busy(&w->fsm));
	assert_int_equal(rec(w, stuck)->state, CLOSE_REQUESTED);
	assert_true(rec(w, stuck)->client_gone);
	/* the silent server holds the orphan until it answers or dies */
	world_add(w, 0);
	establish(w, 0, ID, 2);
	assert_int_equal(world_gone(w, 1), GN_OK);
	drain(w);
	assert_int_equal(rec(w, stuck)->state, FREE);
	assert_null(world_finish(w));
}

/* The session_requests document: what a server sees, label prefixed and quota as forwarded. */
static void session_requests_document(void **state)
{
	world_t *w = fresh();
	char doc[W_ROM], small[40];
	size_t len;
	uint32_t sid;

	(void)state;
	establish(w, 0, ID, 1); /* not listed: answered */
	sid = open_request(w, 2, ID, "label=\"a -> b\", ram_quota=16K, cap_quota=2, tag=\"<&>\"");
	drain(w);
	assert_int_equal(gn_session_fsm_route(&w->fsm, sid, 1, true), GN_OK);
	drain(w);
	uint32_t const upgraded = establish(w, 3, ID, 1);
	assert_int_equal(gn_session_fsm_upgrade(&w->fsm, 3, ID, UPGRADE_Q), GN_OK);
	drain(w);
	assert_int_equal(gn_session_fsm_close(&w->fsm, 0, ID), GN_ERR_AGAIN);
	drain(w);
	assert_int_equal(rec(w, upgraded)->state, UPGRADE_REQUESTED);
	assert_int_equal(gn_session_fsm_gen_requests(&w->fsm, 1, doc, sizeof(doc), &len), GN_OK);
	assert_string_equal(doc,
		"<session_requests>\n"
		"\t<close id=\"100\"/>\n"
		"\t<create id=\"101\" service=\"LOG\" label=\"c2 -&gt; a -&gt; b\">\n"
		"\t\t<args>tag=\"&lt;&amp;&gt;\", label=\"c2 -&gt; a -&gt; b\", ram_quota=15360, "
		"cap_quota=1</args>\n"
		"\t</create>\n"
		"\t<upgrade id=\"102\" ram_quota=\"4096\" cap_quota=\"2\"/>\n"
		"</session_requests>\n");
	assert_int_equal(len, strlen(doc));
	assert_int_equal(gn_session_fsm_gen_requests(&w->fsm, 1, small, sizeof(small), &len),
		GN_ERR_TRUNCATED);
	assert_string_equal(small, "");
	assert_int_equal(gn_session_fsm_gen_requests(&w->fsm, 2, doc, sizeof(doc), &len), GN_OK);
	assert_string_equal(doc, "<session_requests/>\n");
	assert_int_equal(gn_session_fsm_gen_requests(&w->fsm, UP, doc, sizeof(doc), &len),
		GN_ERR_INVALID_ARG);
	assert_null(world_finish(w));
}

/* While actions are pending every event is refused and changes nothing; next() repeats. */
static void events_refused_while_actions_pending(void **state)
{
	world_t *w = fresh();
	uint32_t sid, got;
	gn_session_action_t a, b;

	(void)state;
	establish(w, 1, ID, 2);
	sid = open_request(w, 0, ID, ARGS);
	assert_true(gn_session_fsm_busy(&w->fsm));
	gn_session_fsm_t const fsm = w->fsm;
	gn_session_t const sessions0 = w->sessions[0], sessions1 = w->sessions[1];
	assert_int_equal(
		gn_session_fsm_session(&w->fsm, 0, ID + 1, "LOG", ARGS, &got), GN_ERR_AGAIN);
	assert_int_equal(gn_session_fsm_route(&w->fsm, sid, 1, true), GN_ERR_AGAIN);
	assert_int_equal(gn_session_fsm_announce(&w->fsm, 1, "LOG"), GN_ERR_AGAIN);
	assert_int_equal(gn_session_fsm_session_cap(&w->fsm, 1, ID, &got), GN_ERR_AGAIN);
	assert_int_equal(gn_session_fsm_upgrade(&w->fsm, 1, ID, UPGRADE_Q), GN_ERR_AGAIN);
	assert_int_equal(gn_session_fsm_close(&w->fsm, 1, ID), GN_ERR_AGAIN);
	assert_int_equal(world_deliver(w, 2, 100), GN_ERR_AGAIN);
	assert_int_equal(world_response(w, 2, 100, GN_SESSION_CLOSED), GN_ERR_AGAIN);
	assert_int_equal(world_response(w, 2, 100, 77), GN_ERR_AGAIN);
	assert_int_equal(gn_session_fsm_child_gone(&w->fsm, 2), GN_ERR_AGAIN);
	assert_memory_equal(&fsm, &w->fsm, sizeof(fsm));
	assert_memory_equal(&sessions0, &w->sessions[0], sizeof(sessions0));
	assert_memory_equal(&sessions1, &w->sessions[1], sizeof(sessions1));

	/* the same action until it is acknowledged, and only then the next */
	assert_int_equal(gn_session_fsm_done(&w->fsm, GN_OK), GN_ERR_INVALID_ARG);
	assert_true(gn_session_fsm_next(&w->fsm, &a));
	assert_true(gn_session_fsm_next(&w->fsm, &b));
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(gn_session_fsm_done(&w->fsm, world_transfer(w, &a)), GN_OK);
	assert_false(gn_session_fsm_next(&w->fsm, &a));
	assert_false(gn_session_fsm_busy(&w->fsm));
	expect_sound(w);
	assert_null(world_finish(w));
}

/* A request for a service its server has not announced waits, charged, until it is announced. */
static void requests_wait_for_the_announcement(void **state)
{
	world_t *w = fresh();
	uint32_t got;

	(void)state;
	uint32_t const log = open_request(w, 0, ID, ARGS);
	drain(w);
	assert_int_equal(gn_session_fsm_route(&w->fsm, log, 1, false), GN_OK);
	uint32_t const timer = open_request(w, 0, ID + 1, ARGS);
	drain(w);
	strcpy(w->sessions[timer].service, "Timer"); /* as if asked for Timer */
	assert_int_equal(gn_session_fsm_route(&w->fsm, timer, 1, false), GN_OK);
	assert_int_equal(gn_session_fsm_route(&w->fsm, timer, 1, false), GN_ERR_INVALID_ARG);
	drain(w);
	assert_int_equal(w->roms[1], 0);
	assert_int_equal(gn_session_fsm_session_cap(&w->fsm, 0, ID, &got), GN_ERR_AGAIN);
	assert_int_equal(gn_session_fsm_announce(&w->fsm, 1, "LOG"), GN_OK);
	drain(w);
	assert_int_equal(rec(w, log)->state, CREATE_REQUESTED);
	assert_int_equal(rec(w, timer)->state, AWAIT_ANNOUNCE);
	assert_int_equal(gn_session_fsm_announce(&w->fsm, W_CHILDREN, "LOG"), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_session_fsm_route(&w->fsm, W_SESSIONS, 1, true), GN_ERR_INVALID_ARG);
	assert_null(world_finish(w));
}

/* The parent's parent as the server: the same states, its answers as events. */
static void upstream_session_lifecycle(void **state)
{
	world_t *w = fresh();
	uint32_t got;

	(void)state;
	uint32_t const sid = open_request(w, 0, ID, ARGS);
	drain(w);
	assert_int_equal(gn_session_fsm_route(&w->fsm, sid, UP, false), GN_OK); /* no waiting */
	forget_log(w);
	drain(w);
	assert_string_equal(w->log, "UC");
	uint32_t const id = rec(w, sid)->server_id;
	assert_int_equal(id, W_FIRST_SERVER_ID);
	assert_int_equal(w->upstream.ram, 8192 - W_KEEP_RAM);
	assert_int_equal(world_deliver(w, 1, id), GN_ERR_DENIED);
	assert_int_equal(world_deliver(w, UP, id), GN_OK);
	drain(w);
	assert_int_equal(gn_session_fsm_session_cap(&w->fsm, 0, ID, &got), GN_OK);
	assert_int_equal(gn_session_fsm_upgrade(&w->fsm, 0, ID, UPGRADE_Q), GN_OK);
	drain(w);
	assert_int_equal(w->upstream.ram, 8192 - W_KEEP_RAM + 4096);
	assert_int_equal(world_response(w, UP, id, GN_SESSION_UPGRADED), GN_OK);
	drain(w);
	assert_int_equal(gn_session_fsm_upgrade_status(&w->fsm, 0, ID), GN_OK);
	/* an upgrade the parent's parent refuses comes back to the client */
	w->fail_bits = 2;
	assert_int_equal(gn_session_fsm_upgrade(&w->fsm, 0, ID, UPGRADE_Q), GN_OK);
	drain(w);
	assert_int_equal(gn_session_fsm_upgrade_status(&w->fsm, 0, ID), GN_ERR_OUT_OF_RAM);
	assert_int_equal(gn_session_fsm_upgrade_status(&w->fsm, 0, ID), GN_OK);
	assert_int_equal(gn_session_fsm_close(&w->fsm, 0, ID), GN_ERR_AGAIN);
	drain(w);
	assert_int_equal(world_response(w, UP, id, GN_SESSION_CLOSED), GN_OK);
	drain(w);
	assert_true(q_zero(w->upstream));
	assert_int_equal(w->balance[0].ram, W_INITIAL_RAM);
	assert_null(world_finish(w));
}

/* Malformed requests are refused before anything is recorded; the label is the child's part. */
static void requests_validated_and_labelled(void **state)
{
	world_t *w = fresh();
	uint32_t sid;
	char longer[GN_SESSION_ARGS_MAX + 8];
	char service[GN_SERVICE_NAME_MAX];

	(void)state;
	assert_int_equal(
		gn_session_fsm_session(&w->fsm, 0, ID, "", ARGS, &sid), GN_ERR_INVALID_ARG);
	assert_int_equal(
		gn_session_fsm_session(&w->fsm, 0, ID, "L G", ARGS, &sid), GN_ERR_INVALID_ARG);
	memset(service, 'S', sizeof(service));
	assert_int_equal(gn_session_fsm_session(&w->fsm, 0, ID, service, ARGS, &sid),
		GN_ERR_INVALID_ARG); /* no NUL within GN_SERVICE_NAME_MAX */
	assert_int_equal(gn_session_fsm_session(&w->fsm, 0, ID, "LOG", "ram_quota=8K,", &sid),
		GN_ERR_INVALID_ARG);
	assert_int_equal(gn_session_fsm_session(
				 &w->fsm, 0, ID, "LOG", "ram_quota=99999999999999999999999", &sid),
		GN_ERR_INVALID_ARG);
	memset(longer, 'a', sizeof(longer));
	memcpy(longer, "ram_quota=8K, cap_quota=4, label=\"", 34);
	longer[GN_SESSION_ARGS_MAX - 2] = '"';
	longer[GN_SESSION_ARGS_MAX - 1] = 0; /* fits, but not once prefixed */
	assert_int_equal(
		gn_session_fsm_session(&w->fsm, 0, ID, "LOG", longer, &sid), GN_ERR_INVALID_ARG);
	longer[GN_SESSION_ARGS_MAX - 1] = 'a';
	assert_int_equal(
		gn_session_fsm_session(&w->fsm, 0, ID, "LOG", longer, &sid), GN_ERR_INVALID_ARG);
	assert_false(gn_session_fsm_busy(&w->fsm));
	for (uint32_t i = 0; i < W_SESSIONS; i++)
		assert_int_equal(w->sessions[i].state, FREE);

	/* the child cannot forge what lies left of its part; an empty label is the child's name */
	sid = open_request(w, 3, ID, "ram_quota=8K, cap_quota=4, label=\"init -> evil\"");
	assert_string_equal(
		w->sessions[sid].args, "label=\"c3 -> init -> evil\", ram_quota=7168, cap_quota=3");
	drain(w);
	sid = open_request(w, 3, ID + 1, "cap_quota=4, ram_quota=0x2000");
	assert_string_equal(w->sessions[sid].args, "label=\"c3\", ram_quota=7168, cap_quota=3");
	drain(w);
	assert_null(world_finish(w));
}

/* A child that serves itself and dies: both roles end, in the right order. */
static void child_serving_itself_dies(void **state)
{
	world_t *w = fresh();

	(void)state;
	uint32_t const sid = establish(w, 2, ID, 2);
	uint32_t const pending = open_request(w, 2, ID + 1, ARGS);
	drain(w);
	assert_int_equal(gn_session_fsm_route(&w->fsm, pending, 2, true), GN_OK);
	drain(w);
	forget_log(w);
	assert_int_equal(world_gone(w, 2), GN_OK);
	drain(w);
	assert_string_equal(w->log, "REL REL");
	assert_int_equal(rec(w, sid)->state, FREE);
	assert_int_equal(rec(w, pending)->state, FREE);
	assert_null(world_finish(w));
}

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint8_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint8_t)(rnd_state >> 24);
}

/* Operations for world_op(), weighted towards what makes sessions happen. */
static size_t random_ops(uint8_t *buf, size_t size)
{
	/* kinds: request, route, announce, session_cap, upgrade, status, close, deliver, response,
	 * death or birth, drain with failures, step, ROM, spending */
	static uint8_t const weights[] = {14, 14, 4, 12, 8, 3, 8, 12, 11, 3, 4, 3, 2, 4};
	size_t n = 0;

	while (n + 5 <= size) {
		unsigned pick = rnd() % 106, kind = 0;
		while (kind + 1 < GN_ARRAY_SIZE(weights) && pick >= weights[kind])
			pick -= weights[kind++];
		uint8_t op = (uint8_t)kind;
		if (rnd() % 10 == 0)
			op |= 0x80; /* no drain: the next events meet pending actions */
		if (rnd() % 10 == 0)
			op |= 0x40; /* failures in the drain */
		buf[n++] = op;
		buf[n++] = (uint8_t)((rnd() & ~0x20) | (rnd() % 4 ? 0x20 : 0));
		buf[n++] = rnd();
		if (kind == 0)
			buf[n++] = rnd(), buf[n++] = rnd();
		else if (kind == 4 || kind == 8)
			buf[n++] = rnd();
	}
	return n;
}

/* Random sequences of everything, against the ledger; every run ends with everything closed. */
static void randomized_against_the_ledger(void **state)
{
	static uint8_t bytes[1 << 13];
	unsigned established = 0, failed = 0, closing = 0, upgrading = 0;

	(void)state;
	for (unsigned run = 0; run < 200; run++) {
		gn_session_fsm_config_t const cfg = world_config();
		world_bytes_t in = {bytes, random_ops(bytes, 200 + run * 40)};
		world_init(&world, &cfg);
		for (unsigned op = 0; in.n; op++) {
			world_op(&world, &in);
			char const *what = world_check(&world);
			if (what)
				fail_msg("run %u, operation %u: %s", run, op, what);
			for (uint32_t i = 0; i < W_SESSIONS; i++) {
				established += world.sessions[i].state == CAP_HANDED_OUT;
				failed += world.sessions[i].state == FAILED;
				closing += world.sessions[i].state == CLOSE_REQUESTED;
				upgrading += world.sessions[i].state == UPGRADE_REQUESTED;
			}
		}
		char const *what = world_finish(&world);
		if (what)
			fail_msg("run %u, at the end: %s", run, what);
	}
	print_message("established %u, failed %u, closing %u, upgrading %u\n", established, failed,
		closing, upgrading);
	/* the runs get somewhere */
	assert_true(established > 500);
	assert_true(upgrading > 50);
	assert_true(failed > 1000);
	assert_true(closing > 1000);
}

int main(void)
{
	static struct CMUnitTest tests[GN_ARRAY_SIZE(vectors) + 32];
	static char names[GN_ARRAY_SIZE(vectors)][80];
	static struct CMUnitTest const others[] = {
		cmocka_unit_test(every_transition_has_a_test),
		cmocka_unit_test(unexpected_server_messages_are_ignored),
		cmocka_unit_test(server_dies_with_requests_pending),
		cmocka_unit_test(client_dies_with_sessions_open_and_pending),
		cmocka_unit_test(client_ids_reserved_and_duplicate),
		cmocka_unit_test(pending_and_records_bounded_per_child),
		cmocka_unit_test(bookkeeping_charged_up_front),
		cmocka_unit_test(close_racing_create),
		cmocka_unit_test(close_racing_upgrade),
		cmocka_unit_test(deliver_unknown_closed_or_wrong_server),
		cmocka_unit_test(session_cap_for_unknown_id),
		cmocka_unit_test(server_that_never_answers_blocks_nobody),
		cmocka_unit_test(session_requests_document),
		cmocka_unit_test(events_refused_while_actions_pending),
		cmocka_unit_test(requests_wait_for_the_announcement),
		cmocka_unit_test(upstream_session_lifecycle),
		cmocka_unit_test(requests_validated_and_labelled),
		cmocka_unit_test(child_serving_itself_dies),
		cmocka_unit_test(randomized_against_the_ledger),
	};
	size_t n = 0;

	for (size_t i = 0; i < GN_ARRAY_SIZE(vectors); i++, n++) {
		vector_t const *v = &vectors[i];
		snprintf(names[i], sizeof(names[i]), "%s x %s%s", gn_session_state_name(v->state),
			gn_session_event_name(v->event),
			v->up     ? " (upstream)"
			: v->self ? " (self-served)"
				  : "");
		tests[n] = (struct CMUnitTest){names[i], transition, NULL, NULL, (void *)v};
	}
	for (size_t i = 0; i < GN_ARRAY_SIZE(others); i++)
		tests[n++] = others[i];
	return _cmocka_run_group_tests("session_fsm", tests, n, NULL, NULL);
}
