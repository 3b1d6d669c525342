/*
 * Session brokering without ever blocking on a child: the state machine of the parent protocol and
 * what drives it.
 *
 * Every brokered session is a record of one gn_session_fsm_t (gneiss/session_fsm.h), the pure
 * state machine of the protocol; the sandbox only turns RPCs into its events (parent_rpc.c) and
 * performs the actions it asks for (here). Each event is followed by settle(): it drains the
 * actions (quota transfers between a child's PD and the sandbox's, calls to the sandbox's own
 * parent, session_requests ROM rewrites, session signals) and, when one of them was a call
 * upstream, asks the parent at once for the answers (a parent like core answers before it
 * returns, and never signals). Nothing here waits: a drain makes RPCs to core and to the parent
 * only, whose answers are immediate, and every child-facing step is an answer, a ROM rewrite or a
 * signal.
 *
 * Parties. A child is its index in sandbox_children; the sandbox's own parent is
 * GN_SESSION_UPSTREAM as a server and PARENT_CLIENT as a client of re-exported services
 * (server.c). The machine knows every child under the empty name: the label a server sees is the
 * one routing presents (child_route.c: the child's name in front, or the <route> target's
 * rewrite), put into the request before the machine sees it. So routing happens before the
 * machine records a request, and a request no route takes fails at once with UNROUTABLE, no
 * record made.
 *
 * Quota. The sandbox keeps no bookkeeping share (cfg.keep is zero): a server sees exactly the
 * donation, which the session scenario checks byte for byte. A donation the client cannot pay
 * fails the session call at once with INSUFFICIENT_RAM/_CAPS (the record is withdrawn), an upgrade
 * likewise; every later failure is the record's result, answered by session_cap. Donations to a
 * server that dies are not refunded (its PD's quota returns to the sandbox), as in Genode.
 *
 * Ids. A client picks its ids from GN_PARENT_FIRST_ID up; the machine names sessions towards their
 * servers from FIRST_SERVER_ID up, which for upstream sessions are the sandbox's ids at its own
 * parent: far above the ids of its own sessions (sandbox_env->next_session_id), so the two never
 * meet.
 *
 * The sandbox's own sessions. The parent signals one context for answers to the sandbox's
 * requests. The entrypoint dispatches it to poll_parent(), which asks about the upstream records
 * and then submits sandbox_env->session_sig, a context of the component's own that the client
 * library (lib/base/env.c) waits for in its gn_session() calls: so both are woken.
 */
#include <gneiss/dataspace.h>
#include <gneiss/fmt.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/signal.h>
#include <gneiss/string.h>

#include "sandbox.h"

enum {
	FIRST_SERVER_ID = 1u << 20,
};

gn_session_fsm_t session_fsm;
side_t session_sides[MAX_SESSIONS];
static gn_session_t records[MAX_SESSIONS];
static gn_session_fsm_child_t fsm_children[MAX_CHILDREN + 1]; /* + PARENT_CLIENT */
static gn_cap_t parent_sig;     /* the parent answers the sandbox's own requests */
static bool parent_answers_due; /* records of PARENT_CLIENT changed */

uint16_t child_index(child_t const *c)
{
	return (uint16_t)(c - sandbox_children);
}

gn_cap_t child_pd(child_t const *c)
{
	return c->env_caps[0];
}

/* ---- actions --------------------------------------------------------------------------------- */

/*
 * The PD of an account of the machine: a child's, or init's own, which is also the account of
 * PARENT_CLIENT (init's parent donated to init before it asked).
 */
static gn_cap_t account(uint16_t who)
{
	return who == GN_SESSION_SELF || who == PARENT_CLIENT ? sandbox_env->pd
							      : child_pd(&sandbox_children[who]);
}

char const *sessions_party_name(uint16_t who)
{
	return who == PARENT_CLIENT ? "init's parent" : sandbox_children[who].name;
}

gn_err_t sessions_move_quota(gn_cap_t from, gn_cap_t to, uint64_t ram, uint64_t caps)
{
	gn_pd_transfer_args_t const args = {ram, caps};
	gn_rpc_void_t res;

	if ((!ram && !caps) || from == to)
		return GN_OK;
	return gn_pd_session_transfer_quota(from, &args, &res, &to, NULL);
}

/*
 * A transfer of the machine. Taking the share back from a server or returning it to a client
 * should not fail: the machine books it as lost or kept then, and init says so.
 */
static gn_err_t transfer(gn_session_action_t const *a)
{
	gn_session_t const *s = gn_session_fsm_get(&session_fsm, a->sid);
	gn_err_t const err =
		sessions_move_quota(account(a->from), account(a->to), a->quota.ram, a->quota.caps);
	bool const reclaim =
		s->state == GN_SESSION_RECLAIM_DENIED || s->state == GN_SESSION_RECLAIM_CLOSED;
	bool const refund = s->state == GN_SESSION_REFUNDING || s->state == GN_SESSION_UPGRADE_UNDO;

	if (err != GN_OK && (reclaim || refund))
		gn_warning("%s: could not %s a %s session's donation: %s",
			sessions_party_name(reclaim ? a->from : a->to),
			reclaim ? "withdraw" : "return", s->service, gn_err_name(err));
	return err;
}

/* Rewrites server's session_requests ROM from the machine (sequence odd while writing). */
void sessions_write_requests(child_t *server)
{
	static char doc[GN_SESSION_REQUESTS_SIZE];
	size_t len = 0;

	if (!server->requests)
		return; /* it has not asked for the ROM yet */
	if (gn_session_fsm_gen_requests(
		    &session_fsm, child_index(server), doc, sizeof(doc), &len) != GN_OK ||
		len > server->requests_size - sizeof(gn_session_requests_hdr_t)) {
		gn_error("%s: session requests exceed %zu bytes", server->name,
			server->requests_size);
		return;
	}
	gn_session_requests_hdr_t *h = server->requests;
	__atomic_store_n(&h->seq, h->seq + 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	gn_memcpy((char *)h + sizeof(*h), doc, len);
	h->len = len;
	__atomic_store_n(&h->seq, h->seq + 1, __ATOMIC_RELEASE);
	gn_ignore(gn_signal_submit(server->requests_sig, 1));
}

static gn_err_t upstream_create(gn_session_t const *s, uint32_t server_id)
{
	gn_parent_session_args_t fwd = {.id = server_id};
	gn_rpc_void_t res;

	gn_memcpy(fwd.service, s->service, sizeof(fwd.service));
	gn_memcpy(fwd.args, s->args, sizeof(fwd.args));
	return gn_parent_session(sandbox_env->parent, &fwd, &res, NULL, NULL);
}

static gn_err_t upstream_upgrade(uint32_t server_id, gn_session_quota_t q)
{
	gn_parent_upgrade_args_t fwd = {.id = server_id};
	gn_rpc_void_t res;

	gn_err_t const err =
		gn_fmt(fwd.args, sizeof(fwd.args), NULL, "ram_quota=%llu, cap_quota=%llu",
			(unsigned long long)q.ram, (unsigned long long)q.caps);
	return err == GN_OK ? gn_parent_upgrade(sandbox_env->parent, &fwd, &res, NULL, NULL) : err;
}

/* Performs one action of the machine; *upstream tells that init's parent was called. */
static gn_err_t perform(gn_session_action_t const *a, bool *upstream)
{
	gn_parent_id_args_t const id = {a->server_id};
	gn_rpc_void_t res;

	switch (a->kind) {
	case GN_SESSION_ACT_TRANSFER: return transfer(a);
	case GN_SESSION_ACT_UPSTREAM_CREATE:
		*upstream = true;
		return upstream_create(gn_session_fsm_get(&session_fsm, a->sid), a->server_id);
	case GN_SESSION_ACT_UPSTREAM_UPGRADE:
		*upstream = true;
		return upstream_upgrade(a->server_id, a->quota);
	case GN_SESSION_ACT_UPSTREAM_CLOSE:
		*upstream = true;
		session_sides[a->sid].up_closed =
			gn_parent_close(sandbox_env->parent, &id, &res, NULL, NULL) != GN_ERR_AGAIN;
		return GN_OK;
	case GN_SESSION_ACT_RELEASE:
		gn_cap_drop(session_sides[a->sid].cap);
		session_sides[a->sid] = (side_t){.cap = GN_CAP_INVALID};
		return GN_OK;
	case GN_SESSION_ACT_UPDATE_ROM:
		sessions_write_requests(&sandbox_children[a->child]);
		return GN_OK;
	case GN_SESSION_ACT_SIGNAL:
		if (a->child == PARENT_CLIENT)
			parent_answers_due = true;
		else if (sandbox_children[a->child].session_sig)
			gn_ignore(gn_signal_submit(sandbox_children[a->child].session_sig, 1));
		return GN_OK;
	}
	return GN_ERR_INVALID_ARG;
}

/* Performs every pending action; true when init's parent was called. */
static bool drain(void)
{
	gn_session_action_t a;
	bool upstream = false, any = false;

	while (gn_session_fsm_next(&session_fsm, &a)) {
		gn_ignore(gn_session_fsm_done(&session_fsm, perform(&a, &upstream)));
		any = true;
	}
	if (any)
		state_report_stale();
	return upstream;
}

/* One upstream record: asks init's parent how it stands and reports the answer, if final. */
static void poll_record(uint32_t sid, gn_session_t const *s)
{
	gn_parent_id_args_t const id = {s->server_id};
	uint32_t const server_id = s->server_id;
	gn_rpc_void_t res;
	gn_cap_t cap = GN_CAP_INVALID;
	uint32_t got;

	if (s->state == GN_SESSION_CREATE_REQUESTED) {
		gn_err_t const err =
			gn_parent_session_cap(sandbox_env->parent, &id, &res, NULL, &cap);
		if (err == GN_ERR_AGAIN)
			return;
		if (err == GN_OK && gn_cap_valid(cap)) {
			if (gn_session_fsm_deliver(
				    &session_fsm, GN_SESSION_UPSTREAM, server_id, &got) == GN_OK)
				session_sides[got].cap = cap;
			else
				gn_cap_drop(cap);
			return;
		}
		gn_cap_drop(cap);
		/* the parent keeps a refused request until it is closed */
		gn_ignore(gn_parent_close(sandbox_env->parent, &id, &res, NULL, NULL));
		gn_session_response_t const why =
			err == GN_ERR_INSUFFICIENT_RAM    ? GN_SESSION_INSUFFICIENT_RAM
			: err == GN_ERR_INSUFFICIENT_CAPS ? GN_SESSION_INSUFFICIENT_CAPS
							  : GN_SESSION_DENIED;
		gn_ignore(
			gn_session_fsm_response(&session_fsm, GN_SESSION_UPSTREAM, server_id, why));
	} else if (s->state == GN_SESSION_UPGRADE_REQUESTED) {
		/* init's parent took the upgrade when it accepted the call */
		gn_ignore(gn_session_fsm_response(
			&session_fsm, GN_SESSION_UPSTREAM, server_id, GN_SESSION_UPGRADED));
	} else if (s->state == GN_SESSION_CLOSE_REQUESTED) {
		if (!session_sides[sid].up_closed &&
			gn_parent_close(sandbox_env->parent, &id, &res, NULL, NULL) == GN_ERR_AGAIN)
			return;
		gn_ignore(gn_session_fsm_response(
			&session_fsm, GN_SESSION_UPSTREAM, server_id, GN_SESSION_CLOSED));
	}
}

/*
 * Asks init's parent about every record it serves. The drains in between cannot call it again:
 * its answers lead only to deliveries, refunds and releases.
 */
static void poll_upstream(void)
{
	for (uint32_t i = 0; i < MAX_SESSIONS; i++) {
		gn_session_t const *s = gn_session_fsm_get(&session_fsm, i);
		if (s->state == GN_SESSION_FREE || s->server != GN_SESSION_UPSTREAM)
			continue;
		poll_record(i, s);
		gn_ignore(drain());
	}
}

/*
 * After an event: its actions, the answers of init's parent when it was asked something, and
 * answers to init's parent when it asked something.
 */
static void settle(void)
{
	if (drain())
		poll_upstream();
	if (parent_answers_due) {
		parent_answers_due = false;
		server_answer();
	}
}

void sessions_settle(void)
{
	settle();
}

gn_err_t sessions_parent_request(
	uint32_t id, char const *service, char const *args, child_t *server)
{
	uint32_t sid;

	gn_err_t err = gn_session_fsm_session(&session_fsm, PARENT_CLIENT, id, service, args, &sid);
	if (err != GN_OK)
		return err;
	settle();
	if (gn_session_fsm_get(&session_fsm, sid)->state != GN_SESSION_AWAIT_ROUTE)
		return GN_OK; /* failed: answered by the record */
	err = gn_session_fsm_route(
		&session_fsm, sid, child_index(server), child_provides(server, service));
	settle();
	return err;
}

/* Init's parent signalled: answers for the machine's records, or for init's own requests. */
static void poll_parent(void *ctx, uint64_t count)
{
	(void)ctx;
	(void)count;
	poll_upstream();
	gn_ignore(gn_signal_submit(sandbox_env->session_sig, 1));
}

/* ---- children coming and going ------------------------------------------------------------------ */

gn_err_t sessions_init(void)
{
	gn_session_fsm_config_t const cfg = {
		.keep = {0, 0},
		.first_client_id = GN_PARENT_FIRST_ID,
		.first_server_id = FIRST_SERVER_ID,
		.max_sessions = MAX_SESSIONS_PER_CHILD,
		.max_pending = MAX_PENDING_PER_CHILD,
	};
	gn_rpc_void_t none = {0};
	gn_cap_t relay = GN_CAP_INVALID;

	gn_session_fsm_init(
		&session_fsm, &cfg, records, MAX_SESSIONS, fsm_children, MAX_CHILDREN + 1);
	/* the empty name: init's parent has put init's name into the label already */
	gn_err_t err = gn_session_fsm_child_add(&session_fsm, PARENT_CLIENT, "");
	if (err == GN_OK)
		err = gn_pd_session_alloc_signal(sandbox_env->pd, &none, &none, NULL, &parent_sig);
	if (err == GN_OK)
		err = gn_ep_sigh(sandbox_env->ep, parent_sig, poll_parent, NULL);
	/* the library's waits for init's own sessions get their wake-up from poll_parent */
	if (err == GN_OK && !sandbox_env->session_sig)
		err = gn_pd_session_alloc_signal(sandbox_env->pd, &none, &none, NULL, &relay);
	if (err == GN_OK && gn_cap_valid(relay))
		sandbox_env->session_sig = relay;
	if (err == GN_OK)
		err = gn_parent_session_sigh(sandbox_env->parent, &none, &none, &parent_sig, NULL);
	return err;
}

void sessions_child_gone(child_t *c)
{
	/* requests pending at c fail, its sessions at other servers close; c gets no more actions */
	gn_err_t const err = gn_session_fsm_child_gone(&session_fsm, child_index(c));
	if (err == GN_OK)
		settle();
	else if (err != GN_ERR_INVALID_ARG) /* INVALID_ARG: a start that failed before serving */
		gn_error("%s: sessions not closed: %s", c->name, gn_err_name(err));
	locals_child_gone(c);
	if (c->requests) {
		gn_rpc_void_t none = {0};
		gn_ds_detach(c->requests, c->requests_size);
		gn_ignore(gn_pd_session_free_ram(
			sandbox_env->pd, &none, &none, &c->requests_ds, NULL));
		gn_cap_drop(c->requests_ds);
		c->requests = NULL;
	}
	gn_cap_drop(c->requests_sig);
	gn_cap_drop(c->session_sig);
	gn_cap_drop(c->heartbeat_sig);
	gn_cap_drop(c->yield_sig);
	c->requests_sig = c->session_sig = c->heartbeat_sig = c->yield_sig = GN_CAP_INVALID;
	gn_ep_dissolve(sandbox_env->ep, c->parent_obj);
	gn_cap_drop(c->parent_obj);
	c->parent_obj = GN_CAP_INVALID;
}
