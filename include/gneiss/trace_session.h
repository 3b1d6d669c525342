/*
 * TRACE session (core): every thread of every component is a trace subject. A tracer lists the
 * subjects, gives one a policy and a buffer, pauses and resumes it, and reads its buffer; the
 * layouts of policy and buffer are in gneiss/trace_format.h.
 *
 * Scope. A session sees the subjects whose labels lie under its filter: its own label with the
 * last parent_levels elements removed (session argument parent_levels, default 0), so a tracer
 * labelled "init -> sub -> monitor" sees only "init -> sub -> monitor" and what lies below it with
 * 0, and everything under "init -> sub" with 1. As in Genode, the routing of TRACE sessions is what makes a tracer: a
 * parent that routes one to a child trusts it with its siblings.
 *
 * Quota. Policies and buffers are paid from the session's donation (ram_quota, upgrades): a
 * request beyond it fails with OUT_OF_RAM and changes nothing. Closing the session stops its
 * tracing and frees both.
 *
 * Subjects are named by ids that stay valid while the thread lives, and after it ended while the
 * session still traces it (state DEAD: its buffer stays readable until free_subject).
 */
#ifndef GNEISS_TRACE_SESSION_H
#define GNEISS_TRACE_SESSION_H

#include <gneiss/cpu_session.h>
#include <gneiss/rpc.h>
#include <gneiss/trace_format.h>

enum {
	GN_TRACE_SUBJECTS_MAX = 128, /* ids per subjects() answer */
	GN_TRACE_LABEL_MAX = 160,
};

typedef enum {
	GN_TRACE_UNTRACED = 0,
	GN_TRACE_TRACED = 1,
	GN_TRACE_PAUSED = 2,
	GN_TRACE_DEAD = 3, /* the thread ended; its buffer stays */
} gn_trace_state_t;

typedef struct {
	uint32_t first; /* the position in the session's list to start from */
} gn_trace_subjects_args_t;

typedef struct {
	uint32_t count; /* ids in this answer */
	uint32_t total; /* subjects the session sees */
	uint32_t ids[GN_TRACE_SUBJECTS_MAX];
} gn_trace_subjects_res_t;

typedef struct {
	uint32_t id;
} gn_trace_subject_args_t;

typedef struct {
	char label[GN_TRACE_LABEL_MAX];  /* the component's, as core knows it */
	char thread[GN_THREAD_NAME_MAX]; /* "main" for the main thread */
	uint32_t state;                  /* gn_trace_state_t */
	uint32_t policy;                 /* its policy id while traced, else 0 */
	uint64_t buffer_size;            /* bytes of its buffer dataspace while traced, else 0 */
	uint64_t execution_ns;           /* CPU time the thread used so far, when known */
	uint32_t cpu;                    /* the CPU it is pinned to, or GN_CPU_ANY */
} gn_trace_subject_info_t;

typedef struct {
	uint32_t id;
} gn_trace_policy_id_t;

typedef struct {
	uint32_t subject;
	uint32_t policy;
	uint64_t buffer_size; /* bytes, header included; rounded up to whole pages */
} gn_trace_trace_args_t;

/*
 * subjects: the ids the session sees, from position first on. subject_info: what core knows of
 * one (INVALID_ARG for an id the session does not see). alloc_policy: a policy dataspace of
 * GN_TRACE_POLICY_SIZE bytes, writable by the tracer, all events off until written. trace: starts
 * (or, with another policy or size, restarts) tracing a subject; the thread picks the change up
 * at its next trace point. pause / resume keep the buffer. buffer: the subject's buffer, read-only.
 * free_subject: stops tracing and frees the buffer. free_policy: refused (DENIED) while a subject
 * uses it.
 */
#define GN_TRACE_RPCS(X, P)                                                           \
	X(P, subjects, 1, gn_trace_subjects_args_t, gn_trace_subjects_res_t, 0, 0)    \
	X(P, subject_info, 2, gn_trace_subject_args_t, gn_trace_subject_info_t, 0, 0) \
	X(P, alloc_policy, 3, gn_rpc_void_t, gn_trace_policy_id_t, 0, 1)              \
	X(P, free_policy, 4, gn_trace_policy_id_t, gn_rpc_void_t, 0, 0)               \
	X(P, trace, 5, gn_trace_trace_args_t, gn_rpc_void_t, 0, 0)                    \
	X(P, pause, 6, gn_trace_subject_args_t, gn_rpc_void_t, 0, 0)                  \
	X(P, resume, 7, gn_trace_subject_args_t, gn_rpc_void_t, 0, 0)                 \
	X(P, buffer, 8, gn_trace_subject_args_t, gn_rpc_void_t, 0, 1)                 \
	X(P, free_subject, 9, gn_trace_subject_args_t, gn_rpc_void_t, 0, 0)

GN_RPC_CLIENT(gn_trace_session, GN_TRACE_RPCS)
GN_CAP_TYPE(gn_trace_session_cap_t);

#endif
