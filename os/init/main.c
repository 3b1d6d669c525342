/*
 * init: starts the children its config lists, in Genode's configuration language, and brokers
 * their sessions (session.c) along the routes of its config (route.c).
 *
 * Each child gets a PD session (its quota: the start node's ram and caps), a CPU and a LOG session,
 * and a parent object served by init. A child that exits is reported as Genode's init does
 * (`child "name" exited with exit value N`); one that ends otherwise (core killed it, it crashed)
 * as `child "name" ended without exiting`, learnt from the exception signal of its CPU session.
 * Either way its sessions are closed and its quota returns to init.
 * Still missing here (the init issue): dynamic reconfiguration, state reports, label rewriting,
 * resource requests, heartbeats, nested init's inline config.
 */
#include <gneiss/cpu_session.h>
#include <gneiss/dataspace.h>
#include <gneiss/fmt.h>
#include <gneiss/init_config.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/string.h>

#include "init.h"

gn_env_t *init_env;
gn_xml_node_t init_config;
child_t init_children[MAX_CHILDREN];

child_t *child_by_name(char const *name, size_t len)
{
	for (unsigned i = 0; i < MAX_CHILDREN; i++)
		if (init_children[i].used && gn_strlen(init_children[i].name) == len &&
			gn_memcmp(init_children[i].name, name, len) == 0)
			return &init_children[i];
	return NULL;
}

bool child_provides(child_t *c, char const *service)
{
	for (unsigned i = 0; i < MAX_PROVIDED; i++)
		if (gn_strcmp(c->provided[i], service) == 0)
			return true;
	return false;
}

static void destroy_child(child_t *c)
{
	gn_rpc_void_t none = {0};

	sessions_child_gone(c);
	for (int i = 2; i >= 0; i--) { /* the PD last: closing it ends the program */
		if (!c->env_ids[i])
			continue; /* a start that failed half-way */
		gn_session_close(init_env, c->env_ids[i], c->env_caps[i]);
	}
	if (c->ended) {
		gn_ep_sigh_dissolve(init_env->ep, c->ended);
		gn_ignore(gn_pd_session_free_signal(init_env->pd, &none, &none, &c->ended, NULL));
		gn_cap_drop(c->ended);
	}
	c->used = false;
}

void child_exited(child_t *c, int value)
{
	gn_xml_node_t exit;
	bool propagate = false;

	gn_log("child \"%s\" exited with exit value %d", c->name, value);
	if (gn_xml_first_sub_type(&c->start, "exit", &exit))
		gn_ignore(gn_xml_attr_bool(&exit, "propagate", false, &propagate));
	destroy_child(c);
	if (propagate) /* <exit propagate="yes"/>: init ends with its child's exit value */
		gn_exit(init_env, value);
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

/*
 * The child's PD, CPU and LOG sessions. The PD starts empty; init becomes its reference account
 * (init's own parent made it, which matters when init is nested) and gives it the child's quota.
 */
static gn_err_t open_env(child_t *c, uint64_t ram, uint64_t caps)
{
	static char const *const services[] = {"PD", "CPU", "LOG"};
	char args[GN_SESSION_ARGS_MAX];
	gn_rpc_void_t none = {0};

	for (unsigned i = 0; i < 3; i++) {
		gn_err_t err = gn_fmt(args, sizeof(args), NULL,
			"ram_quota=0, cap_quota=0, label=\"%s\"", c->name);
		if (err == GN_OK)
			err = gn_session(
				init_env, services[i], args, &c->env_caps[i], &c->env_ids[i]);
		if (err != GN_OK)
			return err;
	}
	gn_err_t err = gn_pd_session_ref_account(c->env_caps[0], &none, &none, &init_env->pd, NULL);
	if (err == GN_OK)
		err = gn_pd_session_transfer_quota(init_env->pd,
			&(gn_pd_transfer_args_t){ram, caps}, &none, &c->env_caps[0], NULL);
	return err;
}

/*
 * A child's quota, as Genode's init takes it: the start node's ram/caps attribute, else its
 * <resource name="RAM|CAP" quantum=..>, else the config's <default ram= caps=>.
 */
static gn_err_t child_quota(
	gn_xml_node_t const *start, char const *attr, char const *resource, uint64_t *value)
{
	gn_xml_node_t node;

	if (gn_xml_has_attr(start, attr))
		return gn_xml_attr_u64(start, attr, 0, value);
	for (bool more = gn_xml_first_sub_type(start, "resource", &node); more;
		more = gn_xml_next_type(&node, "resource", &node))
		if (gn_xml_attr_eq(&node, "name", resource))
			return gn_xml_attr_u64(&node, "quantum", 0, value);
	*value = 0;
	if (gn_xml_first_sub_type(&init_config, "default", &node))
		return gn_xml_attr_u64(&node, attr, 0, value);
	return GN_OK;
}

static void start_child(gn_xml_node_t const *start)
{
	child_t *c = NULL;
	uint64_t ram = 0, caps = 0;
	gn_pd_start_args_t start_args = {{0}};
	gn_xml_node_t binary;
	gn_rpc_void_t res, none = {0};

	for (unsigned i = 0; i < MAX_CHILDREN && !c; i++)
		if (!init_children[i].used)
			c = &init_children[i];
	if (!c) {
		gn_error("too many children, at most %u", (unsigned)MAX_CHILDREN);
		return;
	}
	*c = (child_t){.start = *start};
	if (gn_xml_attr_str(start, "name", c->name, sizeof(c->name)) != GN_OK || !c->name[0] ||
		child_quota(start, "ram", "RAM", &ram) != GN_OK ||
		child_quota(start, "caps", "CAP", &caps) != GN_OK) {
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
	gn_err_t err = sessions_serve_child(c);
	if (err == GN_OK)
		err = open_env(c, ram, caps);
	if (err == GN_OK)
		err = gn_pd_session_alloc_signal(init_env->pd, &none, &none, NULL, &c->ended);
	if (err == GN_OK)
		err = gn_ep_sigh(init_env->ep, c->ended, child_ended, c);
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

static void report_problem(void *ctx, unsigned line, unsigned column, char const *msg)
{
	(void)ctx;
	gn_error("config:%u:%u: %s", line, column, msg);
}

/* The checks of `gneiss check`, against what init can give its children. */
static bool config_valid(void)
{
	gn_init_config_opts_t opts;
	gn_pd_quota_res_t q;
	gn_rpc_void_t none = {0};

	gn_init_config_opts_default(&opts);
	if (gn_pd_session_quota(init_env->pd, &none, &q, NULL, NULL) == GN_OK) {
		opts.avail_ram = q.ram_quota - q.ram_used;
		opts.avail_caps = q.cap_quota - q.cap_used;
	}
	return gn_init_config_check_node(&init_config, &opts, report_problem, NULL) == 0;
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

	init_env = e;
	if (sessions_init() != GN_OK) {
		gn_error("cannot serve the parent interface");
		gn_exit(init_env, 1);
	}
	if (gn_session(init_env, "ROM", "ram_quota=8K, cap_quota=2, label=\"config\"", &rom,
		    &rom_id) != GN_OK ||
		gn_rom_session_dataspace(rom, &none, &info, NULL, &ds) != GN_OK ||
		gn_ds_attach(ds, &addr, &size, &writable) != GN_OK) {
		gn_error("no config");
		gn_exit(init_env, 1);
	}
	if (gn_xml_parse(addr, info.size, &init_config, &xml_err) != GN_OK) {
		gn_error("config:%u:%u: %s", xml_err.line, xml_err.column, xml_err.what);
		gn_exit(init_env, 1);
	}
	if (!config_valid()) {
		gn_error("config rejected, no child started");
		gn_exit(init_env, 1);
	}
	for (bool more = gn_xml_first_sub_type(&init_config, "start", &start); more;
		more = gn_xml_next_type(&start, "start", &start))
		start_child(&start);
}
