/*
 * The parent interface a sandbox serves each child: every RPC becomes one event of the session
 * state machine (session.c), or is answered from the child's record (announcements, exit,
 * heartbeat, quota requests and yields), or goes to the sandbox's own sessions (local_session.c).
 */
#include <gneiss/dataspace.h>
#include <gneiss/label.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/string.h>

#include "sandbox.h"

GN_RPC_SERVER(gn_parent, GN_PARENT_RPCS)

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
	gn_err_t const err = gn_session_fsm_session_cap(&session_fsm, child_index(c), id, &sid);

	sessions_settle();
	return insufficient(err);
}

/*
 * A TRACE session sees the subjects under its label with parent_levels elements removed
 * (gneiss/trace_session.h). Forwarded by init, the levels are capped to the elements the label has
 * below init, so a child can trace at most init's own subtree, never beyond: routing TRACE to a
 * child is trusting it with that much.
 */
static gn_err_t trace_scope(char *args, size_t size, char const *label)
{
	uint64_t levels = 0, below = label[0] ? 1 : 0;

	for (char const *p = label; *p; p++)
		if (gn_strncmp(p, " -> ", 4) == 0)
			below++;
	if (gn_args_get_num(args, "parent_levels", &levels) != GN_OK || levels <= below)
		return GN_OK;
	return gn_args_set_num(args, size, "parent_levels", below);
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
		gn_session_fsm_lookup(&session_fsm, child_index(c), args->id, &sid) == GN_OK)
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
	if (route == ROUTE_PARENT && gn_strcmp(service, "TRACE") == 0 &&
		trace_scope(fwd, sizeof(fwd), routed) != GN_OK)
		return GN_ERR_INVALID_ARG;
	if (route == ROUTE_PARENT && gn_strcmp(service, "CPU") == 0) {
		uint64_t priority = 0; /* absent: the child's highest */
		if (gn_args_get_num(fwd, "priority", &priority) != GN_OK)
			priority = 0;
		uint64_t offset = 0, count = 0; /* absent: all of the child's CPUs */
		if (gn_args_get_num(fwd, "affinity_offset", &offset) != GN_OK)
			offset = 0;
		if (gn_args_get_num(fwd, "affinity_count", &count) != GN_OK)
			count = 0;
		child_cpu_range(c, &offset, &count);
		if (gn_args_set_num(fwd, sizeof(fwd), "priority",
			    child_cpu_priority(c, priority)) != GN_OK ||
			gn_args_set_num(fwd, sizeof(fwd), "affinity_offset", offset) != GN_OK ||
			gn_args_set_num(fwd, sizeof(fwd), "affinity_count", count) != GN_OK)
			return GN_ERR_INVALID_ARG;
	}
	if (route == ROUTE_CONFIG)
		return local_session(c, args->id, fwd, label);

	gn_err_t const err =
		gn_session_fsm_session(&session_fsm, child_index(c), args->id, service, fwd, &sid);
	if (err != GN_OK)
		return err;
	sessions_settle(); /* charged, or failed for want of quota */
	if (gn_session_fsm_get(&session_fsm, sid)->state != GN_SESSION_AWAIT_ROUTE)
		return withdraw(c, args->id);
	gn_memcpy(session_sides[sid].label, label, sizeof(session_sides[sid].label));
	uint16_t const target = route == ROUTE_PARENT ? GN_SESSION_UPSTREAM : child_index(server);
	bool const announced = route == ROUTE_CHILD && child_provides(server, service);
	if (gn_session_fsm_route(&session_fsm, sid, target, announced) != GN_OK) {
		/* a server init does not serve (yet): nothing may stay half-routed */
		gn_ignore(gn_session_fsm_route(&session_fsm, sid, GN_SESSION_ROUTE_DENIED, false));
		sessions_settle();
		gn_ignore(withdraw(c, args->id));
		return GN_ERR_UNROUTABLE;
	}
	sessions_settle();
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
		cap = gn_cap_copy(l->cap); /* init keeps serving it */
	else {
		gn_err_t const err =
			gn_session_fsm_session_cap(&session_fsm, child_index(c), args->id, &sid);
		/* handed over: init keeps no capability of a session it only brokers */
		if (err == GN_OK) {
			cap = session_sides[sid].cap;
			session_sides[sid].cap = GN_CAP_INVALID;
		}
		sessions_settle();
		if (err != GN_OK)
			return err == GN_ERR_NOT_FOUND ? GN_ERR_INVALID_ARG : err;
	}
	req->caps_out[0] = cap; /* the reply consumes the reference */
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
	gn_err_t const err = gn_session_fsm_close(&session_fsm, child_index(c), args->id);
	sessions_settle();
	/* a parent like core closes at once: then so does init */
	if (err == GN_ERR_AGAIN &&
		gn_session_fsm_lookup(&session_fsm, child_index(c), args->id, &sid) != GN_OK)
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
			l->cap ? sessions_move_quota(child_pd(c), sandbox_env->pd, q.ram, q.caps)
			       : l->refusal;
		if (err == GN_OK) {
			l->ram += q.ram;
			l->caps += q.caps;
		}
		return insufficient(err);
	}
	gn_err_t err = gn_session_fsm_upgrade(&session_fsm, child_index(c), args->id, q);
	if (err == GN_ERR_NOT_FOUND)
		return GN_ERR_INVALID_ARG;
	if (err != GN_OK)
		return err;
	sessions_settle();
	/* the charge or its forwarding failed: the quota is back with the client */
	err = gn_session_fsm_upgrade_status(&session_fsm, child_index(c), args->id);
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
		gn_err_t err = gn_pd_session_alloc_ram(sandbox_env->pd,
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
	sessions_write_requests(c);
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
	gn_err_t const err = gn_session_fsm_deliver(&session_fsm, child_index(obj), args->id, &sid);
	if (err == GN_OK)
		session_sides[sid].cap = gn_cap_copy(req->caps_in[0]);
	sessions_settle();
	return err;
}

static gn_err_t session_response(
	void *obj, gn_rpc_request_t *req, gn_parent_response_args_t const *args, gn_rpc_void_t *res)
{
	(void)req;
	(void)res;
	gn_err_t const err = gn_session_fsm_response(
		&session_fsm, child_index(obj), args->id, (gn_session_response_t)args->response);
	sessions_settle();
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
	gn_err_t const err = gn_session_fsm_announce(&session_fsm, child_index(c), name);
	sessions_settle();
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
	return child_resource_request(obj, args);
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

gn_err_t sessions_serve_child(child_t *c)
{
	/* the empty name: routing has put the child's name into the label already */
	gn_err_t err = gn_session_fsm_child_add(&session_fsm, child_index(c), "");

	if (err == GN_OK)
		err = gn_ep_manage(
			sandbox_env->ep, c, &gn_parent_iface, &parent_ops, &c->parent_obj);
	return err;
}
