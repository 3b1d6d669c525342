/*
 * bench-baseline: the raw Linux figures the Gneiss benchmarks are compared with (baseline.h).
 *
 * Usage: bench-baseline [--cpu N] [--cpu2 M] [--spawns S] [--count N] [--tiny PATH] FAMILY
 *        bench-baseline --stamp
 *
 * FAMILY is one of rpc, session, signal, dataspace, copy, spawn, bwrap, scale (see the file of
 * each). The caller runs on CPU N (default 0), the other side (server, receiver) on CPU M (default:
 * N), so N = M gives same-core figures and N != M cross-core ones. --stamp copies standard input
 * to standard output with each line prefixed by the monotonic clock in ns when it was read: the
 * driver times a Gneiss boot with it.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "baseline.h"

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void ticks_to_ns(uint64_t ns0, uint64_t tsc0, uint64_t *s, unsigned n)
{
	uint64_t const ticks = tsc() - tsc0, ns = now_ns() - ns0;

	for (unsigned i = 0; i < n && ticks > 0; i++)
		s[i] = (uint64_t)((unsigned __int128)s[i] * ns / ticks);
}

void die(char const *what)
{
	fprintf(stderr, "bench-baseline: %s: %s\n", what, strerror(errno));
	exit(1);
}

void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		die("sched_setaffinity");
}

static int cmp_u64(void const *a, void const *b)
{
	uint64_t const x = *(uint64_t const *)a, y = *(uint64_t const *)b;

	return x < y ? -1 : x > y;
}

void report(char const *name, uint64_t *samples, unsigned n, unsigned iters)
{
	qsort(samples, n, sizeof(samples[0]), cmp_u64);
	printf("bench: %s median=%llu min=%llu p10=%llu p90=%llu n=%ux%u\n", name,
		(unsigned long long)samples[n / 2], (unsigned long long)samples[0],
		(unsigned long long)samples[n / 10], (unsigned long long)samples[n * 9 / 10], n,
		iters);
	fflush(stdout);
}

void quantiles(char const *name, uint64_t const *samples, unsigned n)
{
	for (unsigned from = 0; from <= 100; from += Q_PER_LINE) {
		printf("bench-q: %s %u", name, from);
		for (unsigned q = from; q <= 100 && q < from + Q_PER_LINE; q++)
			printf(" %llu",
				(unsigned long long)samples[(unsigned long long)(n - 1) * q / 100]);
		printf("\n");
	}
	fflush(stdout);
}

/* --stamp: each line of standard input, prefixed with when it was read */
static int stamp(void)
{
	char line[8192];

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin))
		printf("%llu %s", (unsigned long long)now_ns(), line);
	return 0;
}

static unsigned parse_count(char const *arg)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (*end || v == 0 || v > 100000) {
		fprintf(stderr, "bench-baseline: bad count '%s'\n", arg);
		exit(2);
	}
	return (unsigned)v;
}

static int usage(void)
{
	fprintf(stderr, "usage: bench-baseline [--cpu N] [--cpu2 M] [--spawns S] [--count N] "
			"[--tiny PATH] rpc|session|signal|dataspace|copy|spawn|bwrap|scale\n"
			"       bench-baseline --stamp\n");
	return 2;
}

int main(int argc, char **argv)
{
	static struct {
		char const *name;
		void (*run)(options_t const *);
	} const families[] = {
		{"rpc", bench_rpc},
		{"session", bench_session},
		{"signal", bench_signal},
		{"dataspace", bench_dataspace},
		{"copy", bench_copy},
		{"spawn", bench_spawn},
		{"bwrap", bench_bwrap},
		{"scale", bench_scale},
	};
	options_t o = {0, -1, SPAWNS, 10, "build/bench/tiny"};
	int i = 1;

	if (argc == 2 && strcmp(argv[1], "--stamp") == 0)
		return stamp();
	for (; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--cpu") == 0)
			o.cpu = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--cpu2") == 0)
			o.cpu2 = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--spawns") == 0)
			o.spawns = parse_count(argv[i + 1]);
		else if (strcmp(argv[i], "--count") == 0)
			o.count = parse_count(argv[i + 1]);
		else if (strcmp(argv[i], "--tiny") == 0)
			o.tiny = argv[i + 1];
		else
			return usage();
	}
	if (i != argc - 1)
		return usage();
	if (o.cpu2 < 0)
		o.cpu2 = o.cpu;
	signal(SIGPIPE, SIG_IGN);
	pin(o.cpu);
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		if (strcmp(argv[i], families[f].name) == 0) {
			families[f].run(&o);
			return 0;
		}
	}
	return usage();
}
