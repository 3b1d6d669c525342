/*
 * The cost of a trace point (make bench, tool/bench/run; figures in the format of bench.h, but in
 * picoseconds per call, hence the _ps in their names: a trace point costs less than a nanosecond):
 *
 *   trace_disabled_ps  gn_trace(GN_TRACE_CHECKPOINT, i, 0, NULL, 0) in the main thread, a trace
 *                      subject that no tracer traces: the load of its state, of its control word,
 *                      the compare
 *   loop_empty_ps      the same loop without the trace point (for reading the one above)
 *   trace_enabled_ps   the same trace point in the thread "traced", which the scenario's
 *                      trace_monitor traces with a policy recording checkpoints with layout args
 *                      into a 256 KiB buffer: the call, the policy lookup, a 48-byte record with
 *                      the time-stamp counter, overwriting the oldest once the ring is full
 *   raw_ring_store_ps  the raw baseline, in the same thread, interleaved batch by batch with the
 *                      one above: an inline store of {rdtsc, a0, a1} into a private ring of
 *                      48-byte records (the size of an args record) as large as the trace buffer,
 *                      with a wrapping index
 *
 * A sample is the mean of BENCH_TRACE_ITERS calls in a tight loop, timed with the time-stamp
 * counter; the counter is converted against the monotonic clock over the whole run (bench.h).
 * The thread "traced" measures only once it really is traced (its writer has a buffer), and checks
 * afterwards that every call of the timed loops made a record of the args layout. The host side
 * (tool/bench-lttng) takes as many samples of as many calls of LTTng-UST's tracepoint().
 */
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/thread.h>
#include <gneiss/timer_session.h>
#include <gn_trace.h>

#include "bench.h"

enum {
	BENCH_TRACE_SAMPLES = 31,   /* as tool/bench-lttng's */
	BENCH_TRACE_ITERS = 100000, /* calls per sample, as tool/bench-lttng's */
	TRACE_BUFFER = 256 * 1024,  /* the buffer the scenario's monitor gives the thread */
	TRACED_WAIT_MS = 20000,     /* for the monitor to trace the thread */
	TRACED_POLL_MS = 10,
	RECORD = sizeof(gn_trace_record_t), /* an args record: 48 bytes */
};

/* A raw ring record: the counter and the two arguments, as large as an args record. */
typedef struct {
	uint64_t tsc, a0, a1, unused[3];
} raw_record_t;

_Static_assert(sizeof(raw_record_t) == RECORD, "raw records as large as args records");

enum {
	RAW_RECORDS = TRACE_BUFFER / sizeof(raw_record_t)
};

static gn_env_t *env;
static raw_record_t raw_ring[RAW_RECORDS];
static uint64_t disabled[BENCH_TRACE_SAMPLES], empty[BENCH_TRACE_SAMPLES];
static uint64_t enabled[BENCH_TRACE_SAMPLES], raw[BENCH_TRACE_SAMPLES];

/* The time-stamp counter as a trace point reads it (no fence). */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* ---- the timed loops: ticks for n calls ------------------------------------------------------- */

__attribute__((noinline)) static uint64_t loop_trace(uint64_t n)
{
	uint64_t const t0 = bench_tsc();

	for (uint64_t i = 0; i < n; i++)
		gn_trace(GN_TRACE_CHECKPOINT, i, 0, NULL, 0);
	return bench_tsc() - t0;
}

__attribute__((noinline)) static uint64_t loop_empty(uint64_t n)
{
	uint64_t const t0 = bench_tsc();

	for (uint64_t i = 0; i < n; i++)
		__asm__ volatile("" : : "r"(i));
	return bench_tsc() - t0;
}

__attribute__((noinline)) static uint64_t loop_raw(uint64_t n)
{
	static unsigned next; /* the ring's index, kept across batches */
	unsigned at = next;
	uint64_t const t0 = bench_tsc();

	for (uint64_t i = 0; i < n; i++) {
		raw_record_t *r = &raw_ring[at];
		r->tsc = rdtsc();
		r->a0 = i;
		r->a1 = 0;
		if (++at == RAW_RECORDS)
			at = 0;
	}
	uint64_t const ticks = bench_tsc() - t0;
	next = at;
	__asm__ volatile("" ::"r"(raw_ring) : "memory"); /* gcc must assume the ring is read */
	return ticks;
}

/* A sample: thousandths of a tick per call, picoseconds once converted. */
static uint64_t per_call(uint64_t ticks)
{
	return ticks * 1000 / BENCH_TRACE_ITERS;
}

/* ---- the traced thread ------------------------------------------------------------------------ */

typedef struct {
	gn_timer_t timer;
	gn_err_t err;
	uint64_t recorded; /* bytes the timed loops wrote into the trace buffer */
	uint64_t tsc_per_ms;
} traced_t;

/* Waits until the monitor traces the calling thread: until a trace point found its buffer. */
static gn_err_t wait_traced(traced_t *s, gn_trace_thread_t const *t)
{
	for (unsigned waited = 0; waited < TRACED_WAIT_MS; waited += TRACED_POLL_MS) {
		gn_trace(GN_TRACE_CHECKPOINT, 0, 0, NULL, 0); /* fetches buffer and policy */
		if (t->writer.hdr)
			return GN_OK;
		gn_err_t const err = gn_timer_sleep_ms(&s->timer, TRACED_POLL_MS);
		if (err != GN_OK)
			return err;
	}
	return GN_ERR_TIMEOUT;
}

static void traced(void *arg)
{
	traced_t *s = arg;
	gn_trace_thread_t const *t = gn_platform_trace_thread();

	s->err = wait_traced(s, t);
	if (s->err != GN_OK)
		return;
	gn_trace_buffer_hdr_t const *const hdr = t->writer.hdr;
	s->tsc_per_ms = hdr->tsc_per_ms;
	(void)loop_trace(BENCH_TRACE_ITERS); /* warm-up: one lap of either ring and more */
	(void)loop_raw(BENCH_TRACE_ITERS);
	uint64_t const head = t->writer.head;
	for (unsigned i = 0; i < BENCH_TRACE_SAMPLES; i++) {
		enabled[i] = per_call(loop_trace(BENCH_TRACE_ITERS));
		raw[i] = per_call(loop_raw(BENCH_TRACE_ITERS));
	}
	s->recorded = t->writer.head - head;
	if (t->writer.hdr != hdr)
		s->err = GN_ERR_DENIED; /* tracing ended or changed meanwhile */
}

/* ---- the component ---------------------------------------------------------------------------- */

static gn_err_t measure(bench_clock_t const *clock)
{
	static traced_t s;
	gn_thread_t thread;

	for (unsigned i = 0; i < BENCH_TRACE_SAMPLES + 1; i++) { /* the first warms up */
		uint64_t const d = per_call(loop_trace(BENCH_TRACE_ITERS));
		uint64_t const e = per_call(loop_empty(BENCH_TRACE_ITERS));
		if (i > 0) {
			disabled[i - 1] = d;
			empty[i - 1] = e;
		}
	}
	gn_trace_thread_t const *t = gn_platform_trace_thread();
	if (*t->control != t->idle) /* the main thread must not be traced */
		return GN_ERR_DENIED;
	gn_err_t err = gn_timer_open(env, "bench-trace", &s.timer);
	if (err == GN_OK)
		err = gn_thread_create(env, "traced", 0, traced, &s, &thread);
	if (err == GN_OK)
		err = gn_thread_join(&thread);
	if (err == GN_OK)
		err = s.err;
	if (err == GN_OK &&
		s.recorded < (uint64_t)BENCH_TRACE_SAMPLES * BENCH_TRACE_ITERS * RECORD) {
		gn_error("trace points recorded %llu bytes, not a record each",
			(unsigned long long)s.recorded);
		err = GN_ERR_BAD_MSG;
	}
	if (err != GN_OK)
		return err;
	bench_clock_to_ns(clock, disabled, BENCH_TRACE_SAMPLES);
	bench_clock_to_ns(clock, empty, BENCH_TRACE_SAMPLES);
	bench_clock_to_ns(clock, enabled, BENCH_TRACE_SAMPLES);
	bench_clock_to_ns(clock, raw, BENCH_TRACE_SAMPLES);
	bench_report("trace_disabled_ps", disabled, BENCH_TRACE_SAMPLES, BENCH_TRACE_ITERS);
	bench_report("loop_empty_ps", empty, BENCH_TRACE_SAMPLES, BENCH_TRACE_ITERS);
	bench_report("trace_enabled_ps", enabled, BENCH_TRACE_SAMPLES, BENCH_TRACE_ITERS);
	bench_report("raw_ring_store_ps", raw, BENCH_TRACE_SAMPLES, BENCH_TRACE_ITERS);
	gn_log("bench-trace: %llu bytes recorded in %u records of %u bytes, buffer tsc_per_ms %llu",
		(unsigned long long)s.recorded, BENCH_TRACE_SAMPLES * BENCH_TRACE_ITERS,
		(unsigned)RECORD, (unsigned long long)s.tsc_per_ms);
	return GN_OK;
}

void gn_component_construct(gn_env_t *e)
{
	bench_clock_t const clock = bench_clock_start();

	env = e;
	gn_err_t const err = measure(&clock);
	if (err != GN_OK) {
		gn_error("benchmark failed: %s", gn_err_name(err));
		gn_exit(env, 1);
	}
	gn_log("bench: done");
	gn_exit(env, 0);
}
