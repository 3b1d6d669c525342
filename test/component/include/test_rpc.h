/*
 * The interfaces of the rpc scenario: a session with calls that pass, return and check
 * capabilities, and counter objects the session creates and revokes.
 */
#ifndef GNEISS_TEST_RPC_H
#define GNEISS_TEST_RPC_H

#include <gneiss/rpc.h>

enum {
	TEST_RPC_BIG = 4000 /* payload bytes of the big echo, close to GN_IPC_PAYLOAD */
};

typedef struct {
	int64_t a, b;
} test_rpc_add_args_t;

typedef struct {
	int64_t sum;
} test_rpc_add_res_t;

typedef struct {
	uint8_t bytes[TEST_RPC_BIG];
} test_rpc_big_t;

typedef struct {
	uint64_t value;
} test_rpc_value_t;

typedef struct {
	uint32_t count;
} test_rpc_count_t;

typedef struct {
	uint8_t byte;
} test_rpc_fill_args_t;

/*
 * add: plain call. echo_big: a 4000-byte payload both ways. echo_cap: returns the capability it
 * got. create_counter / destroy_counter: an object the session makes and revokes. counter_value:
 * gets a counter capability back and must recognise it as its own. kinds: takes four capabilities
 * and returns, as a bit mask, which of them are its own objects. notify: submits `count` signals to
 * the signal context passed. fill: writes the byte over the whole dataspace passed. share: keeps
 * the dataspace passed attached for the session (a client buffer, as of a packet stream);
 * fill_shared: writes the byte over it, REVOKED if its owner freed it meanwhile.
 */
#define TEST_RPC_SESSION_RPCS(X, P)                                   \
	X(P, add, 1, test_rpc_add_args_t, test_rpc_add_res_t, 0, 0)   \
	X(P, echo_big, 2, test_rpc_big_t, test_rpc_big_t, 0, 0)       \
	X(P, echo_cap, 3, gn_rpc_void_t, gn_rpc_void_t, 1, 1)         \
	X(P, create_counter, 4, gn_rpc_void_t, gn_rpc_void_t, 0, 1)   \
	X(P, destroy_counter, 5, gn_rpc_void_t, gn_rpc_void_t, 1, 0)  \
	X(P, counter_value, 6, gn_rpc_void_t, test_rpc_value_t, 1, 0) \
	X(P, kinds, 7, gn_rpc_void_t, test_rpc_value_t, 4, 0)         \
	X(P, notify, 8, test_rpc_count_t, gn_rpc_void_t, 1, 0)        \
	X(P, fill, 9, test_rpc_fill_args_t, gn_rpc_void_t, 1, 0)      \
	X(P, share, 10, gn_rpc_void_t, gn_rpc_void_t, 1, 0)           \
	X(P, fill_shared, 11, test_rpc_fill_args_t, gn_rpc_void_t, 0, 0)

GN_RPC_CLIENT(test_rpc_session, TEST_RPC_SESSION_RPCS)

#define TEST_RPC_COUNTER_RPCS(X, P) X(P, increment, 1, gn_rpc_void_t, test_rpc_value_t, 0, 0)

GN_RPC_CLIENT(test_rpc_counter, TEST_RPC_COUNTER_RPCS)

#endif
