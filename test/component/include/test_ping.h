/* The smallest session interface: one call that answers OK. For tests about sessions, not calls. */
#ifndef GNEISS_TEST_PING_H
#define GNEISS_TEST_PING_H

#include <gneiss/rpc.h>

#define TEST_PING_RPCS(X, P) X(P, ping, 1, gn_rpc_void_t, gn_rpc_void_t, 0, 0)

GN_RPC_CLIENT(test_ping, TEST_PING_RPCS)

#endif
