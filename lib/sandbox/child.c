/*
 * The children of a sandbox: start, quota, exit, restart and reconfiguration.
 *
 * Each child gets a PD session (its quota: the start node's ram and caps), a CPU and a LOG session,
 * and a parent object the sandbox serves (session.c). A child that exits is reported as Genode's
 * init does (`child "name" exited with exit value N`); one that ends otherwise (core killed it, it
 * crashed) as `child "name" ended without exiting`, learnt from the exception signal of its CPU
 * session. Either way its sessions are closed and its quota returns to the sandbox; with
 * restart="yes" it starts again, rate-limited. A new config is brought in by
 * gn_sandbox_apply_config() after gn_sandbox_config_valid() accepted it.
 */
#include <gneiss/cpu_session.h>
#include <gneiss/dataspace.h>
#include <gneiss/fmt.h>
#include <gneiss/init_config.h>
#include <gneiss/label.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/signal.h>
#include <gneiss/string.h>
#include <gneiss/thread.h>
#include <gneiss/time.h>

#include "sandbox.h"

gn_env_t *sandbox_env;
gn_xml_node_t sandbox_config;
child_t sandbox_children[MAX_CHILDREN];

gn_err_t gn_sandbox_init(gn_env_t *env)
{
	sandbox_env = env;
	gn_err_t const err = sessions_init();
	return err == GN_OK ? state_report_init() : err;
}

child_t *child_by_name(char const *name, size_t len)
{
	for (unsigned i = 0; i < MAX_CHILDREN; i++)
		if (sandbox_children[i].used && gn_strlen(sandbox_children[i].name) == len &&
			gn_memcmp(sandbox_children[i].name, name, len) == 0)
			return &sandbox_children[i];
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
		gn_session_close(sandbox_env, c->env_ids[i], c->env_caps[i]);
	}
	if (c->ended) {
		gn_ep_sigh_dissolve(sandbox_env->ep, c->ended);
		gn_ignore(
			gn_pd_session_free_signal(sandbox_env->pd, &none, &none, &c->ended, NULL));
		gn_cap_drop(c->ended);
	}
	c->used = false;
}

void child_exited(child_t *c, int value)
{
	gn_xml_node_t exit;
	bool propagate = false;

	gn_log("child \"%s\" exited with exit value %d", c->name, value);
	state_report_exited(c, value, false);
	if (gn_xml_first_sub_type(&c->start, "exit", &exit))
		gn_ignore(gn_xml_attr_bool(&exit, "propagate", false, &propagate));
	destroy_child(c);
	if (propagate) /* <exit propagate="yes"/>: init ends with its child's exit value */
		gn_exit(sandbox_env, value);
}

/* The program ended without telling init (killed by core, crashed): release what it had. */
static void child_ended(void *ctx, uint64_t count)
{
	child_t *c = ctx;
	bool restart = false;

	(void)count;
	if (!c->used)
		return;
	gn_log("child \"%s\" ended without exiting", c->name);
	state_report_exited(c, 0, true);
	gn_ignore(gn_xml_attr_bool(&c->start, "restart", false, &restart));
	if (restart)
		child_restart(c, "it ended without exiting", true);
	else
		destroy_child(c);
}

/* log2 of the config's prio_levels (rounded down to a power of two), at most 16. */
static unsigned prio_levels_log2(void)
{
	uint64_t levels = 1;
	unsigned log2 = 0;

	gn_ignore(gn_xml_attr_u64(&sandbox_config, "prio_levels", 1, &levels));
	while (log2 < 16 && (2ull << log2) <= levels)
		log2++;
	return log2;
}

/*
 * The start node's priority (0, -1, .. -(prio_levels - 1), which the checker made sure of) scaled
 * to the CPU session's range, where a larger number is a lower priority.
 */
static uint32_t child_priority(gn_xml_node_t const *start)
{
	gn_xml_attr_t attr;
	uint64_t lower = 0;
	unsigned const log2 = prio_levels_log2();

	if (!gn_xml_attr(start, "priority", &attr) || attr.value_len < 2 || attr.value[0] != '-' ||
		gn_xml_value_u64(
			&(gn_xml_attr_t){.value = attr.value + 1, .value_len = attr.value_len - 1},
			&lower) != GN_OK)
		return 0;
	if (lower >= (1ull << log2))
		lower = (1ull << log2) - 1;
	return (uint32_t)(lower << (16 - log2));
}

/*
 * The CPUs of the start node's <affinity> (default: all of the config's <affinity-space>), as a
 * range of init's own affinity space: the location's cells from its first to its last in
 * row-major order, scaled from the space's cells to init's CPUs.
 */
static void child_cpus(gn_xml_node_t const *start, child_t *c)
{
	gn_xml_node_t space, aff;
	uint64_t w = 1, h = 1, x = 0, y = 0, lw = 0, lh = 0;
	uint32_t cpus = 1;

	gn_ignore(gn_thread_affinity_space(sandbox_env, &cpus));
	c->cpu_first = 0;
	c->cpu_count = cpus;
	if (!gn_xml_first_sub_type(&sandbox_config, "affinity-space", &space) ||
		!gn_xml_first_sub_type(start, "affinity", &aff))
		return;
	gn_ignore(gn_xml_attr_u64(&space, "width", 1, &w));
	gn_ignore(gn_xml_attr_u64(&space, "height", 1, &h));
	gn_ignore(gn_xml_attr_u64(&aff, "xpos", 0, &x));
	gn_ignore(gn_xml_attr_u64(&aff, "ypos", 0, &y));
	gn_ignore(gn_xml_attr_u64(&aff, "width", w, &lw));
	gn_ignore(gn_xml_attr_u64(&aff, "height", h, &lh));
	/* the checker made sure the location lies in the space; the numbers are small */
	if (!w || !h || !lw || !lh || w > 1024 || h > 1024 || x + lw > w || y + lh > h)
		return;
	uint64_t const cells = w * h, first = y * w + x, last = (y + lh - 1) * w + x + lw - 1;
	uint64_t const from = first * cpus / cells, to = ((last + 1) * cpus + cells - 1) / cells;
	c->cpu_first = (uint32_t)from;
	c->cpu_count = (uint32_t)(to > from ? to - from : 1);
}

void child_cpu_range(child_t const *c, uint64_t *offset, uint64_t *count)
{
	uint64_t const within = *offset < c->cpu_count ? *offset : c->cpu_count - 1;
	uint64_t const room = c->cpu_count - within;

	*offset = c->cpu_first + within;
	*count = *count == 0 || *count > room ? room : *count;
}

uint64_t child_cpu_priority(child_t const *c, uint64_t requested)
{
	if (requested >= GN_CPU_PRIORITY_LIMIT)
		requested = GN_CPU_PRIORITY_LIMIT - 1;
	return c->priority + (requested >> prio_levels_log2());
}

/*
 * The child's PD, CPU and LOG sessions. The PD starts empty; init becomes its reference account
 * (init's own parent made it, which matters when init is nested) and gives it the child's quota.
 */
static gn_err_t open_env(child_t *c, uint64_t ram, uint64_t caps, char const **step)
{
	static char const *const services[] = {"PD", "CPU", "LOG"};
	char args[GN_SESSION_ARGS_MAX];
	gn_rpc_void_t none = {0};

	for (unsigned i = 0; i < 3; i++) {
		gn_err_t err = gn_fmt(args, sizeof(args), NULL,
			"ram_quota=0, cap_quota=1, label=\"%s\"", c->name); /* core's price */
		if (err == GN_OK && i == 1)
			err = gn_args_set_num(args, sizeof(args), "priority", c->priority);
		if (err == GN_OK && i == 1)
			err = gn_args_set_num(args, sizeof(args), "affinity_offset", c->cpu_first);
		if (err == GN_OK && i == 1)
			err = gn_args_set_num(args, sizeof(args), "affinity_count", c->cpu_count);
		*step = services[i];
		if (err == GN_OK)
			err = gn_session(
				sandbox_env, services[i], args, &c->env_caps[i], &c->env_ids[i]);
		if (err != GN_OK)
			return err;
	}
	*step = "its quota";
	gn_err_t err =
		gn_pd_session_ref_account(c->env_caps[0], &none, &none, &sandbox_env->pd, NULL);
	if (err == GN_OK)
		err = gn_pd_session_transfer_quota(sandbox_env->pd,
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
	if (gn_xml_first_sub_type(&sandbox_config, "default", &node))
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
		if (!sandbox_children[i].used)
			c = &sandbox_children[i];
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
	c->priority = child_priority(start);
	child_cpus(start, c);
	gn_memcpy(start_args.binary, c->name, sizeof(start_args.binary) - 1);
	if (gn_xml_first_sub_type(start, "binary", &binary) &&
		gn_xml_attr_str(&binary, "name", start_args.binary, sizeof(start_args.binary)) !=
			GN_OK) {
		gn_error("%s: invalid <binary> name", c->name);
		return;
	}
	c->used = true;
	char const *step = "its parent interface";
	gn_err_t err = sessions_serve_child(c);
	if (err == GN_OK)
		err = open_env(c, ram, caps, &step);
	if (err == GN_OK) {
		c->ram = c->target_ram = ram;
		c->caps = c->target_caps = caps;
	}
	if (err == GN_OK && (step = "its exception signal"))
		err = gn_pd_session_alloc_signal(sandbox_env->pd, &none, &none, NULL, &c->ended);
	if (err == GN_OK)
		err = gn_ep_sigh(sandbox_env->ep, c->ended, child_ended, c);
	if (err == GN_OK)
		err = gn_cpu_session_exception_sigh(c->env_caps[1], &none, &none, &c->ended, NULL);
	gn_cap_t const start_caps[3] = {c->parent_obj, c->env_caps[1], c->env_caps[2]};
	if (err == GN_OK && (step = "the program"))
		err = gn_pd_session_start(c->env_caps[0], &start_args, &res, start_caps, NULL);
	if (err != GN_OK) {
		gn_error("%s: start failed at %s: %s", c->name, step, gn_err_name(err));
		destroy_child(c);
	}
	state_report_forget(c->name, false);
}

static void report_problem(void *ctx, unsigned line, unsigned column, char const *msg)
{
	(void)ctx;
	gn_error("config:%u:%u: %s", line, column, msg);
}

/* The checks of `gneiss check`, against what init can give its children. */
bool gn_sandbox_config_valid(gn_xml_node_t const *config)
{
	gn_init_config_opts_t opts;
	gn_pd_quota_res_t q;
	gn_rpc_void_t none = {0};

	gn_init_config_opts_default(&opts);
	if (gn_pd_session_quota(sandbox_env->pd, &none, &q, NULL, NULL) == GN_OK) {
		/* what the children hold now is available to the new config too */
		opts.avail_ram = q.ram_quota - q.ram_used;
		opts.avail_caps = q.cap_quota - q.cap_used;
		for (unsigned i = 0; i < MAX_CHILDREN; i++)
			if (sandbox_children[i].used) {
				opts.avail_ram += sandbox_children[i].ram;
				opts.avail_caps += sandbox_children[i].caps;
			}
	}
	return gn_init_config_check_node(config, &opts, report_problem, NULL) == 0;
}

static gn_xml_node_t start_named(gn_xml_node_t const *config, char const *name)
{
	gn_xml_node_t start;

	for (bool more = gn_xml_first_sub_type(config, "start", &start); more;
		more = gn_xml_next_type(&start, "start", &start))
		if (gn_xml_attr_eq(&start, "name", name))
			return start;
	return (gn_xml_node_t){0};
}

static bool same_attr(gn_xml_node_t const *a, gn_xml_node_t const *b, char const *name)
{
	gn_xml_attr_t x, y;
	bool const has_x = gn_xml_attr(a, name, &x), has_y = gn_xml_attr(b, name, &y);

	return has_x == has_y && (!has_x || (x.value_len == y.value_len &&
						    gn_memcmp(x.value, y.value, x.value_len) == 0));
}

static bool same_node(gn_xml_node_t const *a, gn_xml_node_t const *b)
{
	return a->len == b->len && gn_memcmp(a->base, b->base, a->len) == 0;
}

/* Gives or takes back quota so that c has what its new start node says. */
/* Takes back what c does not use of its quota above the target; true when it is at the target. */
static bool take_back(child_t *c)
{
	gn_rpc_void_t none = {0};
	gn_pd_quota_res_t q;

	if (c->ram <= c->target_ram && c->caps <= c->target_caps)
		return true;
	if (gn_pd_session_quota(c->env_caps[0], &none, &q, NULL, NULL) != GN_OK)
		return false;
	uint64_t less_ram = c->ram > c->target_ram ? c->ram - c->target_ram : 0;
	uint64_t less_caps = c->caps > c->target_caps ? c->caps - c->target_caps : 0;
	if (less_ram > q.ram_quota - q.ram_used)
		less_ram = q.ram_quota - q.ram_used;
	if (less_caps > q.cap_quota - q.cap_used)
		less_caps = q.cap_quota - q.cap_used;
	if ((less_ram || less_caps) && gn_pd_session_transfer_quota(c->env_caps[0],
					       &(gn_pd_transfer_args_t){less_ram, less_caps}, &none,
					       &sandbox_env->pd, NULL) == GN_OK) {
		c->ram -= less_ram;
		c->caps -= less_caps;
	}
	return c->ram <= c->target_ram && c->caps <= c->target_caps;
}

gn_parent_resource_args_t child_yield_request(child_t *c)
{
	return (gn_parent_resource_args_t){c->ram > c->target_ram ? c->ram - c->target_ram : 0,
		c->caps > c->target_caps ? c->caps - c->target_caps : 0};
}

void child_yielded(child_t *c)
{
	uint64_t const before = c->ram;

	bool const done = take_back(c);
	gn_log("child \"%s\" yielded %llu bytes%s", c->name, (unsigned long long)(before - c->ram),
		done ? "" : ", not yet all asked for");
	state_report_stale();
}

/*
 * Gives or takes back quota so that c has what its new start node says: more at once, less by
 * taking back what c does not use and asking it to yield the rest.
 */
static void apply_quota(child_t *c, uint64_t ram, uint64_t caps)
{
	gn_rpc_void_t none = {0};

	c->target_ram = ram;
	c->target_caps = caps;
	if (ram > c->ram || caps > c->caps) {
		uint64_t const more_ram = ram > c->ram ? ram - c->ram : 0;
		uint64_t const more_caps = caps > c->caps ? caps - c->caps : 0;
		if (gn_pd_session_transfer_quota(sandbox_env->pd,
			    &(gn_pd_transfer_args_t){more_ram, more_caps}, &none, &c->env_caps[0],
			    NULL) == GN_OK) {
			c->ram += more_ram;
			c->caps += more_caps;
			if (more_ram >= c->requested_ram && more_caps >= c->requested_caps) {
				/* a waiting request is satisfied: its library looks again */
				c->requested_ram = c->requested_caps = 0;
				if (c->session_sig)
					gn_ignore(gn_signal_submit(c->session_sig, 1));
			}
		} else
			gn_warning("%s: cannot raise its quota: init has too little", c->name);
	}
	if (take_back(c))
		return;
	gn_parent_resource_args_t const want = child_yield_request(c);
	gn_log("asking child \"%s\" to yield %llu bytes and %llu caps", c->name,
		(unsigned long long)want.ram, (unsigned long long)want.caps);
	if (c->yield_sig)
		gn_ignore(gn_signal_submit(c->yield_sig, 1));
}

gn_err_t child_resource_request(child_t *c, gn_parent_resource_args_t const *want)
{
	uint64_t ram_limit = 0, caps_limit = 0;
	uint64_t const ram = want->ram, caps = want->caps;
	gn_rpc_void_t none = {0};
	gn_pd_quota_res_t q;

	/* measured before a raise (a config's, a grant's): the child measures anew */
	if (gn_pd_session_quota(c->env_caps[0], &none, &q, NULL, NULL) != GN_OK ||
		q.ram_quota > want->ram_quota || q.cap_quota > want->cap_quota) {
		if (c->session_sig)
			gn_ignore(gn_signal_submit(c->session_sig, 1));
		return GN_ERR_AGAIN;
	}
	gn_ignore(gn_xml_attr_u64(&c->start, "ram_limit", 0, &ram_limit));
	gn_ignore(gn_xml_attr_u64(&c->start, "caps_limit", 0, &caps_limit));
	bool const limited =
		gn_xml_has_attr(&c->start, "ram_limit") || gn_xml_has_attr(&c->start, "caps_limit");
	bool const repeated = ram == c->requested_ram && caps == c->requested_caps;
	if (!repeated) /* a waiting child asks again now and then */
		gn_log("child \"%s\" requests %llu bytes and %llu caps more", c->name,
			(unsigned long long)ram, (unsigned long long)caps);
	/* the child's numbers: compared without adding them, so no wrap-around can make them fit */
	bool const fits = (!ram || (c->ram <= ram_limit && ram <= ram_limit - c->ram)) &&
			  (!caps || (c->caps <= caps_limit && caps <= caps_limit - c->caps));
	if (!fits ||
		gn_pd_session_transfer_quota(sandbox_env->pd, &(gn_pd_transfer_args_t){ram, caps},
			&none, &c->env_caps[0], NULL) != GN_OK) {
		if (!repeated) {
			c->requested_ram = ram;
			c->requested_caps = caps;
			state_report_stale();
		}
		/*
		 * Without a limit the request waits (AGAIN) for a config that raises the quota,
		 * e.g. one a manager writes; refused when init could not give it even then.
		 */
		bool const never =
			limited ||
			gn_pd_session_quota(sandbox_env->pd, &none, &q, NULL, NULL) != GN_OK ||
			ram > q.ram_quota - q.ram_used || caps > q.cap_quota - q.cap_used;
		return never ? GN_ERR_DENIED : GN_ERR_AGAIN;
	}
	c->ram += ram;
	c->caps += caps;
	c->target_ram = c->ram;
	c->target_caps = c->caps;
	c->requested_ram = c->requested_caps = 0;
	gn_log("child \"%s\" granted, now %llu bytes and %llu caps", c->name,
		(unsigned long long)c->ram, (unsigned long long)c->caps);
	state_report_stale();
	return GN_OK;
}

/* Restarts of one child name within the current window, for the rate limit. */
typedef struct {
	char name[NAME_MAX];
	uint64_t window_start_ms;
	uint64_t count;
} restarts_t;

static restarts_t restarts[MAX_CHILDREN];

/* Counts a restart of c; false when it would exceed restart_max within restart_period_ms. */
static bool restart_allowed(child_t const *c)
{
	uint64_t max = 3, period_ms = 10000;
	restarts_t *r = NULL;
	uint64_t const now_ms = gn_time_now_us() / 1000;

	gn_ignore(gn_xml_attr_u64(&c->start, "restart_max", 3, &max));
	gn_ignore(gn_xml_attr_u64(&c->start, "restart_period_ms", 10000, &period_ms));
	for (unsigned i = 0; i < MAX_CHILDREN && !r; i++)
		if (gn_strcmp(restarts[i].name, c->name) == 0)
			r = &restarts[i];
	for (unsigned i = 0; i < MAX_CHILDREN && !r; i++)
		if (!restarts[i].name[0]) {
			r = &restarts[i];
			*r = (restarts_t){.window_start_ms = now_ms};
			gn_memcpy(r->name, c->name, sizeof(r->name));
		}
	if (!r)
		return false;
	if (now_ms - r->window_start_ms > period_ms)
		*r = (restarts_t){.window_start_ms = now_ms, .count = 0};
	gn_memcpy(r->name, c->name, sizeof(r->name));
	if (r->count >= max)
		return false;
	r->count++;
	return true;
}

void child_restart(child_t *c, char const *why, bool limited)
{
	gn_xml_node_t const start = c->start;
	bool const allowed = !limited || restart_allowed(c);

	if (allowed)
		gn_log("child \"%s\" restarted (%s)", c->name, why);
	else
		gn_log("child \"%s\" not restarted (%s): too many restarts", c->name, why);
	destroy_child(c);
	if (allowed)
		start_child(&start);
}

/*
 * Brings the children in line with the new config (Genode's rules): a child no longer listed
 * stops, one whose version changed or whose sessions would now be routed elsewhere restarts, a
 * changed inline <config> reaches the child as a ROM update, a changed quota is applied; new start
 * nodes start. Every other child keeps running, undisturbed.
 */
void gn_sandbox_apply_config(gn_xml_node_t const *config)
{
	gn_xml_node_t start;

	sandbox_config = *config;
	for (unsigned i = 0; i < MAX_CHILDREN; i++) {
		child_t *c = &sandbox_children[i];
		if (!c->used)
			continue;
		gn_xml_node_t const old = c->start;
		gn_xml_node_t const now = start_named(&sandbox_config, c->name);
		uint64_t ram = 0, caps = 0;
		gn_xml_node_t old_cfg, new_cfg;
		if (!gn_xml_node_valid(&now)) {
			gn_log("child \"%s\" removed from the config", c->name);
			destroy_child(c);
			continue;
		}
		c->start = now;
		bool const restart = !same_attr(&old, &now, "version") || sessions_route_changed(c);
		if (restart) {
			child_restart(c,
				same_attr(&old, &now, "version") ? "a route changed"
								 : "its version changed",
				false);
			continue;
		}
		if (child_quota(&now, "ram", "RAM", &ram) == GN_OK &&
			child_quota(&now, "caps", "CAP", &caps) == GN_OK &&
			(ram != c->ram || caps != c->caps))
			apply_quota(c, ram, caps);
		bool const had_cfg = gn_xml_first_sub_type(&old, "config", &old_cfg);
		bool const has_cfg = gn_xml_first_sub_type(&now, "config", &new_cfg);
		if (has_cfg && (!had_cfg || !same_node(&old_cfg, &new_cfg)))
			config_rom_update(c);
	}
	for (bool more = gn_xml_first_sub_type(&sandbox_config, "start", &start); more;
		more = gn_xml_next_type(&start, "start", &start)) {
		char name[NAME_MAX];
		if (gn_xml_attr_str(&start, "name", name, sizeof(name)) == GN_OK &&
			!child_by_name(name, gn_strlen(name)))
			start_child(&start);
	}
	state_report_forget(NULL, true);
	heartbeat_configure();
	server_configure();
}
