/*
 * init, first version: starts the children its config lists and routes every session request of
 * a child to init's own parent, with the label prefixed by the child's name.
 *
 * Each child gets a PD session (its quota: the start node's ram and caps), a CPU and a LOG session,
 * and a parent object served here. A child that exits is reported as Genode's init does
 * (`child "name" exited with exit value N`) and its sessions are closed, which ends its program.
 * The full init — routes, policies, dynamic reconfiguration, state report — builds on this.
 */
#include <gneiss/dataspace.h>
#include <gneiss/env.h>
#include <gneiss/fmt.h>
#include <gneiss/label.h>
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gneiss/pd_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/string.h>
#include <gneiss/xml.h>

enum {
	MAX_CHILDREN = 64,
	MAX_CHILD_SESSIONS = 32,
	NAME_MAX = 64
};

typedef struct {
	uint32_t child_id; /* 0: unused */
	uint32_t parent_id;
} forwarded_t;

typedef struct {
	bool used;
	char name[NAME_MAX];
	gn_cap_t parent_obj;
	uint32_t env_ids[3]; /* PD, CPU, LOG at init's parent */
	gn_cap_t env_caps[3];
	forwarded_t sessions[MAX_CHILD_SESSIONS];
} child_t;

static gn_env_t *env;
static child_t children[MAX_CHILDREN];

GN_RPC_SERVER(gn_parent, GN_PARENT_RPCS)

static forwarded_t *find(child_t *c, uint32_t id)
{
	for (unsigned i = 0; i < MAX_CHILD_SESSIONS; i++)
		if (c->sessions[i].child_id == id && id)
			return &c->sessions[i];
	return NULL;
}

static gn_err_t session(
	void *obj, gn_rpc_request_t *req, gn_parent_session_args_t const *args, gn_rpc_void_t *res)
{
	child_t *c = obj;
	gn_parent_session_args_t fwd = {.id = env->next_session_id++};
	char label[GN_LABEL_MAX], prefixed[GN_LABEL_MAX];
	forwarded_t *slot = find(c, 0);

	(void)req;
	if (args->id < GN_PARENT_FIRST_ID || find(c, args->id) || !slot)
		return find(c, args->id) ? GN_ERR_INVALID_ARG : GN_ERR_LIMIT;
	if (gn_strlcpy(fwd.service, args->service, sizeof(fwd.service)) != GN_OK ||
		gn_strlcpy(fwd.args, args->args, sizeof(fwd.args)) != GN_OK ||
		gn_args_check(fwd.args) != GN_OK ||
		gn_args_get_label(fwd.args, label, sizeof(label)) != GN_OK ||
		gn_label_prefix(prefixed, sizeof(prefixed), c->name, label) != GN_OK ||
		gn_args_set_string(fwd.args, sizeof(fwd.args), "label", prefixed) != GN_OK)
		return GN_ERR_INVALID_ARG;
	gn_err_t err = gn_parent_session(env->parent, &fwd, res, NULL, NULL);
	if (err == GN_OK)
		*slot = (forwarded_t){args->id, fwd.id};
	return err;
}

static gn_err_t session_cap(
	void *obj, gn_rpc_request_t *req, gn_parent_id_args_t const *args, gn_rpc_void_t *res)
{
	forwarded_t *f = find(obj, args->id);

	if (!f)
		return GN_ERR_INVALID_ARG;
	gn_parent_id_args_t const fwd = {f->parent_id};
	gn_err_t err = gn_parent_session_cap(env->parent, &fwd, res, NULL, req->caps_out);
	req->num_caps_out = err == GN_OK ? 1 : 0;
	return err;
}

static void close_forwarded(forwarded_t *f)
{
	gn_parent_id_args_t const fwd = {f->parent_id};
	gn_rpc_void_t res;

	gn_ignore(gn_parent_close(env->parent, &fwd, &res, NULL, NULL));
	f->child_id = 0;
}

static gn_err_t close(
	void *obj, gn_rpc_request_t *req, gn_parent_id_args_t const *args, gn_rpc_void_t *res)
{
	forwarded_t *f = find(obj, args->id);

	(void)req;
	(void)res;
	if (!f)
		return GN_ERR_INVALID_ARG;
	close_forwarded(f);
	return GN_OK;
}

static void destroy_child(child_t *c)
{
	for (unsigned i = 0; i < MAX_CHILD_SESSIONS; i++)
		if (c->sessions[i].child_id)
			close_forwarded(&c->sessions[i]);
	for (int i = 2; i >= 0; i--) { /* the PD last: closing it ends the program */
		forwarded_t f = {1, c->env_ids[i]};
		gn_cap_drop(c->env_caps[i]);
		close_forwarded(&f);
	}
	gn_ep_dissolve(env->ep, c->parent_obj);
	gn_cap_drop(c->parent_obj);
	c->used = false;
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

static gn_parent_ops_t const parent_ops = {session, session_cap, close, exit};

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
	if (!c || gn_xml_attr_str(start, "name", c->name, sizeof(c->name)) != GN_OK ||
		gn_xml_attr_u64(start, "ram", 0, &ram) != GN_OK ||
		gn_xml_attr_u64(start, "caps", 0, &caps) != GN_OK) {
		gn_error("invalid <start> node");
		return;
	}
	*c = (child_t){.used = true, .name = {0}};
	gn_ignore(gn_xml_attr_str(start, "name", c->name, sizeof(c->name)));
	gn_memcpy(start_args.binary, c->name, sizeof(c->name));
	if (gn_xml_first_sub_type(start, "binary", &binary) &&
		gn_xml_attr_str(&binary, "name", start_args.binary, sizeof(start_args.binary)) !=
			GN_OK) {
		gn_error("%s: invalid <binary> name", c->name);
		return;
	}
	gn_err_t err = gn_ep_manage(env->ep, c, &gn_parent_iface, &parent_ops, &c->parent_obj);
	if (err == GN_OK)
		err = open_env(c, ram, caps);
	gn_cap_t const start_caps[3] = {c->parent_obj, c->env_caps[1], c->env_caps[2]};
	if (err == GN_OK)
		err = gn_pd_session_start(c->env_caps[0], &start_args, &res, start_caps, NULL);
	if (err != GN_OK)
		gn_error("%s: start failed: %s", c->name, gn_err_name(err));
}

void gn_component_construct(gn_env_t *e)
{
	gn_cap_t rom, ds;
	uint32_t rom_id;
	gn_rom_dataspace_res_t info;
	gn_rpc_void_t none;
	void *addr;
	size_t size;
	bool writable;
	gn_xml_node_t config, start;
	gn_xml_error_t xml_err;

	env = e;
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
