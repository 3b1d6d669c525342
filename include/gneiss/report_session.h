/*
 * Report session: a client publishes a document (a "report") that a report server such as
 * os/report_rom hands on to readers, as Genode's Report session.
 *
 * Session arguments: `buffer_size` (bytes, 1 .. GN_REPORT_BUFFER_MAX; required) besides the usual
 * ram_quota, cap_quota and label. The report's name is the session label as the server sees it
 * ("client -> state").
 *
 * Protocol: `dataspace` hands out the report buffer, of at least buffer_size bytes, which the client
 * keeps attached and writes its report into; `submit(length)` publishes the first `length` bytes.
 * The server takes a private copy during the call, so the client may overwrite the buffer as soon
 * as submit returned; a report is never visible half-written. A length beyond buffer_size is
 * refused with INVALID_ARG and changes nothing. Length 0 publishes the empty report.
 *
 * Price (checked by the server against the donation; too little is refused with
 * INSUFFICIENT_RAM / INSUFFICIENT_CAPS, which the client library answers by raising the donation):
 * RAM gn_report_session_ram(buffer_size), the buffer and the server's copy of the last report, and
 * GN_REPORT_SESSION_CAPS capabilities (the session object and the two dataspaces).
 *
 * Not provided (Genode has them): response_sigh/obtain_responses, a back channel from a report's
 * consumer to its producer (Genode's clipboard and nitpicker use it). Opcodes 3 and 4 are kept
 * free for them.
 */
#ifndef GNEISS_REPORT_SESSION_H
#define GNEISS_REPORT_SESSION_H

#include <gneiss/rpc.h>

enum {
	GN_REPORT_BUFFER_MAX = 16 * GN_MIB,
	GN_REPORT_SESSION_CAPS = 3,
	GN_REPORT_PAGE = 4096, /* the granularity dataspaces are charged in */
};

typedef struct {
	uint64_t size; /* the buffer_size the session was opened with */
} gn_report_dataspace_res_t;

typedef struct {
	uint64_t length; /* bytes from the start of the buffer */
} gn_report_submit_args_t;

#define GN_REPORT_RPCS(X, P)                                               \
	X(P, dataspace, 1, gn_rpc_void_t, gn_report_dataspace_res_t, 0, 1) \
	X(P, submit, 2, gn_report_submit_args_t, gn_rpc_void_t, 0, 0)

GN_RPC_CLIENT(gn_report_session, GN_REPORT_RPCS)
GN_CAP_TYPE(gn_report_session_cap_t);

/* RAM a Report session with a buffer of buffer_size bytes costs (0 when buffer_size is invalid). */
static inline uint64_t gn_report_session_ram(uint64_t buffer_size)
{
	if (buffer_size == 0 || buffer_size > GN_REPORT_BUFFER_MAX)
		return 0;
	return 2 * ((buffer_size + GN_REPORT_PAGE - 1) / GN_REPORT_PAGE * GN_REPORT_PAGE);
}

#endif
