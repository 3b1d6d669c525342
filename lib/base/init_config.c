/*
 * Checking init configs (the rules are in gneiss/init_config.h).
 *
 * One walk over the document, driven by the table of node specs below: each node's attributes are
 * checked against its spec, then the spec's hook checks what depends on other nodes (names,
 * routes, quotas), then its sub-nodes are walked. So problems come out node by node. The
 * recursion is bounded by the tables (config, start, route, rule, target: five levels), because
 * nodes the tables do not know and inline <config>s are never entered, whatever the input's depth.
 * Cross-references are answered by scanning the config again, so the time grows with the square
 * of the number of top-level nodes: configs have tens of them, and so nothing is allocated,
 * nothing is limited by a table size, and no state outlives the call. Values are read and compared
 * as written, entities not decoded, as Genode's init reads attributes (Xml_attribute::value).
 *
 * This file holds the vocabulary, the walk and the entry points. The hooks (init_config_hooks.c),
 * reading values and finding the nodes a name refers to (init_config_lookup.c) and saying a
 * problem (init_config_report.c) are files of their own; init_config_check.h is what they share.
 *
 * The vocabulary is Genode's, as of releases 24.11 and 26.02: repos/os/src/init/config.xsd, and
 * what repos/os/src/lib/sandbox/ actually reads where the schema is silent or behind (config_model.cc
 * for the top-level nodes and <config version>; child.h and child.cc for <start version>, the
 * resources RAM/CPU/CAP and the route targets; utils.h for label matching and priorities;
 * heartbeat.h, report.h, state_reporter.h, alias.h, server.cc; init/main.cc for <report buffer>).
 * Where the two releases differ, the union is accepted: <start ram> and <default ram> (25.05 on),
 * <config generate_xml>, <heartbeat restart_after_skipped> and the target attributes identity,
 * resource and prepend_resource (26.02), the target attribute diag (24.11). The target <local/>
 * names a service the sandbox's host implements itself (Genode's init has none; Gneiss's routing,
 * gneiss/route.h, asks init): it is accepted, but whether init has the service is not checked.
 * Genode's schema allows no attributes on <any-child/>, but its code applies the same label
 * rewriting to every target, so <any-child/> takes the same ones as <parent/>.
 */
#include <gneiss/fmt.h>
#include <gneiss/init_config.h>
#include <gneiss/label.h>
#include <gneiss/parent.h>
#include <gneiss/string.h>

#include "init_config_check.h"

/* ---- checking a node against its spec -------------------------------------------------------- */

static int show_len(size_t len)
{
	return len > TYPE_SHOW ? TYPE_SHOW : (int)len;
}

static bool is_owner(frame_t const *f)
{
	return f->where == f->own;
}

/* " of <type>" for a node below the owner, "" for the owner itself, into buf. */
static char const *of_phrase(frame_t const *f, char const *word, char *buf, size_t size)
{
	char const *type;
	size_t len;

	buf[0] = 0;
	if (!is_owner(f)) {
		gn_xml_type(&f->node, &type, &len);
		gn_ignore(gn_fmt(buf, size, NULL, " %s <%.*s>", word, show_len(len), type));
	}
	return buf;
}

/* The problem with a's value for its kind, or NULL. */
static char const *value_problem(attr_spec_t const *spec, gn_xml_attr_t const *a)
{
	uint64_t v;
	bool b;
	long long i;

	switch (spec->kind) {
	case NAME:
		if (a->value_len >= GN_INIT_CONFIG_NAME_MAX)
			return "is longer than 63 characters";
		return a->value_len ? NULL : "is empty";
	case SERVICE:
		if (a->value_len >= GN_SERVICE_NAME_MAX)
			return "is longer than 31 characters";
		return a->value_len ? NULL : "is empty";
	case LABEL: return a->value_len >= GN_LABEL_MAX ? "is longer than 159 characters" : NULL;
	case NUM:
		switch (gn_xml_value_u64(a, &v)) {
		case GN_OK: return NULL;
		case GN_ERR_LIMIT: return "is too large";
		default: return "is not a number";
		}
	case BOOL: return gn_xml_value_bool(a, &b) == GN_OK ? NULL : "is not a boolean (yes or no)";
	case INT: return gn_icfg_int_value(a, &i) ? NULL : "is not an integer";
	default: return NULL;
	}
}

/* The spec of the attribute called name (len bytes at name), or NULL. */
static attr_spec_t const *attr_spec(node_spec_t const *spec, char const *name, size_t len)
{
	attr_spec_t const *const lists[] = {spec->attrs, spec->more};

	for (size_t i = 0; i < GN_ARRAY_SIZE(lists); i++)
		for (attr_spec_t const *as = lists[i]; as && as->name; as++)
			if (gn_str_eq_n(name, len, as->name))
				return as;
	return NULL;
}

static void check_attrs(checker_t *c, node_spec_t const *spec, frame_t const *f)
{
	char of[TYPE_SHOW + 8];
	gn_xml_attr_t a;

	of_phrase(f, "of", of, sizeof(of));
	for (bool more = gn_xml_attr_first(&f->node, &a); more;
		more = gn_xml_attr_next(&f->node, &a)) {
		attr_spec_t const *as = attr_spec(spec, a.name, a.name_len);
		char const *problem;

		if (!as)
			gn_icfg_at_attr(c, &f->node, &a, f->where, "unknown attribute \"%.*s\"%s",
				show_len(a.name_len), a.name, of);
		else if ((problem = value_problem(as, &a)))
			gn_icfg_at_attr(c, &f->node, &a, f->where, "attribute \"%s\"%s %s",
				as->name, of, problem);
	}
	for (attr_spec_t const *as = spec->attrs; as && as->name; as++)
		if (as->required && !gn_xml_has_attr(&f->node, as->name))
			gn_icfg_at_node(c, &f->node, f->where, "attribute \"%s\"%s is missing",
				as->name, of);
}

/* ---- the vocabulary -------------------------------------------------------------------------- */

#define ATTRS(...) ((attr_spec_t const[]){__VA_ARGS__, {NULL, 0, false}})
#define SUBS(...) ((node_spec_t const *const[]){__VA_ARGS__, NULL})

/* label rewriting by a route target (sandbox/child.cc resolve_at_target) */
static attr_spec_t const rewrite[] = {{"label", LABEL, false}, {"identity", LABEL, false},
	{"resource", LABEL, false}, {"prepend_resource", LABEL, false}, {"diag", BOOL, false},
	{NULL, 0, false}};

/* selection by label (sandbox/utils.h service_node_matches, base's session_policy.h) */
static attr_spec_t const select_label[] = {{"label", LABEL, false}, {"label_prefix", LABEL, false},
	{"label_suffix", LABEL, false}, {"label_last", LABEL, false},
	{"unscoped_label", LABEL, false}, {NULL, 0, false}};

/* route targets (config.xsd template_service; sandbox/child.cc resolve_at_target) */
static node_spec_t const parent_target = {
	.type = "parent", .more = rewrite, .check = gn_icfg_check_parent_target};
static node_spec_t const child_target = {.type = "child",
	.attrs = ATTRS({"name", NAME, true}),
	.more = rewrite,
	.check = gn_icfg_check_child_target};
static node_spec_t const any_child_target = {
	.type = "any-child", .more = rewrite, .check = gn_icfg_check_any_child_target};
static node_spec_t const local_target = {.type = "local", .more = rewrite};

#define TARGETS SUBS(&parent_target, &child_target, &any_child_target, &local_target)

/* route rules (config.xsd template_route; sandbox/route_model.h, utils.h service_node_matches) */
static node_spec_t const service_rule = {.type = "service",
	.attrs = ATTRS({"name", SERVICE, true}),
	.more = select_label,
	.subs = TARGETS,
	.flags = NEED_SUB,
	.missing = "no target",
	.check = gn_icfg_check_rule};
static node_spec_t const any_service_rule = {.type = "any-service",
	.more = select_label,
	.subs = TARGETS,
	.flags = NEED_SUB,
	.missing = "no target",
	.check = gn_icfg_check_rule};
#define RULES SUBS(&service_rule, &any_service_rule)

/* <service name> in <parent-provides> and in a <start>'s <provides> */
static node_spec_t const listed_service = {.type = "service",
	.attrs = ATTRS({"name", SERVICE, true}),
	.check = gn_icfg_check_unique_service};

/* a <start>'s sub-nodes (config.xsd; sandbox/child.h, child.cc, utils.h, affinity.h) */
static node_spec_t const start_binary = {
	.type = "binary", .attrs = ATTRS({"name", NAME, true}), .flags = ONCE};
static node_spec_t const start_heartbeat = {
	.type = "heartbeat", .attrs = ATTRS({"restart_after_skipped", NUM, false}), .flags = ONCE};
static node_spec_t const start_affinity = {.type = "affinity",
	.attrs = ATTRS({"xpos", NUM, false}, {"ypos", NUM, false}, {"width", NUM, false},
		{"height", NUM, false}),
	.flags = ONCE};
static node_spec_t const start_resource = {.type = "resource",
	.attrs = ATTRS({"name", STR, true}, {"quantum", NUM, true}),
	.check = gn_icfg_check_start_resource};
static node_spec_t const start_exit = {
	.type = "exit", .attrs = ATTRS({"propagate", BOOL, false}), .flags = ONCE};
static node_spec_t const start_provides = {
	.type = "provides", .subs = SUBS(&listed_service), .flags = ONCE};
static node_spec_t const start_route = {.type = "route", .subs = RULES, .flags = ONCE};
static node_spec_t const start_config = {.type = "config", .flags = ONCE | ANY};

/* a re-exported service's policies (config.xsd; sandbox/server.cc) */
static node_spec_t const policy_child = {.type = "child",
	.attrs = ATTRS({"name", NAME, true}, {"label", LABEL, false}),
	.flags = ONCE,
	.check = gn_icfg_check_policy_child};
static node_spec_t const policy = {.type = "policy",
	.more = select_label,
	.subs = SUBS(&policy_child),
	.flags = NEED_SUB,
	.missing = "no <child>"};
static node_spec_t const default_policy = {.type = "default-policy",
	.subs = SUBS(&policy_child),
	.flags = NEED_SUB,
	.missing = "no <child>"};

/* the top-level nodes (config.xsd; sandbox/config_model.cc; init/main.cc) */
static node_spec_t const top_parent_provides = {
	.type = "parent-provides", .subs = SUBS(&listed_service), .flags = ONCE};
static node_spec_t const top_default_route = {
	.type = "default-route", .subs = RULES, .flags = ONCE};
static node_spec_t const top_default = {.type = "default",
	.attrs = ATTRS({"caps", NUM, false}, {"ram", NUM, false}),
	.flags = ONCE};
static node_spec_t const top_affinity_space = {.type = "affinity-space",
	.attrs = ATTRS({"width", NUM, false}, {"height", NUM, false}),
	.flags = ONCE};
static node_spec_t const top_start = {.type = "start",
	.attrs = ATTRS({"name", NAME, true}, {"caps", NUM, false}, {"ram", NUM, false},
		{"priority", INT, false}, {"version", STR, false}, {"ld", BOOL, false},
		{"managing_system", BOOL, false}, {"ram_limit", NUM, false},
		{"caps_limit", NUM, false}, {"restart", BOOL, false}, {"restart_max", NUM, false},
		{"restart_period_ms", NUM, false}),
	.subs = SUBS(&start_binary, &start_heartbeat, &start_affinity, &start_resource, &start_exit,
		&start_provides, &start_route, &start_config),
	.flags = OWNER,
	.check = gn_icfg_check_start};
static node_spec_t const top_alias = {.type = "alias",
	.attrs = ATTRS({"name", NAME, true}, {"child", NAME, true}),
	.flags = OWNER,
	.check = gn_icfg_check_alias};
static node_spec_t const top_report = {.type = "report",
	.attrs = ATTRS({"ids", BOOL, false}, {"requested", BOOL, false}, {"provided", BOOL, false},
		{"session_args", BOOL, false}, {"child_caps", BOOL, false},
		{"child_ram", BOOL, false}, {"init_caps", BOOL, false}, {"init_ram", BOOL, false},
		{"delay_ms", NUM, false}, {"buffer", NUM, false}),
	.flags = ONCE};
static node_spec_t const top_heartbeat = {
	.type = "heartbeat", .attrs = ATTRS({"rate_ms", NUM, false}), .flags = ONCE};
static node_spec_t const top_resource = {.type = "resource",
	.attrs = ATTRS({"name", STR, true}, {"preserve", NUM, false}),
	.check = gn_icfg_check_top_resource};
static node_spec_t const top_service = {.type = "service",
	.attrs = ATTRS({"name", SERVICE, true}),
	.subs = SUBS(&policy, &default_policy),
	.flags = OWNER | NEED_SUB,
	.missing = "no <policy> or <default-policy>",
	.check = gn_icfg_check_unique_service};

static node_spec_t const config_spec = {.type = "config",
	.attrs = ATTRS({"verbose", BOOL, false}, {"prio_levels", NUM, false},
		{"ld_verbose", BOOL, false}, {"version", STR, false},
		{"generate_xml", BOOL, false}),
	.subs = SUBS(&top_parent_provides, &top_default_route, &top_default, &top_affinity_space,
		&top_start, &top_alias, &top_report, &top_heartbeat, &top_resource, &top_service),
	.check = gn_icfg_check_config};

/* ---- the walk -------------------------------------------------------------------------------- */

static void enter(frame_t *f, node_spec_t const *spec, gn_xml_node_t const *node, frame_t const *up)
{
	char shown[SHOW_MAX];

	f->node = *node;
	f->up = up;
	f->where = up && up->up ? up->where : f->own;
	f->named = false;
	if (f->where != f->own)
		return;
	gn_icfg_show_attr(node, "name", shown, sizeof(shown));
	f->named = (spec->flags & OWNER) && shown[0];
	if (f->named)
		gn_ignore(gn_fmt(f->own, sizeof(f->own), NULL, "%s \"%s\"", spec->type, shown));
	else
		gn_ignore(gn_fmt(f->own, sizeof(f->own), NULL, "<%s>", spec->type));
}

static node_spec_t const *sub_spec(node_spec_t const *spec, gn_xml_node_t const *sub)
{
	for (node_spec_t const *const *s = spec->subs; s && *s; s++)
		if (gn_xml_has_type(sub, (*s)->type))
			return *s;
	return NULL;
}

/* True when node has an earlier sibling of its type below parent. */
static bool repeated(
	gn_xml_node_t const *parent, node_spec_t const *spec, gn_xml_node_t const *node)
{
	gn_xml_node_t first;

	return gn_xml_first_sub_type(parent, spec->type, &first) && first.base != node->base;
}

static void walk(checker_t *c, node_spec_t const *spec, frame_t const *f)
{
	char in[TYPE_SHOW + 8];
	gn_xml_node_t sub;
	bool known_sub = false;

	if (spec->flags & ANY)
		return;
	check_attrs(c, spec, f);
	if (spec->check)
		spec->check(c, f);
	of_phrase(f, "in", in, sizeof(in));
	GN_XML_FOR_EACH_SUB(&f->node, NULL, sub)
	{
		node_spec_t const *s = sub_spec(spec, &sub);
		char const *type;
		size_t len;
		frame_t sf;

		gn_xml_type(&sub, &type, &len);
		known_sub |= s != NULL;
		if (!s)
			gn_icfg_at_node(c, &sub, f->where, "unknown node <%.*s>%s", show_len(len),
				type, in);
		else if ((s->flags & ONCE) && repeated(&f->node, s, &sub))
			gn_icfg_at_node(c, &sub, f->where, "more than one <%s>%s", s->type, in);
		else {
			enter(&sf, s, &sub, f);
			walk(c, s, &sf);
		}
	}
	if ((spec->flags & NEED_SUB) && !known_sub) {
		if (is_owner(f))
			gn_icfg_at_node(c, &f->node, f->where, "has %s", spec->missing);
		else
			gn_icfg_at_node(
				c, &f->node, f->where, "<%s> has %s", spec->type, spec->missing);
	}
}

/* ---- entry points ---------------------------------------------------------------------------- */

void gn_init_config_opts_default(gn_init_config_opts_t *opts)
{
	*opts = (gn_init_config_opts_t){
		.avail_ram = GN_INIT_CONFIG_UNLIMITED,
		.avail_caps = GN_INIT_CONFIG_UNLIMITED,
		.reserve_ram = GN_INIT_CONFIG_RESERVE_RAM_DEFAULT,
		.reserve_caps = GN_INIT_CONFIG_RESERVE_CAPS_DEFAULT,
		.runtime_quota = false,
	};
}

/* What init keeps: the config's <resource name=... preserve=...>, else the option. */
static uint64_t reserve(checker_t const *c, char const *name, uint64_t def)
{
	gn_xml_node_t res;
	uint64_t v;

	GN_XML_FOR_EACH_SUB(&c->config, "resource", res)
	if (gn_icfg_attr_is_lit(&res, "name", name) && gn_icfg_num_of(&res, "preserve", &v))
		return v;
	return def;
}

/* A <runtime>'s quota attribute, when the option asks for it and it is a number. */
static void runtime_quota(
	checker_t *c, gn_xml_node_t const *runtime, char const *name, uint64_t *avail)
{
	gn_xml_attr_t a;

	if (*avail != GN_INIT_CONFIG_UNLIMITED || !gn_xml_attr(runtime, name, &a))
		return;
	if (gn_xml_value_u64(&a, avail) != GN_OK) {
		*avail = GN_INIT_CONFIG_UNLIMITED;
		gn_icfg_at_attr(
			c, runtime, &a, "<runtime>", "attribute \"%s\" is not a number", name);
	}
}

/* Finds the <config> to check in root: false (reported) when there is none. */
static bool find_config(checker_t *c, gn_xml_node_t const *root, gn_init_config_opts_t const *o)
{
	char shown[SHOW_MAX];
	char const *type;
	size_t len;

	if (gn_xml_has_type(root, "config")) {
		c->config = *root;
		return true;
	}
	if (!gn_xml_has_type(root, "runtime")) {
		gn_xml_type(root, &type, &len);
		gn_icfg_at_node(c, root, "document",
			"the root node is <%.*s>, not <config> or <runtime>", show_len(len), type);
		return false;
	}
	if (!gn_icfg_attr_is_lit(root, "binary", "init")) {
		gn_icfg_show_attr(root, "binary", shown, sizeof(shown));
		gn_icfg_at_node(c, root, "<runtime>",
			"binary \"%s\" is not init, so its <config> is no init config", shown);
		return false;
	}
	if (!gn_xml_first_sub_type(root, "config", &c->config)) {
		gn_icfg_at_node(c, root, "<runtime>", "has no <config>");
		return false;
	}
	if (o->runtime_quota) {
		runtime_quota(c, root, "ram", &c->avail_ram);
		runtime_quota(c, root, "caps", &c->avail_caps);
	}
	return true;
}

unsigned gn_init_config_check_node(gn_xml_node_t const *root, gn_init_config_opts_t const *opts,
	gn_init_config_report_fn report, void *ctx)
{
	gn_init_config_opts_t defaults;
	checker_t c = {.report = report, .ctx = ctx};
	frame_t f;

	if (!opts) {
		gn_init_config_opts_default(&defaults);
		opts = &defaults;
	}
	c.avail_ram = opts->avail_ram;
	c.avail_caps = opts->avail_caps;
	if (!gn_xml_node_valid(root)) {
		gn_icfg_at_node(&c, root, "document", "no root node");
		return c.count;
	}
	if (!find_config(&c, root, opts))
		return c.count;
	c.reserve_ram = reserve(&c, "RAM", opts->reserve_ram);
	c.reserve_caps = reserve(&c, "CAP", opts->reserve_caps);
	enter(&f, &config_spec, &c.config, NULL);
	walk(&c, &config_spec, &f);
	return c.count;
}

unsigned gn_init_config_check_opts(char const *buf, size_t len, gn_init_config_opts_t const *opts,
	gn_init_config_report_fn report, void *ctx)
{
	gn_xml_node_t root;
	gn_xml_error_t err;

	if (gn_xml_parse(buf, len, &root, &err) != GN_OK) {
		if (report)
			report(ctx, err.line, err.column, err.what);
		return 1;
	}
	return gn_init_config_check_node(&root, opts, report, ctx);
}

unsigned gn_init_config_check(
	char const *buf, size_t len, gn_init_config_report_fn report, void *ctx)
{
	return gn_init_config_check_opts(buf, len, NULL, report, ctx);
}
