/*
 * bench-baseline: the raw Linux mechanisms the Gneiss benchmarks are compared with, measured in the
 * same run on the same machine (tool/bench/run runs both and prints ratios). Each figure is printed
 * in the line formats of the Gneiss bench components (test/component/include/bench.h):
 *
 *   bench: NAME median=NS min=NS p10=NS p90=NS n=SAMPLESxITERS
 *   bench-q: NAME FROM V V V ...
 *
 * and takes as many samples as the Gneiss side (the counts below mirror bench.h, whose constants
 * are not visible here; the driver warns when the two disagree).
 */
#ifndef BENCH_BASELINE_H
#define BENCH_BASELINE_H

#include <stdbool.h>
#include <stdint.h>

enum {
	BATCHES = 31,        /* BENCH_BATCHES */
	ITERS = 100,         /* BENCH_ITERS */
	CALL_SAMPLES = 3000, /* BENCH_CALL_SAMPLES */
	SPAWNS = 50,         /* BENCH_SPAWNS */
	SESSIONS = 200,      /* BENCH_SESSIONS */
	MAX_CAPS = 4,
	Q_PER_LINE = 17,
	TINY_FD = 3, /* where the tiny binaries write their byte */
};

/* BENCH_DS_SIZES and BENCH_COPY_SIZES: name, bytes, samples */
#define DS_SIZES(X)          \
	X(4k, 4096, 200)     \
	X(64k, 65536, 200)   \
	X(1m, 1048576, 50)   \
	X(16m, 16777216, 12) \
	X(64m, 67108864, 6)
#define COPY_SIZES(X)      \
	X(1m, 1048576, 60) \
	X(16m, 16777216, 12)

typedef struct {
	int cpu;  /* the client's (caller's, submitter's) CPU */
	int cpu2; /* the server's (receiver's) CPU: equal to cpu for same-core figures */
	unsigned spawns, count;
	char const *tiny; /* where to write the tiny binaries (PATH and PATH-stay) */
} options_t;

/* The monotonic clock (vDSO) in ns. */
uint64_t now_ns(void);

/* The time-stamp counter, as the components read it for single operations. */
static inline uint64_t tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return (uint64_t)hi << 32 | lo;
}

/* Converts n samples in tsc ticks taken since (ns0, tsc0) to ns. */
void ticks_to_ns(uint64_t ns0, uint64_t tsc0, uint64_t *s, unsigned n);

void die(char const *what) __attribute__((noreturn));
void pin(int cpu);

/* Sorts the samples and prints the figure line. */
void report(char const *name, uint64_t *samples, unsigned n, unsigned iters);

/* Prints the percentiles 0..100 of the n sorted samples (after report). */
void quantiles(char const *name, uint64_t const *samples, unsigned n);

/* The figures, one family per file. */
void bench_rpc(options_t const *o);       /* rpc.c */
void bench_session(options_t const *o);   /* rpc.c */
void bench_signal(options_t const *o);    /* signal.c */
void bench_dataspace(options_t const *o); /* mem.c */
void bench_copy(options_t const *o);      /* mem.c */
void bench_spawn(options_t const *o);     /* spawn.c */
void bench_bwrap(options_t const *o);     /* spawn.c */
void bench_scale(options_t const *o);     /* spawn.c */

#endif
