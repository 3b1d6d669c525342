/*
 * The LTTng-UST tracepoint provider of tool/bench-lttng: one event with two 64-bit integer fields,
 * what a Gneiss trace point of layout args records besides its header (a0, a1).
 */
#undef TRACEPOINT_PROVIDER
#define TRACEPOINT_PROVIDER gneiss_bench

#undef TRACEPOINT_INCLUDE
#define TRACEPOINT_INCLUDE "bench_lttng_tp.h"

#if !defined(BENCH_LTTNG_TP_H) || defined(TRACEPOINT_HEADER_MULTI_READ)
#define BENCH_LTTNG_TP_H

#include <lttng/tracepoint.h>

/* make check's cppcheck does not expand LTTng's macros */
TRACEPOINT_EVENT(gneiss_bench, args, TP_ARGS(uint64_t, a0, uint64_t, a1),
	/* cppcheck-suppress unknownMacro */
	TP_FIELDS(ctf_integer(uint64_t, a0, a0) ctf_integer(uint64_t, a1, a1)))

#endif

#include <lttng/tracepoint-event.h>
