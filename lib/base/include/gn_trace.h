/*
 * Trace points inside the library (rpc.c, signals, log) and the per-thread state behind them
 * (lib/base/trace.c; the formats are gneiss/trace_format.h).
 *
 * A trace point costs one load of the thread's state (the platform keeps a pointer to it at %fs:8,
 * see gn_platform.h), one load of the thread's control word and one compare while tracing is off
 * and nothing changed. Otherwise gn_trace_event() runs: when the word changed it first fetches or
 * drops the thread's buffer and policy through the CPU session (this is the only time a trace
 * point makes system calls), then records the event as the policy says.
 */
#ifndef GN_TRACE_H
#define GN_TRACE_H

#include <gneiss/env.h>
#include <gneiss/trace_buffer.h>
#include <gn_platform.h>

typedef struct gn_trace_thread {
	uint64_t const volatile *control; /* the thread's word in the control page */
	uint64_t idle;                    /* the word for which trace points do nothing */
	uint64_t seen;                    /* the word the thread last acted on */
	uint32_t id;                      /* the thread's subject id at the CPU session */
	bool busy;                        /* inside gn_trace_event: its own RPCs are not traced */
	uint64_t seq;                     /* events so far, dropped ones included */
	gn_trace_writer_t writer;         /* no buffer: nothing is recorded */
	void *buffer;                     /* attached */
	size_t buffer_size;
	gn_cap_t buffer_ds;
	gn_trace_policy_t const volatile *policy; /* attached read-only, NULL: none */
	size_t policy_size;
	gn_cap_t policy_ds;
} gn_trace_thread_t;

/* The state of a thread that is no subject (yet): its word is a constant 0. */
extern gn_trace_thread_t gn_trace_off;

void gn_trace_event(gn_trace_thread_t *t, unsigned kind, uint64_t a0, uint64_t a1,
	void const *payload, size_t payload_len);

static inline void gn_trace(
	unsigned kind, uint64_t a0, uint64_t a1, void const *payload, size_t payload_len)
{
#if __STDC_HOSTED__ /* the library built for host tests traces nothing */
	(void)kind, (void)a0, (void)a1, (void)payload, (void)payload_len;
#else
	gn_trace_thread_t *t = gn_platform_trace_thread();

	if (__builtin_expect(*t->control != t->idle, 0))
		gn_trace_event(t, kind, a0, a1, payload, payload_len);
#endif
}

/*
 * Makes the calling main thread a subject: fetches the component's trace-control page from its
 * CPU session (once) and sets t up. Then the platform points the thread at t.
 */
gn_err_t gn_trace_main_thread(gn_env_t *env, gn_trace_thread_t *t, int tid) GN_MUST_CHECK;

/* Sets t up for a new thread (created with subject id and slot), from the thread itself. */
void gn_trace_new_thread(gn_trace_thread_t *t, uint32_t id, uint32_t slot, int tid);

/* The thread ends: its mappings go. */
void gn_trace_thread_exit(gn_trace_thread_t *t);

#endif
