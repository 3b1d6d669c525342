/*
 * The thread_join scenario's component: threads created through the CPU session on stacks from the
 * PD's RAM, working together, serving RPC on their own entrypoint, joined with an exact refund.
 *
 * The component checks its PD's quota before, while and after threads live: while they run, each
 * costs exactly two capabilities and its attached dataspace's size (which the kernel reports, not
 * the ledger under test); after joining, RAM and caps are as before to the byte. Every mismatch is
 * logged as `Error: ...` and makes the exit value 1.
 */
#include <gneiss/entrypoint.h>
#include <gneiss/env.h>
#include <gneiss/lock.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/thread.h>

enum {
	WORKERS = 4,
	ROUNDS = 10000,
	LOOPS = 100,
	ADDS = 10,
};

/* A small interface served by a thread's own entrypoint. */
typedef struct {
	uint32_t value;
} adder_args_t;

typedef struct {
	uint32_t sum;
} adder_res_t;

#define ADDER_RPCS(X, P)                              \
	X(P, add, 1, adder_args_t, adder_res_t, 0, 0) \
	X(P, stop, 2, gn_rpc_void_t, gn_rpc_void_t, 0, 0)

GN_RPC_CLIENT(adder, ADDER_RPCS)
GN_RPC_SERVER(adder, ADDER_RPCS)

typedef struct {
	gn_thread_t thread;
	unsigned index;
	uint32_t counted;
	bool knows_itself;
	bool self_join_refused;
} worker_t;

typedef struct {
	gn_thread_t thread;
	gn_blockade_t ready;
	gn_cap_t cap; /* the adder object, valid once ready */
	gn_err_t err;
	uint32_t sum;
	bool stop;
} server_t;

static gn_env_t *env;
static unsigned failures;
static gn_mutex_t counter_lock = GN_MUTEX_INIT;
static uint32_t counter;

#define CHECK(cond, ...)                       \
	do {                                   \
		if (!(cond)) {                 \
			gn_error(__VA_ARGS__); \
			failures++;            \
		}                              \
	} while (0)

static gn_pd_quota_res_t quota(void)
{
	gn_rpc_void_t const v = {0};
	gn_pd_quota_res_t q = {0};
	gn_err_t err = gn_pd_session_quota(env->pd, &v, &q, NULL, NULL);

	CHECK(err == GN_OK, "quota RPC: %s", gn_err_name(err));
	return q;
}

static bool same_usage(gn_pd_quota_res_t a, gn_pd_quota_res_t b)
{
	return a.ram_used == b.ram_used && a.cap_used == b.cap_used;
}

/* ---- workers: a shared counter under one mutex ---- */

static void work(void *arg)
{
	worker_t *w = arg;

	w->knows_itself = gn_thread_myself() == &w->thread;
	w->self_join_refused = gn_thread_join(&w->thread) == GN_ERR_INVALID_ARG;
	if (w->index == 0)
		gn_log("worker 0 logs through its own channel");
	for (unsigned i = 0; i < ROUNDS; i++) {
		gn_mutex_lock(&counter_lock);
		/* a plain read-modify-write: only the mutex makes the sum exact */
		counter = counter + 1;
		gn_mutex_unlock(&counter_lock);
		w->counted++;
	}
}

/* ---- a thread serving RPC on its own entrypoint ---- */

static gn_err_t add(void *obj, gn_rpc_request_t *req, adder_args_t const *args, adder_res_t *res)
{
	server_t *s = obj;

	(void)req;
	s->sum += args->value;
	res->sum = s->sum;
	return GN_OK;
}

static gn_err_t stop(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	server_t *s = obj;

	(void)req;
	(void)args;
	(void)res;
	s->stop = true;
	return GN_OK;
}

static adder_ops_t const adder_ops = {add, stop};

static void serve(void *arg)
{
	server_t *s = arg;
	gn_ep_t *ep;

	s->err = gn_ep_create(&ep);
	if (s->err == GN_OK)
		s->err = gn_ep_manage(ep, s, &adder_iface, &adder_ops, &s->cap);
	gn_blockade_wakeup(&s->ready);
	if (s->err != GN_OK)
		return;
	while (!s->stop)
		(void)gn_ep_dispatch(ep, -1);
	gn_ep_dissolve(ep, s->cap);
	gn_cap_drop(s->cap);
	gn_ep_destroy(ep);
}

static void call_server(server_t *s)
{
	adder_res_t res = {0};
	gn_rpc_void_t v = {0};
	gn_err_t err = GN_OK;

	gn_blockade_block(&s->ready);
	CHECK(s->err == GN_OK, "server thread: %s", gn_err_name(s->err));
	if (s->err != GN_OK)
		return;
	for (uint32_t i = 1; i <= ADDS && err == GN_OK; i++) {
		adder_args_t const args = {i};
		err = adder_add(s->cap, &args, &res, NULL, NULL);
	}
	if (err == GN_OK)
		err = adder_stop(s->cap, &v, &v, NULL, NULL);
	CHECK(err == GN_OK && res.sum == ADDS * (ADDS + 1) / 2, "adder: %s, sum %u",
		gn_err_name(err), res.sum);
	if (err == GN_OK)
		gn_log("server thread answered %d RPCs on its own entrypoint, sum %u", ADDS + 1,
			res.sum);
}

/* ---- the scenario ---- */

static void run_together(uint32_t cpus)
{
	static worker_t workers[WORKERS];
	static server_t server = {.ready = GN_BLOCKADE_INIT};
	gn_pd_quota_res_t const before = quota();
	unsigned const caps_before = gn_cap_count();
	uint64_t area = 0;

	for (unsigned i = 0; i < WORKERS; i++) {
		workers[i] = (worker_t){.index = i};
		gn_err_t err = gn_thread_create_on(
			env, "worker", 0, i % cpus, work, &workers[i], &workers[i].thread);
		CHECK(err == GN_OK, "creating worker %u: %s", i, gn_err_name(err));
		area += workers[i].thread.size;
	}
	gn_err_t err = gn_thread_create(env, "server", 0, serve, &server, &server.thread);
	CHECK(err == GN_OK, "creating the server thread: %s", gn_err_name(err));
	area += server.thread.size;

	gn_pd_quota_res_t const during = quota();
	CHECK(during.cap_used == before.cap_used + 2 * (WORKERS + 1) &&
			during.ram_used == before.ram_used + area,
		"while running: caps +%u, RAM +%u, expected +%u and +%u",
		(unsigned)(during.cap_used - before.cap_used),
		(unsigned)(during.ram_used - before.ram_used), 2 * (WORKERS + 1), (unsigned)area);
	gn_log("%u threads running: %u caps and %u bytes of stack dataspaces charged", WORKERS + 1,
		(unsigned)(during.cap_used - before.cap_used),
		(unsigned)(during.ram_used - before.ram_used));

	call_server(&server);
	for (unsigned i = 0; i < WORKERS; i++) {
		err = gn_thread_join(&workers[i].thread);
		CHECK(err == GN_OK, "joining worker %u: %s", i, gn_err_name(err));
		CHECK(workers[i].counted == ROUNDS && workers[i].knows_itself &&
				workers[i].self_join_refused,
			"worker %u: counted %u, knows itself %d, self-join refused %d", i,
			workers[i].counted, workers[i].knows_itself, workers[i].self_join_refused);
	}
	err = gn_thread_join(&server.thread);
	CHECK(err == GN_OK, "joining the server thread: %s", gn_err_name(err));
	CHECK(counter == WORKERS * ROUNDS, "counter %u, expected %u", counter, WORKERS * ROUNDS);
	gn_log("%u workers counted %u under one mutex", WORKERS, counter);
	CHECK(gn_thread_join(&workers[0].thread) == GN_ERR_INVALID_ARG, "joined a thread twice");

	gn_pd_quota_res_t const after = quota();
	CHECK(same_usage(after, before) && gn_cap_count() == caps_before,
		"after join: RAM %u caps %u local caps %u, before %u %u %u",
		(unsigned)after.ram_used, (unsigned)after.cap_used, gn_cap_count(),
		(unsigned)before.ram_used, (unsigned)before.cap_used, caps_before);
	if (same_usage(after, before))
		gn_log("after join: RAM and caps exactly as before");
}

static void nothing(void *arg)
{
	(void)arg;
}

static void refusals(uint32_t cpus)
{
	gn_pd_quota_res_t const before = quota();
	gn_thread_t t;

	gn_err_t const bad_cpu = gn_thread_create_on(env, "bad", 0, cpus, nothing, NULL, &t);
	gn_err_t const too_big =
		gn_thread_create(env, "big", GN_THREAD_STACK_MAX + 1, nothing, NULL, &t);
	gn_err_t const too_poor = gn_thread_create(env, "poor", 4 * GN_MIB, nothing, NULL, &t);
	gn_pd_quota_res_t const after = quota();

	CHECK(bad_cpu == GN_ERR_INVALID_ARG && too_big == GN_ERR_INVALID_ARG &&
			too_poor == GN_ERR_OUT_OF_RAM,
		"refusals: cpu %s, stack %s, quota %s", gn_err_name(bad_cpu), gn_err_name(too_big),
		gn_err_name(too_poor));
	CHECK(same_usage(after, before), "a refused thread left a charge");
	if (same_usage(after, before))
		gn_log("refused: CPU outside the affinity space (%s), stack beyond the quota (%s), "
		       "nothing charged",
			gn_err_name(bad_cpu), gn_err_name(too_poor));
}

/*
 * Each round's thread calls core (its own channel to the PD object): were the channels of ended
 * threads not closed, core's limit of channels per object would refuse the later rounds.
 */
static void count_once(void *arg)
{
	uint32_t *n = arg;
	gn_rpc_void_t const v = {0};
	gn_pd_quota_res_t q;

	if (gn_pd_session_quota(env->pd, &v, &q, NULL, NULL) != GN_OK)
		return;
	gn_mutex_lock(&counter_lock);
	(*n)++;
	gn_mutex_unlock(&counter_lock);
}

static void loop(uint32_t cpus)
{
	gn_pd_quota_res_t const before = quota();
	unsigned const caps_before = gn_cap_count();
	uint32_t n = 0;
	unsigned ok = 0;

	for (unsigned i = 0; i < LOOPS; i++) {
		gn_thread_t t;
		gn_err_t err = gn_thread_create_on(env, "loop", 0, i % cpus, count_once, &n, &t);
		if (err == GN_OK)
			err = gn_thread_join(&t);
		CHECK(err == GN_OK, "loop %u: %s", i, gn_err_name(err));
		ok += err == GN_OK;
	}
	gn_pd_quota_res_t const after = quota();
	CHECK(n == LOOPS && ok == LOOPS, "loop: %u of %u threads ran", n, LOOPS);
	CHECK(same_usage(after, before) && gn_cap_count() == caps_before,
		"loop leaked: RAM %u caps %u local caps %u, before %u %u %u",
		(unsigned)after.ram_used, (unsigned)after.cap_used, gn_cap_count(),
		(unsigned)before.ram_used, (unsigned)before.cap_used, caps_before);
	if (n == LOOPS && same_usage(after, before) && gn_cap_count() == caps_before)
		gn_log("%u threads created and joined one after another, nothing leaked", n);
}

void gn_component_construct(gn_env_t *e)
{
	uint32_t cpus = 1;

	env = e;
	gn_err_t err = gn_thread_affinity_space(env, &cpus);
	CHECK(err == GN_OK && cpus > 0, "affinity space: %s", gn_err_name(err));
	if (err != GN_OK || cpus == 0)
		cpus = 1;
	gn_log("affinity space of %u CPUs", cpus);

	run_together(cpus);
	refusals(cpus);
	loop(cpus);
	gn_log("test-thread done, %u failures", failures);
	gn_exit(env, failures ? 1 : 0);
}
