/*
 * Synchronous IPC, the transport under RPC (DESIGN.md §2).
 *
 * A message is an opcode (reply: a status), up to GN_IPC_PAYLOAD bytes of payload and up to
 * GN_IPC_CAPS capabilities. Every thread owns one gn_ipc_buf_t, laid out the same on every platform.
 * The server learns which object was invoked from the kernel, never from the payload.
 */
#ifndef GNEISS_IPC_H
#define GNEISS_IPC_H

#include <gneiss/cap.h>

enum {
	GN_IPC_PAYLOAD = 4096,
	GN_IPC_CAPS = 4,
};

typedef struct {
	uint32_t word;     /* request: opcode; reply: gn_err_t status */
	uint32_t len;      /* payload bytes */
	uint32_t num_caps; /* capabilities that travel with the message */
	uint32_t reserved;
} gn_ipc_header_t;

typedef struct {
	gn_ipc_header_t hdr;
	uint8_t payload[GN_IPC_PAYLOAD];
	gn_cap_t caps[GN_IPC_CAPS];
} gn_ipc_buf_t;

/*
 * What a transport delivered for one message, before anything in it is trusted: the bytes it wrote
 * into the buffer (header included), the capabilities that arrived (at most GN_IPC_CAPS; the
 * transport dropped any beyond), and whether it cut off bytes or capabilities that did not fit.
 */
typedef struct {
	size_t bytes;
	unsigned caps;
	bool truncated;
} gn_ipc_delivery_t;

/*
 * Checks a received message's header against what the transport delivered (got): a whole header,
 * a payload length equal to the bytes after it (so at most GN_IPC_PAYLOAD), a capability count
 * equal to the capabilities that arrived, nothing truncated. GN_OK or BAD_MSG; then the transport
 * drops the capabilities. Pure: hdr is read only when a whole header arrived.
 */
gn_err_t gn_ipc_msg_check(gn_ipc_header_t const *hdr, gn_ipc_delivery_t const *got) GN_MUST_CHECK;

/* The calling thread's IPC buffer. */
gn_ipc_buf_t *gn_ipc_buf(void);

/*
 * Sends the request in buf to the object cap and blocks for the reply, which replaces buf's
 * content. Capabilities in buf->caps are sent as copies (the caller keeps its references); the
 * reply's capabilities are new references owned by the caller.
 * Errors: INVALID_CAP (no such object), REVOKED (the object is gone), BAD_MSG (malformed reply),
 * OUT_OF_CAPS (no room for received capabilities). On success the status is in buf->hdr.word.
 */
gn_err_t gn_ipc_call(gn_cap_t cap, gn_ipc_buf_t *buf) GN_MUST_CHECK;

#endif
