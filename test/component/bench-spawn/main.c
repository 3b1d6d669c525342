/*
 * The spawn benchmark: this component starts a child the way init does — it serves a parent object
 * for it, opens the child's PD (with the donation), CPU and LOG sessions at its own parent, and
 * asks core to start the binary in the PD — and times until the child's first RPC (its exit, from
 * bench-spawn-child) reaches that parent object. Core builds the full sandbox on the way (pid, user,
 * mount, ipc and uts namespaces, own host uid, empty root, rlimits, seccomp with listener, exec).
 *
 * Figures (format in bench.h): spawn — from the decision to start the child to its first RPC;
 * spawn_start — from the PD start request to the first RPC (without opening the sessions). The
 * first RPC is the child's exit: the library makes no call of its own before construct.
 * After each sample the child's sessions are closed (the PD last), which ends and reaps it.
 */
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gneiss/pd_session.h>
#include <gneiss/time.h>

#include "bench.h"

enum {
	CHILD_TIMEOUT_NS = 5000000000ull,
};

typedef struct {
	gn_cap_t parent_obj;
	gn_cap_t env_caps[3]; /* PD, CPU, LOG */
	uint32_t env_ids[3];
	uint64_t first_rpc_ns; /* when the child's exit arrived */
	bool exited;
	int32_t exit_value;
} child_t;

static gn_env_t *env;
static child_t child;

/*
 * The child's parent object answers the one call bench-spawn-child makes, exit (with the parent
 * interface's opcode and message); anything else fails validation with BAD_MSG before a handler
 * runs, so this stays correct however the parent interface grows.
 */
#define BENCH_PARENT_RPCS(X, P) \
	X(P, exit, gn_parent_OP_exit, gn_parent_exit_args_t, gn_rpc_void_t, 0, 0)

GN_RPC_CLIENT(bench_parent, BENCH_PARENT_RPCS)
GN_RPC_SERVER(bench_parent, BENCH_PARENT_RPCS)

static gn_err_t exit(
	void *obj, gn_rpc_request_t *req, gn_parent_exit_args_t const *args, gn_rpc_void_t *res)
{
	child_t *c = obj;

	(void)req;
	(void)res;
	c->first_rpc_ns = gn_time_now_ns();
	c->exited = true;
	c->exit_value = args->value;
	return GN_OK;
}

static bench_parent_ops_t const parent_ops = {exit};

static gn_err_t open_env(child_t *c)
{
	static char const *const args[] = {
		"ram_quota=1M, cap_quota=50, label=\"child\"",
		"ram_quota=0, cap_quota=0, label=\"child\"",
		"ram_quota=0, cap_quota=0, label=\"child\"",
	};
	static char const *const services[] = {"PD", "CPU", "LOG"};

	for (unsigned i = 0; i < 3; i++) {
		gn_err_t err =
			gn_session(env, services[i], args[i], &c->env_caps[i], &c->env_ids[i]);
		if (err != GN_OK)
			return err;
	}
	return GN_OK;
}

/* Closes what open_env opened (the PD last: closing it ends the program) and the parent object. */
static void destroy(child_t *c)
{
	for (int i = 2; i >= 0; i--)
		if (c->env_ids[i])
			gn_session_close(env, c->env_ids[i], c->env_caps[i]);
	if (gn_cap_valid(c->parent_obj)) {
		gn_ep_dissolve(env->ep, c->parent_obj);
		gn_cap_drop(c->parent_obj);
	}
	*c = (child_t){0};
}

/* One sample: start the child, wait for its first RPC and exit, tear it down. */
static gn_err_t spawn_once(uint64_t *total_ns, uint64_t *start_ns)
{
	gn_pd_start_args_t const start = {"bench-spawn-child"};
	gn_rpc_void_t res;

	child = (child_t){0};
	uint64_t const t0 = gn_time_now_ns();
	gn_err_t err =
		gn_ep_manage(env->ep, &child, &bench_parent_iface, &parent_ops, &child.parent_obj);
	if (err == GN_OK)
		err = open_env(&child);
	gn_cap_t const start_caps[3] = {child.parent_obj, child.env_caps[1], child.env_caps[2]};
	uint64_t const t1 = gn_time_now_ns();
	if (err == GN_OK)
		err = gn_pd_session_start(child.env_caps[0], &start, &res, start_caps, NULL);
	while (err == GN_OK && !child.exited) {
		if (gn_time_now_ns() - t1 > CHILD_TIMEOUT_NS)
			err = GN_ERR_TIMEOUT;
		else
			(void)gn_ep_dispatch(env->ep, 100);
	}
	if (err == GN_OK && child.exit_value != 0)
		err = GN_ERR_DENIED;
	*total_ns = child.first_rpc_ns - t0;
	*start_ns = child.first_rpc_ns - t1;
	destroy(&child);
	return err;
}

void gn_component_construct(gn_env_t *e)
{
	static uint64_t total[BENCH_SPAWNS], start[BENCH_SPAWNS];
	gn_err_t err = GN_OK;

	env = e;
	for (unsigned i = 0; i < 3 && err == GN_OK; i++) /* warm-up */
		err = spawn_once(&total[0], &start[0]);
	for (unsigned i = 0; i < BENCH_SPAWNS && err == GN_OK; i++)
		err = spawn_once(&total[i], &start[i]);
	if (err != GN_OK) {
		gn_error("spawn failed: %s", gn_err_name(err));
		gn_exit(env, 1);
	}
	bench_report("spawn", total, BENCH_SPAWNS, 1);
	bench_report("spawn_start", start, BENCH_SPAWNS, 1);
	gn_log("bench: done");
	gn_exit(env, 0);
}
