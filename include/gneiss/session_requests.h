/*
 * Reading the session_requests ROM (its format is in gneiss/parent.h), as a server's library does:
 * a consistent snapshot of the dataspace the parent rewrites, then each request in document order.
 * Both steps are pure (no I/O, no state), so they are unit-tested and fuzzed on the host
 * (test/fuzz/session_requests.c); lib/base/service.c answers what they yield.
 *
 * The document comes from the parent, which a server need not trust to be well-formed: nothing in
 * it can make the reader overrun a buffer, and what the reader cannot take whole it hands over as
 * incomplete (the server refuses such a create) or skips (a node without a usable id, or of an
 * unknown type).
 */
#ifndef GNEISS_SESSION_REQUESTS_H
#define GNEISS_SESSION_REQUESTS_H

#include <gneiss/parent.h>

typedef enum {
	GN_SESSION_REQUEST_CREATE = 1,
	GN_SESSION_REQUEST_UPGRADE = 2,
	GN_SESSION_REQUEST_CLOSE = 3,
} gn_session_request_kind_t;

/* One request of the document. */
typedef struct {
	gn_session_request_kind_t kind;
	uint32_t id; /* the parent's, never 0 */
	/*
	 * create: the service attribute and the <args> text were read whole;
	 * upgrade: ram_quota and cap_quota are numbers where present (absent counts as 0);
	 * close: always
	 */
	bool complete;
	char service[GN_SERVICE_NAME_MAX]; /* create: NUL-terminated; empty unless complete */
	char args[GN_SESSION_ARGS_MAX];    /* create: NUL-terminated; empty unless complete */
	uint64_t ram, caps;                /* upgrade: 0 unless complete */
} gn_session_request_t;

typedef void (*gn_session_request_fn_t)(void *ctx, gn_session_request_t const *req);

/*
 * Copies the document of the ROM of rom_size bytes at rom into the doc_size bytes at doc when the
 * parent is not rewriting it (sequence number even and unchanged across the copy) and its length
 * fits both the ROM and doc (leaving room for a NUL, which is not written). Returns true with the
 * length in *len; false when the caller should try again (or give up), doc's content undefined.
 */
bool gn_session_requests_snapshot(gn_session_requests_hdr_t const volatile *rom, size_t rom_size,
	char *doc, size_t doc_size, size_t *len);

/*
 * Parses the len bytes at doc as a session_requests document and calls fn(ctx, req) for each
 * <create>, <upgrade> and <close> node below the root, in document order, that has an id in
 * 1..UINT32_MAX; other nodes are skipped. req is valid during the call only. Errors (fn never
 * called): INVALID_ARG / LIMIT when doc is not a well-formed document (gn_xml_parse), or empty.
 */
gn_err_t gn_session_requests_parse(
	char const *doc, size_t len, gn_session_request_fn_t fn, void *ctx) GN_MUST_CHECK;

#endif
