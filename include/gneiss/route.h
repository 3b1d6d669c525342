/*
 * Session routing: where init sends a child's session request, decided as Genode's init (its
 * sandbox library) decides it.
 *
 * Pure: no I/O, no allocation, no state. The caller passes init's config, the child's start node,
 * the request and a small "world" (which children are alive and what they and init's parent
 * provide); the answer says parent, child <name>, one of init's own services, or denied, and the
 * label to present to the server.
 *
 * The rules (Genode's repos/os/src/lib/sandbox/child.cc, route_model.h and utils.h):
 *
 * 1. Requests init answers itself, before any routing, for service "ROM" only: when the last
 *    element of the label is "config" and the start node has an inline <config>, the inline config
 *    (GN_ROUTE_CONFIG); when it is "session_requests", init's session-requests ROM
 *    (GN_ROUTE_SESSION_REQUESTS, presented label empty). For environment requests (req.env) whose
 *    label is the child's name while <binary name> differs, and for "ld.lib.so" under <start
 *    ld="no">, the request is routed as if its label were the binary's name.
 * 2. The routing table is the start node's first <route>, or, only when the start node has none,
 *    the config's <default-route> (the last one, when there are several). The two are never
 *    combined: a start node with a <route> ignores <default-route>. Neither: denied.
 * 3. The table's sub-nodes are tried in order. A <service name="S"> node applies to service S, an
 *    <any-service> node to every service; any other node never applies. Label selectors of a node:
 *    - unscoped_label="L": the whole label, child's name in front ("child -> x"), equals L byte for
 *      byte. When present, the other selectors are ignored (and a warning is reported if any is
 *      there).
 *    - else label_last="L": the label's last element equals L byte for byte; label, label_prefix
 *      and label_suffix of the same node are ignored.
 *    - else label, label_prefix, label_suffix: matched against the label as the child chose it
 *      (without its name), all present ones must agree, leading and trailing spaces of label and
 *      values ignored (gn_policy_matches). A node with `label` alone compares exactly, without
 *      trimming (Genode's checksum pre-check). A request whose label lacks the child's name in
 *      front (environment requests) never matches these selectors.
 *    - no selector: the node applies to every label.
 * 4. The first node that applies decides. Its targets are tried in order; the first that accepts
 *    the request wins:
 *    - <parent/>: the service is listed in a <parent-provides> of the config (required: without
 *      <parent-provides> nothing goes to the parent);
 *    - <child name="c"/>: c, after one step of <alias name="c" child="..."/> resolution, is a live
 *      child that lists the service in its <provides> (an announcement alone is not enough; a child
 *      may be routed to itself, which out->to_self reports);
 *    - <any-child/>: the one live child that lists the service in <provides>; none: this target
 *      fails; several: this target fails and an "ambiguous routes" warning is reported. Aliases
 *      play no part here;
 *    - <local/>: a service init implements itself (world->local_provides);
 *    - anything else (also <child/> without name) fails.
 *    When every target of a <service> node fails, the request is denied; when every target of an
 *    <any-service> node fails, the search goes on with the next node.
 * 5. Label rewriting by the accepting target node: `label="L"` presents L; otherwise `identity`
 *    (default: the label without its last element, "child" for "child -> x"), `resource` (default:
 *    the last element) and `prepend_resource` (default empty) present
 *    "identity -> prepend_resource resource" (just the second part when identity is empty). A
 *    target with none of these four attributes presents the label unchanged: the child's name,
 *    " -> ", the child's label ("child" alone when the child's label is empty, as gn_label_prefix).
 *
 * Attribute values are taken verbatim (entities are not decoded), as Genode does. Differences to
 * Genode, all on purpose: a label or rewritten label that does not fit GN_LABEL_MAX, or a rewritten
 * label holding control characters, is denied rather than cut; a rewritten label with an empty
 * resource part is "identity" rather than "identity -> "; a child listing a service twice in
 * <provides> counts once for <any-child/>.
 */
#ifndef GNEISS_ROUTE_H
#define GNEISS_ROUTE_H

#include <gneiss/error.h>
#include <gneiss/label.h>
#include <gneiss/types.h>
#include <gneiss/xml.h>

enum {
	GN_ROUTE_NAME_MAX = 64, /* bytes of a child name, NUL included */
	GN_ROUTE_MSG_MAX = 256, /* bytes of a reason, detail or warning text, NUL included */
};

typedef enum {
	GN_ROUTE_DENIED = 0,
	GN_ROUTE_PARENT,           /* forward to init's parent */
	GN_ROUTE_CHILD,            /* open at the child named in server */
	GN_ROUTE_LOCAL,            /* a service init implements itself (<local/>) */
	GN_ROUTE_CONFIG,           /* the ROM of the start node's inline <config> */
	GN_ROUTE_SESSION_REQUESTS, /* init's session_requests ROM for this child */
} gn_route_kind_t;

/* One session request of a child. */
typedef struct {
	char const *child;   /* the requesting child's name (its start node's name attribute) */
	char const *service; /* e.g. "LOG" */
	/*
	 * The label as the child chose it, without its name in front ("" or "config" or
	 * "sub -> x" when the child is itself an init forwarding its child's request). When env is
	 * set, the whole label instead, used as it is.
	 */
	char const *label;
	/*
	 * A request init makes on the child's behalf, as Genode's environment sessions (the binary
	 * ROM with the child's name as label, PD, CPU, LOG): the label does not get the child's name
	 * in front, so label/label_prefix/label_suffix never select it; unscoped_label does.
	 */
	bool env;
} gn_route_request_t;

/*
 * What routing needs to know beyond the config. Every member may be NULL (and world itself may be
 * NULL); a NULL callback is answered from the config alone. Strings passed to and returned by the
 * callbacks are NUL-terminated and only read during the call.
 */
typedef struct {
	void *ctx; /* passed to every callback */
	/*
	 * Name of the index-th live child (index 0, 1, ...), NULL after the last. NULL callback:
	 * the named <start> nodes of the config (the first of each name).
	 */
	char const *(*child)(void *ctx, size_t index);
	/*
	 * True when the live child `child` lists `service` in its <provides>. NULL callback: the
	 * first <start> of that name in the config lists it.
	 */
	bool (*provides)(void *ctx, char const *child, char const *service);
	/* True when init's parent offers the service. NULL: listed in the config's <parent-provides>. */
	bool (*parent_provides)(void *ctx, char const *service);
	/* True when init implements the service itself, for <local/>. NULL: never. */
	bool (*local_provides)(void *ctx, char const *service);
} gn_route_world_t;

/* The decision. */
typedef struct {
	gn_route_kind_t kind;
	char server[GN_ROUTE_NAME_MAX]; /* GN_ROUTE_CHILD: the serving child (aliases resolved) */
	bool to_self;                   /* GN_ROUTE_CHILD: the server is the requesting child */
	/*
	 * The label to present to the server (the session argument "label"), after rewriting. For
	 * GN_ROUTE_PARENT init's own parent puts init's name in front of it.
	 */
	char label[GN_LABEL_MAX];
	gn_xml_node_t rule;   /* the <service>/<any-service> node that decided (invalid: none) */
	gn_xml_node_t target; /* the target node taken (invalid: none) */
	/*
	 * GN_ROUTE_DENIED: `no route to service "S" (label "L")` with L the label as in the request;
	 * or what was wrong with the request itself.
	 */
	char reason[GN_ROUTE_MSG_MAX];
	/* GN_ROUTE_DENIED: why the last rule or target tried did not take it, for verbose logs. */
	char detail[GN_ROUTE_MSG_MAX];
	/*
	 * Problems of the config met on the way, to log as errors whatever the outcome: ambiguous
	 * <any-child/> routes, a rule mixing unscoped_label with other selectors. Empty: none.
	 */
	char warning[GN_ROUTE_MSG_MAX];
} gn_route_t;

/*
 * Routes the request of the child whose start node is *start in init's *config. start may be NULL:
 * then the first <start> of the config named req->child. config may be NULL (no default route, no
 * parent-provides, no aliases). Only reads its arguments; everything in *out is owned by the caller
 * and the nodes in it point into the config's buffer.
 * Returns GN_OK when routed (out->kind is not GN_ROUTE_DENIED). Errors, with out->kind
 * GN_ROUTE_DENIED and out->reason saying why: GN_ERR_DENIED when the rules deny the request;
 * GN_ERR_INVALID_ARG when the request is malformed (NULL or empty child or service, a NULL label,
 * a label too long to carry the child's name, no start node for the child). out must not be NULL.
 */
gn_err_t gn_route_resolve(gn_xml_node_t const *config, gn_xml_node_t const *start,
	gn_route_request_t const *req, gn_route_world_t const *world,
	gn_route_t *out) GN_MUST_CHECK;

/* Short, stable name of a route kind ("parent", "child", ...); never NULL. */
char const *gn_route_kind_name(gn_route_kind_t kind);

#endif
