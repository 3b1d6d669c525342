/*
 * The server of the RPC benchmark. It provides two services:
 *
 * - "Bench": sessions whose calls answer at once (interface in bench.h). They are served by a
 *   worker thread on the last CPU of the affinity space, with its own entrypoint: in a run pinned to
 *   one CPU that is the client's CPU (same-core figures), in a run on two CPUs the other one
 *   (cross-core figures; the client's calling thread sits on the first). Session objects must be
 *   managed by the entrypoint that serves them, and the service callbacks run on the main thread,
 *   so the main thread asks the worker to make and end them through a small factory object.
 * - "BenchSession": the same sessions served by the main entrypoint directly, made and ended in the
 *   service callbacks as in any server: what the session open/close figure opens and closes.
 *
 * Capabilities that come with a request are received into the capability table and dropped by the
 * entrypoint, as in any server; the handlers do no more than answer.
 */
#include <gneiss/env.h>
#include <gneiss/lock.h>
#include <gneiss/log.h>
#include <gneiss/service.h>
#include <gneiss/string.h>
#include <gneiss/thread.h>

#include "bench.h"

enum {
	MAX_SESSIONS = 8
};

typedef struct {
	bool used;
	gn_cap_t cap;
} session_t;

typedef struct {
	gn_ep_t *ep;
	session_t sessions[MAX_SESSIONS];
} pool_t;

/* The factory the main thread calls on the worker: create returns a new session capability. */
#define FACTORY_RPCS(X, P)                                  \
	X(P, create, 1, gn_rpc_void_t, gn_rpc_void_t, 0, 1) \
	X(P, destroy, 2, gn_rpc_void_t, gn_rpc_void_t, 1, 0)

GN_RPC_CLIENT(factory, FACTORY_RPCS)
GN_RPC_SERVER(factory, FACTORY_RPCS)
GN_RPC_SERVER(bench_session, BENCH_SESSION_RPCS)

static gn_env_t *env;
static pool_t worker_pool, main_pool;
static gn_thread_t worker;
static gn_blockade_t worker_ready = GN_BLOCKADE_INIT;
static gn_err_t worker_err;
static gn_cap_t factory_cap;
static int factory_obj;

/* ---- the session interface ---------------------------------------------------------------------- */

static gn_err_t answer(
	void *obj, gn_rpc_request_t *req, bench_value_t const *args, bench_value_t *res)
{
	(void)obj;
	(void)req;
	res->value = args->value + 1;
	return GN_OK;
}

static gn_err_t empty(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	(void)obj;
	(void)req;
	(void)args;
	(void)res;
	return GN_OK;
}

/* pN: echoes the payload with its first byte incremented */
#define ECHO(N)                                                                                    \
	static gn_err_t echo##N(                                                                   \
		void *obj, gn_rpc_request_t *req, bench_p##N##_t const *args, bench_p##N##_t *res) \
	{                                                                                          \
		(void)obj;                                                                         \
		(void)req;                                                                         \
		gn_memcpy(res->bytes, args->bytes, sizeof(res->bytes));                            \
		res->bytes[0]++;                                                                   \
		return GN_OK;                                                                      \
	}
ECHO(64)
ECHO(256)
ECHO(1024)
ECHO(4096)

static bench_session_ops_t const session_ops = {
	answer, answer, answer, answer, answer, empty, echo64, echo256, echo1024, echo4096};

/* ---- session pools ------------------------------------------------------------------------------ */

/* A new session object served by pool's entrypoint; *cap gets a reference for the caller. */
static gn_err_t pool_create(pool_t *pool, gn_cap_t *cap)
{
	for (unsigned i = 0; i < MAX_SESSIONS; i++) {
		session_t *s = &pool->sessions[i];
		if (s->used)
			continue;
		gn_err_t err =
			gn_ep_manage(pool->ep, s, &bench_session_iface, &session_ops, &s->cap);
		if (err != GN_OK)
			return err;
		s->used = true;
		*cap = gn_cap_copy(s->cap);
		return GN_OK;
	}
	return GN_ERR_DENIED;
}

static void pool_destroy(pool_t *pool, gn_cap_t cap)
{
	void *session = gn_ep_lookup(pool->ep, cap, &bench_session_iface);

	for (unsigned i = 0; i < MAX_SESSIONS; i++) {
		session_t *s = &pool->sessions[i];
		if (!s->used || session != s)
			continue;
		gn_ep_dissolve(pool->ep, s->cap);
		gn_cap_drop(s->cap);
		s->used = false;
	}
}

/* ---- the worker thread and its factory ---------------------------------------------------------- */

static gn_err_t factory_create_session(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	gn_cap_t cap;

	(void)obj;
	(void)args;
	(void)res;
	gn_err_t const err = pool_create(&worker_pool, &cap);
	if (err != GN_OK)
		return err;
	req->caps_out[0] = cap;
	req->num_caps_out = 1;
	return GN_OK;
}

static gn_err_t factory_destroy_session(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	(void)obj;
	(void)args;
	(void)res;
	pool_destroy(&worker_pool, req->caps_in[0]);
	return GN_OK;
}

static factory_ops_t const factory_ops = {factory_create_session, factory_destroy_session};

static void serve(void *arg)
{
	(void)arg;
	worker_err = gn_ep_create(&worker_pool.ep);
	if (worker_err == GN_OK)
		worker_err = gn_ep_manage(
			worker_pool.ep, &factory_obj, &factory_iface, &factory_ops, &factory_cap);
	gn_blockade_wakeup(&worker_ready);
	if (worker_err == GN_OK)
		gn_ep_run(worker_pool.ep);
}

/* ---- the services ------------------------------------------------------------------------------- */

static gn_err_t create_bench(void *ctx, char const *args, gn_cap_t *cap)
{
	gn_rpc_void_t v = {0};

	(void)ctx;
	(void)args;
	return factory_create(factory_cap, &v, &v, NULL, cap);
}

static void close_bench(void *ctx, gn_cap_t cap)
{
	gn_rpc_void_t v = {0};

	(void)ctx;
	if (factory_destroy(factory_cap, &v, &v, &cap, NULL) != GN_OK)
		gn_error("could not end a Bench session");
}

static gn_err_t create_direct(void *ctx, char const *args, gn_cap_t *cap)
{
	(void)args;
	return pool_create(ctx, cap);
}

static void close_direct(void *ctx, gn_cap_t cap)
{
	pool_destroy(ctx, cap);
}

static gn_service_ops_t const bench_ops = {create_bench, NULL, close_bench};
static gn_service_ops_t const direct_ops = {create_direct, NULL, close_direct};

void gn_component_construct(gn_env_t *e)
{
	uint32_t cpus = 1;
	gn_err_t err;

	env = e;
	main_pool.ep = env->ep;
	err = gn_thread_affinity_space(env, &cpus);
	if (err == GN_OK)
		err = gn_thread_create_on(env, "bench-worker", 0, cpus - 1, serve, NULL, &worker);
	if (err == GN_OK) {
		gn_blockade_block(&worker_ready);
		err = worker_err;
	}
	if (err == GN_OK)
		err = gn_service_announce(env, "Bench", &bench_ops, NULL);
	if (err == GN_OK)
		err = gn_service_announce(env, "BenchSession", &direct_ops, &main_pool);
	if (err != GN_OK) {
		gn_error("could not provide the Bench services: %s", gn_err_name(err));
		gn_exit(env, 1);
	}
	gn_log("announced Bench, worker on CPU %u of %u", cpus - 1, cpus);
}
