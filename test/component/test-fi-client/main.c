/*
 * The fault_injection scenario's client: keeps calling the faulty "Fi" server until it got
 * <config calls=".."/> right answers, then reports its figures to the tally and exits.
 *   <config client="1" calls="300" churn="25"/>
 * A call that fails is a client-visible error: the server died under it (REVOKED), and the client
 * closes the session and opens a new one (gn_session_close, gn_session), under a new label, so that
 * a fault planned for a session request is not met again. A request refused (DENIED) because the
 * server died with it pending is retried after a short sleep. A wrong answer or any other error is
 * a collateral failure, which the tally counts and the scenario rejects. With churn="N" the client
 * also closes its session after every N calls and opens a new one, so that closes and opens meet
 * the server's faults as well.
 *
 * Each session the server died under, and each request it died with, costs the client its
 * donation: init does not refund donations to a dead server (DESIGN.md §3, as in Genode). The
 * client's final line says how much that was, from its PD's quota before and after.
 */
#include <gneiss/env.h>
#include <gneiss/fmt.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/timer_session.h>

#include "test_check.h"
#include "test_fi.h"

gn_env_t *test_env;

enum {
	RETRY_MS = 10
};

typedef struct {
	gn_timer_t timer;
	test_tally_done_args_t fig;
	gn_cap_t session;
	uint32_t session_id;
	uint32_t opens; /* session requests so far: the label's number */
} client_t;

/* Opens the Fi session, retrying while the server restarts; the label counts the opens. */
static void open_session(client_t *c)
{
	char args[GN_SESSION_ARGS_MAX];

	for (;;) {
		uint32_t const open = c->opens++;
		TEST_OK(gn_fmt(args, sizeof(args), NULL,
			"ram_quota=4K, cap_quota=2, label=\"c%u open %u\"", c->fig.client, open));
		gn_err_t const err = gn_session(test_env, "Fi", args, &c->session, &c->session_id);
		if (err == GN_OK)
			return;
		if (err != GN_ERR_DENIED) {
			gn_error("session request refused: %s", gn_err_name(err));
			gn_exit(test_env, 1);
		}
		c->fig.refused++;
		gn_log("session request \"c%u open %u\" refused: %s, retrying", c->fig.client, open,
			gn_err_name(err));
		TEST_OK(gn_timer_sleep_ms(&c->timer, RETRY_MS));
	}
}

static void call(client_t *c)
{
	uint32_t const attempt = c->fig.attempts++;
	test_fi_compute_args_t const args = {
		c->fig.client, attempt, attempt * 7919u, attempt ^ 0x55};
	test_fi_compute_res_t res = {0};

	gn_err_t const err = test_fi_compute(c->session, &args, &res, NULL, NULL);
	if (err == GN_OK) {
		if (res.value == test_fi_answer(args.client, attempt, args.a, args.b))
			c->fig.calls++;
		else {
			c->fig.wrong++;
			gn_error("call %u: wrong answer", attempt);
		}
		return;
	}
	if (err == GN_ERR_REVOKED)
		c->fig.errors++;
	else {
		c->fig.unexpected++;
		gn_error("call %u failed with %s", attempt, gn_err_name(err));
	}
	gn_session_close(test_env, c->session_id, c->session);
	c->fig.reopens++;
	open_session(c);
}

static gn_pd_quota_res_t quota(void)
{
	gn_rpc_void_t none = {0};
	gn_pd_quota_res_t q;

	TEST_OK(gn_pd_session_quota(test_env->pd, &none, &q, NULL, NULL));
	return q;
}

void gn_component_construct(gn_env_t *env)
{
	static client_t c;
	gn_rpc_void_t none = {0};
	gn_cap_t tally;
	uint32_t id;

	test_env = env;
	gn_xml_node_t const config = test_fi_config(env);
	uint64_t const calls = test_fi_attr(&config, "calls", 100);
	uint64_t const churn = test_fi_attr(&config, "churn", 0);
	c.fig.client = (uint32_t)test_fi_attr(&config, "client", 0);
	TEST_OK(gn_timer_open(env, "retry", &c.timer));
	TEST_OK(gn_session(
		env, "Tally", "ram_quota=4K, cap_quota=2, label=\"client\"", &tally, &id));
	gn_pd_quota_res_t const before = quota();
	open_session(&c);
	while (c.fig.calls < calls && !c.fig.wrong && !c.fig.unexpected) {
		call(&c);
		if (churn && c.fig.attempts % churn == 0) {
			gn_session_close(env, c.session_id, c.session);
			c.fig.churns++;
			open_session(&c);
		}
	}
	gn_session_close(env, c.session_id, c.session);
	gn_pd_quota_res_t const after = quota();
	gn_log("client %u: donations lost to the dead server: %llu bytes, %llu caps", c.fig.client,
		(unsigned long long)(before.ram_quota - after.ram_quota),
		(unsigned long long)(before.cap_quota - after.cap_quota));
	gn_log("client %u: %u right answers in %u calls, %u client-visible errors, %u reopens, "
	       "%u churn reopens, %u refused requests, %u wrong answers, %u unexpected errors",
		c.fig.client, c.fig.calls, c.fig.attempts, c.fig.errors, c.fig.reopens,
		c.fig.churns, c.fig.refused, c.fig.wrong, c.fig.unexpected);
	TEST_OK(test_tally_client_done(tally, &c.fig, &none, NULL, NULL));
	gn_exit(env, 0);
}
