/*
 * Tracing from a component's point of view: every thread is a trace subject of core's TRACE
 * service (gneiss/trace_session.h), recorded at the library's automatic trace points (RPC call,
 * returned, dispatch, reply; signal submit and receive; log output) whenever a tracer says so. A
 * component adds its own events with checkpoints. Nothing is to be done for either: while a thread
 * is not traced, a trace point costs a load and a compare.
 */
#ifndef GNEISS_TRACE_H
#define GNEISS_TRACE_H

#include <gneiss/types.h>

/* A user checkpoint: name (its payload) and a value, recorded when the policy takes checkpoints. */
void gn_trace_checkpoint(char const *name, uint64_t value);

#endif
