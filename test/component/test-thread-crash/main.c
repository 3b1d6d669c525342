/*
 * The thread_crash scenario's component: a thread runs its stack 2 KiB past its end, into the guard
 * page below it. The fault must end the whole component, main thread included; core reports the
 * signal.
 *
 * A second thread is created after the first, so its area lies right below the first one's: without
 * the guard, the overflow would land in the second thread's local data and go unnoticed, the first
 * thread would return, and the main thread would log an error from its join.
 */
#include <gneiss/env.h>
#include <gneiss/lock.h>
#include <gneiss/log.h>
#include <gneiss/thread.h>

enum {
	STACK = 64 * GN_KIB,
	PAST_END = 2 * GN_KIB, /* less than the guard page */
	FRAME = 256
};

static gn_blockade_t go = GN_BLOCKADE_INIT;
static gn_blockade_t never = GN_BLOCKADE_INIT;

/* Not a tail call: every level keeps its frame until one lies below limit. */
static unsigned recurse(uintptr_t limit)
{
	char volatile frame[FRAME];

	frame[FRAME - 1] = 1;
	frame[0] = 1;
	if ((uintptr_t)frame < limit)
		return frame[0];
	return recurse(limit) + frame[FRAME - 1];
}

static void overflow(void *arg)
{
	char volatile top = 0;

	(void)arg;
	gn_blockade_block(&go);
	gn_log("thread runs past the end of its stack");
	unsigned const levels = recurse((uintptr_t)&top - STACK - PAST_END);
	gn_log("Error: wrote past the end of its stack (%u levels) and survived", levels + top);
}

static void wait_forever(void *arg)
{
	(void)arg;
	gn_blockade_block(&never);
}

void gn_component_construct(gn_env_t *env)
{
	gn_thread_t first, second;

	gn_log("main thread starts two threads and joins the first");
	gn_err_t err = gn_thread_create(env, "overflow", STACK, overflow, NULL, &first);
	if (err == GN_OK)
		err = gn_thread_create(env, "below", STACK, wait_forever, NULL, &second);
	if (err != GN_OK) {
		gn_error("creating the threads: %s", gn_err_name(err));
		gn_exit(env, 1);
	}
	gn_blockade_wakeup(&go);
	err = gn_thread_join(&first);
	gn_error("main thread survived its thread's overflow (join: %s)", gn_err_name(err));
	gn_exit(env, 1);
}
