/*
 * bench-lttng: the LTTng-UST side of the trace point figures of make bench (tool/bench/run; the
 * Gneiss side is test/component/bench-trace). A host program with libc and liblttng-ust, built by
 * tool/bench-lttng/measure, which also runs the session daemon around it: it is not a tool/ of
 * the Makefile (its file is not main.c), so `make all` needs no LTTng.
 *
 * Usage: bench-lttng [--cpu N] disabled|enabled
 *
 * It pins itself to CPU N (default 0) and times BENCH_TRACE_SAMPLES samples, each the mean of
 * BENCH_TRACE_ITERS calls of tracepoint(gneiss_bench, args, i, 0) in a tight loop, as bench-trace
 * times gn_trace(): `disabled` while no session enables the event (lttng_disabled_ps), `enabled`
 * once a session has enabled it (lttng_enabled_ps; it waits up to ENABLE_WAIT_S for that). The
 * figures are in picoseconds per call, in the line format of the bench components:
 *
 *   bench: NAME median=PS min=PS p10=PS p90=PS n=SAMPLESxITERS
 *
 * measured with the time-stamp counter and converted against the monotonic clock over the whole
 * run.
 */
#define _GNU_SOURCE
#define TRACEPOINT_CREATE_PROBES
#define TRACEPOINT_DEFINE
#include "bench_lttng_tp.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
	BENCH_TRACE_SAMPLES = 31,   /* as test/component/bench-trace */
	BENCH_TRACE_ITERS = 100000, /* as test/component/bench-trace */
	ENABLE_WAIT_S = 10,
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return (uint64_t)hi << 32 | lo;
}

static void die(char const *what)
{
	fprintf(stderr, "bench-lttng: %s%s%s\n", what, errno ? ": " : "",
		errno ? strerror(errno) : "");
	exit(1);
}

static int cmp_u64(void const *a, void const *b)
{
	uint64_t const x = *(uint64_t const *)a, y = *(uint64_t const *)b;

	return x < y ? -1 : x > y;
}

static void report(char const *name, uint64_t *s, unsigned n, unsigned iters)
{
	qsort(s, n, sizeof(s[0]), cmp_u64);
	printf("bench: %s median=%llu min=%llu p10=%llu p90=%llu n=%ux%u\n", name,
		(unsigned long long)s[n / 2], (unsigned long long)s[0],
		(unsigned long long)s[n / 10], (unsigned long long)s[n * 9 / 10], n, iters);
	fflush(stdout);
}

/* Ticks for n trace points. */
__attribute__((noinline)) static uint64_t loop_tracepoint(uint64_t n)
{
	uint64_t const t0 = tsc();

	for (uint64_t i = 0; i < n; i++)
		tracepoint(gneiss_bench, args, i, 0);
	return tsc() - t0;
}

/* Waits until a session enabled the event (true) or gives up (false). */
static int wait_enabled(void)
{
	uint64_t const until = now_ns() + ENABLE_WAIT_S * 1000000000ull;

	while (!tracepoint_enabled(gneiss_bench, args)) {
		if (now_ns() > until)
			return 0;
		struct timespec const ms10 = {0, 10000000};
		nanosleep(&ms10, NULL);
	}
	return 1;
}

int main(int argc, char **argv)
{
	static uint64_t samples[BENCH_TRACE_SAMPLES];
	int cpu = 0, enabled;
	cpu_set_t set;

	if (argc == 4 && strcmp(argv[1], "--cpu") == 0) {
		cpu = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc != 2 || (strcmp(argv[1], "disabled") != 0 && strcmp(argv[1], "enabled") != 0)) {
		fprintf(stderr, "usage: bench-lttng [--cpu N] disabled|enabled\n");
		return 2;
	}
	enabled = strcmp(argv[1], "enabled") == 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		die("sched_setaffinity");
	errno = 0;
	if (enabled && !wait_enabled())
		die("no session enabled gneiss_bench:args");
	if (!enabled && tracepoint_enabled(gneiss_bench, args))
		die("gneiss_bench:args is enabled: a session of another lttng-sessiond?");

	uint64_t const ns0 = now_ns(), tsc0 = tsc();
	(void)loop_tracepoint(BENCH_TRACE_ITERS); /* warm-up */
	for (unsigned i = 0; i < BENCH_TRACE_SAMPLES; i++)
		samples[i] = loop_tracepoint(BENCH_TRACE_ITERS) * 1000 / BENCH_TRACE_ITERS;
	uint64_t const ticks = tsc() - tsc0, ns = now_ns() - ns0;
	for (unsigned i = 0; i < BENCH_TRACE_SAMPLES; i++) /* thousandths of a tick -> ps */
		samples[i] = (uint64_t)((unsigned __int128)samples[i] * ns / ticks);
	if (enabled && !tracepoint_enabled(gneiss_bench, args))
		die("the session disabled gneiss_bench:args while it was measured");
	report(enabled ? "lttng_enabled_ps" : "lttng_disabled_ps", samples, BENCH_TRACE_SAMPLES,
		BENCH_TRACE_ITERS);
	return 0;
}
