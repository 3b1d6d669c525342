/*
 * LOG session: labelled text lines. The server prints `[label] line`, with the label its parents
 * gave the session, and escapes control characters so no client can forge another's line.
 */
#ifndef GNEISS_LOG_SESSION_H
#define GNEISS_LOG_SESSION_H

#include <gneiss/rpc.h>

enum {
	GN_LOG_LINE_MAX = 480
};

typedef struct {
	char text[GN_LOG_LINE_MAX]; /* NUL-terminated; the server cuts an unterminated one */
} gn_log_write_args_t;

#define GN_LOG_RPCS(X, P) X(P, write, 1, gn_log_write_args_t, gn_rpc_void_t, 0, 0)

GN_RPC_CLIENT(gn_log_session, GN_LOG_RPCS)
GN_CAP_TYPE(gn_log_session_cap_t);

#endif
