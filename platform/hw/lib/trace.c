/*
 * Tracing on hw, as far as it goes without the CPU session's trace dataspaces (replaces
 * lib/base/trace.c): every thread's trace state is gn_trace_off, whose control word is a constant
 * 0, so each trace point of the library costs its load and compare and records nothing, and a
 * component's checkpoints (gn_trace_checkpoint) record nothing either. Making a thread a subject
 * needs the trace buffer and policy dataspaces of core's CPU session on hw:
 * gn_trace_main_thread, gn_trace_new_thread and gn_trace_thread_exit are absent (component_start.c
 * and thread_hw.c do not call them), and gn_trace_event is reached only through a state other
 * than gn_trace_off.
 */
#include <gneiss/log.h>
#include <gneiss/trace.h>
#include <gn_trace.h>

static uint64_t const zero_word;
gn_trace_thread_t gn_trace_off = {.control = &zero_word};

void gn_trace_event(gn_trace_thread_t *t, unsigned kind, uint64_t a0, uint64_t a1,
	void const *payload, size_t payload_len)
{
	(void)kind, (void)a0, (void)a1, (void)payload, (void)payload_len;
	if (t == &gn_trace_off)
		return; /* its word is constant: never reached */
	gn_error("trace state %p is no thread's: ending", (void *)t);
	gn_platform_exit(124);
}

void gn_trace_checkpoint(char const *name, uint64_t value)
{
	gn_trace(GN_TRACE_CHECKPOINT, value, 0, name, 0);
}
