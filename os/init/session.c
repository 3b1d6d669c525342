/*
 * The parent interface init serves each child: session brokering without ever blocking on a child.
 *
 * Every brokered session is a record of one gn_session_fsm_t (gneiss/session_fsm.h), the pure
 * state machine of the protocol; this file only turns RPCs into its events and performs the
 * actions it asks for. Each RPC handler causes one event and then settles the machine: it drains
 * the actions (quota transfers between a child's PD and init's, calls to init's own parent,
 * session_requests ROM rewrites, session signals) and, when one of them was a call upstream, asks
 * init's parent at once for the answers (a parent like core answers before it returns, and never
 * signals). Nothing here waits: a drain makes RPCs to core and to init's parent only, whose
 * answers are immediate, and every child-facing step is an answer, a ROM rewrite or a signal.
 *
 * Parties. A child is its index in init_children; init's own parent is GN_SESSION_UPSTREAM. The
 * machine knows every child under the empty name: the label a server sees is the one routing
 * presents (route.c: the child's name in front, or the <route> target's rewrite), put into the
 * request before the machine sees it. So routing happens before the machine records a request,
 * and a request no route takes fails at once with UNROUTABLE, no record made.
 *
 * Quota. init keeps no bookkeeping share (cfg.keep is zero): a server sees exactly the donation,
 * which the session scenario checks byte for byte. A donation the client cannot pay fails the
 * session call at once with INSUFFICIENT_RAM/_CAPS (the record is withdrawn), an upgrade likewise;
 * every later failure is the record's result, answered by session_cap. Donations to a server that
 * dies are not refunded (its PD's quota returns to init), as in Genode.
 *
 * Ids. A client picks its ids from GN_PARENT_FIRST_ID up; the machine names sessions towards their
 * servers from FIRST_SERVER_ID up, which for upstream sessions are init's ids at its own parent:
 * far above the ids of init's own sessions (init_env->next_session_id), so the two never meet.
 *
 * init's own sessions. The parent signals one context for answers to init's requests. The
 * entrypoint dispatches it to poll_parent(), which asks about the upstream records and then
 * submits init_env->session_sig, a context of init's own that the client library (lib/base/env.c)
 * waits for in init's gn_session() calls: so both are woken.
 *
 * Local sessions. A child's "config" ROM is served by init itself (config_rom.c), which the machine
 * has no notion of. They live in a small side table outside it, created, refused and closed at
 * once: the donation moves from the client to init for the session's life and back at close.
 */
#include <gneiss/dataspace.h>
#include <gneiss/fmt.h>
#include <gneiss/label.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/session_fsm.h>
#include <gneiss/signal.h>
#include <gneiss/string.h>
#include <gneiss/xml_gen.h>

#include "init.h"

enum {
	FIRST_SERVER_ID = 1u << 20,
	MAX_LOCAL = MAX_CHILDREN * MAX_LOCAL_PER_CHILD,
};

/* What init keeps beside a record of the machine. */
typedef struct {
	gn_cap_t cap;             /* delivered by the server; dropped at RELEASE */
	bool up_closed;           /* upstream: close no longer answers AGAIN */
	char label[GN_LABEL_MAX]; /* the label as the client chose it, for re-routing */
} side_t;

/* A session init serves itself. */
typedef struct {
	bool used;
	child_t *client;
	uint32_t id;
	gn_cap_t cap; /* invalid: refused, session_cap answers refusal once */
	gn_err_t refusal;
	uint64_t ram, caps;             /* the donation, held by init */
	char label[GN_LABEL_MAX];       /* as the client chose it */
	char args[GN_SESSION_ARGS_MAX]; /* with the label as routing presents it */
} local_t;

static gn_session_fsm_t fsm;
static gn_session_t records[MAX_SESSIONS];
static side_t sides[MAX_SESSIONS];
static gn_session_fsm_child_t fsm_children[MAX_CHILDREN];
static local_t locals[MAX_LOCAL];
static gn_cap_t parent_sig; /* init's parent answers init's own requests */

GN_RPC_SERVER(gn_parent, GN_PARENT_RPCS)

static uint16_t index_of(child_t const *c)
{
	return (uint16_t)(c - init_children);
}

static gn_cap_t pd_of_child(child_t const *c)
{
	return c->env_caps[0];
}

/* ---- actions --------------------------------------------------------------------------------- */

/* The PD of an account of the machine: a child's, or init's own. */
static gn_cap_t account(uint16_t who)
{
	return who == GN_SESSION_SELF ? init_env->pd : pd_of_child(&init_children[who]);
}

static gn_err_t move_quota(gn_cap_t from, gn_cap_t to, uint64_t ram, uint64_t caps)
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
	gn_session_t const *s = gn_session_fsm_get(&fsm, a->sid);
	gn_err_t const err =
		move_quota(account(a->from), account(a->to), a->quota.ram, a->quota.caps);
	bool const reclaim =
		s->state == GN_SESSION_RECLAIM_DENIED || s->state == GN_SESSION_RECLAIM_CLOSED;
	bool const refund = s->state == GN_SESSION_REFUNDING || s->state == GN_SESSION_UPGRADE_UNDO;

	if (err != GN_OK && (reclaim || refund))
		gn_warning("%s: could not %s a %s session's donation: %s",
			init_children[reclaim ? a->from : a->to].name,
			reclaim ? "withdraw" : "return", s->service, gn_err_name(err));
	return err;
}

/* Rewrites server's session_requests ROM from the machine (sequence odd while writing). */
static void write_requests(child_t *server)
{
	static char doc[GN_SESSION_REQUESTS_SIZE];
	size_t len = 0;

	if (!server->requests)
		return; /* it has not asked for the ROM yet */
	if (gn_session_fsm_gen_requests(&fsm, index_of(server), doc, sizeof(doc), &len) != GN_OK ||
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
	return gn_parent_session(init_env->parent, &fwd, &res, NULL, NULL);
}

static gn_err_t upstream_upgrade(uint32_t server_id, gn_session_quota_t q)
{
	gn_parent_upgrade_args_t fwd = {.id = server_id};
	gn_rpc_void_t res;

	gn_err_t const err =
		gn_fmt(fwd.args, sizeof(fwd.args), NULL, "ram_quota=%llu, cap_quota=%llu",
			(unsigned long long)q.ram, (unsigned long long)q.caps);
	return err == GN_OK ? gn_parent_upgrade(init_env->parent, &fwd, &res, NULL, NULL) : err;
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
		return upstream_create(gn_session_fsm_get(&fsm, a->sid), a->server_id);
	case GN_SESSION_ACT_UPSTREAM_UPGRADE:
		*upstream = true;
		return upstream_upgrade(a->server_id, a->quota);
	case GN_SESSION_ACT_UPSTREAM_CLOSE:
		*upstream = true;
		sides[a->sid].up_closed =
			gn_parent_close(init_env->parent, &id, &res, NULL, NULL) != GN_ERR_AGAIN;
		return GN_OK;
	case GN_SESSION_ACT_RELEASE:
		gn_cap_drop(sides[a->sid].cap);
		sides[a->sid] = (side_t){.cap = GN_CAP_INVALID};
		return GN_OK;
	case GN_SESSION_ACT_UPDATE_ROM: write_requests(&init_children[a->child]); return GN_OK;
	case GN_SESSION_ACT_SIGNAL:
		if (init_children[a->child].session_sig)
			gn_ignore(gn_signal_submit(init_children[a->child].session_sig, 1));
		return GN_OK;
	}
	return GN_ERR_INVALID_ARG;
}

/* Performs every pending action; true when init's parent was called. */
static bool drain(void)
{
	gn_session_action_t a;
	bool upstream = false, any = false;

	while (gn_session_fsm_next(&fsm, &a)) {
		gn_ignore(gn_session_fsm_done(&fsm, perform(&a, &upstream)));
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
		gn_err_t const err = gn_parent_session_cap(init_env->parent, &id, &res, NULL, &cap);
		if (err == GN_ERR_AGAIN)
			return;
		if (err == GN_OK && gn_cap_valid(cap)) {
			if (gn_session_fsm_deliver(&fsm, GN_SESSION_UPSTREAM, server_id, &got) ==
				GN_OK)
				sides[got].cap = cap;
			else
				gn_cap_drop(cap);
			return;
		}
		gn_cap_drop(cap);
		/* the parent keeps a refused request until it is closed */
		gn_ignore(gn_parent_close(init_env->parent, &id, &res, NULL, NULL));
		gn_session_response_t const why =
			err == GN_ERR_INSUFFICIENT_RAM    ? GN_SESSION_INSUFFICIENT_RAM
			: err == GN_ERR_INSUFFICIENT_CAPS ? GN_SESSION_INSUFFICIENT_CAPS
							  : GN_SESSION_DENIED;
		gn_ignore(gn_session_fsm_response(&fsm, GN_SESSION_UPSTREAM, server_id, why));
	} else if (s->state == GN_SESSION_UPGRADE_REQUESTED) {
		/* init's parent took the upgrade when it accepted the call */
		gn_ignore(gn_session_fsm_response(
			&fsm, GN_SESSION_UPSTREAM, server_id, GN_SESSION_UPGRADED));
	} else if (s->state == GN_SESSION_CLOSE_REQUESTED) {
		if (!sides[sid].up_closed &&
			gn_parent_close(init_env->parent, &id, &res, NULL, NULL) == GN_ERR_AGAIN)
			return;
		gn_ignore(gn_session_fsm_response(
			&fsm, GN_SESSION_UPSTREAM, server_id, GN_SESSION_CLOSED));
	}
}

/*
 * Asks init's parent about every record it serves. The drains in between cannot call it again:
 * its answers lead only to deliveries, refunds and releases.
 */
static void poll_upstream(void)
{
	for (uint32_t i = 0; i < MAX_SESSIONS; i++) {
		gn_session_t const *s = gn_session_fsm_get(&fsm, i);
		if (s->state == GN_SESSION_FREE || s->server != GN_SESSION_UPSTREAM)
			continue;
		poll_record(i, s);
		gn_ignore(drain());
	}
}

/* After an event: its actions, and the answers of init's parent when it was asked something. */
static void settle(void)
{
	if (drain())
		poll_upstream();
}

/* Init's parent signalled: answers for the machine's records, or for init's own requests. */
static void poll_parent(void *ctx, uint64_t count)
{
	(void)ctx;
	(void)count;
	poll_upstream();
	gn_ignore(gn_signal_submit(init_env->session_sig, 1));
}

/* ---- local sessions (init's own "config" ROMs) ------------------------------------------------ */

static local_t *local_of(child_t const *c, uint32_t id)
{
	for (unsigned i = 0; i < MAX_LOCAL; i++)
		if (locals[i].used && locals[i].client == c && locals[i].id == id)
			return &locals[i];
	return NULL;
}

/* The donation goes back to the client (a dead client's stays with init). */
static void local_free(local_t *l, bool refund)
{
	if (refund && move_quota(init_env->pd, pd_of_child(l->client), l->ram, l->caps) != GN_OK)
		gn_warning("%s: could not return a ROM session's donation", l->client->name);
	if (gn_cap_valid(l->cap))
		config_rom_destroy(l->cap);
	gn_cap_drop(l->cap);
	*l = (local_t){.used = false};
	state_report_stale();
}

static gn_err_t local_session(child_t *c, uint32_t id, char const *args, char const *label)
{
	local_t *l = NULL;
	unsigned mine = 0;
	uint64_t ram = 0, caps = 0;

	for (unsigned i = 0; i < MAX_LOCAL; i++) {
		mine += locals[i].used && locals[i].client == c;
		if (!locals[i].used && !l)
			l = &locals[i];
	}
	if (!l || mine >= MAX_LOCAL_PER_CHILD)
		return GN_ERR_LIMIT;
	if (gn_args_get_num(args, "ram_quota", &ram) != GN_OK)
		ram = 0;
	if (gn_args_get_num(args, "cap_quota", &caps) != GN_OK)
		caps = 0;
	gn_err_t err = move_quota(pd_of_child(c), init_env->pd, ram, caps);
	if (err != GN_OK)
		return err == GN_ERR_OUT_OF_CAPS ? GN_ERR_INSUFFICIENT_CAPS
						 : GN_ERR_INSUFFICIENT_RAM;
	*l = (local_t){.used = true, .client = c, .id = id, .ram = ram, .caps = caps};
	gn_memcpy(l->label, label, sizeof(l->label));
	gn_memcpy(l->args, args, sizeof(l->args));
	err = config_rom_create(c, ram, &l->cap);
	if (err != GN_OK) { /* refused: the donation comes back now, the answer at session_cap */
		gn_ignore(move_quota(init_env->pd, pd_of_child(c), ram, caps));
		l->ram = l->caps = 0;
		l->cap = GN_CAP_INVALID;
		l->refusal = err;
	}
	state_report_stale();
	return GN_OK;
}

/* ---- the parent interface: a client's requests ------------------------------------------------ */

/* The error of a transfer from the client, as the client library understands it. */
static gn_err_t insufficient(gn_err_t err)
{
	if (err == GN_ERR_OUT_OF_RAM)
		return GN_ERR_INSUFFICIENT_RAM;
	if (err == GN_ERR_OUT_OF_CAPS)
		return GN_ERR_INSUFFICIENT_CAPS;
	return err;
}

/* Takes back a request that failed before the session call returned: its answer, now. */
static gn_err_t withdraw(child_t *c, uint32_t id)
{
	uint32_t sid;
	gn_err_t const err = gn_session_fsm_session_cap(&fsm, index_of(c), id, &sid);

	settle();
	return insufficient(err);
}

static gn_err_t session(
	void *obj, gn_rpc_request_t *req, gn_parent_session_args_t const *args, gn_rpc_void_t *res)
{
	child_t *c = obj;
	char service[GN_SERVICE_NAME_MAX], fwd[GN_SESSION_ARGS_MAX];
	char label[GN_LABEL_MAX], routed[GN_LABEL_MAX];
	child_t *server = NULL;
	uint32_t sid;

	(void)req;
	(void)res;
	if (args->id < GN_PARENT_FIRST_ID)
		return GN_ERR_INVALID_ARG;
	if (local_of(c, args->id) ||
		gn_session_fsm_lookup(&fsm, index_of(c), args->id, &sid) == GN_OK)
		return GN_ERR_EXISTS;
	if (gn_strlcpy(service, args->service, sizeof(service)) != GN_OK || !service[0] ||
		gn_strlcpy(fwd, args->args, sizeof(fwd)) != GN_OK || gn_args_check(fwd) != GN_OK ||
		gn_args_get_label(fwd, label, sizeof(label)) != GN_OK)
		return GN_ERR_INVALID_ARG;
	route_t const route = route_resolve(c, service, label, &server, routed, sizeof(routed));
	if (route == ROUTE_DENIED)
		return GN_ERR_UNROUTABLE;
	if (gn_args_set_string(fwd, sizeof(fwd), "label", routed) != GN_OK)
		return GN_ERR_INVALID_ARG;
	if (route == ROUTE_CONFIG)
		return local_session(c, args->id, fwd, label);

	gn_err_t const err =
		gn_session_fsm_session(&fsm, index_of(c), args->id, service, fwd, &sid);
	if (err != GN_OK)
		return err;
	settle(); /* charged, or failed for want of quota */
	if (gn_session_fsm_get(&fsm, sid)->state != GN_SESSION_AWAIT_ROUTE)
		return withdraw(c, args->id);
	gn_memcpy(sides[sid].label, label, sizeof(sides[sid].label));
	uint16_t const target = route == ROUTE_PARENT ? GN_SESSION_UPSTREAM : index_of(server);
	bool const announced = route == ROUTE_CHILD && child_provides(server, service);
	if (gn_session_fsm_route(&fsm, sid, target, announced) != GN_OK) {
		/* a server init does not serve (yet): nothing may stay half-routed */
		gn_ignore(gn_session_fsm_route(&fsm, sid, GN_SESSION_ROUTE_DENIED, false));
		settle();
		gn_ignore(withdraw(c, args->id));
		return GN_ERR_UNROUTABLE;
	}
	settle();
	return GN_OK;
}

static gn_err_t session_cap(
	void *obj, gn_rpc_request_t *req, gn_parent_id_args_t const *args, gn_rpc_void_t *res)
{
	child_t *c = obj;
	local_t *l = local_of(c, args->id);
	uint32_t sid;
	gn_cap_t cap = GN_CAP_INVALID;

	(void)res;
	if (l && !gn_cap_valid(l->cap)) {
		gn_err_t const refusal = l->refusal;
		local_free(l, false);
		return refusal;
	}
	if (l)
		cap = l->cap;
	else {
		gn_err_t const err = gn_session_fsm_session_cap(&fsm, index_of(c), args->id, &sid);
		if (err == GN_OK)
			cap = sides[sid].cap;
		settle();
		if (err != GN_OK)
			return err == GN_ERR_NOT_FOUND ? GN_ERR_INVALID_ARG : err;
	}
	req->caps_out[0] = gn_cap_copy(cap);
	req->num_caps_out = 1;
	return GN_OK;
}

static gn_err_t close(
	void *obj, gn_rpc_request_t *req, gn_parent_id_args_t const *args, gn_rpc_void_t *res)
{
	child_t *c = obj;
	local_t *l = local_of(c, args->id);
	uint32_t sid;

	(void)req;
	(void)res;
	if (l) {
		local_free(l, true);
		return GN_OK;
	}
	gn_err_t const err = gn_session_fsm_close(&fsm, index_of(c), args->id);
	settle();
	/* a parent like core closes at once: then so does init */
	if (err == GN_ERR_AGAIN &&
		gn_session_fsm_lookup(&fsm, index_of(c), args->id, &sid) != GN_OK)
		return GN_OK;
	return err;
}

static gn_err_t upgrade(
	void *obj, gn_rpc_request_t *req, gn_parent_upgrade_args_t const *args, gn_rpc_void_t *res)
{
	child_t *c = obj;
	local_t *l = local_of(c, args->id);
	char raw[GN_SESSION_ARGS_MAX];
	gn_session_quota_t q = {0, 0};

	(void)req;
	(void)res;
	if (gn_strlcpy(raw, args->args, sizeof(raw)) != GN_OK || gn_args_check(raw) != GN_OK)
		return GN_ERR_INVALID_ARG;
	if (gn_args_get_num(raw, "ram_quota", &q.ram) != GN_OK)
		q.ram = 0;
	if (gn_args_get_num(raw, "cap_quota", &q.caps) != GN_OK)
		q.caps = 0;
	if (l) { /* init holds it with the rest of the donation */
		gn_err_t const err =
			l->cap ? move_quota(pd_of_child(c), init_env->pd, q.ram, q.caps)
			       : l->refusal;
		if (err == GN_OK) {
			l->ram += q.ram;
			l->caps += q.caps;
		}
		return insufficient(err);
	}
	gn_err_t err = gn_session_fsm_upgrade(&fsm, index_of(c), args->id, q);
	if (err == GN_ERR_NOT_FOUND)
		return GN_ERR_INVALID_ARG;
	if (err != GN_OK)
		return err;
	settle();
	/* the charge or its forwarding failed: the quota is back with the client */
	err = gn_session_fsm_upgrade_status(&fsm, index_of(c), args->id);
	return err == GN_ERR_AGAIN ? GN_OK : insufficient(err);
}

/* Keeps the signal context a child registered in *slot, replacing the previous one. */
static gn_err_t keep_signal(gn_cap_t *slot, gn_cap_t sig)
{
	if (gn_cap_kind(sig) != GN_CAP_KIND_SIGNAL)
		return GN_ERR_INVALID_CAP;
	gn_cap_drop(*slot);
	*slot = gn_cap_copy(sig);
	return GN_OK;
}

static gn_err_t session_sigh(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	child_t *c = obj;

	(void)args;
	(void)res;
	return keep_signal(&c->session_sig, req->caps_in[0]);
}

/* ---- the parent interface: a server's answers ------------------------------------------------- */

static gn_err_t session_requests(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	child_t *c = obj;
	gn_pd_alloc_ram_res_t alloc;
	void *addr;
	bool writable;

	(void)args;
	(void)res;
	if (gn_cap_kind(req->caps_in[0]) != GN_CAP_KIND_SIGNAL)
		return GN_ERR_INVALID_CAP;
	if (!c->requests) {
		gn_err_t err = gn_pd_session_alloc_ram(init_env->pd,
			&(gn_pd_alloc_ram_args_t){GN_SESSION_REQUESTS_SIZE}, &alloc, NULL,
			&c->requests_ds);
		if (err == GN_OK)
			err = gn_ds_attach(c->requests_ds, &addr, &c->requests_size, &writable);
		if (err != GN_OK)
			return err;
		c->requests = addr;
	}
	gn_cap_drop(c->requests_sig);
	c->requests_sig = gn_cap_copy(req->caps_in[0]);
	req->caps_out[0] = gn_cap_copy(c->requests_ds);
	req->num_caps_out = 1;
	write_requests(c);
	return GN_OK;
}

static gn_err_t deliver_session_cap(
	void *obj, gn_rpc_request_t *req, gn_parent_id_args_t const *args, gn_rpc_void_t *res)
{
	uint32_t sid;

	(void)res;
	if (gn_cap_kind(req->caps_in[0]) != GN_CAP_KIND_OBJECT)
		return GN_ERR_INVALID_ARG;
	/* refused (e.g. REVOKED: the client gave up meanwhile): the server closes its session */
	gn_err_t const err = gn_session_fsm_deliver(&fsm, index_of(obj), args->id, &sid);
	if (err == GN_OK)
		sides[sid].cap = gn_cap_copy(req->caps_in[0]);
	settle();
	return err;
}

static gn_err_t session_response(
	void *obj, gn_rpc_request_t *req, gn_parent_response_args_t const *args, gn_rpc_void_t *res)
{
	(void)req;
	(void)res;
	gn_err_t const err = gn_session_fsm_response(
		&fsm, index_of(obj), args->id, (gn_session_response_t)args->response);
	settle();
	return err;
}

static gn_err_t announce(
	void *obj, gn_rpc_request_t *req, gn_parent_announce_args_t const *args, gn_rpc_void_t *res)
{
	child_t *c = obj;
	char name[GN_SERVICE_NAME_MAX];
	gn_xml_node_t provides, svc;
	bool declared = false;
	unsigned slot = MAX_PROVIDED;

	(void)req;
	(void)res;
	if (gn_strlcpy(name, args->service, sizeof(name)) != GN_OK || !name[0])
		return GN_ERR_INVALID_ARG;
	if (gn_xml_first_sub_type(&c->start, "provides", &provides))
		for (bool more = gn_xml_first_sub_type(&provides, "service", &svc);
			more && !declared; more = gn_xml_next_type(&svc, "service", &svc))
			declared = gn_xml_attr_eq(&svc, "name", name);
	if (!declared) {
		gn_error("%s: announces \"%s\", which its <provides> does not list", c->name, name);
		return GN_ERR_DENIED;
	}
	for (unsigned i = 0; i < MAX_PROVIDED; i++) {
		if (gn_strcmp(c->provided[i], name) == 0)
			return GN_ERR_EXISTS;
		if (!c->provided[i][0] && slot == MAX_PROVIDED)
			slot = i;
	}
	if (slot == MAX_PROVIDED)
		return GN_ERR_LIMIT;
	gn_memcpy(c->provided[slot], name, sizeof(name));
	gn_err_t const err = gn_session_fsm_announce(&fsm, index_of(c), name);
	settle();
	return err;
}

static gn_err_t exit(
	void *obj, gn_rpc_request_t *req, gn_parent_exit_args_t const *args, gn_rpc_void_t *res)
{
	(void)req;
	(void)res;
	child_exited(obj, args->value);
	return GN_OK;
}

static gn_err_t heartbeat_sigh(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	child_t *c = obj;

	(void)args;
	(void)res;
	return keep_signal(&c->heartbeat_sig, req->caps_in[0]);
}

static gn_err_t heartbeat_response(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	child_t *c = obj;

	(void)req;
	(void)args;
	(void)res;
	if (c->skipped_heartbeats)
		state_report_stale();
	c->heartbeat_pending = false;
	c->skipped_heartbeats = 0;
	return GN_OK;
}

static gn_err_t resource_request(
	void *obj, gn_rpc_request_t *req, gn_parent_resource_args_t const *args, gn_rpc_void_t *res)
{
	(void)req;
	(void)res;
	return child_resource_request(obj, args->ram, args->caps);
}

static gn_err_t yield_sigh(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	child_t *c = obj;

	(void)args;
	(void)res;
	return keep_signal(&c->yield_sig, req->caps_in[0]);
}

static gn_err_t yield_request(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_parent_resource_args_t *res)
{
	(void)req;
	(void)args;
	*res = child_yield_request(obj);
	return GN_OK;
}

static gn_err_t yield_response(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	(void)req;
	(void)args;
	(void)res;
	child_yielded(obj);
	return GN_OK;
}

static gn_parent_ops_t const parent_ops = {session, session_cap, close, exit, announce,
	session_sigh, upgrade, session_requests, deliver_session_cap, session_response,
	heartbeat_sigh, heartbeat_response, resource_request, yield_sigh, yield_request,
	yield_response};

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

	gn_session_fsm_init(&fsm, &cfg, records, MAX_SESSIONS, fsm_children, MAX_CHILDREN);
	gn_err_t err = gn_pd_session_alloc_signal(init_env->pd, &none, &none, NULL, &parent_sig);
	if (err == GN_OK)
		err = gn_ep_sigh(init_env->ep, parent_sig, poll_parent, NULL);
	/* the library's waits for init's own sessions get their wake-up from poll_parent */
	if (err == GN_OK && !init_env->session_sig)
		err = gn_pd_session_alloc_signal(init_env->pd, &none, &none, NULL, &relay);
	if (err == GN_OK && gn_cap_valid(relay))
		init_env->session_sig = relay;
	if (err == GN_OK)
		err = gn_parent_session_sigh(init_env->parent, &none, &none, &parent_sig, NULL);
	return err;
}

gn_err_t sessions_serve_child(child_t *c)
{
	/* the empty name: routing has put the child's name into the label already */
	gn_err_t err = gn_session_fsm_child_add(&fsm, index_of(c), "");

	if (err == GN_OK)
		err = gn_ep_manage(init_env->ep, c, &gn_parent_iface, &parent_ops, &c->parent_obj);
	return err;
}

void sessions_child_gone(child_t *c)
{
	/* requests pending at c fail, its sessions at other servers close; c gets no more actions */
	gn_err_t const err = gn_session_fsm_child_gone(&fsm, index_of(c));
	if (err == GN_OK)
		settle();
	else if (err != GN_ERR_INVALID_ARG) /* INVALID_ARG: a start that failed before serving */
		gn_error("%s: sessions not closed: %s", c->name, gn_err_name(err));
	for (unsigned i = 0; i < MAX_LOCAL; i++)
		if (locals[i].used && locals[i].client == c)
			local_free(&locals[i], false);
	if (c->requests) {
		gn_rpc_void_t none = {0};
		gn_ds_detach(c->requests, c->requests_size);
		gn_ignore(
			gn_pd_session_free_ram(init_env->pd, &none, &none, &c->requests_ds, NULL));
		gn_cap_drop(c->requests_ds);
		c->requests = NULL;
	}
	gn_cap_drop(c->requests_sig);
	gn_cap_drop(c->session_sig);
	gn_cap_drop(c->heartbeat_sig);
	gn_cap_drop(c->yield_sig);
	c->requests_sig = c->session_sig = c->heartbeat_sig = c->yield_sig = GN_CAP_INVALID;
	gn_ep_dissolve(init_env->ep, c->parent_obj);
	gn_cap_drop(c->parent_obj);
	c->parent_obj = GN_CAP_INVALID;
}

/* ---- what the rest of init asks ---------------------------------------------------------------- */

/* True for a session of the client's that is, or is about to be, in use. */
static bool in_use(gn_session_t const *s)
{
	switch ((gn_session_state_t)s->state) {
	case GN_SESSION_AWAIT_ANNOUNCE:
	case GN_SESSION_DONATING:
	case GN_SESSION_CREATE_REQUESTED:
	case GN_SESSION_AVAILABLE:
	case GN_SESSION_CAP_HANDED_OUT:
	case GN_SESSION_UPGRADE_CHARGING:
	case GN_SESSION_UPGRADE_DONATING:
	case GN_SESSION_UPGRADE_UNDO:
	case GN_SESSION_UPGRADE_REQUESTED: return !s->client_gone;
	default: return false;
	}
}

/* Whether routing c's request (service, label) now gives another server or label than routed. */
static bool rerouted(child_t *c, char const *service, char const *label, route_t was,
	child_t const *was_server, char const *was_routed)
{
	char routed[GN_LABEL_MAX];
	child_t *server = NULL;
	route_t const route = route_resolve(c, service, label, &server, routed, sizeof(routed));

	return route != was || (route == ROUTE_CHILD && server != was_server) ||
	       gn_strcmp(routed, was_routed) != 0;
}

bool sessions_route_changed(child_t *c)
{
	char routed[GN_LABEL_MAX];

	for (uint32_t i = 0; i < MAX_SESSIONS; i++) {
		gn_session_t const *s = gn_session_fsm_get(&fsm, i);
		if (!in_use(s) || s->client != index_of(c))
			continue;
		bool const up = s->server == GN_SESSION_UPSTREAM;
		if (gn_args_get_label(s->args, routed, sizeof(routed)) != GN_OK ||
			rerouted(c, s->service, sides[i].label, up ? ROUTE_PARENT : ROUTE_CHILD,
				up ? NULL : &init_children[s->server], routed))
			return true;
	}
	for (unsigned i = 0; i < MAX_LOCAL; i++)
		if (locals[i].used && locals[i].client == c && gn_cap_valid(locals[i].cap) &&
			(gn_args_get_label(locals[i].args, routed, sizeof(routed)) != GN_OK ||
				rerouted(c, "ROM", locals[i].label, ROUTE_CONFIG, NULL, routed)))
			return true;
	return false;
}

/* The state report's word for a record's state. */
static char const *state_name(gn_session_t const *s)
{
	bool const up = s->server == GN_SESSION_UPSTREAM;

	switch ((gn_session_state_t)s->state) {
	case GN_SESSION_AWAIT_ANNOUNCE: return "waiting for announcement";
	case GN_SESSION_CHARGING:
	case GN_SESSION_AWAIT_ROUTE:
	case GN_SESSION_DONATING:
	case GN_SESSION_CREATE_REQUESTED: return up ? "requested at parent" : "requested";
	case GN_SESSION_AVAILABLE:
	case GN_SESSION_CAP_HANDED_OUT:
	case GN_SESSION_UPGRADE_CHARGING:
	case GN_SESSION_UPGRADE_DONATING:
	case GN_SESSION_UPGRADE_UNDO:
	case GN_SESSION_UPGRADE_REQUESTED: return "available";
	case GN_SESSION_FAILED: return s->result == GN_ERR_REVOKED ? "server gone" : "refused";
	default: return up ? "closing at parent" : "closing";
	}
}

static void report_session(gn_xml_gen_t *g, char const *service, char const *args,
	char const *state, char const *server, bool with_args)
{
	char label[GN_LABEL_MAX];

	gn_xml_gen_node_open(g, "session");
	gn_xml_gen_attr(g, "service", service);
	if (gn_args_get_label(args, label, sizeof(label)) == GN_OK)
		gn_xml_gen_attr(g, "label", label);
	gn_xml_gen_attr(g, "state", state);
	if (server)
		gn_xml_gen_attr(g, "server", server);
	if (with_args)
		gn_xml_gen_attr(g, "args", args);
	gn_xml_gen_node_close(g);
}

/* Whether record s is c's: requested by it, or (provided) routed to it and not failed there. */
static bool reported(gn_session_t const *s, uint16_t c, bool requested)
{
	if (s->state == GN_SESSION_FREE)
		return false;
	if (requested)
		return !s->client_gone && s->client == c;
	return s->server == c && s->state != GN_SESSION_FAILED &&
	       s->state != GN_SESSION_REFUNDING && s->state != GN_SESSION_RELEASING;
}

void sessions_report(child_t *c, gn_xml_gen_t *g, bool requested, bool with_args)
{
	bool open = false;

	/* init's own first: a child opens its config ROM before anything else */
	for (unsigned i = 0; requested && i < MAX_LOCAL; i++) {
		local_t const *l = &locals[i];
		if (!l->used || l->client != c)
			continue;
		if (!open)
			gn_xml_gen_node_open(g, "requested");
		open = true;
		report_session(g, "ROM", l->args, gn_cap_valid(l->cap) ? "available" : "refused",
			"init", with_args);
	}
	for (uint32_t i = 0; i < MAX_SESSIONS; i++) {
		gn_session_t const *s = gn_session_fsm_get(&fsm, i);
		if (!reported(s, index_of(c), requested))
			continue;
		if (!open)
			gn_xml_gen_node_open(g, requested ? "requested" : "provided");
		open = true;
		char const *server = s->server == GN_SESSION_UPSTREAM ? "parent"
				     : s->server < MAX_CHILDREN ? init_children[s->server].name
								: "none";
		report_session(g, s->service, s->args, state_name(s), requested ? server : NULL,
			with_args);
	}
	if (open)
		gn_xml_gen_node_close(g);
}
