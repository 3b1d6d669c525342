/*
 * init: starts the children its config lists and routes their session requests, in Genode's
 * configuration language.
 *
 * Each child gets a PD session (its quota: the start node's ram and caps), a CPU and a LOG session,
 * and a parent object served here. A session request is routed by the child's <route> or else the
 * config's <default-route>: the first <service name="..."> or <any-service> node whose name and
 * label attributes match names the targets in order — <parent/>, <child name="..."/>, <any-child/>.
 * A request without a matching route is denied, as in Genode.
 *
 * A request routed to a child waits (its reply deferred) until that child announces the service.
 * The client's donation (ram_quota, cap_quota) moves from the client's PD through init's to the
 * server's and back at close; init itself pays nothing for its children's sessions. A child that
 * exits is reported as Genode's init does (`child "name" exited with exit value N`); one that
 * ends otherwise (core killed it, it crashed) is reported as `child "name" ended without exiting`,
 * learnt from the exception signal of its CPU session. Either way its sessions are closed and its
 * quota returns to init.
 * Still missing here (the init issue): dynamic reconfiguration, state reports, label rewriting,
 * resource requests, and protection against a server that never answers init's root calls.
 */
#include <gneiss/cpu_session.h>
#include <gneiss/dataspace.h>
#include <gneiss/env.h>
#include <gneiss/fmt.h>
#include <gneiss/label.h>
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gneiss/pd_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/root.h>
#include <gneiss/signal.h>
#include <gneiss/string.h>
#include <gneiss/xml.h>

enum {
	MAX_CHILDREN = 64,
	MAX_CHILD_SESSIONS = 32,
	MAX_PROVIDED = 8,
	MAX_PENDING = 32,
	NAME_MAX = 64
};

struct child;

typedef struct {
	uint32_t child_id;    /* 0: unused */
	uint32_t parent_id;   /* served by init's parent */
	struct child *server; /* served by a sibling (NULL: by the parent or gone) */
	gn_cap_t cap;         /* a sibling's session */
	uint64_t ram, caps;   /* the client's donation, held by the server */
	bool pending;         /* waiting for the server's announcement */
	gn_rpc_token_t token; /* the deferred reply of a pending request */
	char service[GN_SERVICE_NAME_MAX];
	char args[GN_SESSION_ARGS_MAX];
} forwarded_t;

typedef struct {
	char name[GN_SERVICE_NAME_MAX]; /* empty: unused */
	gn_cap_t root;
} provided_t;

typedef struct child {
	bool used;
	char name[NAME_MAX];
	gn_xml_node_t start;
	gn_cap_t parent_obj;
	uint32_t env_ids[3]; /* PD, CPU, LOG at init's parent */
	gn_cap_t env_caps[3];
	gn_cap_t ended; /* signal context core submits when the program ends */
	forwarded_t sessions[MAX_CHILD_SESSIONS];
	provided_t provided[MAX_PROVIDED];
} child_t;

typedef enum {
	ROUTE_DENIED,
	ROUTE_PARENT,
	ROUTE_CHILD
} route_t;

static gn_env_t *env;
static gn_xml_node_t config;
static gn_cap_t announced; /* signal context: a service was announced */
static child_t children[MAX_CHILDREN];

GN_RPC_SERVER(gn_parent, GN_PARENT_RPCS)

static forwarded_t *find(child_t *c, uint32_t id)
{
	for (unsigned i = 0; i < MAX_CHILD_SESSIONS; i++)
		if (c->sessions[i].child_id == id && id)
			return &c->sessions[i];
	return NULL;
}

static forwarded_t *free_slot(child_t *c)
{
	for (unsigned i = 0; i < MAX_CHILD_SESSIONS; i++)
		if (!c->sessions[i].child_id)
			return &c->sessions[i];
	return NULL;
}

static child_t *child_by_name(char const *name, size_t len)
{
	for (unsigned i = 0; i < MAX_CHILDREN; i++)
		if (children[i].used && gn_strlen(children[i].name) == len &&
			gn_memcmp(children[i].name, name, len) == 0)
			return &children[i];
	return NULL;
}

static provided_t *provided(child_t *c, char const *service)
{
	for (unsigned i = 0; i < MAX_PROVIDED; i++)
		if (c->provided[i].name[0] && gn_strcmp(c->provided[i].name, service) == 0)
			return &c->provided[i];
	return NULL;
}

/* The child declares the service in <provides> or has announced it. */
static bool offers(child_t *c, char const *service)
{
	gn_xml_node_t provides, svc;

	if (provided(c, service))
		return true;
	if (!gn_xml_first_sub_type(&c->start, "provides", &provides))
		return false;
	for (bool more = gn_xml_first_sub_type(&provides, "service", &svc); more;
		more = gn_xml_next_type(&svc, "service", &svc))
		if (gn_xml_attr_eq(&svc, "name", service))
			return true;
	return false;
}

static bool parent_provides(char const *service)
{
	gn_xml_node_t list, svc;

	if (!gn_xml_first_sub_type(&config, "parent-provides", &list))
		return true; /* without the declaration, trust the parent to answer */
	for (bool more = gn_xml_first_sub_type(&list, "service", &svc); more;
		more = gn_xml_next_type(&svc, "service", &svc))
		if (gn_xml_attr_eq(&svc, "name", service))
			return true;
	return false;
}

static gn_label_attr_t attr_of(gn_xml_node_t const *node, char const *name)
{
	gn_xml_attr_t a;

	if (!gn_xml_attr(node, name, &a))
		return (gn_label_attr_t){NULL, 0};
	return (gn_label_attr_t){a.value, a.value_len};
}

/* A <service>/<any-service> node applies to the service and the child-relative label. */
static bool route_node_matches(gn_xml_node_t const *node, char const *service, char const *label)
{
	if (gn_xml_has_type(node, "service") && !gn_xml_attr_eq(node, "name", service))
		return false;
	if (!gn_xml_has_type(node, "service") && !gn_xml_has_type(node, "any-service"))
		return false;
	gn_policy_candidate_t const cand = {attr_of(node, "label"), attr_of(node, "label_prefix"),
		attr_of(node, "label_suffix"), attr_of(node, "label_last"), false};
	if (!cand.label.str && !cand.label_prefix.str && !cand.label_suffix.str &&
		!cand.label_last.str)
		return true;
	return gn_policy_matches(&cand, label);
}

static route_t route_targets(gn_xml_node_t const *node, char const *service, child_t **server)
{
	gn_xml_node_t target;

	for (bool more = gn_xml_first_sub(node, &target); more;
		more = gn_xml_next(&target, &target)) {
		gn_xml_attr_t name;

		if (gn_xml_has_type(&target, "parent") && parent_provides(service))
			return ROUTE_PARENT;
		if (gn_xml_has_type(&target, "child") && gn_xml_attr(&target, "name", &name)) {
			*server = child_by_name(name.value, name.value_len);
			if (*server)
				return ROUTE_CHILD;
		}
		if (gn_xml_has_type(&target, "any-child")) {
			for (unsigned i = 0; i < MAX_CHILDREN; i++)
				if (children[i].used && offers(&children[i], service)) {
					*server = &children[i];
					return ROUTE_CHILD;
				}
		}
	}
	return ROUTE_DENIED;
}

static route_t resolve(child_t *c, char const *service, char const *label, child_t **server)
{
	gn_xml_node_t routes[2], node;
	unsigned n = 0;

	if (gn_xml_first_sub_type(&c->start, "route", &routes[n]))
		n++;
	if (gn_xml_first_sub_type(&config, "default-route", &routes[n]))
		n++;
	for (unsigned i = 0; i < n; i++)
		for (bool more = gn_xml_first_sub(&routes[i], &node); more;
			more = gn_xml_next(&node, &node))
			if (route_node_matches(&node, service, label))
				return route_targets(&node, service, server);
	return ROUTE_DENIED;
}

/* Moves quota between two PDs along the reference tree (one of them is init's own PD). */
static gn_err_t move_quota(gn_cap_t from, gn_cap_t to, uint64_t ram, uint64_t caps)
{
	gn_pd_transfer_args_t const args = {ram, caps};
	gn_rpc_void_t res;

	if (!ram && !caps)
		return GN_OK;
	return gn_pd_session_transfer_quota(from, &args, &res, &to, NULL);
}

static void return_donation(child_t *client, forwarded_t *f)
{
	if (f->server && move_quota(f->server->env_caps[0], env->pd, f->ram, f->caps) != GN_OK) {
		gn_warning("%s: could not withdraw the donation of \"%s\" for its %s session",
			f->server->name, client->name, f->service);
		return;
	}
	if (move_quota(env->pd, client->env_caps[0], f->ram, f->caps) != GN_OK)
		gn_warning(
			"%s: could not return its %s session's donation", client->name, f->service);
}

/* Opens the session at the server child, which has announced it. */
static gn_err_t open_at_child(child_t *client, forwarded_t *f, provided_t *p)
{
	gn_root_session_args_t args;
	gn_rpc_void_t res;

	gn_memcpy(args.args, f->args, sizeof(args.args));
	gn_err_t err = move_quota(env->pd, f->server->env_caps[0], f->ram, f->caps);
	if (err != GN_OK) {
		f->server = NULL;
		return_donation(client, f);
		return err;
	}
	err = gn_root_session(p->root, &args, &res, NULL, &f->cap);
	if (err != GN_OK) {
		return_donation(client, f);
		f->server = NULL;
	}
	return err;
}

static gn_err_t open_at_parent(forwarded_t *f)
{
	gn_parent_session_args_t fwd = {.id = env->next_session_id++};
	gn_rpc_void_t res;

	gn_memcpy(fwd.service, f->service, sizeof(fwd.service));
	gn_memcpy(fwd.args, f->args, sizeof(fwd.args));
	gn_err_t err = gn_parent_session(env->parent, &fwd, &res, NULL, NULL);
	if (err == GN_OK)
		f->parent_id = fwd.id;
	return err;
}

static gn_err_t session(
	void *obj, gn_rpc_request_t *req, gn_parent_session_args_t const *args, gn_rpc_void_t *res)
{
	child_t *c = obj;
	char label[GN_LABEL_MAX], prefixed[GN_LABEL_MAX];
	forwarded_t *f = free_slot(c);
	child_t *server = NULL;

	(void)res;
	if (args->id < GN_PARENT_FIRST_ID || find(c, args->id))
		return GN_ERR_INVALID_ARG;
	if (!f)
		return GN_ERR_LIMIT;
	*f = (forwarded_t){.child_id = 0};
	if (gn_strlcpy(f->service, args->service, sizeof(f->service)) != GN_OK ||
		gn_strlcpy(f->args, args->args, sizeof(f->args)) != GN_OK ||
		gn_args_check(f->args) != GN_OK ||
		gn_args_get_label(f->args, label, sizeof(label)) != GN_OK ||
		gn_label_prefix(prefixed, sizeof(prefixed), c->name, label) != GN_OK ||
		gn_args_set_string(f->args, sizeof(f->args), "label", prefixed) != GN_OK)
		return GN_ERR_INVALID_ARG;
	if (gn_args_get_num(f->args, "ram_quota", &f->ram) != GN_OK)
		f->ram = 0;
	if (gn_args_get_num(f->args, "cap_quota", &f->caps) != GN_OK)
		f->caps = 0;

	route_t const route = resolve(c, f->service, label, &server);
	if (route == ROUTE_DENIED) {
		gn_error("%s: no route to service \"%s\" (label \"%s\")", c->name, f->service,
			label);
		return GN_ERR_UNROUTABLE;
	}
	gn_err_t err = move_quota(c->env_caps[0], env->pd, f->ram, f->caps);
	if (err == GN_ERR_OUT_OF_RAM || err == GN_ERR_OUT_OF_CAPS)
		return err == GN_ERR_OUT_OF_RAM ? GN_ERR_INSUFFICIENT_RAM
						: GN_ERR_INSUFFICIENT_CAPS;
	if (err != GN_OK)
		return err;

	if (route == ROUTE_PARENT) {
		err = open_at_parent(f);
		if (err != GN_OK)
			return_donation(c, f);
	} else {
		f->server = server;
		provided_t *p = provided(server, f->service);
		if (!p) {
			f->pending = true;
			f->child_id = args->id;
			f->token = gn_ep_defer(req);
			return GN_RPC_DEFERRED;
		}
		err = open_at_child(c, f, p);
	}
	if (err == GN_OK)
		f->child_id = args->id;
	return err;
}

static gn_err_t session_cap(
	void *obj, gn_rpc_request_t *req, gn_parent_id_args_t const *args, gn_rpc_void_t *res)
{
	forwarded_t *f = find(obj, args->id);

	if (!f || f->pending)
		return GN_ERR_INVALID_ARG;
	if (!f->parent_id) {
		if (!f->server)
			return GN_ERR_REVOKED; /* the server is gone */
		req->caps_out[0] = gn_cap_copy(f->cap);
		req->num_caps_out = 1;
		return GN_OK;
	}
	gn_parent_id_args_t const fwd = {f->parent_id};
	gn_err_t err = gn_parent_session_cap(env->parent, &fwd, res, NULL, req->caps_out);
	req->num_caps_out = err == GN_OK ? 1 : 0;
	return err;
}

static void close_forwarded(child_t *client, forwarded_t *f)
{
	gn_rpc_void_t res = {0};

	if (f->pending) {
		gn_ep_reply(f->token, GN_ERR_REVOKED, &res, sizeof(res), NULL, 0);
		f->server = NULL;
		return_donation(client, f);
	} else if (f->parent_id) {
		gn_parent_id_args_t const fwd = {f->parent_id};
		gn_ignore(gn_parent_close(env->parent, &fwd, &res, NULL, NULL));
		return_donation(client, f);
	} else if (f->server) {
		provided_t *p = provided(f->server, f->service);
		if (p)
			gn_ignore(gn_root_close(p->root, &(gn_rpc_void_t){0}, &res, &f->cap, NULL));
		return_donation(client, f);
	}
	gn_cap_drop(f->cap);
	*f = (forwarded_t){.child_id = 0};
}

static gn_err_t close(
	void *obj, gn_rpc_request_t *req, gn_parent_id_args_t const *args, gn_rpc_void_t *res)
{
	forwarded_t *f = find(obj, args->id);

	(void)req;
	(void)res;
	if (!f)
		return GN_ERR_INVALID_ARG;
	close_forwarded(obj, f);
	return GN_OK;
}

/* Every session the server gave out ends with it; its clients get their donations back. */
static void forget_server(child_t *server)
{
	for (unsigned i = 0; i < MAX_CHILDREN; i++) {
		child_t *c = &children[i];
		for (unsigned j = 0; c->used && j < MAX_CHILD_SESSIONS; j++) {
			forwarded_t *f = &c->sessions[j];
			if (!f->child_id || f->server != server)
				continue;
			if (f->pending) {
				close_forwarded(c, f);
				continue;
			}
			return_donation(c, f);
			gn_cap_drop(f->cap);
			f->cap = GN_CAP_INVALID;
			f->server = NULL;
		}
	}
}

static void destroy_child(child_t *c)
{
	for (unsigned i = 0; i < MAX_CHILD_SESSIONS; i++)
		if (c->sessions[i].child_id)
			close_forwarded(c, &c->sessions[i]);
	forget_server(c);
	for (unsigned i = 0; i < MAX_PROVIDED; i++)
		gn_cap_drop(c->provided[i].root);
	for (int i = 2; i >= 0; i--) { /* the PD last: closing it ends the program */
		gn_parent_id_args_t const fwd = {c->env_ids[i]};
		gn_rpc_void_t res;
		if (!c->env_ids[i])
			continue; /* a start that failed half-way */
		gn_cap_drop(c->env_caps[i]);
		gn_ignore(gn_parent_close(env->parent, &fwd, &res, NULL, NULL));
	}
	if (c->ended) {
		gn_rpc_void_t none = {0};
		gn_ep_sigh_dissolve(env->ep, c->ended);
		gn_ignore(gn_pd_session_free_signal(env->pd, &none, &none, &c->ended, NULL));
		gn_cap_drop(c->ended);
	}
	gn_ep_dissolve(env->ep, c->parent_obj);
	gn_cap_drop(c->parent_obj);
	c->used = false;
}

/* The program ended without telling init (killed by core, crashed): release what it had. */
static void child_ended(void *ctx, uint64_t count)
{
	child_t *c = ctx;

	(void)count;
	if (!c->used)
		return;
	gn_log("child \"%s\" ended without exiting", c->name);
	destroy_child(c);
}

static gn_err_t exit(
	void *obj, gn_rpc_request_t *req, gn_parent_exit_args_t const *args, gn_rpc_void_t *res)
{
	child_t *c = obj;

	(void)req;
	(void)res;
	gn_log("child \"%s\" exited with exit value %d", c->name, (int)args->value);
	destroy_child(c);
	return GN_OK;
}

/*
 * Answers the requests that waited for an announcement. Runs from a signal init sends itself, so
 * that the announcing server has its reply and serves its root again before init calls it.
 */
static void serve_pending(void *ctx, uint64_t count)
{
	(void)ctx;
	(void)count;
	for (unsigned i = 0; i < MAX_CHILDREN; i++) {
		child_t *c = &children[i];
		for (unsigned j = 0; c->used && j < MAX_CHILD_SESSIONS; j++) {
			forwarded_t *f = &c->sessions[j];
			gn_rpc_void_t res = {0};
			provided_t *p =
				f->pending && f->server ? provided(f->server, f->service) : NULL;
			if (!p)
				continue;
			f->pending = false;
			gn_err_t const err = open_at_child(c, f, p);
			gn_ep_reply(f->token, err, &res, sizeof(res), NULL, 0);
			if (err != GN_OK)
				*f = (forwarded_t){.child_id = 0};
		}
	}
}

static gn_err_t announce(
	void *obj, gn_rpc_request_t *req, gn_parent_announce_args_t const *args, gn_rpc_void_t *res)
{
	child_t *c = obj;
	provided_t *p = NULL;
	char name[GN_SERVICE_NAME_MAX];

	(void)res;
	if (gn_strlcpy(name, args->service, sizeof(name)) != GN_OK || !name[0] ||
		gn_cap_kind(req->caps_in[0]) != GN_CAP_KIND_OBJECT)
		return GN_ERR_INVALID_ARG;
	if (provided(c, name))
		return GN_ERR_EXISTS;
	for (unsigned i = 0; i < MAX_PROVIDED && !p; i++)
		if (!c->provided[i].name[0])
			p = &c->provided[i];
	if (!p)
		return GN_ERR_LIMIT;
	gn_memcpy(p->name, name, sizeof(p->name));
	p->root = gn_cap_copy(req->caps_in[0]);
	gn_ignore(gn_signal_submit(announced, 1));
	return GN_OK;
}

static gn_parent_ops_t const parent_ops = {session, session_cap, close, exit, announce};

static gn_err_t open_env(child_t *c, uint64_t ram, uint64_t caps)
{
	static char const *const services[] = {"PD", "CPU", "LOG"};
	char args[GN_SESSION_ARGS_MAX];

	for (unsigned i = 0; i < 3; i++) {
		gn_err_t err = gn_fmt(args, sizeof(args), NULL,
			"ram_quota=%llu, cap_quota=%llu, label=\"%s\"",
			(unsigned long long)(i == 0 ? ram : 0),
			(unsigned long long)(i == 0 ? caps : 0), c->name);
		if (err == GN_OK)
			err = gn_session(env, services[i], args, &c->env_caps[i], &c->env_ids[i]);
		if (err != GN_OK)
			return err;
	}
	return GN_OK;
}

static void start_child(gn_xml_node_t const *start)
{
	child_t *c = NULL;
	uint64_t ram = 0, caps = 0;
	gn_pd_start_args_t start_args = {{0}};
	gn_xml_node_t binary;
	gn_rpc_void_t res;

	for (unsigned i = 0; i < MAX_CHILDREN && !c; i++)
		if (!children[i].used)
			c = &children[i];
	if (!c) {
		gn_error("too many children, at most %u", (unsigned)MAX_CHILDREN);
		return;
	}
	*c = (child_t){.start = *start};
	if (gn_xml_attr_str(start, "name", c->name, sizeof(c->name)) != GN_OK || !c->name[0] ||
		gn_xml_attr_u64(start, "ram", 0, &ram) != GN_OK ||
		gn_xml_attr_u64(start, "caps", 0, &caps) != GN_OK) {
		gn_error("config:%u: invalid <start> node", start->line);
		return;
	}
	if (child_by_name(c->name, gn_strlen(c->name))) {
		gn_error("config:%u: a child named \"%s\" exists already", start->line, c->name);
		return;
	}
	gn_memcpy(start_args.binary, c->name, sizeof(start_args.binary) - 1);
	if (gn_xml_first_sub_type(start, "binary", &binary) &&
		gn_xml_attr_str(&binary, "name", start_args.binary, sizeof(start_args.binary)) !=
			GN_OK) {
		gn_error("%s: invalid <binary> name", c->name);
		return;
	}
	c->used = true;
	gn_err_t err = gn_ep_manage(env->ep, c, &gn_parent_iface, &parent_ops, &c->parent_obj);
	if (err == GN_OK)
		err = open_env(c, ram, caps);
	gn_rpc_void_t none = {0};
	if (err == GN_OK)
		err = gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &c->ended);
	if (err == GN_OK)
		err = gn_ep_sigh(env->ep, c->ended, child_ended, c);
	if (err == GN_OK)
		err = gn_cpu_session_exception_sigh(c->env_caps[1], &none, &none, &c->ended, NULL);
	gn_cap_t const start_caps[3] = {c->parent_obj, c->env_caps[1], c->env_caps[2]};
	if (err == GN_OK)
		err = gn_pd_session_start(c->env_caps[0], &start_args, &res, start_caps, NULL);
	if (err != GN_OK) {
		gn_error("%s: start failed: %s", c->name, gn_err_name(err));
		destroy_child(c);
	}
}

void gn_component_construct(gn_env_t *e)
{
	gn_cap_t rom, ds;
	uint32_t rom_id;
	gn_rom_dataspace_res_t info;
	gn_rpc_void_t none = {0};
	void *addr;
	size_t size;
	bool writable;
	gn_xml_node_t start;
	gn_xml_error_t xml_err;

	env = e;
	if (gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &announced) != GN_OK ||
		gn_ep_sigh(env->ep, announced, serve_pending, NULL) != GN_OK) {
		gn_error("no signal context for announcements");
		gn_exit(env, 1);
	}
	if (gn_session(env, "ROM", "ram_quota=8K, cap_quota=2, label=\"config\"", &rom, &rom_id) !=
			GN_OK ||
		gn_rom_session_dataspace(rom, &none, &info, NULL, &ds) != GN_OK ||
		gn_ds_attach(ds, &addr, &size, &writable) != GN_OK) {
		gn_error("no config");
		gn_exit(env, 1);
	}
	if (gn_xml_parse(addr, info.size, &config, &xml_err) != GN_OK) {
		gn_error("config:%u:%u: %s", xml_err.line, xml_err.column, xml_err.what);
		gn_exit(env, 1);
	}
	for (bool more = gn_xml_first_sub_type(&config, "start", &start); more;
		more = gn_xml_next_type(&start, "start", &start))
		start_child(&start);
}
