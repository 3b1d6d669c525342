/*
 * The checks of an init config that depend on more than one node's attributes (see init_config.c):
 * names unique among the <start>s and <alias>es, what an <alias> or a route target refers to,
 * the children's quotas against what init has, priorities, affinities and resources. The
 * vocabulary in init_config.c names a hook per node spec; the walk calls it after the node's
 * attributes were checked. Apart from the walk because these are what the language means, not
 * how a document is read.
 */
#include <gneiss/fmt.h>

#include "init_config_check.h"

/* ---- the config and its top-level nodes ------------------------------------------------------ */

void gn_icfg_check_config(checker_t *c, frame_t const *f)
{
	gn_xml_attr_t a;
	uint64_t levels;

	if (gn_xml_attr(&f->node, "prio_levels", &a) && gn_xml_value_u64(&a, &levels) == GN_OK &&
		(levels >= 64 || (levels & (levels - 1))))
		gn_icfg_at_attr(c, &f->node, &a, f->where,
			"attribute \"prio_levels\" is not a power of two below 64");
}

/* A service of <parent-provides> or <provides>, or a re-exported <service>: listed once. */
void gn_icfg_check_unique_service(checker_t *c, frame_t const *f)
{
	gn_icfg_unique_among_siblings(c, f, "service", "service");
}

/* A <start> or <alias>: its name is unique among both. */
static void check_unique_child(checker_t *c, frame_t const *f)
{
	gn_xml_node_t other;
	view_t name;
	char const *type;
	size_t len;

	if (!gn_icfg_name_of(&f->node, "name", &name) ||
		!gn_icfg_find_named(c, NULL, name, &f->node, &other))
		return;
	gn_xml_type(&other, &type, &len);
	gn_icfg_at_node(c, &f->node, f->where, "name already used by the <%.*s> at %u:%u", (int)len,
		type, gn_xml_line(&other), gn_xml_column(&other));
}

void gn_icfg_check_alias(checker_t *c, frame_t const *f)
{
	gn_xml_node_t target;
	view_t name;
	char shown[SHOW_MAX];

	check_unique_child(c, f);
	if (!gn_icfg_name_of(&f->node, "child", &name) ||
		gn_icfg_find_named(c, "start", name, NULL, &target))
		return;
	gn_icfg_show(name, shown, sizeof(shown));
	if (gn_icfg_find_named(c, "alias", name, NULL, &target))
		gn_icfg_at_node(
			c, &f->node, f->where, "child \"%s\" is an <alias>, not a <start>", shown);
	else
		gn_icfg_at_node(c, &f->node, f->where, "there is no <start> named \"%s\"", shown);
}

void gn_icfg_check_top_resource(checker_t *c, frame_t const *f)
{
	gn_xml_attr_t a;
	view_t name;
	char shown[SHOW_MAX];

	if (!gn_xml_attr(&f->node, "name", &a) || !gn_icfg_view_of(&f->node, "name", &name))
		return;
	if (!gn_icfg_view_is(name, "RAM") && !gn_icfg_view_is(name, "CAP"))
		gn_icfg_at_attr(c, &f->node, &a, f->where, "unknown resource \"%s\" (RAM or CAP)",
			gn_icfg_show(name, shown, sizeof(shown)));
	else
		gn_icfg_unique_among_siblings(c, f, "resource", "resource");
}

/* ---- a <start> ------------------------------------------------------------------------------- */

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* Writes a RAM amount the way configs do: "16M", "320K", "1000". */
static char const *show_size(uint64_t v, char *buf, size_t size)
{
	static char const suffix[] = "GMK";

	for (unsigned i = 0; i < 3; i++) {
		unsigned shift = 30 - 10 * i;

		if (v && v % (1ull << shift) == 0) {
			gn_ignore(gn_fmt(buf, size, NULL, "%llu%c",
				(unsigned long long)(v >> shift), suffix[i]));
			return buf;
		}
	}
	gn_ignore(gn_fmt(buf, size, NULL, "%llu", (unsigned long long)v));
	return buf;
}

typedef struct {
	char const *resource; /* "RAM", "CAP" */
	char const *attr;     /* "ram", "caps" */
	char const *what;     /* "RAM", "cap" */
} quota_kind_t;

static quota_kind_t const ram_kind = {"RAM", "ram", "RAM"}, cap_kind = {"CAP", "caps", "cap"};

/* The child's quota of one kind, given by attribute, by <resource> or by <default>. */
static bool start_quota(checker_t *c, frame_t const *f, quota_kind_t const *k, uint64_t *v)
{
	gn_xml_node_t res, def;
	bool by_attr = gn_xml_has_attr(&f->node, k->attr), by_res = false, known = false;

	GN_XML_FOR_EACH_SUB(&f->node, "resource", res)
	if (gn_icfg_attr_is_lit(&res, "name", k->resource)) {
		by_res = true;
		known = gn_icfg_num_of(&res, "quantum", v);
	}
	if (by_attr && by_res) {
		gn_icfg_at_node(c, &f->node, f->where,
			"%s quota given twice: attribute \"%s\" and <resource name=\"%s\">",
			k->what, k->attr, k->resource);
		return false;
	}
	if (by_attr)
		return gn_icfg_num_of(&f->node, k->attr, v);
	if (by_res)
		return known;
	if (gn_xml_first_sub_type(&c->config, "default", &def) && gn_xml_has_attr(&def, k->attr))
		return gn_icfg_num_of(&def, k->attr, v);
	gn_icfg_at_node(c, &f->node, f->where,
		"has no %s quota (attribute \"%s\", <resource name=\"%s\"> or <default %s>)",
		k->what, k->attr, k->resource, k->attr);
	return false;
}

static void add_quota(checker_t *c, frame_t const *f, quota_kind_t const *k, uint64_t avail,
	uint64_t reserve, uint64_t *sum, bool *over)
{
	uint64_t v;
	char s[3][24];
	bool ram = k == &ram_kind;

	if (!start_quota(c, f, k, &v))
		return;
	*sum = sat_add(*sum, v);
	if (*over || avail == GN_INIT_CONFIG_UNLIMITED || sat_add(*sum, reserve) <= avail)
		return;
	*over = true;
	if (ram)
		gn_icfg_at_node(c, &f->node, f->where,
			"RAM quotas add up to %s with this child, more than the %s available minus "
			"%s kept by init",
			show_size(*sum, s[0], sizeof(s[0])), show_size(avail, s[1], sizeof(s[1])),
			show_size(reserve, s[2], sizeof(s[2])));
	else
		gn_icfg_at_node(c, &f->node, f->where,
			"cap quotas add up to %llu with this child, "
			"more than the %llu available minus %llu kept by init",
			(unsigned long long)*sum, (unsigned long long)avail,
			(unsigned long long)reserve);
}

static void check_priority(checker_t *c, frame_t const *f)
{
	gn_xml_attr_t a;
	long long prio;
	uint64_t levels = 0;

	if (!gn_xml_attr(&f->node, "priority", &a) || !gn_icfg_int_value(&a, &prio) || prio == 0)
		return;
	if (prio > 0) {
		gn_icfg_at_attr(c, &f->node, &a, f->where,
			"priority %lld is positive: priorities are 0 or negative", prio);
		return;
	}
	if (!gn_icfg_num_of(&c->config, "prio_levels", &levels) || levels >= 64 ||
		(levels & (levels - 1)))
		levels = 0;
	if ((uint64_t)-prio < levels)
		return;
	if (levels)
		gn_icfg_at_attr(c, &f->node, &a, f->where,
			"priority %lld is out of range: prio_levels=\"%llu\" allows 0 to -%llu",
			prio, (unsigned long long)levels, (unsigned long long)levels - 1);
	else
		gn_icfg_at_attr(c, &f->node, &a, f->where,
			"priority %lld is out of range: without prio_levels in <config> only 0 is "
			"allowed",
			prio);
}

static void check_affinity(checker_t *c, frame_t const *f)
{
	gn_xml_node_t aff, space;
	uint64_t sw = 1, sh = 1, x = 0, y = 0, w, h;

	if (!gn_xml_first_sub_type(&f->node, "affinity", &aff))
		return;
	if (!gn_xml_first_sub_type(&c->config, "affinity-space", &space)) {
		gn_icfg_at_node(
			c, &aff, f->where, "<affinity> without <affinity-space> in <config>");
		return;
	}
	if (gn_xml_has_attr(&space, "width"))
		gn_ignore(gn_xml_attr_u64(&space, "width", 1, &sw));
	if (gn_xml_has_attr(&space, "height"))
		gn_ignore(gn_xml_attr_u64(&space, "height", 1, &sh));
	gn_ignore(gn_xml_attr_u64(&aff, "xpos", 0, &x));
	gn_ignore(gn_xml_attr_u64(&aff, "ypos", 0, &y));
	gn_ignore(gn_xml_attr_u64(&aff, "width", gn_xml_has_attr(&aff, "xpos") ? 1 : sw, &w));
	gn_ignore(gn_xml_attr_u64(&aff, "height", gn_xml_has_attr(&aff, "ypos") ? 1 : sh, &h));
	if (x >= sw || w > sw - x || y >= sh || h > sh - y)
		gn_icfg_at_node(c, &aff, f->where,
			"<affinity> lies outside the <affinity-space> of %llux%llu",
			(unsigned long long)sw, (unsigned long long)sh);
}

void gn_icfg_check_start(checker_t *c, frame_t const *f)
{
	check_unique_child(c, f);
	add_quota(c, f, &ram_kind, c->avail_ram, c->reserve_ram, &c->sum_ram, &c->ram_over);
	add_quota(c, f, &cap_kind, c->avail_caps, c->reserve_caps, &c->sum_caps, &c->caps_over);
	check_priority(c, f);
	check_affinity(c, f);
}

void gn_icfg_check_start_resource(checker_t *c, frame_t const *f)
{
	gn_xml_attr_t a;
	view_t name;
	char shown[SHOW_MAX];
	uint64_t percent;

	if (!gn_xml_attr(&f->node, "name", &a) || !gn_icfg_view_of(&f->node, "name", &name))
		return;
	if (!gn_icfg_view_is(name, "RAM") && !gn_icfg_view_is(name, "CPU") &&
		!gn_icfg_view_is(name, "CAP")) {
		gn_icfg_at_attr(c, &f->node, &a, f->where,
			"unknown resource \"%s\" (RAM, CPU or CAP)",
			gn_icfg_show(name, shown, sizeof(shown)));
		return;
	}
	gn_icfg_unique_among_siblings(c, f, "resource", "resource");
	if (gn_icfg_view_is(name, "CPU") && gn_icfg_num_of(&f->node, "quantum", &percent) &&
		percent > 100)
		gn_icfg_at_node(c, &f->node, f->where, "CPU quantum %llu exceeds 100 percent",
			(unsigned long long)percent);
}

/* ---- routes ---------------------------------------------------------------------------------- */

void gn_icfg_check_rule(checker_t *c, frame_t const *f)
{
	static char const *const scoped[] = {"label", "label_prefix", "label_suffix", "label_last"};

	if (!gn_xml_has_attr(&f->node, "unscoped_label"))
		return;
	for (size_t i = 0; i < GN_ARRAY_SIZE(scoped); i++)
		if (gn_xml_has_attr(&f->node, scoped[i])) {
			gn_icfg_at_node(c, &f->node, f->where,
				"<%s> mixes unscoped_label with scoped label attributes",
				gn_xml_has_type(&f->node, "service") ? "service" : "any-service");
			return;
		}
}

/* The service a target's rule asks for: false for <any-service> (and a rule without name). */
static bool rule_service(frame_t const *f, view_t *service)
{
	return gn_xml_has_type(&f->up->node, "service") &&
	       gn_icfg_name_of(&f->up->node, "name", service);
}

/* The <start> whose <route> the frame is in, or NULL in the <default-route>. */
static gn_xml_node_t const *route_owner(frame_t const *f)
{
	for (; f; f = f->up)
		if (gn_xml_has_type(&f->node, "start"))
			return &f->node;
	return NULL;
}

void gn_icfg_check_parent_target(checker_t *c, frame_t const *f)
{
	view_t service;
	char shown[SHOW_MAX];

	if (rule_service(f, &service) && !gn_icfg_parent_provides(c, service))
		gn_icfg_at_node(c, &f->node, f->where,
			"the parent does not provide service \"%s\" (not in <parent-provides>)",
			gn_icfg_show(service, shown, sizeof(shown)));
}

/* Checks that a <child name=...> names a child that provides service (NULL: any). */
static void check_child_ref(checker_t *c, frame_t const *f, view_t const *service)
{
	gn_xml_node_t start;
	gn_xml_node_t const *owner = route_owner(f);
	view_t name;
	char shown[SHOW_MAX], shown_service[SHOW_MAX];

	if (!gn_icfg_name_of(&f->node, "name", &name))
		return;
	gn_icfg_show(name, shown, sizeof(shown));
	switch (gn_icfg_lookup_child(c, name, &start)) {
	case NO_CHILD:
		gn_icfg_at_node(c, &f->node, f->where,
			"there is no <start> or <alias> named \"%s\"", shown);
		return;
	case BROKEN_ALIAS: return;
	case CHILD: break;
	}
	if (owner && start.base == owner->base)
		gn_icfg_at_node(c, &f->node, f->where, "routes to the child itself");
	else if (service && !gn_icfg_child_provides(&start, *service))
		gn_icfg_at_node(c, &f->node, f->where,
			"child \"%s\" does not provide service \"%s\" (not in its <provides>)",
			shown, gn_icfg_show(*service, shown_service, sizeof(shown_service)));
}

void gn_icfg_check_child_target(checker_t *c, frame_t const *f)
{
	view_t service;

	check_child_ref(c, f, rule_service(f, &service) ? &service : NULL);
}

void gn_icfg_check_any_child_target(checker_t *c, frame_t const *f)
{
	char shown[SHOW_MAX], first[SHOW_MAX], second[SHOW_MAX];
	gn_xml_node_t start, provider = {0};
	view_t service;

	if (!rule_service(f, &service))
		return;
	gn_icfg_show(service, shown, sizeof(shown));
	GN_XML_FOR_EACH_SUB(&c->config, "start", start)
	{
		if (!gn_icfg_child_provides(&start, service))
			continue;
		if (!gn_xml_node_valid(&provider)) {
			provider = start;
			continue;
		}
		gn_icfg_at_node(c, &f->node, f->where,
			"service \"%s\" is ambiguous: children \"%s\" and \"%s\" both provide it",
			shown, gn_icfg_show_attr(&provider, "name", first, sizeof(first)),
			gn_icfg_show_attr(&start, "name", second, sizeof(second)));
		return;
	}
	if (!gn_xml_node_valid(&provider))
		gn_icfg_at_node(c, &f->node, f->where,
			"no child lists service \"%s\" in its <provides>", shown);
}

/* The <child> of a re-exported <service>'s <policy> or <default-policy>. */
void gn_icfg_check_policy_child(checker_t *c, frame_t const *f)
{
	view_t service;

	check_child_ref(
		c, f, gn_icfg_name_of(&f->up->up->node, "name", &service) ? &service : NULL);
}
