/*
 * The interfaces of the hw_runtime scenario (rt_*.c), declared once with lib/base's RPC macros:
 * the root's name service on the boot endpoint and the server's calculator session.
 */
#ifndef GNEISS_HW_RT_TEST_H
#define GNEISS_HW_RT_TEST_H

#include <gneiss/rpc.h>

enum {
	RT_BIG = 4000, /* payload bytes of the big echo */
};

typedef struct {
	uint64_t name;
} rt_name_t;

typedef struct {
	int64_t a, b;
} rt_add_args_t;

typedef struct {
	int64_t sum;
} rt_add_res_t;

typedef struct {
	uint8_t bytes[RT_BIG];
} rt_big_t;

typedef struct {
	uint64_t value;
} rt_value_t;

typedef struct {
	uint64_t pages;
	uint64_t read_only; /* a copy of the capability with READ only */
} rt_memory_args_t;

/*
 * announce: keeps the capability under name; lookup: hands out a copy of it (NOT_FOUND: none);
 * memory: a memory object of the root's (mem_create), its first bytes RT_PATTERN, and its id;
 * free_memory: the root destroys the object of that id; unbound_signal: a signal context bound to
 * no receiver (as a PD session hands them out), submitted value times before it is handed out.
 */
#define RT_ROOT_RPCS(X, P)                                    \
	X(P, announce, 1, rt_name_t, gn_rpc_void_t, 1, 0)     \
	X(P, lookup, 2, rt_name_t, gn_rpc_void_t, 0, 1)       \
	X(P, memory, 3, rt_memory_args_t, rt_value_t, 0, 1)   \
	X(P, free_memory, 4, rt_value_t, gn_rpc_void_t, 0, 0) \
	X(P, unbound_signal, 5, rt_value_t, gn_rpc_void_t, 0, 1)

GN_RPC_CLIENT(rt_root, RT_ROOT_RPCS)

/*
 * add; echo_big: 4000 bytes both ways; echo_cap: returns the capability it got; counter_create /
 * counter_destroy: a counter object it manages and dissolves (the counter's capability passed
 * back); signal: a capability to the server's signal context; later: deferred, answered with 2x
 * by the next release; release; bye: the server exits after replying; ep_signal: a capability to a
 * signal context of the server's entrypoint; await_signals: dispatches the entrypoint's signals
 * until its handler has seen value of them, replies with how many it saw; wake_signal: a
 * capability to an entrypoint context without handler; await_wake: gn_ep_wait_signal on it for
 * value ms, replies with the error; identify: which of the server's objects the capability names
 * (gn_ep_lookup) and whether it is the session's or the counter's (gn_cap_same), RT_ID_*;
 * foreign_signal: the context from the root's unbound_signal that the server bound to its
 * entrypoint with a handler; await_foreign: dispatches signals until that handler has seen value;
 * foreign_wait: another such context, without a handler; await_foreign_wait: gn_ep_wait_signal on
 * it for value ms, replies with the error.
 */
#define RT_CALC_RPCS(X, P)                                           \
	X(P, add, 1, rt_add_args_t, rt_add_res_t, 0, 0)              \
	X(P, echo_big, 2, rt_big_t, rt_big_t, 0, 0)                  \
	X(P, echo_cap, 3, gn_rpc_void_t, gn_rpc_void_t, 1, 1)        \
	X(P, counter_create, 4, gn_rpc_void_t, gn_rpc_void_t, 0, 1)  \
	X(P, counter_destroy, 5, gn_rpc_void_t, gn_rpc_void_t, 1, 0) \
	X(P, signal, 6, gn_rpc_void_t, gn_rpc_void_t, 0, 1)          \
	X(P, later, 7, rt_value_t, rt_value_t, 0, 0)                 \
	X(P, release, 8, gn_rpc_void_t, gn_rpc_void_t, 0, 0)         \
	X(P, bye, 9, gn_rpc_void_t, gn_rpc_void_t, 0, 0)             \
	X(P, ep_signal, 10, gn_rpc_void_t, gn_rpc_void_t, 0, 1)      \
	X(P, await_signals, 11, rt_value_t, rt_value_t, 0, 0)        \
	X(P, wake_signal, 12, gn_rpc_void_t, gn_rpc_void_t, 0, 1)    \
	X(P, await_wake, 13, rt_value_t, rt_value_t, 0, 0)           \
	X(P, identify, 14, gn_rpc_void_t, rt_value_t, 1, 0)          \
	X(P, foreign_signal, 15, gn_rpc_void_t, gn_rpc_void_t, 0, 1) \
	X(P, await_foreign, 16, rt_value_t, rt_value_t, 0, 0)        \
	X(P, foreign_wait, 17, gn_rpc_void_t, gn_rpc_void_t, 0, 1)   \
	X(P, await_foreign_wait, 18, rt_value_t, rt_value_t, 0, 0)

GN_RPC_CLIENT(rt_calc, RT_CALC_RPCS)

/* increment; hold: deferred and never answered: dissolving the counter ends the call. */
#define RT_COUNTER_RPCS(X, P)                               \
	X(P, increment, 1, gn_rpc_void_t, rt_value_t, 0, 0) \
	X(P, hold, 2, gn_rpc_void_t, gn_rpc_void_t, 0, 0)

GN_RPC_CLIENT(rt_counter, RT_COUNTER_RPCS)

enum {
	RT_NAME_CALC = 0x63616c63, /* "calc" */
	RT_SIGNAL_BADGE = 0x5167,

	/* identify's answer: the object gn_ep_lookup found, and what gn_cap_same said */
	RT_ID_NONE = 0,
	RT_ID_SESSION = 1,
	RT_ID_COUNTER = 2,
	RT_ID_SAME_SESSION = 0x10,
	RT_ID_SAME_COUNTER = 0x20,
};

#define RT_PATTERN "written by the root"
#define RT_PATTERN_LEN sizeof(RT_PATTERN)

#endif
