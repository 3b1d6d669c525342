/*
 * The timer scenario's client: sleeping with a one-shot timeout, counting periodic ticks (a
 * delivery may carry several), the order of several sessions' timeouts, stopping a periodic
 * timeout and closing a session with one running, a donation raised by the library, and the
 * server's refusals of bad requests and of sessions beyond its bound.
 *
 * Times are checked only from below (a timeout is never early) and against generous upper bounds:
 * the host may be a loaded machine.
 */
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gneiss/pd_session.h>
#include <gneiss/time.h>
#include <gneiss/timer_session.h>

#include "test_check.h"

gn_env_t *test_env;

enum {
	SLOW_US = 10 * 1000 * 1000, /* no step of this test may take longer */
	TICK_US = 20 * 1000,
	TICKS = 10,
	QUIET_MS = 100,
	BLIND_MS = 50,
	ORDERED = 3,
	ORDER_GAP_US = 60 * 1000,
	SESSIONS_TRIED = 64,
};

typedef struct {
	uint64_t total;      /* signals counted */
	uint64_t deliveries; /* handler calls */
	unsigned rank;       /* when it first fired among the counters of a round, 0: not yet */
} counter_t;

static unsigned fired_so_far;

static void on_timeout(void *ctx, uint64_t count)
{
	counter_t *c = ctx;

	c->total += count;
	c->deliveries++;
	if (!c->rank)
		c->rank = ++fired_so_far;
}

/* A signal context whose signals on_timeout counts in c. */
static gn_cap_t counted_signal(counter_t *c)
{
	gn_rpc_void_t none = {0};
	gn_cap_t sig;

	TEST_OK(gn_pd_session_alloc_signal(test_env->pd, &none, &none, NULL, &sig));
	TEST_OK(gn_ep_sigh(test_env->ep, sig, on_timeout, c));
	return sig;
}

static void free_signal(gn_cap_t sig)
{
	gn_rpc_void_t none = {0};

	gn_ep_sigh_dissolve(test_env->ep, sig);
	TEST_OK(gn_pd_session_free_signal(test_env->pd, &none, &none, &sig, NULL));
	gn_cap_drop(sig);
}

/* Dispatches until c counted at least want signals, for at most SLOW_US. */
static void await(counter_t const *c, uint64_t want)
{
	uint64_t const start = gn_time_now_us();

	while (c->total < want) {
		TEST_CHECK(gn_time_now_us() - start < SLOW_US);
		gn_ignore(gn_ep_dispatch(test_env->ep, 1000));
	}
}

/* Dispatches what is pending without waiting. */
static void drain(void)
{
	while (gn_ep_dispatch(test_env->ep, 0) == GN_OK)
		;
}

static gn_pd_quota_res_t quota(void)
{
	gn_pd_quota_res_t q;
	gn_rpc_void_t none = {0};

	TEST_OK(gn_pd_session_quota(test_env->pd, &none, &q, NULL, NULL));
	return q;
}

static void sigh(gn_timer_t *t, gn_cap_t sig)
{
	gn_rpc_void_t none = {0};

	TEST_OK(gn_timer_session_sigh(t->session.cap, &none, &none, &sig, NULL));
}

static gn_err_t periodic(gn_timer_t *t, uint64_t us)
{
	gn_rpc_void_t none = {0};

	return gn_timer_session_trigger_periodic(
		t->session.cap, &(gn_timer_us_args_t){us}, &none, NULL, NULL);
}

static gn_err_t once(gn_timer_t *t, uint64_t us)
{
	gn_rpc_void_t none = {0};

	return gn_timer_session_trigger_once(
		t->session.cap, &(gn_timer_us_args_t){us}, &none, NULL, NULL);
}

/* (a) 100 ms of sleep with trigger_once, seen on the session's clock and on our own. */
static void sleep(gn_timer_t *sleeper)
{
	gn_rpc_void_t none = {0};
	gn_timer_elapsed_res_t ms;
	uint64_t before, after;

	TEST_OK(gn_timer_elapsed_us(sleeper, &before));
	uint64_t const start = gn_time_now_us();
	TEST_OK(gn_timer_sleep_ms(sleeper, 100));
	uint64_t const slept = gn_time_now_us() - start;
	TEST_OK(gn_timer_elapsed_us(sleeper, &after));
	TEST_OK(gn_timer_session_elapsed_ms(sleeper->session.cap, &none, &ms, NULL, NULL));
	TEST_CHECK(after >= before + 100 * 1000 && slept >= 100 * 1000 && slept < SLOW_US);
	TEST_CHECK(ms.value >= after / 1000);
	gn_log("once: slept 100 ms with trigger_once, %llu us passed, the session's clock agrees",
		(unsigned long long)slept);
}

/* Our own sleep during which every signal is dispatched: no signal of c may come. */
static void expect_quiet(gn_timer_t *sleeper, counter_t const *c)
{
	drain();
	uint64_t const before = c->total;
	TEST_OK(gn_timer_sleep_ms(sleeper, QUIET_MS));
	drain();
	TEST_CHECK(c->total == before);
}

/* (b) ten 20-ms ticks counted, (d) stopped by trigger_periodic(0), and by closing the session. */
static void ticks(gn_timer_t *sleeper)
{
	static counter_t ticks;
	gn_timer_t t;

	TEST_OK(gn_timer_open(test_env, "periodic", &t));
	gn_cap_t const sig = counted_signal(&ticks);
	sigh(&t, sig);
	uint64_t const start = gn_time_now_us();
	TEST_OK(periodic(&t, TICK_US));
	await(&ticks, TICKS);
	uint64_t const took = gn_time_now_us() - start;
	TEST_CHECK(took >= ticks.total * TICK_US);
	gn_log("periodic: %llu ticks of 20 ms counted in %llu deliveries, at least %llu ms apart",
		(unsigned long long)ticks.total, (unsigned long long)ticks.deliveries,
		(unsigned long long)(ticks.total * TICK_US / 1000));

	TEST_OK(periodic(&t, 0));
	expect_quiet(sleeper, &ticks);
	gn_log("stop: no tick in %u ms after trigger_periodic(0)", (unsigned)QUIET_MS);

	TEST_OK(periodic(&t, TICK_US));
	await(&ticks, ticks.total + 1);
	gn_timer_close(&t);
	expect_quiet(sleeper, &ticks);
	gn_log("close: no tick in %u ms after closing a session whose timeout was periodic",
		(unsigned)QUIET_MS);
	free_signal(sig);
}

/*
 * (b) Signals coalesce: with a period of 1 ms and nothing dispatched for 50 ms, deliveries carry
 * several ticks each, and counting the counts still counts every period.
 */
static void coalesce(void)
{
	static counter_t burst;
	gn_rpc_void_t none = {0};
	gn_timer_t t;
	gn_cap_t idle;

	TEST_OK(gn_timer_open(test_env, "burst", &t));
	gn_cap_t const sig = counted_signal(&burst);
	sigh(&t, sig);
	TEST_OK(gn_pd_session_alloc_signal(test_env->pd, &none, &none, NULL, &idle));
	TEST_OK(periodic(&t, GN_TIMER_PERIOD_MIN_US));
	/* blocks for 50 ms without dispatching: nobody submits idle */
	TEST_EXPECT(gn_ep_wait_signal(NULL, idle, BLIND_MS), GN_ERR_TIMEOUT);
	await(&burst, BLIND_MS);
	TEST_OK(periodic(&t, 0));
	drain();
	TEST_CHECK(burst.deliveries < burst.total);
	gn_log("coalesced: %llu ticks of 1 ms counted in %llu deliveries after %u ms without "
	       "dispatching",
		(unsigned long long)burst.total, (unsigned long long)burst.deliveries,
		(unsigned)BLIND_MS);
	gn_timer_close(&t);
	free_signal(sig);
	TEST_OK(gn_pd_session_free_signal(test_env->pd, &none, &none, &idle, NULL));
	gn_cap_drop(idle);
}

/*
 * (c) Three sessions' one-shot timeouts, triggered longest first, fire shortest first. When
 * triggering itself took longer than the gaps between them (a stalled host), the round proves
 * nothing and is repeated.
 */
static void order(void)
{
	static char const *const names[ORDERED] = {"late", "early", "middle"};
	static uint64_t const after_us[ORDERED] = {
		3 * ORDER_GAP_US, ORDER_GAP_US, 2 * ORDER_GAP_US};
	static unsigned const rank[ORDERED] = {3, 1, 2};
	static counter_t counters[ORDERED];
	gn_timer_t t[ORDERED];
	gn_cap_t sig[ORDERED];

	for (unsigned i = 0; i < ORDERED; i++) {
		TEST_OK(gn_timer_open(test_env, names[i], &t[i]));
		sig[i] = counted_signal(&counters[i]);
		sigh(&t[i], sig[i]);
	}
	for (unsigned round = 1;; round++) {
		for (unsigned i = 0; i < ORDERED; i++)
			counters[i] = (counter_t){0};
		fired_so_far = 0;
		uint64_t const start = gn_time_now_us();
		for (unsigned i = 0; i < ORDERED; i++)
			TEST_OK(once(&t[i], after_us[i]));
		uint64_t const triggering = gn_time_now_us() - start;
		for (unsigned i = 0; i < ORDERED; i++)
			await(&counters[i], 1);
		drain();
		for (unsigned i = 0; i < ORDERED; i++)
			TEST_CHECK(counters[i].total == 1);
		if (triggering < ORDER_GAP_US) {
			for (unsigned i = 0; i < ORDERED; i++)
				TEST_CHECK(counters[i].rank == rank[i]);
			break;
		}
		TEST_CHECK(round < 5);
	}
	gn_log("order: one-shot timeouts of 180, 60 and 120 ms in three sessions fired as 60, 120, "
	       "180 ms, each once");
	for (unsigned i = 0; i < ORDERED; i++) {
		gn_timer_close(&t[i]);
		free_signal(sig[i]);
	}
}

/* (e) A session asked for without any donation: the library raises it until the server accepts. */
static void donation(void)
{
	gn_rpc_void_t none = {0};
	gn_timer_t t = {test_env, {GN_CAP_INVALID}, 0, GN_CAP_INVALID};
	gn_cap_t sig;

	gn_pd_quota_res_t const before = quota();
	TEST_OK(gn_session(test_env, "Timer", "ram_quota=0, cap_quota=0, label=\"zero\"",
		&t.session.cap, &t.id));
	gn_pd_quota_res_t const open = quota();
	TEST_CHECK(before.ram_quota - open.ram_quota == GN_TIMER_SESSION_RAM);
	TEST_CHECK(before.cap_quota - open.cap_quota == GN_TIMER_SESSION_CAPS);

	/* it works: a timeout awaited on a signal context no entrypoint dispatches */
	TEST_OK(gn_pd_session_alloc_signal(test_env->pd, &none, &none, NULL, &sig));
	sigh(&t, sig);
	TEST_OK(once(&t, 10 * 1000));
	TEST_OK(gn_ep_wait_signal(test_env->ep, sig, SLOW_US / 1000));
	TEST_OK(gn_pd_session_free_signal(test_env->pd, &none, &none, &sig, NULL));
	gn_cap_drop(sig);
	gn_timer_close(&t);
	gn_pd_quota_res_t const closed = quota();
	TEST_CHECK(closed.ram_quota == before.ram_quota && closed.cap_quota == before.cap_quota);
	gn_log("donation: asked with ram_quota=0, cap_quota=0, the library raised it to %u bytes "
	       "and %u caps, the session worked, and the donation came back at close",
		(unsigned)GN_TIMER_SESSION_RAM, (unsigned)GN_TIMER_SESSION_CAPS);
}

/* Bad requests get their error, and the session goes on working. */
static void refusals(gn_timer_t *sleeper)
{
	gn_rpc_void_t none = {0};

	TEST_EXPECT(gn_timer_session_sigh(
			    sleeper->session.cap, &none, &none, &sleeper->session.cap, NULL),
		GN_ERR_INVALID_CAP);
	TEST_EXPECT(periodic(sleeper, GN_TIMER_PERIOD_MIN_US - 1), GN_ERR_INVALID_ARG);
	TEST_EXPECT(once(sleeper, GN_TIMER_TIMEOUT_MAX_US + 1), GN_ERR_INVALID_ARG);
	TEST_OK(gn_timer_sleep_ms(sleeper, 1));
	gn_log("refusals: a session capability as signal handler, a period of %u us and a timeout "
	       "beyond the maximum were refused",
		(unsigned)(GN_TIMER_PERIOD_MIN_US - 1));
}

/* The server serves a bounded number of sessions; beyond it, DENIED, and closing frees them. */
static void bound(void)
{
	static gn_timer_t t[SESSIONS_TRIED];
	unsigned n = 0;
	gn_err_t err;

	while ((err = gn_timer_open(test_env, "many", &t[n])) == GN_OK)
		TEST_CHECK(++n < SESSIONS_TRIED);
	TEST_CHECK(err == GN_ERR_DENIED && n > 0);
	for (unsigned i = 0; i < n; i++)
		gn_timer_close(&t[i]);
	TEST_OK(gn_timer_open(test_env, "many", &t[0]));
	gn_timer_close(&t[0]);
	gn_log("bound: %u more sessions opened, then DENIED, and one again after closing them", n);
}

void gn_component_construct(gn_env_t *env)
{
	gn_timer_t sleeper;

	test_env = env;
	TEST_OK(gn_timer_open(env, "sleeper", &sleeper));
	sleep(&sleeper);
	ticks(&sleeper);
	coalesce();
	order();
	donation();
	refusals(&sleeper);
	bound();
	gn_timer_close(&sleeper);
	gn_exit(env, 0);
}
