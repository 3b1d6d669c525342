/* The timestamp counter's rate, which tracing and the CPU session report (x86_64 on every platform). */
#include <gneiss/time.h>

#include "core.h"

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

uint64_t core_platform_tsc_per_ms(void)
{
	static uint64_t per_ms;

	if (per_ms)
		return per_ms;
	/* 10 ms of the monotonic clock against the TSC, once */
	uint64_t const t0 = gn_time_now_ns(), c0 = rdtsc();
	uint64_t t1;
	do
		t1 = gn_time_now_ns();
	while (t1 - t0 < 10 * 1000 * 1000);
	uint64_t const c1 = rdtsc();
	per_ms = (c1 - c0) * 1000000 / (t1 - t0);
	return per_ms ? per_ms : 1;
}
