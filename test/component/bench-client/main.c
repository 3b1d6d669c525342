/*
 * The client of the RPC benchmark: opens a Bench session (routed by init to bench-server) and logs
 * the round-trip time of calls carrying 0..4 capabilities (figures rpc_caps0..rpc_caps4, format in
 * bench.h). The capabilities sent are the client's own RPC objects, so each one is a socket, as
 * the descriptors of the Linux baseline are. Every answer is checked, so a failing call cannot pass
 * as a fast one.
 */
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/time.h>

#include "bench.h"

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

static gn_err_t call(gn_cap_t session, unsigned k, gn_cap_t const *caps, uint64_t *value)
{
	bench_value_t const args = {*value};
	bench_value_t res = {0};
	gn_err_t err;

	switch (k) {
	case 0: err = bench_session_ping(session, &args, &res, NULL, NULL); break;
	case 1: err = bench_session_caps1(session, &args, &res, caps, NULL); break;
	case 2: err = bench_session_caps2(session, &args, &res, caps, NULL); break;
	case 3: err = bench_session_caps3(session, &args, &res, caps, NULL); break;
	default: err = bench_session_caps4(session, &args, &res, caps, NULL); break;
	}
	if (err == GN_OK && res.value != args.value + 1)
		err = GN_ERR_BAD_MSG;
	*value = res.value;
	return err;
}

/* One figure: a warm-up batch, then BENCH_BATCHES timed batches of BENCH_ITERS calls. */
static gn_err_t measure(gn_cap_t session, unsigned k, gn_cap_t const *caps)
{
	static uint64_t samples[BENCH_BATCHES];
	uint64_t value = 0;
	char name[16] = "rpc_caps0";

	for (unsigned i = 0; i < BENCH_ITERS; i++) {
		gn_err_t err = call(session, k, caps, &value);
		if (err != GN_OK)
			return err;
	}
	for (unsigned b = 0; b < BENCH_BATCHES; b++) {
		uint64_t const t0 = gn_time_now_ns();
		for (unsigned i = 0; i < BENCH_ITERS; i++) {
			gn_err_t err = call(session, k, caps, &value);
			if (err != GN_OK)
				return err;
		}
		samples[b] = (gn_time_now_ns() - t0) / BENCH_ITERS;
	}
	name[8] = (char)('0' + k);
	bench_report(name, samples, BENCH_BATCHES, BENCH_ITERS);
	return GN_OK;
}

void gn_component_construct(gn_env_t *env)
{
	gn_cap_t session, caps[BENCH_MAX_CAPS];
	uint32_t id;
	unsigned made = 0;
	gn_err_t err =
		gn_session(env, "Bench", "ram_quota=8K, cap_quota=4, label=\"\"", &session, &id);

	if (err != GN_OK) {
		gn_error("no Bench session: %s", gn_err_name(err));
		gn_exit(env, 1);
	}
	while (made < BENCH_MAX_CAPS && err == GN_OK) {
		err = gn_ep_manage(
			env->ep, &tokens[made], &bench_token_iface, &token_ops, &caps[made]);
		made += err == GN_OK;
	}
	for (unsigned k = 0; k <= BENCH_MAX_CAPS && err == GN_OK; k++)
		err = measure(session, k, caps);
	if (err != GN_OK) {
		gn_error("benchmark failed: %s", gn_err_name(err));
		gn_exit(env, 1);
	}
	for (unsigned i = 0; i < made; i++) {
		gn_ep_dissolve(env->ep, caps[i]);
		gn_cap_drop(caps[i]);
	}
	gn_session_close(env, id, session);
	gn_log("bench: done");
	gn_exit(env, 0);
}
