/*
 * The benchmark components (make bench, tool/bench/run): the interfaces they talk over, the number
 * of samples, the clock, and the line formats every figure is logged in, which tool/bench-baseline
 * prints too:
 *
 *   bench: NAME median=NS min=NS p10=NS p90=NS n=SAMPLESxITERS
 *   bench-q: NAME FROM V V V ...      (percentiles FROM, FROM+1, ... of the samples, in ns)
 *
 * A sample of a batched figure is the mean of ITERS operations (one clock read per batch); a
 * sample of a per-operation figure (ITERS = 1) is one operation, timed with the time-stamp counter
 * and converted to ns against the monotonic clock over the whole measurement (bench_clock_t), since
 * the clock itself is a system call here. The percentile lines are what the latency plots draw.
 * Nothing here judges a time: the driver compares each figure with the Linux baseline measured in
 * the same run, which takes exactly as many samples (tool/bench-baseline/baseline.h).
 */
#ifndef GNEISS_TEST_BENCH_H
#define GNEISS_TEST_BENCH_H

#include <gneiss/fmt.h>
#include <gneiss/log.h>
#include <gneiss/log_session.h>
#include <gneiss/rpc.h>
#include <gneiss/time.h>

enum {
	BENCH_BATCHES = 31,        /* samples per batched round-trip figure */
	BENCH_ITERS = 100,         /* calls per sample */
	BENCH_CALL_SAMPLES = 3000, /* single round trips / signals for a latency distribution */
	BENCH_SPAWNS = 50,         /* samples of the spawn figure */
	BENCH_SESSIONS = 200,      /* session open/close cycles */
	BENCH_MAX_CAPS = 4,        /* capabilities per message: 0..4 */
	BENCH_Q_PER_LINE = 17,     /* percentiles per bench-q line */
};

/* The dataspace sizes of the allocate + attach figure, with the samples taken of each. */
#define BENCH_DS_SIZES(X)    \
	X(4k, 4096, 200)     \
	X(64k, 65536, 200)   \
	X(1m, 1048576, 50)   \
	X(16m, 16777216, 12) \
	X(64m, 67108864, 6)

/* The sizes of the copy-bandwidth figure: ns per copy of SIZE bytes. */
#define BENCH_COPY_SIZES(X) \
	X(1m, 1048576, 60)  \
	X(16m, 16777216, 12)

typedef struct {
	uint64_t value;
} bench_value_t;

/* The payloads of the round trip over the payload size (the reply is as large as the request). */
typedef struct {
	uint8_t bytes[64];
} bench_p64_t;
typedef struct {
	uint8_t bytes[256];
} bench_p256_t;
typedef struct {
	uint8_t bytes[1024];
} bench_p1024_t;
typedef struct {
	uint8_t bytes[4096];
} bench_p4096_t;

/*
 * The Bench session: ping and capsK answer value + 1, capsK taking K capabilities with the request,
 * which the server receives into its capability table and drops, as any server does. empty carries
 * no argument (the one-byte gn_rpc_void_t); pN echo their N bytes with the first one incremented.
 */
#define BENCH_SESSION_RPCS(X, P)                           \
	X(P, ping, 1, bench_value_t, bench_value_t, 0, 0)  \
	X(P, caps1, 2, bench_value_t, bench_value_t, 1, 0) \
	X(P, caps2, 3, bench_value_t, bench_value_t, 2, 0) \
	X(P, caps3, 4, bench_value_t, bench_value_t, 3, 0) \
	X(P, caps4, 5, bench_value_t, bench_value_t, 4, 0) \
	X(P, empty, 6, gn_rpc_void_t, gn_rpc_void_t, 0, 0) \
	X(P, p64, 7, bench_p64_t, bench_p64_t, 0, 0)       \
	X(P, p256, 8, bench_p256_t, bench_p256_t, 0, 0)    \
	X(P, p1024, 9, bench_p1024_t, bench_p1024_t, 0, 0) \
	X(P, p4096, 10, bench_p4096_t, bench_p4096_t, 0, 0)

GN_RPC_CLIENT(bench_session, BENCH_SESSION_RPCS)

/* The objects the client passes as capabilities; never called. */
#define BENCH_TOKEN_RPCS(X, P) X(P, nop, 1, gn_rpc_void_t, gn_rpc_void_t, 0, 0)

GN_RPC_CLIENT(bench_token, BENCH_TOKEN_RPCS)

/* ---- the clock ---------------------------------------------------------------------------------- */

/* The time-stamp counter: a few ns, no system call (the monotonic clock is one here). */
static inline uint64_t bench_tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return (uint64_t)hi << 32 | lo;
}

/* A measurement in time-stamp counter ticks, calibrated against the monotonic clock at its end. */
typedef struct {
	uint64_t ns, tsc;
} bench_clock_t;

static inline bench_clock_t bench_clock_start(void)
{
	bench_clock_t c;

	c.ns = gn_time_now_ns();
	c.tsc = bench_tsc();
	return c;
}

/* Converts n samples in ticks, taken since c started, to ns. */
static inline void bench_clock_to_ns(bench_clock_t const *c, uint64_t *s, unsigned n)
{
	uint64_t const ticks = bench_tsc() - c->tsc, ns = gn_time_now_ns() - c->ns;

	for (unsigned i = 0; i < n && ticks > 0; i++)
		s[i] = (uint64_t)((unsigned __int128)s[i] * ns / ticks);
}

/* ---- reports ------------------------------------------------------------------------------------ */

/* Sorts the n samples (shell sort: a few thousand at most). */
static inline void bench_sort(uint64_t *s, unsigned n)
{
	static unsigned const gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};

	for (unsigned g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
		unsigned const gap = gaps[g];
		for (unsigned i = gap; i < n; i++) {
			uint64_t const v = s[i];
			unsigned j = i;
			for (; j >= gap && s[j - gap] > v; j -= gap)
				s[j] = s[j - gap];
			s[j] = v;
		}
	}
}

/* Sorts the n samples and logs the figure line. */
static inline void bench_report(char const *name, uint64_t *s, unsigned n, unsigned iters)
{
	bench_sort(s, n);
	gn_log("bench: %s median=%llu min=%llu p10=%llu p90=%llu n=%ux%u", name,
		(unsigned long long)s[n / 2], (unsigned long long)s[0],
		(unsigned long long)s[n / 10], (unsigned long long)s[n * 9 / 10], n, iters);
}

/* Logs the percentiles 0..100 of the n sorted samples (after bench_report). */
static inline void bench_quantiles(char const *name, uint64_t const *s, unsigned n)
{
	for (unsigned from = 0; from <= 100; from += BENCH_Q_PER_LINE) {
		char line[GN_LOG_LINE_MAX];
		gn_fmt_buf_t b;

		gn_fmt_buf_init(&b, line, sizeof(line));
		gn_fmt_buf_append(&b, "bench-q: %s %u", name, from);
		for (unsigned q = from; q <= 100 && q < from + BENCH_Q_PER_LINE; q++)
			gn_fmt_buf_append(&b, " %llu",
				(unsigned long long)s[(unsigned long long)(n - 1) * q / 100]);
		gn_log("%s", line);
	}
}

#endif
