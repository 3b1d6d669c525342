/*
 * The thread_crash scenario's component: a thread overflows its stack into the guard page below it.
 * The fault must end the whole component, main thread included; core reports the signal. Should the
 * main thread ever return from joining, the crash was confined to the thread, which is an error.
 */
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/thread.h>

enum {
	FRAME = 512
};

/* Not a tail call: every level keeps its frame, so the stack must run into the guard. */
static unsigned recurse(unsigned depth)
{
	char volatile frame[FRAME];

	frame[0] = (char)depth;
	frame[FRAME - 1] = (char)depth;
	if (depth == 0xffffffffu)
		return frame[0];
	return recurse(depth + 1) + frame[FRAME - 1];
}

static void overflow(void *arg)
{
	(void)arg;
	gn_log("thread overflows its stack");
	gn_log("Error: survived %u levels", recurse(0));
}

void gn_component_construct(gn_env_t *env)
{
	gn_thread_t t;

	gn_log("main thread starts a thread and joins it");
	gn_err_t err = gn_thread_create(env, "overflow", 0, overflow, NULL, &t);

	if (err != GN_OK) {
		gn_error("creating the thread: %s", gn_err_name(err));
		gn_exit(env, 1);
	}
	err = gn_thread_join(&t);
	gn_error("main thread survived its thread's crash (join: %s)", gn_err_name(err));
	gn_exit(env, 1);
}
