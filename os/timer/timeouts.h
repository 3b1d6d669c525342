/*
 * The timer's timeouts, multiplexed on one thread.
 *
 * Every scheduled timeout sits in one list ordered by deadline. A single thread sleeps until the
 * earliest deadline, pops every timeout that expired, submits its signal (submitting never
 * blocks) and puts periodic ones back. Whoever moves a deadline before the thread's planned wake-up
 * wakes it through the semaphore the thread sleeps on (with a timeout in microseconds).
 *
 * Locking: one mutex guards the list and every timeout's fields; the thread holds it while it
 * submits. So once timeouts_remove returned, the thread neither touches the timeout nor submits
 * its signal again.
 */
#ifndef TIMER_TIMEOUTS_H
#define TIMER_TIMEOUTS_H

#include <gneiss/env.h>
#include <gneiss/lock.h>
#include <gneiss/thread.h>

#define TIMEOUT_NONE UINT64_MAX

typedef struct timeout {
	struct timeout *next; /* in the list while scheduled */
	uint64_t deadline_us; /* TIMEOUT_NONE: not scheduled */
	uint64_t period_us;   /* 0: one-shot */
	gn_cap_t sig;         /* the client's signal context (our reference), or invalid */
	uint64_t fired;       /* periods signalled so far */
} timeout_t;

typedef struct {
	gn_mutex_t lock;
	timeout_t *head;     /* scheduled timeouts, earliest first */
	uint64_t wake_us;    /* when the thread looks next; TIMEOUT_NONE: only when woken */
	gn_semaphore_t wake; /* what the thread sleeps on */
	gn_thread_t thread;
} timeouts_t;

/* Starts the thread. Errors: those of gn_thread_create. */
gn_err_t timeouts_start(timeouts_t *ts, gn_env_t *env) GN_MUST_CHECK;

/* An unscheduled timeout without a signal context. */
void timeouts_init(timeout_t *t);

/* Delivers t to sig from now on; takes over the caller's reference and drops the previous one. */
void timeouts_sigh(timeouts_t *ts, timeout_t *t, gn_cap_t sig);

/*
 * Schedules t to expire at deadline_us (microseconds of gn_time_now_us), then every period_us
 * (0: once), replacing what it had scheduled. TIMEOUT_NONE unschedules it.
 */
void timeouts_schedule(timeouts_t *ts, timeout_t *t, uint64_t deadline_us, uint64_t period_us);

/*
 * Unschedules t for good and drops its signal context; afterwards nothing is submitted for it.
 * Returns the periods it signalled in its life.
 */
uint64_t timeouts_remove(timeouts_t *ts, timeout_t *t);

#endif
