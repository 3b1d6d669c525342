/*
 * The timeout thread and its ordered list (see timeouts.h).
 *
 * The thread's sleep is gn_ep_wait_signal on the wake-up context with a timeout in whole
 * milliseconds, rounded up, so a timeout never expires early; it is the only timed wait the
 * public API offers (gn_platform_wait has no timeout). The wake-up is a counting signal, so a
 * wake-up that comes between the thread's last look at the list and its sleep is not lost: the
 * sleep then returns at once.
 */
#include <gneiss/pd_session.h>
#include <gneiss/signal.h>
#include <gneiss/time.h>

#include "timeouts.h"

enum {
	STACK_SIZE = GN_THREAD_STACK_MIN,
	SLEEP_MAX_MS = 3600 * 1000, /* a longer wait is taken in several sleeps */
};

static void list_remove(timeouts_t *ts, timeout_t *t)
{
	for (timeout_t **p = &ts->head; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			break;
		}
	t->next = NULL;
}

/* Puts t into the list by its deadline, after those with the same one (first come, first fired). */
static void list_insert(timeouts_t *ts, timeout_t *t)
{
	timeout_t **p = &ts->head;

	while (*p && (*p)->deadline_us <= t->deadline_us)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
}

/* Signals the expired head t (lock held): the periods that passed since its deadline, at least 1. */
static void fire(timeouts_t *ts, timeout_t *t, uint64_t now)
{
	uint64_t periods = 1;

	ts->head = t->next;
	t->next = NULL;
	if (t->period_us) {
		periods = (now - t->deadline_us) / t->period_us + 1;
		t->deadline_us += periods * t->period_us;
		list_insert(ts, t);
	} else {
		t->deadline_us = TIMEOUT_NONE;
	}
	t->fired += periods;
	if (gn_cap_valid(t->sig))
		gn_ignore(gn_signal_submit(
			t->sig, periods > UINT32_MAX ? UINT32_MAX : (uint32_t)periods));
}

/* Milliseconds from now until deadline, rounded up; -1 for no deadline. */
static int sleep_ms(uint64_t now, uint64_t deadline)
{
	if (deadline == TIMEOUT_NONE)
		return -1;
	uint64_t const ms = deadline > now ? (deadline - now + 999) / 1000 : 0;
	return ms > SLEEP_MAX_MS ? SLEEP_MAX_MS : (int)ms;
}

static void run(void *arg)
{
	timeouts_t *ts = arg;

	for (;;) {
		gn_mutex_lock(&ts->lock);
		uint64_t const now = gn_time_now_us();
		while (ts->head && ts->head->deadline_us <= now)
			fire(ts, ts->head, now);
		uint64_t const next = ts->head ? ts->head->deadline_us : TIMEOUT_NONE;
		ts->wake_us = next;
		gn_mutex_unlock(&ts->lock);
		gn_ignore(gn_ep_wait_signal(NULL, ts->wake, sleep_ms(now, next)));
	}
}

gn_err_t timeouts_start(timeouts_t *ts, gn_env_t *env)
{
	gn_rpc_void_t none = {0};

	*ts = (timeouts_t){GN_MUTEX_INIT, NULL, TIMEOUT_NONE, GN_CAP_INVALID, {0}};
	gn_err_t err = gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &ts->wake);
	if (err != GN_OK)
		return err;
	err = gn_thread_create(env, "timeouts", STACK_SIZE, run, ts, &ts->thread);
	if (err != GN_OK) {
		gn_ignore(gn_pd_session_free_signal(env->pd, &none, &none, &ts->wake, NULL));
		gn_cap_drop(ts->wake);
		ts->wake = GN_CAP_INVALID;
	}
	return err;
}

void timeouts_init(timeout_t *t)
{
	*t = (timeout_t){NULL, TIMEOUT_NONE, 0, GN_CAP_INVALID, 0};
}

void timeouts_sigh(timeouts_t *ts, timeout_t *t, gn_cap_t sig)
{
	gn_mutex_lock(&ts->lock);
	gn_cap_t const old = t->sig;
	t->sig = sig;
	gn_mutex_unlock(&ts->lock);
	gn_cap_drop(old);
}

void timeouts_schedule(timeouts_t *ts, timeout_t *t, uint64_t deadline_us, uint64_t period_us)
{
	gn_mutex_lock(&ts->lock);
	if (t->deadline_us != TIMEOUT_NONE)
		list_remove(ts, t);
	t->deadline_us = deadline_us;
	t->period_us = deadline_us == TIMEOUT_NONE ? 0 : period_us;
	if (deadline_us != TIMEOUT_NONE)
		list_insert(ts, t);
	bool const wake = deadline_us < ts->wake_us;
	if (wake)
		ts->wake_us =
			deadline_us; /* later changes before the thread looks need no wake-up */
	gn_mutex_unlock(&ts->lock);
	if (wake)
		gn_ignore(gn_signal_submit(ts->wake, 1));
}

uint64_t timeouts_remove(timeouts_t *ts, timeout_t *t)
{
	timeouts_schedule(ts, t, TIMEOUT_NONE, 0);
	gn_mutex_lock(&ts->lock);
	gn_cap_t const sig = t->sig;
	uint64_t const fired = t->fired;
	t->sig = GN_CAP_INVALID;
	gn_mutex_unlock(&ts->lock);
	gn_cap_drop(sig);
	return fired;
}
