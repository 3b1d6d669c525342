/*
 * The timeout thread and its ordered list (see timeouts.h).
 *
 * The thread sleeps on a semaphore with a timeout in microseconds until the earliest deadline
 * (the kernel never wakes it early, and it checks the clock again anyway). The semaphore counts,
 * so a wake-up that comes between the thread's last look at the list and its sleep is not lost:
 * the sleep then returns at once.
 */
#include <gneiss/signal.h>
#include <gneiss/time.h>

#include "timeouts.h"

enum {
	STACK_SIZE = GN_THREAD_STACK_MIN,
	SLEEP_MAX_US = 3600ull * 1000 * 1000, /* a longer wait is taken in several sleeps */
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
		if (next == TIMEOUT_NONE)
			gn_semaphore_down(&ts->wake);
		else if (next > now)
			(void)gn_semaphore_down_timeout(
				&ts->wake, next - now > SLEEP_MAX_US ? SLEEP_MAX_US : next - now);
	}
}

gn_err_t timeouts_start(timeouts_t *ts, gn_env_t *env)
{
	*ts = (timeouts_t){.lock = GN_MUTEX_INIT, .wake_us = TIMEOUT_NONE};
	gn_semaphore_init(&ts->wake, 0);
	return gn_thread_create(env, "timeouts", STACK_SIZE, run, ts, &ts->thread);
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
		gn_semaphore_up(&ts->wake);
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
