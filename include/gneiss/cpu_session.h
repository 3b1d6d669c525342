/*
 * CPU session: threads are created through it, so each is accounted (one capability) and known to
 * core by name (for tracing and fault reports). On linux the thread itself is cloned by the
 * component; core keeps the record.
 *
 * Affinity: a session sees an affinity space of `count` CPUs, numbered 0..count-1. A thread asks
 * for one of them (or GN_CPU_ANY) when it is created; core checks the index and answers with the
 * platform's CPU number the thread is to run on, which the thread then pins itself to. The session
 * arguments affinity_offset and affinity_count make the session's space that part of its parent's
 * (each parent on the way maps it into its own); the program bound to the session runs on those
 * CPUs only, GN_CPU_ANY threads included.
 *
 * Priority (Genode's scheme): the session argument priority=P, from 0 (the highest, the default)
 * to GN_CPU_PRIORITY_LIMIT - 1; a larger number is a lower priority, larger values are clamped.
 * Every parent on the way maps the request into the band of the child that made it, so no child
 * can rise above its parent. The program whose PD the session is bound to runs at that priority:
 * on linux at the nice value P * 20 / GN_CPU_PRIORITY_LIMIT (0..19).
 */
#ifndef GNEISS_CPU_SESSION_H
#define GNEISS_CPU_SESSION_H

#include <gneiss/rpc.h>

enum {
	GN_THREAD_NAME_MAX = 32,
	GN_CPU_PRIORITY_LIMIT = 1 << 16
};

/* No particular CPU: the thread may run anywhere. */
#define GN_CPU_ANY 0xffffffffu

typedef struct {
	char name[GN_THREAD_NAME_MAX];
	uint32_t affinity; /* an index into the session's affinity space, or GN_CPU_ANY */
} gn_cpu_create_thread_args_t;

typedef struct {
	uint32_t id;
	uint32_t cpu;        /* the platform's number of the CPU to run on, or GN_CPU_ANY */
	uint32_t trace_slot; /* its word in the trace-control page (gneiss/trace_format.h) */
} gn_cpu_create_thread_res_t;

typedef struct {
	uint32_t id;
} gn_cpu_thread_id_t;

typedef struct {
	uint32_t count; /* CPUs in the session's affinity space (at least 1) */
} gn_cpu_affinity_space_res_t;

typedef struct {
	int32_t tid; /* the calling thread's id as its kernel knows it (for its execution time) */
} gn_cpu_trace_control_args_t;

typedef struct {
	uint32_t main_id;   /* the main thread's id: it is a trace subject, too */
	uint32_t main_slot; /* its word in the page */
} gn_cpu_trace_control_res_t;

typedef struct {
	uint32_t id;
	int32_t tid;
} gn_cpu_thread_started_args_t;

typedef struct {
	uint64_t tsc_per_ms; /* for the buffer's header: the timestamp unit core measured */
} gn_cpu_trace_buffer_res_t;

/*
 * create_thread: charges one capability; errors OUT_OF_CAPS, LIMIT, INVALID_ARG (affinity outside
 * the affinity space). kill_thread: forgets the thread and refunds its capability; INVALID_ARG for
 * an id that is not one of this session's threads.
 *
 * Tracing (gneiss/trace_format.h): trace_control hands out the session's trace-control page
 * (read-only) and makes the calling main thread a subject; thread_started tells core a thread's
 * kernel id; trace_buffer and trace_policy hand a traced thread its buffer (writable) and its
 * policy (read-only), NOT_FOUND while it is not traced.
 */
#define GN_CPU_RPCS(X, P)                                                                     \
	X(P, create_thread, 1, gn_cpu_create_thread_args_t, gn_cpu_create_thread_res_t, 0, 0) \
	X(P, kill_thread, 2, gn_cpu_thread_id_t, gn_rpc_void_t, 0, 0)                         \
	X(P, exception_sigh, 3, gn_rpc_void_t, gn_rpc_void_t, 1, 0)                           \
	X(P, affinity_space, 4, gn_rpc_void_t, gn_cpu_affinity_space_res_t, 0, 0)             \
	X(P, trace_control, 5, gn_cpu_trace_control_args_t, gn_cpu_trace_control_res_t, 0, 1) \
	X(P, thread_started, 6, gn_cpu_thread_started_args_t, gn_rpc_void_t, 0, 0)            \
	X(P, trace_buffer, 7, gn_cpu_thread_id_t, gn_cpu_trace_buffer_res_t, 0, 1)            \
	X(P, trace_policy, 8, gn_cpu_thread_id_t, gn_rpc_void_t, 0, 1)

GN_RPC_CLIENT(gn_cpu_session, GN_CPU_RPCS)
GN_CAP_TYPE(gn_cpu_session_cap_t);

#endif
