/*
 * The benchmark components (make bench, tool/bench/run): the interfaces they talk over, the number
 * of samples, and the one line format every figure is logged in, which tool/bench-baseline prints
 * too:
 *
 *   bench: NAME median=NS p10=NS p90=NS n=SAMPLESxITERS
 *
 * A sample of a round-trip figure is the mean of BENCH_ITERS calls (the clock is a system call
 * here, so it is read once per batch, never per call); a spawn sample is one spawn. Figures are
 * the median and the 10th and 90th percentile of the samples. Nothing here judges a time: the
 * driver compares each figure with the Linux baseline measured in the same run.
 */
#ifndef GNEISS_TEST_BENCH_H
#define GNEISS_TEST_BENCH_H

#include <gneiss/log.h>
#include <gneiss/rpc.h>

enum {
	BENCH_BATCHES = 51, /* samples per round-trip figure (tool/bench/run passes the same) */
	BENCH_ITERS = 200,  /* calls per sample */
	BENCH_SPAWNS = 50,  /* samples of the spawn figure */
	BENCH_MAX_CAPS = 4, /* capabilities per message: 0..4 */
};

typedef struct {
	uint64_t value;
} bench_value_t;

/*
 * The Bench session: each call answers value + 1. capsK takes K capabilities with the request,
 * which the server receives into its capability table and drops, as any server does.
 */
#define BENCH_SESSION_RPCS(X, P)                           \
	X(P, ping, 1, bench_value_t, bench_value_t, 0, 0)  \
	X(P, caps1, 2, bench_value_t, bench_value_t, 1, 0) \
	X(P, caps2, 3, bench_value_t, bench_value_t, 2, 0) \
	X(P, caps3, 4, bench_value_t, bench_value_t, 3, 0) \
	X(P, caps4, 5, bench_value_t, bench_value_t, 4, 0)

GN_RPC_CLIENT(bench_session, BENCH_SESSION_RPCS)

/* The objects the client passes as capabilities; never called. */
#define BENCH_TOKEN_RPCS(X, P) X(P, nop, 1, gn_rpc_void_t, gn_rpc_void_t, 0, 0)

GN_RPC_CLIENT(bench_token, BENCH_TOKEN_RPCS)

/* Sorts the n samples (n is small) and logs the figure line. */
static inline void bench_report(char const *name, uint64_t *s, unsigned n, unsigned iters)
{
	for (unsigned i = 1; i < n; i++) {
		uint64_t const v = s[i];
		unsigned j = i;
		for (; j > 0 && s[j - 1] > v; j--)
			s[j] = s[j - 1];
		s[j] = v;
	}
	gn_log("bench: %s median=%llu p10=%llu p90=%llu n=%ux%u", name,
		(unsigned long long)s[n / 2], (unsigned long long)s[n / 10],
		(unsigned long long)s[n * 9 / 10], n, iters);
}

#endif
