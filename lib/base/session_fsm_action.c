/*
 * The pending actions of the session state machine (see session_fsm.c): what a transient state
 * asks the caller to do (a transfer, an upstream call, a release, a ROM update, a signal), handed
 * out one at a time, and the accounting when the caller reports it done or failed: which quota
 * moved where, so that stats.donated stays the sum of what the records hold and what was
 * refunded, kept and lost. A file of its own because the table only says what must happen next;
 * this is how it gets done and what it costs.
 */
#include "session_fsm_internal.h"

/* ---- one record's pending action ------------------------------------------------------------- */

/* What goes on to the server: the donation less the parent's bookkeeping share (cfg.keep). */
static gn_session_quota_t forwarded(gn_session_fsm_t const *fsm, gn_session_t const *s)
{
	gn_session_quota_t q = s->donation;

	sub(&q, fsm->cfg.keep);
	return q;
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
	switch ((work_t)gn_sfsm_info[s->state].work) {
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

	switch ((work_t)gn_sfsm_info[s->state].work) {
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
	gn_ignore(gn_sfsm_apply(fsm, s, ok ? DONE_OK : DONE_FAIL, &arg));
}

/* ---- handing actions out --------------------------------------------------------------------- */

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
