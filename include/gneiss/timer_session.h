/*
 * Timer session: timeouts delivered as signals, and the time since the session began (DESIGN.md
 * §2: "timeouts come from the timer service"), as Genode's Timer::Session.
 *
 * Each session has one timeout. `trigger_once(us)` and `trigger_periodic(us)` replace whatever the
 * session had scheduled; when it expires the server submits the signal context given with `sigh`.
 * Signals count: a periodic timeout that was served late (or a receiver that was busy) arrives as
 * one delivery whose count is the number of periods that passed, so a client that adds up the
 * counts it receives counts periods exactly. A timeout without a signal context expires silently.
 *
 *   sigh(sig)               the signal context (1 capability in) that timeouts are delivered to;
 *                           replaces the previous one. INVALID_CAP when sig is no signal context.
 *   trigger_once(us)        one signal us microseconds from now (0: as soon as possible).
 *                           INVALID_ARG above GN_TIMER_TIMEOUT_MAX_US.
 *   trigger_periodic(us)    a signal every us microseconds, the first us from now; 0 stops the
 *                           session's timeout (one-shot or periodic). INVALID_ARG below
 *                           GN_TIMER_PERIOD_MIN_US (which bounds the load one session can cause)
 *                           or above GN_TIMER_TIMEOUT_MAX_US.
 *   elapsed_ms / elapsed_us time since the server created this session, on the monotonic clock
 *                           (as Genode's elapsed_ms: a per-session epoch, so one client's numbers
 *                           reveal nothing about the server's uptime or other sessions).
 *
 * Timeouts are never early; how late they are depends on the host's scheduling. Closing the
 * session stops its timeout: the server submits nothing for it after the close was answered
 * (signals submitted before may still be pending at the client's entrypoint).
 *
 * Price (the session argument string): ram_quota >= GN_TIMER_SESSION_RAM, the page of server RAM
 * that holds the session's state, and cap_quota >= GN_TIMER_SESSION_CAPS, that page's dataspace and
 * the session object. Less is refused with INSUFFICIENT_RAM / INSUFFICIENT_CAPS (gn_session raises
 * the donation and retries); a server full of sessions answers DENIED. Upgrades are accepted but
 * never needed: a session's state does not grow.
 */
#ifndef GNEISS_TIMER_SESSION_H
#define GNEISS_TIMER_SESSION_H

#include <gneiss/env.h>
#include <gneiss/fmt.h>
#include <gneiss/label.h>
#include <gneiss/parent.h>
#include <gneiss/pd_session.h>
#include <gneiss/rpc.h>
#include <gneiss/thread.h>

enum {
	GN_TIMER_SESSION_RAM = 4096,
	GN_TIMER_SESSION_CAPS = 2,
	GN_TIMER_PERIOD_MIN_US = 100,
};

/* The longest timeout or period, about 8.9 years: deadlines never overflow. */
#define GN_TIMER_TIMEOUT_MAX_US ((uint64_t)1 << 48)

typedef struct {
	uint64_t us;
} gn_timer_us_args_t;

typedef struct {
	uint64_t value;
} gn_timer_elapsed_res_t;

#define GN_TIMER_RPCS(X, P)                                                \
	X(P, sigh, 1, gn_rpc_void_t, gn_rpc_void_t, 1, 0)                  \
	X(P, trigger_once, 2, gn_timer_us_args_t, gn_rpc_void_t, 0, 0)     \
	X(P, trigger_periodic, 3, gn_timer_us_args_t, gn_rpc_void_t, 0, 0) \
	X(P, elapsed_ms, 4, gn_rpc_void_t, gn_timer_elapsed_res_t, 0, 0)   \
	X(P, elapsed_us, 5, gn_rpc_void_t, gn_timer_elapsed_res_t, 0, 0)

GN_RPC_CLIENT(gn_timer_session, GN_TIMER_RPCS)
GN_CAP_TYPE(gn_timer_session_cap_t);

/* ---- client helpers ------------------------------------------------------------------------------
 *
 * A connection bundles the session with the signal context gn_timer_sleep_us blocks on. For
 * asynchronous timeouts, call the stubs above on t->session.cap with a signal context of your
 * own; sleeping on the same connection registers the sleep context again (the last sigh wins), so
 * a component that does both at once uses two connections, as with Genode's Timer::Connection.
 */
typedef struct {
	gn_env_t *env;
	gn_timer_session_cap_t session;
	uint32_t id;
	gn_cap_t sleep_sig; /* made on the first sleep, never managed by an entrypoint */
} gn_timer_t;

enum {
	GN_TIMER_RECHECK_MS =
		1000 /* a sleeper asks the server this often whether it still exists */
};

/*
 * Opens a Timer session with the component's label part `label`, donating exactly its price.
 * Errors: those of gn_session (DENIED, UNROUTABLE, INSUFFICIENT_RAM/_CAPS, ...), INVALID_ARG for
 * a label that does not fit the argument string.
 */
static inline GN_MUST_CHECK gn_err_t gn_timer_open(gn_env_t *env, char const *label, gn_timer_t *t)
{
	char args[GN_SESSION_ARGS_MAX];

	*t = (gn_timer_t){env, {GN_CAP_INVALID}, 0, GN_CAP_INVALID};
	if (gn_fmt(args, sizeof(args), NULL, "ram_quota=%u, cap_quota=%u",
		    (unsigned)GN_TIMER_SESSION_RAM, (unsigned)GN_TIMER_SESSION_CAPS) != GN_OK ||
		gn_args_set_string(args, sizeof(args), "label", label) != GN_OK)
		return GN_ERR_INVALID_ARG;
	return gn_session(env, "Timer", args, &t->session.cap, &t->id);
}

/* Closes the connection: the session (its donation comes back) and the sleep signal context. */
static inline void gn_timer_close(gn_timer_t *t)
{
	gn_rpc_void_t none = {0};

	if (gn_cap_valid(t->sleep_sig)) {
		gn_ignore(gn_pd_session_free_signal(t->env->pd, &none, &none, &t->sleep_sig, NULL));
		gn_cap_drop(t->sleep_sig);
	}
	gn_session_close(t->env, t->id, t->session.cap);
	*t = (gn_timer_t){NULL, {GN_CAP_INVALID}, 0, GN_CAP_INVALID};
}

/*
 * Blocks the calling thread for at least us microseconds. On the main thread, the entrypoint's
 * signals are dispatched meanwhile (as gn_session does). Replaces the connection's timeout and
 * signal handler. Errors: OUT_OF_CAPS (no signal context), the session's errors (REVOKED when the
 * server went away, INVALID_ARG above GN_TIMER_TIMEOUT_MAX_US).
 */
static inline GN_MUST_CHECK gn_err_t gn_timer_sleep_us(gn_timer_t *t, uint64_t us)
{
	gn_rpc_void_t none = {0};
	gn_timer_us_args_t const once = {us};
	gn_timer_elapsed_res_t now;
	gn_err_t err = GN_OK;

	if (!gn_cap_valid(t->sleep_sig))
		err = gn_pd_session_alloc_signal(t->env->pd, &none, &none, NULL, &t->sleep_sig);
	if (err == GN_OK)
		err = gn_timer_session_sigh(t->session.cap, &none, &none, &t->sleep_sig, NULL);
	if (err != GN_OK)
		return err;
	/* a count left over from before (a timeout replaced by this one) must not end the sleep */
	gn_ignore(gn_ep_wait_signal(NULL, t->sleep_sig, 0));
	err = gn_timer_session_trigger_once(t->session.cap, &once, &none, NULL, NULL);
	gn_ep_t *ep = gn_thread_myself() ? NULL : t->env->ep;
	while (err == GN_OK && gn_ep_wait_signal(ep, t->sleep_sig, GN_TIMER_RECHECK_MS) != GN_OK)
		err = gn_timer_session_elapsed_us(t->session.cap, &none, &now, NULL, NULL);
	return err;
}

/* gn_timer_sleep_us in milliseconds. Errors: as gn_timer_sleep_us. */
static inline GN_MUST_CHECK gn_err_t gn_timer_sleep_ms(gn_timer_t *t, uint64_t ms)
{
	return ms > GN_TIMER_TIMEOUT_MAX_US / 1000 ? GN_ERR_INVALID_ARG
						   : gn_timer_sleep_us(t, ms * 1000);
}

/* Microseconds since the session began. Errors: the session's. */
static inline GN_MUST_CHECK gn_err_t gn_timer_elapsed_us(gn_timer_t *t, uint64_t *us)
{
	gn_rpc_void_t none = {0};
	gn_timer_elapsed_res_t res = {0};
	gn_err_t const err = gn_timer_session_elapsed_us(t->session.cap, &none, &res, NULL, NULL);

	*us = res.value;
	return err;
}

#endif
