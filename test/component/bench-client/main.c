/*
 * The client of the RPC benchmark: opens a Bench session (routed by init to bench-server) and logs
 * round-trip times (format in bench.h):
 *
 *   rpc_caps0..rpc_caps4   an 8-byte argument and result, with 0..4 capabilities in the request
 *   rpc_empty              no argument or result (gn_rpc_void_t, one byte)
 *   rpc_p64 .. rpc_p4096   64, 256, 1024 and 4096 bytes each way
 *   rpc_empty_call         single empty round trips, timed each (the latency distribution, with
 *                          its percentiles as bench-q lines)
 *   session_cycle          open and close a BenchSession (routed by init, quota donated and
 *                          returned), in the run pinned to one CPU only
 *
 * The calls are made by a thread on the first CPU of the affinity space; the server answers on the
 * last, so a run pinned to one CPU gives same-core figures and a run on two CPUs cross-core ones.
 * The capabilities sent are the client's own RPC objects, so each one is a socket, as the
 * descriptors of the Linux baseline are. Every answer is checked, so a failing call cannot pass as
 * a fast one.
 */
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/thread.h>

#include "bench.h"

typedef enum {
	CAPS0,
	CAPS1,
	CAPS2,
	CAPS3,
	CAPS4,
	EMPTY,
	P64,
	P256,
	P1024,
	P4096,
	KINDS
} kind_t;

static char const *const names[KINDS] = {"rpc_caps0", "rpc_caps1", "rpc_caps2", "rpc_caps3",
	"rpc_caps4", "rpc_empty", "rpc_p64", "rpc_p256", "rpc_p1024", "rpc_p4096"};

GN_RPC_SERVER(bench_token, BENCH_TOKEN_RPCS)

static gn_err_t nop(void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	(void)obj;
	(void)req;
	(void)args;
	(void)res;
	return GN_OK;
}

static bench_token_ops_t const token_ops = {nop};
static int tokens[BENCH_MAX_CAPS];

typedef struct {
	gn_cap_t session;
	gn_cap_t caps[BENCH_MAX_CAPS];
	gn_err_t err;
	uint64_t value;
} work_t;

/* A payload call: the server echoes the bytes with the first one incremented. */
#define PAYLOAD_CALL(N)                                                                  \
	static gn_err_t call_p##N(gn_cap_t session, uint8_t seq)                         \
	{                                                                                \
		static bench_p##N##_t args, res;                                         \
		args.bytes[0] = seq;                                                     \
		args.bytes[N - 1] = seq;                                                 \
		gn_err_t err = bench_session_p##N(session, &args, &res, NULL, NULL);     \
		if (err == GN_OK &&                                                      \
			(res.bytes[0] != (uint8_t)(seq + 1) || res.bytes[N - 1] != seq)) \
			err = GN_ERR_BAD_MSG;                                            \
		return err;                                                              \
	}
PAYLOAD_CALL(64)
PAYLOAD_CALL(256)
PAYLOAD_CALL(1024)
PAYLOAD_CALL(4096)

static gn_err_t call(work_t *w, kind_t k)
{
	bench_value_t const args = {w->value};
	bench_value_t res = {0};
	gn_rpc_void_t v = {0};
	gn_err_t err;

	switch (k) {
	case CAPS0: err = bench_session_ping(w->session, &args, &res, NULL, NULL); break;
	case CAPS1: err = bench_session_caps1(w->session, &args, &res, w->caps, NULL); break;
	case CAPS2: err = bench_session_caps2(w->session, &args, &res, w->caps, NULL); break;
	case CAPS3: err = bench_session_caps3(w->session, &args, &res, w->caps, NULL); break;
	case CAPS4: err = bench_session_caps4(w->session, &args, &res, w->caps, NULL); break;
	case EMPTY: return bench_session_empty(w->session, &v, &v, NULL, NULL);
	case P64: return call_p64(w->session, (uint8_t)w->value++);
	case P256: return call_p256(w->session, (uint8_t)w->value++);
	case P1024: return call_p1024(w->session, (uint8_t)w->value++);
	default: return call_p4096(w->session, (uint8_t)w->value++);
	}
	if (err == GN_OK && res.value != args.value + 1)
		err = GN_ERR_BAD_MSG;
	w->value = res.value;
	return err;
}

/* One batched figure: a warm-up batch, then BENCH_BATCHES timed batches of BENCH_ITERS calls. */
static gn_err_t measure(work_t *w, kind_t k)
{
	static uint64_t samples[BENCH_BATCHES];

	for (unsigned i = 0; i < BENCH_ITERS; i++) {
		gn_err_t err = call(w, k);
		if (err != GN_OK)
			return err;
	}
	for (unsigned b = 0; b < BENCH_BATCHES; b++) {
		uint64_t const t0 = gn_time_now_ns();
		for (unsigned i = 0; i < BENCH_ITERS; i++) {
			gn_err_t err = call(w, k);
			if (err != GN_OK)
				return err;
		}
		samples[b] = (gn_time_now_ns() - t0) / BENCH_ITERS;
	}
	bench_report(names[k], samples, BENCH_BATCHES, BENCH_ITERS);
	return GN_OK;
}

/* The latency distribution: BENCH_CALL_SAMPLES empty round trips, each timed alone. */
static gn_err_t measure_calls(work_t *w)
{
	static uint64_t samples[BENCH_CALL_SAMPLES];
	bench_clock_t const clock = bench_clock_start();

	for (unsigned i = 0; i < BENCH_CALL_SAMPLES; i++) {
		uint64_t const t0 = bench_tsc();
		gn_err_t const err = call(w, EMPTY);
		samples[i] = bench_tsc() - t0;
		if (err != GN_OK)
			return err;
	}
	bench_clock_to_ns(&clock, samples, BENCH_CALL_SAMPLES);
	bench_report("rpc_empty_call", samples, BENCH_CALL_SAMPLES, 1);
	bench_quantiles("rpc_empty_call", samples, BENCH_CALL_SAMPLES);
	return GN_OK;
}

static void work(void *arg)
{
	work_t *w = arg;

	for (unsigned k = 0; k < KINDS && w->err == GN_OK; k++)
		w->err = measure(w, (kind_t)k);
	if (w->err == GN_OK)
		w->err = measure_calls(w);
}

/* BENCH_SESSIONS times: open a BenchSession (donating quota) and close it (getting it back). */
static gn_err_t measure_sessions(gn_env_t *env)
{
	static uint64_t samples[BENCH_SESSIONS];
	char const *const args = "ram_quota=8K, cap_quota=4, label=\"rate\"";

	for (unsigned i = 0; i < BENCH_SESSIONS + 3; i++) { /* three warm-up cycles */
		gn_cap_t cap;
		uint32_t id;
		uint64_t const t0 = gn_time_now_ns();
		gn_err_t const err = gn_session(env, "BenchSession", args, &cap, &id);
		if (err != GN_OK)
			return err;
		gn_session_close(env, id, cap);
		if (i >= 3)
			samples[i - 3] = gn_time_now_ns() - t0;
	}
	bench_report("session_cycle", samples, BENCH_SESSIONS, 1);
	return GN_OK;
}

void gn_component_construct(gn_env_t *env)
{
	static work_t w;
	static gn_thread_t thread;
	uint32_t id, cpus = 1;
	unsigned made = 0;
	gn_err_t err =
		gn_session(env, "Bench", "ram_quota=8K, cap_quota=4, label=\"\"", &w.session, &id);

	while (made < BENCH_MAX_CAPS && err == GN_OK) {
		err = gn_ep_manage(
			env->ep, &tokens[made], &bench_token_iface, &token_ops, &w.caps[made]);
		made += err == GN_OK;
	}
	if (err == GN_OK)
		err = gn_thread_affinity_space(env, &cpus);
	if (err == GN_OK)
		err = gn_thread_create_on(env, "bench-calls", 0, 0, work, &w, &thread);
	if (err == GN_OK)
		err = gn_thread_join(&thread);
	if (err == GN_OK)
		err = w.err;
	if (err == GN_OK && cpus == 1)
		err = measure_sessions(env);
	if (err != GN_OK) {
		gn_error("benchmark failed: %s", gn_err_name(err));
		gn_exit(env, 1);
	}
	for (unsigned i = 0; i < made; i++) {
		gn_ep_dissolve(env->ep, w.caps[i]);
		gn_cap_drop(w.caps[i]);
	}
	gn_session_close(env, id, w.session);
	gn_log("bench: done on %u CPU%s", cpus, cpus == 1 ? "" : "s");
	gn_exit(env, 0);
}
