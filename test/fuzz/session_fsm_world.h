/*
 * A world for the session state machine (gneiss/session_fsm.h): the caller's side of it, with an
 * independent ledger. Shared by the libFuzzer target (session_fsm.c) and the unit test
 * (test/unit/test_session_fsm.c); it is a header of static functions so that both stay one file.
 *
 * The world performs the machine's actions like a parent would: quota transfers between accounts
 * that really hold the amounts (a transfer from an account without enough fails with OUT_OF_RAM or
 * OUT_OF_CAPS, as core's would), calls to an "upstream" parent that takes and returns its share,
 * per-slot capabilities (taken at deliver, dropped at RELEASE), ROM regeneration and signals. Tests
 * inject failures into the next transfers or upstream calls.
 *
 * The ledger is kept from the actions performed, never from the machine's numbers: per record what
 * the parent and the server hold, per child what it paid as a client and what it holds as a
 * server, and the totals. world_check() compares that ledger with the machine's records and stats,
 * and checks the accounts, the per-child bounds and the machine's own invariants.
 */
#ifndef SESSION_FSM_WORLD_H
#define SESSION_FSM_WORLD_H

#include <stdio.h>
#include <string.h>

#include <gneiss/session_fsm.h>
#include <gneiss/xml.h>

enum {
	W_CHILDREN = 4,
	W_SESSIONS = 24,
	W_MAX_SESSIONS = 6,
	W_MAX_PENDING = 4,
	W_KEEP_RAM = 1024,
	W_KEEP_CAPS = 1,
	W_FIRST_CLIENT_ID = 16,
	W_FIRST_SERVER_ID = 100,
	W_LOG = 1024,
	W_ROM = 8192,
};

#define W_INITIAL_RAM (1ull << 30)
#define W_INITIAL_CAPS 1000ull
#define W_SELF_RAM (1ull << 40) /* the parent's own account starts rich */
#define W_SELF_CAPS 100000ull

typedef gn_session_quota_t quota_t;

typedef struct {
	gn_session_fsm_t fsm;
	gn_session_t sessions[W_SESSIONS];
	gn_session_fsm_child_t children[W_CHILDREN];

	/* accounts */
	quota_t balance[W_CHILDREN];
	quota_t self;
	quota_t upstream;

	/* the independent ledger */
	quota_t at_parent[W_SESSIONS], at_server[W_SESSIONS];
	quota_t paid[W_CHILDREN];    /* as a client: charges - refunds */
	quota_t served[W_CHILDREN];  /* as a server: donations - reclaims */
	quota_t stuck[W_CHILDREN];   /* as a server: reclaims that failed */
	quota_t forfeit[W_CHILDREN]; /* as a client: paid, not held for it, never coming back */
	quota_t spent[W_CHILDREN];   /* used by the child itself (tests make children poor) */
	quota_t donated, refunded, kept, lost;
	bool has_cap[W_SESSIONS];

	/* failure injection: the next failable actions fail with fail_err while bits are set */
	uint32_t fail_bits;
	gn_err_t fail_err;

	/* what happened, for the unit tests */
	char log[W_LOG];
	unsigned signals[W_CHILDREN], roms[W_CHILDREN];
	char const *broken; /* first broken expectation of the world itself */
} world_t;

static void q_add(quota_t *a, quota_t b)
{
	a->ram += b.ram;
	a->caps += b.caps;
}

static void q_sub(quota_t *a, quota_t b)
{
	a->ram -= b.ram;
	a->caps -= b.caps;
}

static bool q_eq(quota_t a, quota_t b)
{
	return a.ram == b.ram && a.caps == b.caps;
}

static bool q_zero(quota_t a)
{
	return !a.ram && !a.caps;
}

static void world_fail(world_t *w, char const *what)
{
	if (!w->broken)
		w->broken = what;
}

static void world_log(world_t *w, char const *token)
{
	size_t const len = strlen(w->log);

	snprintf(w->log + len, sizeof(w->log) - len, "%s%s", len ? " " : "", token);
}

static gn_session_fsm_config_t world_config(void)
{
	gn_session_fsm_config_t const cfg = {{W_KEEP_RAM, W_KEEP_CAPS}, W_FIRST_CLIENT_ID,
		W_FIRST_SERVER_ID, W_MAX_SESSIONS, W_MAX_PENDING};

	return cfg;
}

static void world_add(world_t *w, uint16_t c)
{
	char name[16];

	snprintf(name, sizeof(name), "c%u", (unsigned)c);
	if (gn_session_fsm_child_add(&w->fsm, c, name) != GN_OK)
		world_fail(w, "child_add failed");
	w->balance[c] = (quota_t){W_INITIAL_RAM, W_INITIAL_CAPS};
	w->paid[c] = w->served[c] = w->stuck[c] = w->forfeit[c] = w->spent[c] = (quota_t){0, 0};
}

static void world_init(world_t *w, gn_session_fsm_config_t const *cfg)
{
	memset(w, 0, sizeof(*w));
	gn_session_fsm_init(&w->fsm, cfg, w->sessions, W_SESSIONS, w->children, W_CHILDREN);
	w->self = (quota_t){W_SELF_RAM, W_SELF_CAPS};
	w->fail_err = GN_ERR_OUT_OF_RAM;
	for (uint16_t c = 0; c < W_CHILDREN; c++)
		world_add(w, c);
}

/* Child c uses q of its own quota (a negative amount gives it back). */
static void world_spend(world_t *w, uint16_t c, quota_t q)
{
	q_sub(&w->balance[c], q);
	q_add(&w->spent[c], q);
}

static quota_t *account(world_t *w, uint16_t who)
{
	if (who == GN_SESSION_SELF)
		return &w->self;
	if (who < W_CHILDREN)
		return &w->balance[who];
	world_fail(w, "transfer names no account");
	return NULL;
}

/* A transfer as core would do it: both or nothing, refused when the source lacks quota. */
static gn_err_t world_move(world_t *w, uint16_t from, uint16_t to, quota_t q)
{
	quota_t *src = account(w, from), *dst = account(w, to);

	if (!src || !dst || from == to)
		return GN_ERR_INVALID_ARG;
	if (src->ram < q.ram)
		return GN_ERR_OUT_OF_RAM;
	if (src->caps < q.caps)
		return GN_ERR_OUT_OF_CAPS;
	q_sub(src, q);
	q_add(dst, q);
	return GN_OK;
}

static bool world_injected_failure(world_t *w)
{
	bool const fail = w->fail_bits & 1;

	w->fail_bits >>= 1;
	return fail;
}

static char const *who(uint16_t x, char *buf)
{
	if (x == GN_SESSION_SELF)
		return "s";
	snprintf(buf, 8, "%u", (unsigned)x);
	return buf;
}

/* A transfer of the machine's; the record's state tells which step of the protocol it is. */
static gn_err_t world_transfer(world_t *w, gn_session_action_t const *a)
{
	gn_session_t const *s = gn_session_fsm_get(&w->fsm, a->sid);
	char token[32], b1[8], b2[8];
	uint32_t const i = a->sid;

	snprintf(token, sizeof(token), "T%s>%s", who(a->from, b1), who(a->to, b2));
	world_log(w, token);
	if (!s || q_zero(a->quota)) {
		world_fail(w, "transfer of nothing or for no record");
		return GN_ERR_INVALID_ARG;
	}
	gn_err_t err = world_injected_failure(w) ? w->fail_err : GN_OK;
	if (err == GN_OK)
		err = world_move(w, a->from, a->to, a->quota);
	switch (s->state) {
	case GN_SESSION_CHARGING:
	case GN_SESSION_UPGRADE_CHARGING:
		if (a->from != s->client || a->to != GN_SESSION_SELF)
			world_fail(w, "charge goes the wrong way");
		if (err == GN_OK) {
			q_add(&w->at_parent[i], a->quota);
			q_add(&w->paid[s->client], a->quota);
			q_add(&w->donated, a->quota);
		}
		break;
	case GN_SESSION_DONATING:
	case GN_SESSION_UPGRADE_DONATING:
		if (a->from != GN_SESSION_SELF || a->to != s->server)
			world_fail(w, "donation goes the wrong way");
		if (err == GN_OK) {
			q_sub(&w->at_parent[i], a->quota);
			q_add(&w->at_server[i], a->quota);
			q_add(&w->served[s->server], a->quota);
		}
		break;
	case GN_SESSION_RECLAIM_DENIED:
	case GN_SESSION_RECLAIM_CLOSED:
		if (a->from != s->server || a->to != GN_SESSION_SELF)
			world_fail(w, "reclaim goes the wrong way");
		if (!q_eq(a->quota, w->at_server[i]))
			world_fail(w, "reclaim is not what the server holds");
		if (err == GN_OK) {
			q_add(&w->at_parent[i], a->quota);
			q_sub(&w->served[s->server], a->quota);
		} else {
			q_add(&w->stuck[s->server], a->quota);
			q_sub(&w->served[s->server], a->quota);
			if (!s->client_gone)
				q_add(&w->forfeit[s->client], a->quota);
			q_add(&w->lost, a->quota);
		}
		w->at_server[i] = (quota_t){0, 0};
		break;
	case GN_SESSION_REFUNDING:
	case GN_SESSION_UPGRADE_UNDO:
		if (a->from != GN_SESSION_SELF || a->to != s->client || s->client_gone)
			world_fail(w, "refund goes the wrong way");
		if (s->state == GN_SESSION_REFUNDING && !q_eq(a->quota, w->at_parent[i]))
			world_fail(w, "refund is not what the parent holds");
		if (err == GN_OK) {
			q_sub(&w->at_parent[i], a->quota);
			q_sub(&w->paid[s->client], a->quota);
			q_add(&w->refunded, a->quota);
		} else if (s->state == GN_SESSION_REFUNDING) { /* the parent keeps it */
			q_add(&w->kept, a->quota);
			q_add(&w->forfeit[s->client], a->quota);
			w->at_parent[i] = (quota_t){0, 0};
		}
		break;
	default: world_fail(w, "transfer in a state without one");
	}
	return err;
}

/* Calls at the parent's parent, which takes its share from the parent's account itself. */
static gn_err_t world_upstream(world_t *w, gn_session_action_t const *a)
{
	gn_session_t const *s = gn_session_fsm_get(&w->fsm, a->sid);
	static char const *const names[] = {[GN_SESSION_ACT_UPSTREAM_CREATE] = "UC",
		[GN_SESSION_ACT_UPSTREAM_UPGRADE] = "UU",
		[GN_SESSION_ACT_UPSTREAM_CLOSE] = "UX"};

	world_log(w, names[a->kind]);
	if (!s || s->server != GN_SESSION_UPSTREAM || s->server_id != a->server_id) {
		world_fail(w, "upstream call for a record not served upstream");
		return GN_ERR_INVALID_ARG;
	}
	if (world_injected_failure(w))
		return w->fail_err;
	if (a->kind == GN_SESSION_ACT_UPSTREAM_CLOSE)
		return GN_OK;
	if (w->self.ram < a->quota.ram || w->self.caps < a->quota.caps)
		return GN_ERR_OUT_OF_RAM;
	q_sub(&w->self, a->quota);
	q_add(&w->upstream, a->quota);
	q_sub(&w->at_parent[a->sid], a->quota);
	q_add(&w->at_server[a->sid], a->quota);
	return GN_OK;
}

static void world_release(world_t *w, uint32_t sid)
{
	gn_session_t const *s = gn_session_fsm_get(&w->fsm, sid);

	world_log(w, "REL");
	if (!s || s->state != GN_SESSION_RELEASING) {
		world_fail(w, "RELEASE of a record not being released");
		return;
	}
	if (!q_zero(w->at_server[sid]))
		world_fail(w, "record released while its server holds quota");
	q_add(&w->kept, w->at_parent[sid]); /* nobody took it back: the parent keeps it */
	if (!s->client_gone)
		q_add(&w->forfeit[s->client], w->at_parent[sid]);
	w->at_parent[sid] = (quota_t){0, 0};
	w->has_cap[sid] = false;
}

static void world_rom(world_t *w, uint16_t c)
{
	static char doc[W_ROM];
	size_t len;
	gn_xml_node_t root;
	char token[16];

	snprintf(token, sizeof(token), "ROM%u", (unsigned)c);
	world_log(w, token);
	w->roms[c]++;
	if (gn_session_fsm_gen_requests(&w->fsm, c, doc, sizeof(doc), &len) != GN_OK ||
		gn_xml_parse(doc, len, &root, NULL) != GN_OK)
		world_fail(w, "session_requests ROM not generated or not well-formed");
}

/* Performs the next action; false when there is none. */
static bool world_step(world_t *w)
{
	gn_session_action_t a;
	gn_err_t err = GN_OK;
	char token[16];

	if (!gn_session_fsm_next(&w->fsm, &a))
		return false;
	switch (a.kind) {
	case GN_SESSION_ACT_TRANSFER: err = world_transfer(w, &a); break;
	case GN_SESSION_ACT_UPSTREAM_CREATE:
	case GN_SESSION_ACT_UPSTREAM_UPGRADE:
	case GN_SESSION_ACT_UPSTREAM_CLOSE: err = world_upstream(w, &a); break;
	case GN_SESSION_ACT_RELEASE: world_release(w, a.sid); break;
	case GN_SESSION_ACT_UPDATE_ROM: world_rom(w, a.child); break;
	case GN_SESSION_ACT_SIGNAL:
		snprintf(token, sizeof(token), "SIG%u", (unsigned)a.child);
		world_log(w, token);
		if (a.child < W_CHILDREN)
			w->signals[a.child]++;
		break;
	}
	if (gn_session_fsm_done(&w->fsm, err) != GN_OK)
		world_fail(w, "done refused");
	return true;
}

static void world_drain(world_t *w)
{
	for (unsigned n = 0; world_step(w); n++)
		if (n > 8 * W_SESSIONS + 4 * W_CHILDREN) {
			world_fail(w, "drain does not end");
			return;
		}
}

/* The machine's answer to a deliver; the world takes the capability when it is accepted. */
static gn_err_t world_deliver(world_t *w, uint16_t server, uint32_t server_id)
{
	uint32_t sid = W_SESSIONS;
	gn_err_t const err = gn_session_fsm_deliver(&w->fsm, server, server_id, &sid);

	if (err == GN_OK) {
		if (sid >= W_SESSIONS || w->has_cap[sid])
			world_fail(w, "capability delivered twice into one slot");
		else
			w->has_cap[sid] = true;
	}
	return err;
}

/* A response; the parent's parent returns its share when it refused or closed the session. */
static gn_err_t world_response(
	world_t *w, uint16_t server, uint32_t server_id, gn_session_response_t r)
{
	uint32_t sid = W_SESSIONS;

	for (uint32_t i = 0; i < W_SESSIONS; i++)
		if (w->sessions[i].state != GN_SESSION_FREE &&
			w->sessions[i].server_id == server_id &&
			w->sessions[i].server != GN_SESSION_NO_SERVER)
			sid = i;
	gn_err_t const err = gn_session_fsm_response(&w->fsm, server, server_id, r);
	if (err == GN_OK && server == GN_SESSION_UPSTREAM && sid < W_SESSIONS &&
		r != GN_SESSION_UPGRADED) {
		q_sub(&w->upstream, w->at_server[sid]);
		q_add(&w->self, w->at_server[sid]);
		q_add(&w->at_parent[sid], w->at_server[sid]);
		w->at_server[sid] = (quota_t){0, 0};
	}
	return err;
}

/* Child c dies: what it held as a server is lost; its account goes (a new one comes with add). */
static gn_err_t world_gone(world_t *w, uint16_t c)
{
	gn_err_t const err = gn_session_fsm_child_gone(&w->fsm, c);

	if (err != GN_OK)
		return err;
	for (uint32_t i = 0; i < W_SESSIONS; i++) {
		gn_session_t const *s = &w->sessions[i];
		if (s->state == GN_SESSION_FREE || s->server != c || q_zero(w->at_server[i]))
			continue;
		q_add(&w->lost, w->at_server[i]);
		if (!s->client_gone)
			q_add(&w->forfeit[s->client], w->at_server[i]);
		q_sub(&w->served[c], w->at_server[i]);
		w->at_server[i] = (quota_t){0, 0};
	}
	w->served[c] = w->stuck[c] = (quota_t){0, 0};
	w->balance[c] = (quota_t){0, 0};
	return GN_OK;
}

/* Compares the machine with the ledger; NULL when everything agrees. */
static char const *world_check(world_t const *w)
{
	gn_session_fsm_stats_t const *st = gn_session_fsm_stats(&w->fsm);
	char const *what = NULL;
	quota_t parent = {0, 0}, up = {0, 0}, served[W_CHILDREN] = {{0, 0}};
	quota_t paid[W_CHILDREN] = {{0, 0}};
	unsigned records[W_CHILDREN] = {0}, pending[W_CHILDREN] = {0};

	if (w->broken)
		return w->broken;
	if (gn_session_fsm_check(&w->fsm, &what) != GN_OK)
		return what;
	if (!q_eq(st->donated, w->donated) || !q_eq(st->refunded, w->refunded) ||
		!q_eq(st->lost, w->lost) || !q_eq(st->kept, w->kept))
		return "stats differ from the ledger";
	for (uint32_t i = 0; i < W_SESSIONS; i++) {
		gn_session_t const *s = &w->sessions[i];
		if (s->state == GN_SESSION_FREE) {
			if (!q_zero(w->at_parent[i]) || !q_zero(w->at_server[i]) || w->has_cap[i])
				return "free slot still holds something";
			continue;
		}
		if (!q_eq(s->at_parent, w->at_parent[i]) || !q_eq(s->at_server, w->at_server[i]))
			return "record's quota differs from the ledger";
		if (w->has_cap[i] && s->state == GN_SESSION_CREATE_REQUESTED)
			return "capability for a request not delivered";
		q_add(&parent, w->at_parent[i]);
		if (s->server == GN_SESSION_UPSTREAM)
			q_add(&up, w->at_server[i]);
		else if (s->server < W_CHILDREN)
			q_add(&served[s->server], w->at_server[i]);
		if (s->client_gone)
			continue;
		q_add(&paid[s->client], w->at_parent[i]);
		q_add(&paid[s->client], w->at_server[i]);
		records[s->client]++;
		pending[s->client] += s->state <= GN_SESSION_CREATE_REQUESTED;
	}
	quota_t self = parent;
	q_add(&self, w->kept);
	q_add(&self, (quota_t){W_SELF_RAM, W_SELF_CAPS});
	if (!q_eq(self, w->self))
		return "parent's account differs from what it holds";
	if (!q_eq(up, w->upstream))
		return "upstream holds other than its sessions' share";
	for (uint16_t c = 0; c < W_CHILDREN; c++) {
		if (!w->children[c].alive)
			continue;
		q_add(&paid[c], w->forfeit[c]);
		if (!q_eq(paid[c], w->paid[c]))
			return "a living client paid other than its records hold";
		if (!q_eq(served[c], w->served[c]))
			return "a server holds other than its sessions' share";
		quota_t bal = {W_INITIAL_RAM, W_INITIAL_CAPS};
		q_sub(&bal, w->paid[c]);
		q_add(&bal, w->served[c]);
		q_add(&bal, w->stuck[c]);
		q_sub(&bal, w->spent[c]);
		if (!q_eq(bal, w->balance[c]))
			return "a child's account is off";
		if (records[c] > W_MAX_SESSIONS || pending[c] > W_MAX_PENDING)
			return "a child exceeds its bounds";
	}
	return NULL;
}

/* ---- random and fuzzed event sequences ------------------------------------------------------- */

typedef struct {
	uint8_t const *p;
	size_t n;
} world_bytes_t;

static uint8_t take(world_bytes_t *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

/* The server id of record sid, or a made-up one. */
static uint32_t some_server_id(world_t const *w, uint8_t x)
{
	gn_session_t const *s = &w->sessions[x % W_SESSIONS];

	return x & 0x80 ? (uint32_t)W_FIRST_SERVER_ID + (x & 0x7f) : s->server_id;
}

static gn_err_t world_request(world_t *w, uint16_t c, uint32_t id, world_bytes_t *in)
{
	static char const *const services[] = {"LOG", "Timer", "ROM", ""};
	static uint64_t const rams[] = {
		0, 512, W_KEEP_RAM, 8192, 65536, W_INITIAL_RAM + 1, 1ull << 63, W_INITIAL_RAM / 2};
	static uint64_t const caps[] = {0, 1, 4, W_INITIAL_CAPS + 1};
	static char const *const labels[] = {"", "x", "a -> b", "y\\\"z"};
	uint8_t const x = take(in), y = take(in);
	char args[GN_SESSION_ARGS_MAX];
	uint32_t sid;

	snprintf(args, sizeof(args), "ram_quota=%llu, cap_quota=%llu, label=\"%s\"%s",
		(unsigned long long)rams[x % 8], (unsigned long long)caps[(x >> 3) % 4],
		labels[(x >> 5) % 4], y & 0x80 ? ", bad" : "");
	return gn_session_fsm_session(&w->fsm, c, id, services[y % 4], args, &sid);
}

/* The (x mod n)-th of the n records in use; W_SESSIONS when there is none. */
static uint32_t world_nth_record(world_t const *w, uint8_t x)
{
	uint32_t n = 0, i;

	for (i = 0; i < W_SESSIONS; i++)
		n += w->sessions[i].state != GN_SESSION_FREE;
	if (!n)
		return W_SESSIONS;
	n = x % n;
	for (i = 0; i < W_SESSIONS; i++)
		if (w->sessions[i].state != GN_SESSION_FREE && !n--)
			break;
	return i;
}

/*
 * One event (or drain, step, ROM) from the input; drains afterwards unless the input says not.
 * Layout: op (kind in the low 6 bits mod 14; 0x80: no drain after; 0x40: inject failures into
 * that drain), a (child, id; 0x20: aim at a record instead), b (record, server), then one or two
 * more bytes for requests, upgrades and responses.
 */
static void world_op(world_t *w, world_bytes_t *in)
{
	static world_t before;
	uint8_t const op = take(in), a = take(in), b = take(in);
	uint32_t const target = world_nth_record(w, b); /* a record to aim at */
	gn_session_t const *r = &w->sessions[target < W_SESSIONS ? target : 0];
	bool const aim = (a & 0x20) && target < W_SESSIONS;
	uint16_t const c = aim ? r->client : a % W_CHILDREN;
	uint32_t const id = aim ? r->client_id : (uint32_t)W_FIRST_CLIENT_ID - 1 + (a >> 2) % 6;
	uint16_t const server = aim            ? r->server
				: (b & 3) == 3 ? GN_SESSION_UPSTREAM
					       : b % W_CHILDREN;
	uint32_t const server_id = aim ? r->server_id : some_server_id(w, b);
	bool const busy = gn_session_fsm_busy(&w->fsm);
	uint32_t sid;
	gn_err_t err = GN_OK;
	bool event = true;

	if (busy)
		memcpy(&before, w, sizeof(before));
	switch ((op & 0x3f) % 14) {
	case 0: err = world_request(w, c, id, in); break;
	case 1: {
		static uint16_t const targets[] = {0, 1, 2, 3, GN_SESSION_UPSTREAM,
			GN_SESSION_ROUTE_DENIED, 7, GN_SESSION_SELF};
		err = gn_session_fsm_route(
			&w->fsm, aim ? target : b % W_SESSIONS, targets[a % 8], a & 0x80);
		break;
	}
	case 2: err = gn_session_fsm_announce(&w->fsm, server, b & 1 ? "LOG" : "Timer"); break;
	case 3: err = gn_session_fsm_session_cap(&w->fsm, c, id, &sid); break;
	case 4: {
		quota_t const q = {(uint64_t)take(in) << (b % 40), b >> 6};
		err = gn_session_fsm_upgrade(&w->fsm, c, id, q);
		break;
	}
	case 5: /* a query; it forgets the error it reports */
		event = false;
		gn_ignore(gn_session_fsm_upgrade_status(&w->fsm, c, id));
		break;
	case 6: err = gn_session_fsm_close(&w->fsm, c, id); break;
	case 7: err = world_deliver(w, server, server_id); break;
	case 8:
		err = world_response(w, server, server_id, (gn_session_response_t)(take(in) % 7));
		break;
	case 9:
		if (w->children[c].alive) {
			err = world_gone(w, c);
			break;
		}
		event = false;
		if (!busy)
			world_add(w, c);
		break;
	case 10:
		event = false;
		w->fail_bits = (uint32_t)a | (uint32_t)b << 8;
		world_drain(w);
		w->fail_bits = 0;
		break;
	case 11:
		event = false;
		w->fail_bits = a & 1;
		gn_ignore(world_step(w));
		w->fail_bits = 0;
		break;
	case 12:
		event = false;
		world_rom(w, c);
		break;
	default: /* the child spends quota of its own, or gets back what it spent */
		event = false;
		if (!w->children[c].alive)
			break;
		if (a & 0x40)
			world_spend(w, c, (quota_t){-w->spent[c].ram, -w->spent[c].caps});
		else if (w->balance[c].ram >= (uint64_t)b << 22 && w->balance[c].caps >= b % 8u)
			world_spend(w, c, (quota_t){(uint64_t)b << 22, b % 8u});
	}
	/* while actions are pending every event is refused and changes nothing */
	if (busy && event &&
		(err != GN_ERR_AGAIN || memcmp(&before.fsm, &w->fsm, sizeof(w->fsm)) ||
			memcmp(before.sessions, w->sessions, sizeof(w->sessions)) ||
			memcmp(before.children, w->children, sizeof(w->children))))
		world_fail(w, "event accepted while actions were pending");
	if (!(op & 0x80)) {
		w->fail_bits = op & 0x40 ? b : 0;
		world_drain(w);
		w->fail_bits = 0;
	}
}

/* Every child dies and the parent's parent closes everything: nothing may be left over. */
static char const *world_finish(world_t *w)
{
	world_drain(w);
	for (uint16_t c = 0; c < W_CHILDREN; c++) {
		if (w->children[c].alive && world_gone(w, c) != GN_OK)
			return "child_gone refused after a drain";
		world_drain(w);
	}
	for (uint32_t i = 0; i < W_SESSIONS; i++)
		if (w->sessions[i].state == GN_SESSION_CLOSE_REQUESTED &&
			w->sessions[i].server == GN_SESSION_UPSTREAM) {
			if (world_response(w, GN_SESSION_UPSTREAM, w->sessions[i].server_id,
				    GN_SESSION_CLOSED) != GN_OK)
				return "upstream close not taken";
			world_drain(w);
		}
	char const *what = world_check(w);
	if (what)
		return what;
	for (uint32_t i = 0; i < W_SESSIONS; i++)
		if (w->sessions[i].state != GN_SESSION_FREE)
			return "a record outlived every child";
	quota_t self = {W_SELF_RAM, W_SELF_CAPS};
	q_add(&self, w->kept);
	if (!q_eq(self, w->self) || !q_zero(w->upstream))
		return "quota left somewhere after everything closed";
	return NULL;
}

#endif
