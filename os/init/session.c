/*
 * The parent interface init serves each child: session brokering without ever blocking on a child.
 *
 * A session lives in one table, whoever its client and server are:
 *
 *   state            meaning                                  left by
 *   WAIT_ANNOUNCE    routed to a child that has not announced announce → AT_SERVER; server gone
 *   AT_SERVER        <create> in the server's requests ROM     deliver → AVAILABLE; refusal → REFUSED
 *   AT_PARENT        forwarded to init's parent, pending       init's session signal → AVAILABLE/REFUSED
 *   AVAILABLE        the client may fetch the capability       close → CLOSING_*; server gone → GONE
 *   REFUSED          the client may fetch the refusal          close → (free)
 *   GONE             the server died after delivering          close → (free)
 *   CLOSING_SERVER   <close> in the server's requests ROM      CLOSED → (free); server gone → (free)
 *   CLOSING_PARENT   close at init's parent, pending           init's session signal → (free)
 *
 * The donation moves from the client's PD to init's when the request arrives, and on to the server's
 * PD when the server sees the request; a refusal or a completed close moves it back the same way.
 * Donations to a server that dies are not refunded (its PD's quota returns to init), as in Genode.
 * A session whose client died stays until its server has closed it (client NULL).
 */
#include <gneiss/cpu_session.h>
#include <gneiss/dataspace.h>
#include <gneiss/fmt.h>
#include <gneiss/label.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/signal.h>
#include <gneiss/string.h>
#include <gneiss/xml_gen.h>

#include "init.h"

typedef enum {
	FREE,
	WAIT_ANNOUNCE,
	AT_SERVER,
	AT_PARENT,
	AVAILABLE,
	REFUSED,
	GONE,
	CLOSING_SERVER,
	CLOSING_PARENT
} state_t;

typedef struct {
	state_t state;
	child_t *client;    /* NULL once the client is gone */
	uint32_t client_id; /* the client's id */
	child_t *server;    /* a sibling, or NULL for init's parent */
	uint32_t server_id; /* init's id towards the server or init's parent */
	gn_cap_t cap;
	bool local; /* served by init itself (config_rom.c) */
	gn_err_t refusal;
	uint64_t ram, caps;                 /* the donation, where the session's state says */
	uint64_t upgrade_ram, upgrade_caps; /* reported to the server, not yet acknowledged */
	char service[GN_SERVICE_NAME_MAX];
	char args[GN_SESSION_ARGS_MAX]; /* label as routed */
	char label[GN_LABEL_MAX];       /* label as the client chose it */
	route_t route;
} session_t;

static session_t sessions[MAX_SESSIONS];
static uint32_t next_server_id = 1;
static gn_cap_t parent_sig; /* init's parent answers init's own requests */

GN_RPC_SERVER(gn_parent, GN_PARENT_RPCS)

/* ---- quota --------------------------------------------------------------------------------------- */

static gn_cap_t pd_of(child_t *c)
{
	return c ? c->env_caps[0] : init_env->pd;
}

/* Moves quota between two PDs along the reference tree (one of them is init's own). */
static gn_err_t move_quota(gn_cap_t from, gn_cap_t to, uint64_t ram, uint64_t caps)
{
	gn_pd_transfer_args_t const args = {ram, caps};
	gn_rpc_void_t res;

	if ((!ram && !caps) || from == to)
		return GN_OK;
	return gn_pd_session_transfer_quota(from, &args, &res, &to, NULL);
}

/* The donation goes back from where the session's state keeps it to the client. */
static void refund(session_t *s, bool from_server)
{
	if (from_server && s->server &&
		move_quota(pd_of(s->server), init_env->pd, s->ram, s->caps) != GN_OK) {
		gn_warning("%s: could not withdraw a %s session's donation", s->server->name,
			s->service);
		return;
	}
	if (s->client && move_quota(init_env->pd, pd_of(s->client), s->ram, s->caps) != GN_OK)
		gn_warning("%s: could not return a %s session's donation", s->client->name,
			s->service);
	s->ram = s->caps = 0;
}

/* ---- notifications ------------------------------------------------------------------------------ */

static void signal_client(session_t const *s)
{
	state_report_stale();
	if (s->client && s->client->session_sig)
		gn_ignore(gn_signal_submit(s->client->session_sig, 1));
}

/* Rewrites server's session_requests ROM from the table (sequence odd while writing). */
static void update_requests(child_t *server)
{
	static char doc[GN_SESSION_REQUESTS_SIZE];
	gn_xml_gen_t g;
	size_t len = 0;

	if (!server || !server->requests)
		return;
	gn_xml_gen_init(&g, doc, sizeof(doc));
	gn_xml_gen_node_open(&g, "session_requests");
	for (unsigned i = 0; i < MAX_SESSIONS; i++) {
		session_t const *s = &sessions[i];
		if (s->server != server)
			continue;
		/* an upgrade not yet acknowledged stays listed, before a <close> that follows it */
		if ((s->state == AVAILABLE || s->state == CLOSING_SERVER) &&
			(s->upgrade_ram || s->upgrade_caps)) {
			gn_xml_gen_node_open(&g, "upgrade");
			gn_xml_gen_attr_u64(&g, "id", s->server_id);
			gn_xml_gen_attr_u64(&g, "ram_quota", s->upgrade_ram);
			gn_xml_gen_attr_u64(&g, "cap_quota", s->upgrade_caps);
			gn_xml_gen_node_close(&g);
		}
		if (s->state == AT_SERVER) {
			gn_xml_gen_node_open(&g, "create");
			gn_xml_gen_attr_u64(&g, "id", s->server_id);
			gn_xml_gen_attr(&g, "service", s->service);
			gn_xml_gen_node_open(&g, "args");
			gn_xml_gen_content(&g, s->args);
			gn_xml_gen_node_close(&g);
			gn_xml_gen_node_close(&g);
		} else if (s->state == CLOSING_SERVER) {
			gn_xml_gen_node_open(&g, "close");
			gn_xml_gen_attr_u64(&g, "id", s->server_id);
			gn_xml_gen_node_close(&g);
		}
	}
	gn_xml_gen_node_close(&g);
	if (gn_xml_gen_finish(&g, &len) != GN_OK ||
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

/* ---- transitions -------------------------------------------------------------------------------- */

static void release(session_t *s)
{
	child_t *server = s->server;

	state_report_stale();
	gn_cap_drop(s->cap);
	*s = (session_t){.state = FREE};
	update_requests(server);
}

static void refuse(session_t *s, gn_err_t why)
{
	gn_cap_drop(s->cap);
	s->cap = GN_CAP_INVALID;
	s->state = REFUSED;
	s->refusal = why;
	signal_client(s);
}

/* The server saw the request: the donation moves on to it. */
static void hand_to_server(session_t *s)
{
	gn_err_t err = move_quota(init_env->pd, pd_of(s->server), s->ram, s->caps);

	if (err != GN_OK) {
		refund(s, false);
		refuse(s, err);
		return;
	}
	s->server_id = next_server_id++;
	s->state = AT_SERVER;
	update_requests(s->server);
}

static void poll_parent(void *ctx, uint64_t count);

/* Asks init's parent for the session; its answer comes later (poll_parent). */
static void hand_to_parent(session_t *s)
{
	gn_parent_session_args_t fwd = {.id = init_env->next_session_id++};
	gn_rpc_void_t res;

	gn_memcpy(fwd.service, s->service, sizeof(fwd.service));
	gn_memcpy(fwd.args, s->args, sizeof(fwd.args));
	gn_err_t err = gn_parent_session(init_env->parent, &fwd, &res, NULL, NULL);
	if (err != GN_OK) {
		refund(s, false);
		refuse(s, err);
		return;
	}
	s->server_id = fwd.id;
	s->state = AT_PARENT;
	poll_parent(NULL, 0); /* a parent like core answers at once and never signals */
}

/* Init's parent answered (or not yet) the sessions init forwarded. */
static void poll_parent(void *ctx, uint64_t count)
{
	(void)ctx;
	(void)count;
	for (unsigned i = 0; i < MAX_SESSIONS; i++) {
		session_t *s = &sessions[i];
		gn_parent_id_args_t const req = {s->server_id};
		gn_rpc_void_t res;
		gn_err_t err;

		if (s->state == AT_PARENT) {
			err = gn_parent_session_cap(init_env->parent, &req, &res, NULL, &s->cap);
			if (err == GN_ERR_AGAIN)
				continue;
			if (err == GN_OK) {
				s->state = AVAILABLE;
				signal_client(s);
				continue;
			}
			gn_ignore(gn_parent_close(init_env->parent, &req, &res, NULL, NULL));
			refund(s, false);
			refuse(s, err);
		} else if (s->state == CLOSING_PARENT) {
			err = gn_parent_close(init_env->parent, &req, &res, NULL, NULL);
			if (err == GN_ERR_AGAIN)
				continue;
			refund(s, false);
			signal_client(s);
			release(s);
		}
	}
}

/* Starts closing s; true when it is gone already. */
static bool begin_close(session_t *s)
{
	gn_parent_id_args_t const req = {s->server_id};
	gn_rpc_void_t res;

	switch (s->state) {
	case WAIT_ANNOUNCE:
	case REFUSED:
		refund(s, false);
		release(s);
		return true;
	case GONE: release(s); return true;
	case AT_SERVER:
	case AVAILABLE:
		if (s->local) {
			config_rom_destroy(s->cap);
			refund(s, false);
			release(s);
			return true;
		}
		if (s->server) {
			s->state = CLOSING_SERVER;
			update_requests(s->server);
			return false;
		}
		if (gn_parent_close(init_env->parent, &req, &res, NULL, NULL) == GN_ERR_AGAIN) {
			s->state = CLOSING_PARENT;
			return false;
		}
		refund(s, false);
		release(s);
		return true;
	case AT_PARENT:
		s->state = CLOSING_PARENT;
		poll_parent(NULL, 0);
		return s->state == FREE;
	default: return false; /* closing already */
	}
}

/* ---- the parent interface ----------------------------------------------------------------------- */

static session_t *of_client(child_t *c, uint32_t id)
{
	for (unsigned i = 0; i < MAX_SESSIONS; i++)
		if (sessions[i].state != FREE && sessions[i].client == c &&
			sessions[i].client_id == id)
			return &sessions[i];
	return NULL;
}

static session_t *of_server(child_t *c, uint32_t id)
{
	for (unsigned i = 0; i < MAX_SESSIONS; i++)
		if (sessions[i].state != FREE && sessions[i].server == c &&
			sessions[i].server_id == id)
			return &sessions[i];
	return NULL;
}

static unsigned pending_of(child_t const *c)
{
	unsigned n = 0;

	for (unsigned i = 0; i < MAX_SESSIONS; i++)
		n += sessions[i].client == c &&
		     (sessions[i].state == WAIT_ANNOUNCE || sessions[i].state == AT_SERVER ||
			     sessions[i].state == AT_PARENT);
	return n;
}

static gn_err_t session(
	void *obj, gn_rpc_request_t *req, gn_parent_session_args_t const *args, gn_rpc_void_t *res)
{
	child_t *c = obj;
	char label[GN_LABEL_MAX], routed[GN_LABEL_MAX];
	session_t *s = NULL;
	child_t *server = NULL;

	(void)req;
	(void)res;
	if (args->id < GN_PARENT_FIRST_ID || of_client(c, args->id))
		return GN_ERR_INVALID_ARG;
	for (unsigned i = 0; i < MAX_SESSIONS && !s; i++)
		if (sessions[i].state == FREE)
			s = &sessions[i];
	if (!s || pending_of(c) >= MAX_PENDING_PER_CHILD)
		return GN_ERR_LIMIT;
	session_t n = {.client = c, .client_id = args->id};
	if (gn_strlcpy(n.service, args->service, sizeof(n.service)) != GN_OK || !n.service[0] ||
		gn_strlcpy(n.args, args->args, sizeof(n.args)) != GN_OK ||
		gn_args_check(n.args) != GN_OK ||
		gn_args_get_label(n.args, label, sizeof(label)) != GN_OK)
		return GN_ERR_INVALID_ARG;
	if (gn_args_get_num(n.args, "ram_quota", &n.ram) != GN_OK)
		n.ram = 0;
	if (gn_args_get_num(n.args, "cap_quota", &n.caps) != GN_OK)
		n.caps = 0;

	route_t const route = route_resolve(c, n.service, label, &server, routed, sizeof(routed));
	if (route == ROUTE_DENIED)
		return GN_ERR_UNROUTABLE;
	if (gn_args_set_string(n.args, sizeof(n.args), "label", routed) != GN_OK)
		return GN_ERR_INVALID_ARG;
	gn_err_t err = move_quota(pd_of(c), init_env->pd, n.ram, n.caps);
	if (err != GN_OK)
		return err == GN_ERR_OUT_OF_CAPS ? GN_ERR_INSUFFICIENT_CAPS
						 : GN_ERR_INSUFFICIENT_RAM;
	*s = n;
	s->route = route;
	gn_memcpy(s->label, label, sizeof(s->label));
	if (route == ROUTE_CONFIG) {
		s->local = true;
		err = config_rom_create(c, s->ram, &s->cap);
		if (err == GN_OK)
			s->state = AVAILABLE;
		else {
			refund(s, false);
			refuse(s, err);
		}
	} else if (route == ROUTE_PARENT)
		hand_to_parent(s);
	else {
		s->server = server;
		s->state = WAIT_ANNOUNCE;
		if (child_provides(server, s->service))
			hand_to_server(s);
	}
	return GN_OK;
}

static gn_err_t session_cap(
	void *obj, gn_rpc_request_t *req, gn_parent_id_args_t const *args, gn_rpc_void_t *res)
{
	session_t *s = of_client(obj, args->id);

	(void)res;
	if (!s)
		return GN_ERR_INVALID_ARG;
	switch (s->state) {
	case AVAILABLE:
		req->caps_out[0] = gn_cap_copy(s->cap);
		req->num_caps_out = 1;
		return GN_OK;
	case REFUSED: return s->refusal;
	case GONE: return GN_ERR_REVOKED;
	case CLOSING_SERVER:
	case CLOSING_PARENT: return GN_ERR_INVALID_ARG;
	default: return GN_ERR_AGAIN;
	}
}

static gn_err_t close(
	void *obj, gn_rpc_request_t *req, gn_parent_id_args_t const *args, gn_rpc_void_t *res)
{
	session_t *s = of_client(obj, args->id);

	(void)req;
	(void)res;
	if (!s)
		return GN_ERR_INVALID_ARG;
	return begin_close(s) ? GN_OK : GN_ERR_AGAIN;
}

static gn_err_t upgrade(
	void *obj, gn_rpc_request_t *req, gn_parent_upgrade_args_t const *args, gn_rpc_void_t *res)
{
	child_t *c = obj;
	session_t *s = of_client(c, args->id);
	char raw[GN_SESSION_ARGS_MAX];
	uint64_t ram = 0, caps = 0;

	(void)req;
	if (!s || s->state != AVAILABLE || gn_strlcpy(raw, args->args, sizeof(raw)) != GN_OK ||
		gn_args_check(raw) != GN_OK)
		return GN_ERR_INVALID_ARG;
	if (gn_args_get_num(raw, "ram_quota", &ram) != GN_OK)
		ram = 0;
	if (gn_args_get_num(raw, "cap_quota", &caps) != GN_OK)
		caps = 0;
	gn_err_t err = move_quota(pd_of(c), init_env->pd, ram, caps);
	if (err != GN_OK)
		return err == GN_ERR_OUT_OF_CAPS ? GN_ERR_INSUFFICIENT_CAPS
						 : GN_ERR_INSUFFICIENT_RAM;
	if (s->server)
		err = move_quota(init_env->pd, pd_of(s->server), ram, caps);
	else {
		gn_parent_upgrade_args_t fwd = {.id = s->server_id};
		gn_memcpy(fwd.args, raw, sizeof(fwd.args));
		err = gn_parent_upgrade(init_env->parent, &fwd, res, NULL, NULL);
	}
	if (err != GN_OK) {
		gn_ignore(move_quota(init_env->pd, pd_of(c), ram, caps));
		return err;
	}
	s->ram += ram;
	s->caps += caps;
	if (s->server) {
		s->upgrade_ram += ram;
		s->upgrade_caps += caps;
		update_requests(s->server);
	}
	return GN_OK;
}

static gn_err_t session_sigh(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	child_t *c = obj;

	(void)args;
	(void)res;
	if (gn_cap_kind(req->caps_in[0]) != GN_CAP_KIND_SIGNAL)
		return GN_ERR_INVALID_CAP;
	gn_cap_drop(c->session_sig);
	c->session_sig = gn_cap_copy(req->caps_in[0]);
	return GN_OK;
}

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
	update_requests(c);
	return GN_OK;
}

static gn_err_t deliver_session_cap(
	void *obj, gn_rpc_request_t *req, gn_parent_id_args_t const *args, gn_rpc_void_t *res)
{
	session_t *s = of_server(obj, args->id);

	(void)res;
	if (!s || (s->state != AT_SERVER && s->state != CLOSING_SERVER) ||
		gn_cap_kind(req->caps_in[0]) != GN_CAP_KIND_OBJECT)
		return GN_ERR_INVALID_ARG;
	if (s->state == CLOSING_SERVER)
		return GN_OK; /* the client gave up meanwhile: the <close> is in the server's ROM */
	s->cap = gn_cap_copy(req->caps_in[0]);
	s->state = AVAILABLE;
	update_requests(s->server);
	signal_client(s);
	return GN_OK;
}

static gn_err_t session_response(
	void *obj, gn_rpc_request_t *req, gn_parent_response_args_t const *args, gn_rpc_void_t *res)
{
	session_t *s = of_server(obj, args->id);

	(void)req;
	(void)res;
	if (!s)
		return GN_ERR_INVALID_ARG;
	switch (args->response) {
	case GN_SESSION_DENIED:
	case GN_SESSION_INSUFFICIENT_RAM:
	case GN_SESSION_INSUFFICIENT_CAPS:
		if (s->state != AT_SERVER)
			return GN_ERR_INVALID_ARG;
		refund(s, true);
		refuse(s, args->response == GN_SESSION_DENIED ? GN_ERR_DENIED
			  : args->response == GN_SESSION_INSUFFICIENT_RAM
				  ? GN_ERR_INSUFFICIENT_RAM
				  : GN_ERR_INSUFFICIENT_CAPS);
		update_requests(s->server);
		return GN_OK;
	case GN_SESSION_CLOSED:
		if (s->state != CLOSING_SERVER)
			return GN_ERR_INVALID_ARG;
		refund(s, true);
		signal_client(s);
		release(s);
		return GN_OK;
	case GN_SESSION_UPGRADED:
		s->upgrade_ram = s->upgrade_caps = 0;
		update_requests(s->server);
		return GN_OK;
	default: return GN_ERR_INVALID_ARG;
	}
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
	for (unsigned i = 0; i < MAX_SESSIONS; i++)
		if (sessions[i].state == WAIT_ANNOUNCE && sessions[i].server == c &&
			gn_strcmp(sessions[i].service, name) == 0)
			hand_to_server(&sessions[i]);
	return GN_OK;
}

static gn_err_t exit(
	void *obj, gn_rpc_request_t *req, gn_parent_exit_args_t const *args, gn_rpc_void_t *res)
{
	(void)req;
	(void)res;
	child_exited(obj, args->value);
	return GN_OK;
}

static gn_parent_ops_t const parent_ops = {session, session_cap, close, exit, announce,
	session_sigh, upgrade, session_requests, deliver_session_cap, session_response};

/* ---- children coming and going ------------------------------------------------------------------ */

gn_err_t sessions_init(void)
{
	gn_rpc_void_t none = {0};
	gn_err_t err = gn_pd_session_alloc_signal(init_env->pd, &none, &none, NULL, &parent_sig);

	if (err == GN_OK)
		err = gn_ep_sigh(init_env->ep, parent_sig, poll_parent, NULL);
	if (err == GN_OK)
		err = gn_parent_session_sigh(init_env->parent, &none, &none, &parent_sig, NULL);
	return err;
}

gn_err_t sessions_serve_child(child_t *c)
{
	return gn_ep_manage(init_env->ep, c, &gn_parent_iface, &parent_ops, &c->parent_obj);
}

void sessions_child_gone(child_t *c)
{
	for (unsigned i = 0; i < MAX_SESSIONS; i++) {
		session_t *s = &sessions[i];
		if (s->state == FREE)
			continue;
		if (s->client == c) { /* its sessions end; the donations come back to init */
			s->client = NULL;
			if (!begin_close(s))
				continue;
		}
		if (s->state != FREE && s->server == c) {
			s->ram = s->caps = 0; /* went down with the server's PD */
			if (s->state == WAIT_ANNOUNCE || s->state == AT_SERVER)
				refuse(s, GN_ERR_DENIED);
			else if (s->state == AVAILABLE)
				s->state = GONE;
			else if (s->state == CLOSING_SERVER) {
				signal_client(s);
				s->server = NULL;
				release(s);
				continue;
			}
			gn_cap_drop(s->cap);
			s->cap = GN_CAP_INVALID;
			s->server = NULL;
		}
	}
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
	c->requests_sig = c->session_sig = GN_CAP_INVALID;
	gn_ep_dissolve(init_env->ep, c->parent_obj);
	gn_cap_drop(c->parent_obj);
	c->parent_obj = GN_CAP_INVALID;
}

bool sessions_route_changed(child_t *c)
{
	char routed[GN_LABEL_MAX], old_label[GN_LABEL_MAX];

	for (unsigned i = 0; i < MAX_SESSIONS; i++) {
		session_t const *s = &sessions[i];
		child_t *server = NULL;
		if (s->state == FREE || s->client != c || s->state == REFUSED)
			continue;
		route_t const route =
			route_resolve(c, s->service, s->label, &server, routed, sizeof(routed));
		if (route != s->route || (route == ROUTE_CHILD && server != s->server) ||
			gn_args_get_label(s->args, old_label, sizeof(old_label)) != GN_OK ||
			gn_strcmp(old_label, routed) != 0)
			return true;
	}
	return false;
}

static char const *state_name(state_t state)
{
	static char const *const names[] = {"free", "waiting for announcement", "requested",
		"requested at parent", "available", "refused", "server gone", "closing",
		"closing at parent"};

	return names[state];
}

void sessions_report(child_t *c, gn_xml_gen_t *g, bool requested, bool with_args)
{
	bool open = false;

	for (unsigned i = 0; i < MAX_SESSIONS; i++) {
		session_t const *s = &sessions[i];
		char label[GN_LABEL_MAX];
		if (s->state == FREE || (requested ? s->client : s->server) != c)
			continue;
		if (!open) {
			gn_xml_gen_node_open(g, requested ? "requested" : "provided");
			open = true;
		}
		gn_xml_gen_node_open(g, "session");
		gn_xml_gen_attr(g, "service", s->service);
		if (gn_args_get_label(s->args, label, sizeof(label)) == GN_OK)
			gn_xml_gen_attr(g, "label", label);
		gn_xml_gen_attr(g, "state", state_name(s->state));
		if (requested)
			gn_xml_gen_attr(g, "server",
				s->local    ? "init"
				: s->server ? s->server->name
					    : "parent");
		if (with_args)
			gn_xml_gen_attr(g, "args", s->args);
		gn_xml_gen_node_close(g);
	}
	if (open)
		gn_xml_gen_node_close(g);
}
