/*
 * Session routing as Genode's init decides it (gneiss/route.h has the rules).
 *
 * Invariants: nothing here writes anything but *out and locals; every string read from the config
 * is a (pointer, length) view into the caller's buffer, copied (bounded) only where a callback or
 * the result needs a NUL-terminated string. The untrusted inputs are the child's label and service
 * name; both are length-checked before use. A malformed config (nodes without the attributes they
 * need, unknown node types) makes the affected rule or target not apply, never a crash.
 *
 * Labels exist in two forms here. Genode puts the child's name in front of whatever the child asked
 * for, always with the separator ("child -> " for an empty label); Gneiss leaves the separator out
 * then ("child", gn_label_prefix). Selectors and the defaults of label rewriting follow Genode's
 * form (so label_last="" selects an empty label, as in Genode); the label presented to a server is
 * in Gneiss's form.
 */
#include <gneiss/fmt.h>
#include <gneiss/route.h>
#include <gneiss/string.h>

enum {
	GENODE_LABEL_MAX = GN_ROUTE_NAME_MAX + GN_LABEL_SEP_LEN + GN_LABEL_MAX,
	MAX_CHILDREN = 4096, /* bound on the world->child enumeration */
	MAX_REROUTES = 2,    /* binary-name and ld.lib.so substitutions in a row */
};

typedef struct {
	char const *p;
	size_t n;
} view_t;

typedef enum {
	TARGET_FAILED,   /* try the next target */
	TARGET_ACCEPTED, /* *out is complete */
	TARGET_ERROR,    /* accepted, but the label to present is unusable: deny */
} target_result_t;

typedef struct {
	gn_xml_node_t config; /* the invalid node when the caller passed none */
	gn_xml_node_t start;
	gn_route_request_t const *req;
	gn_route_world_t const *world;
	char const *label;             /* routed: req->label, or the binary's name instead */
	bool env;                      /* label has no child's name in front */
	char full[GN_LABEL_MAX];       /* Gneiss's form: what a server sees without rewriting */
	char genode[GENODE_LABEL_MAX]; /* Genode's form */
	size_t genode_len;
	char const *scoped; /* the label without the child's name in front; NULL: it has none */
	view_t last;        /* last element of Genode's form */
	size_t prefix_len;  /* length of Session_label::prefix() of Genode's form */
	gn_fmt_buf_t detail, warning;
	gn_route_t *out;
} query_t;

/* ---- small helpers ----------------------------------------------------------------------------- */

static view_t const EMPTY = {"", 0};

static view_t attr_view(gn_xml_node_t const *node, char const *name, bool *present)
{
	gn_xml_attr_t a;
	bool const has = gn_xml_attr(node, name, &a);

	if (present)
		*present = has;
	return has ? (view_t){a.value, a.value_len} : EMPTY;
}

static bool view_eq(view_t v, char const *s, size_t n)
{
	return v.n == n && gn_memcmp(v.p, s, n) == 0;
}

static bool view_eq_str(view_t v, char const *s)
{
	return gn_str_eq_n(v.p, v.n, s);
}

/* Copies v as a NUL-terminated string; false when it does not fit. */
static bool view_copy(view_t v, char *buf, size_t size)
{
	if (v.n >= size)
		return false;
	gn_memcpy(buf, v.p, v.n);
	buf[v.n] = 0;
	return true;
}

/* The warning line, ready for one more entry to be appended. */
static gn_fmt_buf_t *warning(query_t *q)
{
	if (q->warning.len)
		gn_ignore(gn_fmt_buf_append(&q->warning, "; "));
	return &q->warning;
}

/* Starts the detail line anew at node's line: the latest failure replaces the one before. */
static gn_fmt_buf_t *detail(query_t *q, gn_xml_node_t const *node)
{
	gn_fmt_buf_init(&q->detail, q->out->detail, sizeof(q->out->detail));
	gn_ignore(gn_fmt_buf_append(&q->detail, "line %u: ", gn_xml_line(node)));
	return &q->detail;
}

static void fail(query_t *q, gn_xml_node_t const *node, char const *what)
{
	gn_ignore(gn_fmt_buf_append(detail(q, node), "%s", what));
}

/* Session_label::prefix(): up to the last separator; one at offset 0 does not count. */
static size_t genode_prefix_len(char const *s, size_t len)
{
	for (size_t p = len >= GN_LABEL_SEP_LEN ? len - GN_LABEL_SEP_LEN : 0; p > 0; p--)
		if (gn_memcmp(s + p, GN_LABEL_SEP, GN_LABEL_SEP_LEN) == 0)
			return p;
	return 0;
}

/* ---- the config as the world ------------------------------------------------------------------- */

/* First <start> of the given name; false when there is none. */
static bool find_start(gn_xml_node_t const *config, view_t name, gn_xml_node_t *start)
{
	GN_XML_FOR_EACH_SUB(config, "start", *start)
	{
		bool named;
		view_t const n = attr_view(start, "name", &named);

		if (named && view_eq(n, name.p, name.n))
			return true;
	}
	return false;
}

/* True when this named <start> is the first of its name (Genode defers later namesakes). */
static bool first_of_name(gn_xml_node_t const *config, gn_xml_node_t const *start)
{
	gn_xml_node_t first;

	return find_start(config, attr_view(start, "name", NULL), &first) &&
	       first.base == start->base;
}

static bool config_provides(query_t const *q, view_t child, char const *service)
{
	gn_xml_node_t start, provides, svc;

	if (!find_start(&q->config, child, &start) ||
		!gn_xml_first_sub_type(&start, "provides", &provides))
		return false;
	GN_XML_FOR_EACH_SUB(&provides, "service", svc)
	{
		if (view_eq_str(attr_view(&svc, "name", NULL), service))
			return true;
	}
	return false;
}

static bool child_provides(query_t const *q, view_t child, char const *service)
{
	char name[GN_ROUTE_NAME_MAX];

	if (!q->world || !q->world->provides)
		return config_provides(q, child, service);
	return view_copy(child, name, sizeof(name)) &&
	       q->world->provides(q->world->ctx, name, service);
}

static bool parent_provides(query_t const *q, char const *service)
{
	gn_xml_node_t list, svc;

	if (q->world && q->world->parent_provides)
		return q->world->parent_provides(q->world->ctx, service);
	GN_XML_FOR_EACH_SUB(&q->config, "parent-provides", list)
	{
		GN_XML_FOR_EACH_SUB(&list, "service", svc)
		{
			if (view_eq_str(attr_view(&svc, "name", NULL), service))
				return true;
		}
	}
	return false;
}

/*
 * Counts the live children that provide the service and copies the name of the first into buf
 * (of GN_ROUTE_NAME_MAX bytes).
 */
static size_t count_providers(query_t const *q, char const *service, char *buf)
{
	size_t count = 0;
	gn_xml_node_t start;

	if (q->world && q->world->child) {
		for (size_t i = 0; i < MAX_CHILDREN; i++) {
			char const *name = q->world->child(q->world->ctx, i);
			view_t v;

			if (!name)
				break;
			v = (view_t){name, gn_strnlen(name, GN_ROUTE_NAME_MAX)};
			if (v.n < GN_ROUTE_NAME_MAX && child_provides(q, v, service) && !count++)
				gn_ignore(gn_strlcpy(buf, name, GN_ROUTE_NAME_MAX));
		}
		return count;
	}
	GN_XML_FOR_EACH_SUB(&q->config, "start", start)
	{
		bool named;
		view_t const v = attr_view(&start, "name", &named);

		if (named && v.n < GN_ROUTE_NAME_MAX && first_of_name(&q->config, &start) &&
			child_provides(q, v, service) && !count++)
			(void)view_copy(v, buf, GN_ROUTE_NAME_MAX);
	}
	return count;
}

/* One step of <alias name=".." child=".."/> resolution, as Genode's deref_alias. */
static view_t deref_alias(query_t const *q, view_t name)
{
	gn_xml_node_t alias;

	GN_XML_FOR_EACH_SUB(&q->config, "alias", alias)
	{
		if (view_eq(attr_view(&alias, "name", NULL), name.p, name.n))
			return attr_view(&alias, "child", NULL);
	}
	return name;
}

/* ---- labels ------------------------------------------------------------------------------------ */

/* Sets up both label forms for routing `label` (env: without the child's name in front). */
static gn_err_t set_label(query_t *q, char const *label, bool env)
{
	char const *child = q->req->child;
	size_t const child_len = gn_strnlen(child, GN_ROUTE_NAME_MAX);
	gn_fmt_buf_t g;

	q->label = label;
	q->env = env;
	if (child_len == GN_ROUTE_NAME_MAX || gn_strnlen(label, GN_LABEL_MAX) == GN_LABEL_MAX)
		return GN_ERR_INVALID_ARG;
	if (env ? gn_strlcpy(q->full, label, sizeof(q->full)) != GN_OK
		: gn_label_prefix(q->full, sizeof(q->full), child, label) != GN_OK)
		return GN_ERR_INVALID_ARG;
	gn_fmt_buf_init(&g, q->genode, sizeof(q->genode));
	if (env)
		gn_ignore(gn_fmt_buf_append(&g, "%s", label));
	else
		gn_ignore(gn_fmt_buf_append(&g, "%s" GN_LABEL_SEP "%s", child, label));
	if (g.truncated)
		return GN_ERR_INVALID_ARG;
	q->genode_len = g.len;

	/* skip_label_prefix(): the child's name and the separator must lead */
	q->scoped = NULL;
	if (q->genode_len >= child_len + GN_LABEL_SEP_LEN &&
		gn_memcmp(q->genode, child, child_len) == 0 &&
		gn_memcmp(q->genode + child_len, GN_LABEL_SEP, GN_LABEL_SEP_LEN) == 0)
		q->scoped = q->genode + child_len + GN_LABEL_SEP_LEN;

	q->last.p = gn_label_last(q->genode, q->genode_len, &q->last.n);
	q->prefix_len = genode_prefix_len(q->genode, q->genode_len);
	return GN_OK;
}

static bool has_control_char(char const *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Writes the label the target node presents to the server into out->label. */
static gn_err_t rewrite_label(query_t *q, gn_xml_node_t const *target)
{
	bool has_label, has_identity, has_resource, has_prepend;
	view_t const label = attr_view(target, "label", &has_label);
	view_t identity = attr_view(target, "identity", &has_identity);
	view_t resource = attr_view(target, "resource", &has_resource);
	view_t const prepend = attr_view(target, "prepend_resource", &has_prepend);
	gn_fmt_buf_t b;

	gn_fmt_buf_init(&b, q->out->label, sizeof(q->out->label));
	if (has_label) {
		gn_ignore(gn_fmt_buf_append(&b, "%.*s", (int)label.n, label.p));
	} else if (!has_identity && !has_resource && !has_prepend) {
		gn_ignore(gn_fmt_buf_append(&b, "%s", q->full));
	} else {
		if (!has_identity)
			identity = (view_t){q->genode, q->prefix_len};
		if (!has_resource)
			resource = q->last;
		gn_ignore(gn_fmt_buf_append(&b, "%.*s", (int)identity.n, identity.p));
		if (identity.n && (prepend.n || resource.n))
			gn_ignore(gn_fmt_buf_append(&b, GN_LABEL_SEP));
		gn_ignore(gn_fmt_buf_append(
			&b, "%.*s%.*s", (int)prepend.n, prepend.p, (int)resource.n, resource.p));
	}
	if (b.truncated || has_control_char(q->out->label)) {
		q->out->label[0] = 0;
		return GN_ERR_INVALID_ARG;
	}
	return GN_OK;
}

/* ---- rules and targets ------------------------------------------------------------------------- */

/* Genode's service_node_matches(), with the exact `label` pre-check of its route model. */
static bool rule_matches(query_t *q, gn_xml_node_t const *rule)
{
	bool has_label, has_prefix, has_suffix, has_last, has_unscoped;
	view_t const label = attr_view(rule, "label", &has_label);
	view_t const prefix = attr_view(rule, "label_prefix", &has_prefix);
	view_t const suffix = attr_view(rule, "label_suffix", &has_suffix);
	view_t const last = attr_view(rule, "label_last", &has_last);
	view_t const unscoped = attr_view(rule, "unscoped_label", &has_unscoped);

	if (gn_xml_has_type(rule, "service")) {
		if (!view_eq_str(attr_view(rule, "name", NULL), q->req->service))
			return false;
	} else if (!gn_xml_has_type(rule, "any-service")) {
		return false;
	}
	if (has_unscoped) {
		if (has_label || has_prefix || has_suffix || has_last)
			gn_ignore(gn_fmt_buf_append(warning(q),
				"line %u: service node contains both scoped and unscoped label "
				"attributes",
				gn_xml_line(rule)));
		return view_eq_str(unscoped, q->full) ||
		       view_eq(unscoped, q->genode, q->genode_len);
	}
	if (has_last)
		return view_eq(last, q->last.p, q->last.n);
	if (!has_label && !has_prefix && !has_suffix)
		return true;
	if (!q->scoped)
		return false;
	if (!has_prefix && !has_suffix)
		return view_eq_str(label, q->scoped);

	gn_policy_candidate_t const cand = {
		.label = {has_label ? label.p : NULL, label.n},
		.label_prefix = {has_prefix ? prefix.p : NULL, prefix.n},
		.label_suffix = {has_suffix ? suffix.p : NULL, suffix.n},
		.label_last = {NULL, 0},
		.is_default = false,
	};
	return gn_policy_matches(&cand, q->scoped);
}

static target_result_t accept(query_t *q, gn_xml_node_t const *target, gn_route_kind_t kind)
{
	q->out->kind = kind;
	q->out->target = *target;
	if (rewrite_label(q, target) != GN_OK) {
		fail(q, target, "the label to present is too long or holds control characters");
		return TARGET_ERROR;
	}
	return TARGET_ACCEPTED;
}

/* server is NUL-terminated and shorter than GN_ROUTE_NAME_MAX. */
static target_result_t accept_child(query_t *q, gn_xml_node_t const *target, char const *server)
{
	gn_ignore(gn_strlcpy(q->out->server, server, sizeof(q->out->server)));
	q->out->to_self = gn_strcmp(server, q->req->child) == 0;
	return accept(q, target, GN_ROUTE_CHILD);
}

static target_result_t try_child(query_t *q, gn_xml_node_t const *target)
{
	char name[GN_ROUTE_NAME_MAX];
	bool named;
	view_t const server = deref_alias(q, attr_view(target, "name", &named));

	if (!named) {
		fail(q, target, "<child> without a name");
		return TARGET_FAILED;
	}
	if (server.n && view_copy(server, name, sizeof(name)) &&
		child_provides(q, server, q->req->service))
		return accept_child(q, target, name);
	gn_ignore(gn_fmt_buf_append(detail(q, target),
		"no child \"%.*s\" that provides the service", (int)server.n, server.p));
	return TARGET_FAILED;
}

static target_result_t try_any_child(query_t *q, gn_xml_node_t const *target)
{
	char first[GN_ROUTE_NAME_MAX] = "";
	size_t const count = count_providers(q, q->req->service, first);

	if (count > 1) {
		gn_ignore(gn_fmt_buf_append(
			warning(q), "ambiguous routes to service \"%s\"", q->req->service));
		fail(q, target, "<any-child/>: several children provide the service");
		return TARGET_FAILED;
	}
	if (count == 0) {
		fail(q, target, "<any-child/>: no child provides the service");
		return TARGET_FAILED;
	}
	return accept_child(q, target, first);
}

static target_result_t try_target(query_t *q, gn_xml_node_t const *target)
{
	char const *service = q->req->service;
	char const *type;
	size_t type_len;

	if (gn_xml_has_type(target, "parent")) {
		if (parent_provides(q, service))
			return accept(q, target, GN_ROUTE_PARENT);
		fail(q, target, "<parent/>: the service is not in <parent-provides>");
		return TARGET_FAILED;
	}
	if (gn_xml_has_type(target, "local")) {
		if (q->world && q->world->local_provides &&
			q->world->local_provides(q->world->ctx, service))
			return accept(q, target, GN_ROUTE_LOCAL);
		fail(q, target, "<local/>: init does not provide the service");
		return TARGET_FAILED;
	}
	if (gn_xml_has_type(target, "child"))
		return try_child(q, target);
	if (gn_xml_has_type(target, "any-child"))
		return try_any_child(q, target);
	gn_xml_type(target, &type, &type_len);
	gn_ignore(
		gn_fmt_buf_append(detail(q, target), "unknown target <%.*s>", (int)type_len, type));
	return TARGET_FAILED;
}

/* The routing table: the start node's first <route>, else the config's last <default-route>. */
static bool route_table(query_t const *q, gn_xml_node_t *table)
{
	gn_xml_node_t n;
	bool found = false;

	if (gn_xml_first_sub_type(&q->start, "route", table))
		return true;
	GN_XML_FOR_EACH_SUB(&q->config, "default-route", n)
	{
		*table = n;
		found = true;
	}
	return found;
}

static void clear_route(gn_route_t *out)
{
	out->kind = GN_ROUTE_DENIED;
	out->server[0] = 0;
	out->to_self = false;
	out->label[0] = 0;
	out->target = (gn_xml_node_t){0};
}

/* The targets of a rule that applies, in order. */
static gn_err_t try_targets(query_t *q, gn_xml_node_t const *rule)
{
	gn_xml_node_t target;

	for (bool more = gn_xml_first_sub(rule, &target); more;
		more = gn_xml_next(&target, &target)) {
		target_result_t const r = try_target(q, &target);

		if (r == TARGET_ACCEPTED)
			return GN_OK;
		clear_route(q->out);
		if (r == TARGET_ERROR)
			return GN_ERR_INVALID_ARG;
	}
	if (!gn_xml_first_sub(rule, &target))
		fail(q, rule, "the rule has no target");
	return GN_ERR_DENIED;
}

static gn_err_t walk_table(query_t *q)
{
	gn_xml_node_t table, rule;

	if (!route_table(q, &table)) {
		fail(q, &q->start, "the child has no <route> and the config no <default-route>");
		return GN_ERR_DENIED;
	}
	for (bool more = gn_xml_first_sub(&table, &rule); more; more = gn_xml_next(&rule, &rule)) {
		gn_err_t err;

		if (!rule_matches(q, &rule))
			continue;
		err = try_targets(q, &rule);
		if (err == GN_OK || err == GN_ERR_INVALID_ARG ||
			gn_xml_has_type(&rule, "service")) {
			q->out->rule = rule;
			return err == GN_OK ? GN_OK : GN_ERR_DENIED;
		}
	}
	if (!q->detail.len)
		fail(q, &table, "no rule of the routing table applies");
	return GN_ERR_DENIED;
}

/* ---- requests init answers itself -------------------------------------------------------------- */

/* The binary's name: <binary name=".."/> or else the child's name. */
static view_t binary_name(query_t const *q)
{
	gn_xml_node_t binary;
	bool named = false;
	view_t name = EMPTY;

	if (gn_xml_first_sub_type(&q->start, "binary", &binary))
		name = attr_view(&binary, "name", &named);
	return named ? name : (view_t){q->req->child, gn_strlen(q->req->child)};
}

static gn_err_t route(query_t *q, unsigned depth);

/* Routes again, with the binary's name as the whole label. */
static gn_err_t reroute_binary(query_t *q, unsigned depth, char *buf, size_t size)
{
	if (depth >= MAX_REROUTES || !view_copy(binary_name(q), buf, size) ||
		set_label(q, buf, true) != GN_OK) {
		fail(q, &q->start, "the binary's name cannot be routed as a ROM label");
		return GN_ERR_DENIED;
	}
	return route(q, depth + 1);
}

static gn_err_t route(query_t *q, unsigned depth)
{
	bool const rom = gn_strcmp(q->req->service, "ROM") == 0;
	char binary[GN_LABEL_MAX];
	bool use_ld = true;

	if (rom && view_eq_str(q->last, "config") && gn_xml_has_sub(&q->start, "config")) {
		q->out->kind = GN_ROUTE_CONFIG;
		gn_ignore(gn_strlcpy(q->out->label, q->full, sizeof(q->out->label)));
		return GN_OK;
	}
	if (rom && q->env && gn_strcmp(q->label, q->req->child) == 0 &&
		!view_eq_str(binary_name(q), q->req->child))
		return reroute_binary(q, depth, binary, sizeof(binary));
	if (gn_xml_attr_bool(&q->start, "ld", true, &use_ld) != GN_OK)
		use_ld = true;
	if (rom && q->env && !use_ld && gn_strcmp(q->label, "ld.lib.so") == 0)
		return reroute_binary(q, depth, binary, sizeof(binary));
	if (rom && view_eq_str(q->last, "session_requests")) {
		q->out->kind = GN_ROUTE_SESSION_REQUESTS;
		q->out->label[0] = 0;
		return GN_OK;
	}
	return walk_table(q);
}

/* ---- entry ------------------------------------------------------------------------------------- */

static gn_err_t invalid(gn_route_t *out, char const *what)
{
	gn_ignore(gn_fmt(out->reason, sizeof(out->reason), NULL, "invalid request: %s", what));
	return GN_ERR_INVALID_ARG;
}

gn_err_t gn_route_resolve(gn_xml_node_t const *config, gn_xml_node_t const *start,
	gn_route_request_t const *req, gn_route_world_t const *world, gn_route_t *out)
{
	query_t q = {.req = req, .world = world, .out = out};

	if (!out)
		return GN_ERR_INVALID_ARG;
	*out = (gn_route_t){.kind = GN_ROUTE_DENIED};
	gn_fmt_buf_init(&q.detail, out->detail, sizeof(out->detail));
	gn_fmt_buf_init(&q.warning, out->warning, sizeof(out->warning));
	if (!req || !req->child || !req->child[0] || !req->service || !req->service[0] ||
		!req->label)
		return invalid(out, "child, service and label are required");
	if (gn_strnlen(req->service, GN_LABEL_MAX) == GN_LABEL_MAX)
		return invalid(out, "service name too long");
	if (config)
		q.config = *config;
	if (start)
		q.start = *start;
	else if (!find_start(&q.config, (view_t){req->child, gn_strnlen(req->child, GN_LABEL_MAX)},
			 &q.start))
		return invalid(out, "no start node for the child");
	if (set_label(&q, req->label, req->env) != GN_OK)
		return invalid(out, "child name or label too long");

	if (route(&q, 0) == GN_OK)
		return GN_OK;
	clear_route(out);
	gn_ignore(gn_fmt(out->reason, sizeof(out->reason), NULL,
		"no route to service \"%s\" (label \"%s\")", req->service, req->label));
	return GN_ERR_DENIED;
}

char const *gn_route_kind_name(gn_route_kind_t kind)
{
	switch (kind) {
	case GN_ROUTE_DENIED: return "denied";
	case GN_ROUTE_PARENT: return "parent";
	case GN_ROUTE_CHILD: return "child";
	case GN_ROUTE_LOCAL: return "local";
	case GN_ROUTE_CONFIG: return "config";
	case GN_ROUTE_SESSION_REQUESTS: return "session_requests";
	}
	return "unknown";
}
