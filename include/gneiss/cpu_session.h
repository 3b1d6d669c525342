/*
 * CPU session: threads are created through it, so each is accounted (one capability) and known to
 * core by name (for tracing and fault reports). On linux the thread itself is cloned by the
 * component; core keeps the record.
 */
#ifndef GNEISS_CPU_SESSION_H
#define GNEISS_CPU_SESSION_H

#include <gneiss/rpc.h>

enum {
	GN_THREAD_NAME_MAX = 32
};

typedef struct {
	char name[GN_THREAD_NAME_MAX];
} gn_cpu_create_thread_args_t;

typedef struct {
	uint32_t id;
} gn_cpu_thread_id_t;

#define GN_CPU_RPCS(X, P)                                                             \
	X(P, create_thread, 1, gn_cpu_create_thread_args_t, gn_cpu_thread_id_t, 0, 0) \
	X(P, kill_thread, 2, gn_cpu_thread_id_t, gn_rpc_void_t, 0, 0)                 \
	X(P, exception_sigh, 3, gn_rpc_void_t, gn_rpc_void_t, 1, 0)

GN_RPC_CLIENT(gn_cpu_session, GN_CPU_RPCS)
GN_CAP_TYPE(gn_cpu_session_cap_t);

#endif
