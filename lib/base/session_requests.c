/*
 * The session_requests ROM as a server reads it (gneiss/session_requests.h).
 *
 * The snapshot protocol: the parent makes the sequence number odd, rewrites the document and its
 * length, and makes the number even again. A reader copies only when the number was even before
 * and unchanged after its copy, and never trusts the length: it must fit the ROM and the copy.
 * Parsing then works on the private copy only, so a parent rewriting the ROM meanwhile cannot
 * change what the parser already checked.
 */
#include <gneiss/session_requests.h>
#include <gneiss/string.h>
#include <gneiss/xml.h>

bool gn_session_requests_snapshot(gn_session_requests_hdr_t const volatile *rom, size_t rom_size,
	char *doc, size_t doc_size, size_t *len)
{
	if (rom_size < sizeof(*rom))
		return false;
	uint64_t const seq = __atomic_load_n(&rom->seq, __ATOMIC_ACQUIRE);
	uint64_t const n = rom->len;

	if (seq & 1 || n > rom_size - sizeof(*rom) || n >= doc_size)
		return false;
	gn_memcpy(doc, (char const *)rom + sizeof(*rom), n);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	*len = n;
	return __atomic_load_n(&rom->seq, __ATOMIC_ACQUIRE) == seq;
}

static void read_create(gn_xml_node_t const *node, gn_session_request_t *req)
{
	gn_xml_node_t args;

	req->complete =
		gn_xml_attr_str(node, "service", req->service, sizeof(req->service)) == GN_OK &&
		gn_xml_first_sub_type(node, "args", &args) &&
		gn_xml_content_str(&args, req->args, sizeof(req->args)) == GN_OK;
	if (!req->complete) {
		req->service[0] = 0;
		req->args[0] = 0;
	}
}

static void read_upgrade(gn_xml_node_t const *node, gn_session_request_t *req)
{
	req->complete = gn_xml_attr_u64(node, "ram_quota", 0, &req->ram) == GN_OK &&
			gn_xml_attr_u64(node, "cap_quota", 0, &req->caps) == GN_OK;
	if (!req->complete) {
		req->ram = 0;
		req->caps = 0;
	}
}

/* Reads one node into req; false when it is no request (unknown type, no usable id). */
static bool read_request(gn_xml_node_t const *node, gn_session_request_t *req)
{
	uint64_t id = 0;

	*req = (gn_session_request_t){.complete = true};
	if (gn_xml_attr_u64(node, "id", 0, &id) != GN_OK || id == 0 || id > UINT32_MAX)
		return false;
	req->id = (uint32_t)id;
	if (gn_xml_has_type(node, "create")) {
		req->kind = GN_SESSION_REQUEST_CREATE;
		read_create(node, req);
	} else if (gn_xml_has_type(node, "upgrade")) {
		req->kind = GN_SESSION_REQUEST_UPGRADE;
		read_upgrade(node, req);
	} else if (gn_xml_has_type(node, "close"))
		req->kind = GN_SESSION_REQUEST_CLOSE;
	else
		return false;
	return true;
}

gn_err_t gn_session_requests_parse(
	char const *doc, size_t len, gn_session_request_fn_t fn, void *ctx)
{
	gn_xml_node_t root, node;
	gn_session_request_t req;

	if (len == 0)
		return GN_ERR_INVALID_ARG;
	gn_err_t const err = gn_xml_parse(doc, len, &root, NULL);
	if (err != GN_OK)
		return err;
	for (bool more = gn_xml_first_sub(&root, &node); more; more = gn_xml_next(&node, &node))
		if (read_request(&node, &req))
			fn(ctx, &req);
	return GN_OK;
}
