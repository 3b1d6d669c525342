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
#include <stdarg.h>

#include <gneiss/fmt.h>
#include <gneiss/init_config.h>
#include <gneiss/label.h>
#include <gneiss/parent.h>
#include <gneiss/string.h>

enum kind {
	STR,     /* any text */
	NAME,    /* a child, alias or binary name: not empty, GN_INIT_CONFIG_NAME_MAX */
	SERVICE, /* a service name: not empty, GN_SERVICE_NAME_MAX */
	LABEL,   /* a session label or part of one: GN_LABEL_MAX */
	NUM,     /* gn_xml_value_u64 */
	BOOL,    /* gn_xml_value_bool */
	INT,     /* decimal, optionally negative */
};

enum {
	ONCE = 1,     /* at most one such node in its parent */
	NEED_SUB = 2, /* must have a sub-node */
	ANY = 4,      /* any attributes and any content: not checked */
	OWNER = 8,    /* messages about it and its sub-nodes name it by its name attribute */
};

enum {
	WHERE_MAX = 96, /* "start \"" + a shown name + "\"" */
	SHOW_MAX = 48,  /* bytes of a value shown in a message, NUL included */
	TYPE_SHOW = 32, /* characters of an unknown node's or attribute's name shown */
	INT_MAX_DIGITS = 18,
};

typedef struct {
	char const *name;
	unsigned char kind;
	bool required;
} attr_spec_t;

typedef struct checker checker_t;
typedef struct frame frame_t;
typedef struct node_spec node_spec_t;

struct node_spec {
	char const *type;
	attr_spec_t const *attrs;       /* ends with {NULL} */
	attr_spec_t const *more;        /* a second list shared by several nodes, or NULL */
	node_spec_t const *const *subs; /* ends with NULL; NULL: no sub-nodes */
	unsigned flags;
	char const *missing;                           /* with NEED_SUB: what it lacks */
	void (*check)(checker_t *c, frame_t const *f); /* semantic checks, after the attributes */
};

struct frame {
	gn_xml_node_t node;
	frame_t const *up;
	char const *where; /* own, or an ancestor's */
	bool named;        /* where names the node: start "x" */
	char own[WHERE_MAX];
};

struct checker {
	gn_xml_node_t config;
	gn_init_config_report_fn report;
	void *ctx;
	unsigned count;
	uint64_t avail_ram, avail_caps, reserve_ram, reserve_caps;
	uint64_t sum_ram, sum_caps;
	bool ram_over, caps_over;
};

/* ---- reporting ---------------------------------------------------------------------------------- */

static void vreport(checker_t *c, unsigned line, unsigned column, char const *where,
	char const *fmt, va_list ap)
{
	char msg[GN_INIT_CONFIG_MSG_MAX];
	gn_fmt_buf_t b;

	gn_fmt_buf_init(&b, msg, sizeof(msg));
	gn_ignore(gn_fmt_buf_append(&b, "%s: ", where));
	gn_ignore(gn_fmt_buf_vappend(&b, fmt, ap));
	for (char *p = msg; *p; p++) /* values from the document must not forge lines */
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	c->count++;
	if (c->report)
		c->report(c->ctx, line, column, msg);
}

/* Reports at node, prefixed with where. */
static void GN_PRINTF(4, 5)
	at_node(checker_t *c, gn_xml_node_t const *node, char const *where, char const *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, gn_xml_line(node), gn_xml_column(node), where, fmt, ap);
	va_end(ap);
}

/* Reports at attribute a of node, prefixed with where. */
static void GN_PRINTF(5, 6) at_attr(checker_t *c, gn_xml_node_t const *node, gn_xml_attr_t const *a,
	char const *where, char const *fmt, ...)
{
	va_list ap;
	unsigned line, column;

	gn_xml_attr_pos(node, a, &line, &column);
	va_start(ap, fmt);
	vreport(c, line, column, where, fmt, ap);
	va_end(ap);
}

/* An attribute value as written (entities not decoded); {NULL, 0} for an absent one. */
typedef struct {
	char const *s;
	size_t len;
} view_t;

/* The value of attribute name of node: false (and an empty view) when there is none. */
static bool view_of(gn_xml_node_t const *node, char const *name, view_t *v)
{
	gn_xml_attr_t a;
	bool found = gn_xml_attr(node, name, &a);

	*v = (view_t){a.value, a.value_len};
	return found;
}

static bool view_is(view_t v, char const *lit)
{
	return v.s && gn_str_eq_n(v.s, v.len, lit);
}

/* node has attribute name, and its value is v (or lit). */
static bool attr_is(gn_xml_node_t const *node, char const *name, view_t v)
{
	view_t w;

	return view_of(node, name, &w) && w.len == v.len && gn_memcmp(w.s, v.s, v.len) == 0;
}

static bool attr_is_lit(gn_xml_node_t const *node, char const *name, char const *lit)
{
	view_t w;

	return view_of(node, name, &w) && view_is(w, lit);
}

/* A name attribute that is present and not empty. */
static bool name_of(gn_xml_node_t const *node, char const *name, view_t *v)
{
	return view_of(node, name, v) && v->len > 0;
}

/* A value for a message, cut with "..." (vreport replaces control characters). */
static char const *show(view_t v, char *buf, size_t size)
{
	size_t n = v.len < size - 1 ? v.len : size - 1;

	if (n)
		gn_memcpy(buf, v.s, n);
	buf[n] = 0;
	if (v.len > n && size >= 4)
		gn_memcpy(buf + size - 4, "...", 4);
	return buf;
}

/* The attribute called name of node, shown; "" when there is none. */
static char const *show_attr(gn_xml_node_t const *node, char const *name, char *buf, size_t size)
{
	view_t v;

	view_of(node, name, &v);
	return show(v, buf, size);
}

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

/* ---- values ------------------------------------------------------------------------------------- */

/* The number in attribute name of node: false when it is absent or no number. */
static bool num_of(gn_xml_node_t const *node, char const *name, uint64_t *v)
{
	gn_xml_attr_t a;

	*v = 0;
	return gn_xml_attr(node, name, &a) && gn_xml_value_u64(&a, v) == GN_OK;
}

/* A decimal integer with an optional '-', of at most INT_MAX_DIGITS digits. */
static bool int_value(gn_xml_attr_t const *a, long long *v)
{
	char const *p = a->value, *end = a->value + a->value_len;
	bool neg = p < end && *p == '-';

	*v = 0;
	p += neg;
	if (p == end || end - p > INT_MAX_DIGITS)
		return false;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		*v = *v * 10 + (*p - '0');
	}
	*v = neg ? -*v : *v;
	return true;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
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
	case INT: return int_value(a, &i) ? NULL : "is not an integer";
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
			at_attr(c, &f->node, &a, f->where, "unknown attribute \"%.*s\"%s",
				show_len(a.name_len), a.name, of);
		else if ((problem = value_problem(as, &a)))
			at_attr(c, &f->node, &a, f->where, "attribute \"%s\"%s %s", as->name, of,
				problem);
	}
	for (attr_spec_t const *as = spec->attrs; as && as->name; as++)
		if (as->required && !gn_xml_has_attr(&f->node, as->name))
			at_node(c, &f->node, f->where, "attribute \"%s\"%s is missing", as->name,
				of);
}

/* ---- looking things up -------------------------------------------------------------------------- */

/* The first top-level node of type (NULL: start or alias) named name, before `before` (or any). */
static bool find_named(checker_t const *c, char const *type, view_t name,
	gn_xml_node_t const *before, gn_xml_node_t *out)
{
	GN_XML_FOR_EACH_SUB(&c->config, type, *out)
	{
		if (before && out->base >= before->base)
			break;
		if ((type || gn_xml_has_type(out, "start") || gn_xml_has_type(out, "alias")) &&
			attr_is(out, "name", name))
			return true;
	}
	return false;
}

typedef enum {
	NO_CHILD,
	CHILD,
	BROKEN_ALIAS, /* an alias whose child is no <start> (reported at the alias) */
} lookup_t;

/* The <start> a child name reaches, directly or through one <alias>. */
static lookup_t lookup_child(checker_t const *c, view_t name, gn_xml_node_t *start)
{
	gn_xml_node_t alias;
	view_t target;

	if (find_named(c, "start", name, NULL, start))
		return CHILD;
	if (!find_named(c, "alias", name, NULL, &alias))
		return NO_CHILD;
	if (name_of(&alias, "child", &target) && find_named(c, "start", target, NULL, start))
		return CHILD;
	return BROKEN_ALIAS;
}

/* node (a <parent-provides> or a <start>'s <provides>) lists service. */
static bool lists_service(gn_xml_node_t const *node, view_t service)
{
	gn_xml_node_t s;

	GN_XML_FOR_EACH_SUB(node, "service", s)
	if (attr_is(&s, "name", service))
		return true;
	return false;
}

static bool child_provides(gn_xml_node_t const *start, view_t service)
{
	gn_xml_node_t provides;

	return gn_xml_first_sub_type(start, "provides", &provides) &&
	       lists_service(&provides, service);
}

static bool parent_provides(checker_t const *c, view_t service)
{
	gn_xml_node_t pp;

	return gn_xml_first_sub_type(&c->config, "parent-provides", &pp) &&
	       lists_service(&pp, service);
}

/* Reports at f's node when an earlier sibling of the same type has the same attribute name. */
static void unique_among_siblings(
	checker_t *c, frame_t const *f, char const *type, char const *what)
{
	gn_xml_node_t sib;
	view_t name;
	char shown[SHOW_MAX];

	if (!f->up || !view_of(&f->node, "name", &name))
		return;
	GN_XML_FOR_EACH_SUB(&f->up->node, type, sib)
	{
		if (sib.base >= f->node.base)
			return;
		if (!attr_is(&sib, "name", name))
			continue;
		if (f->named)
			at_node(c, &f->node, f->where, "defined twice (first at %u:%u)",
				gn_xml_line(&sib), gn_xml_column(&sib));
		else
			at_node(c, &f->node, f->where, "%s \"%s\" is listed twice (first at %u:%u)",
				what, show(name, shown, sizeof(shown)), gn_xml_line(&sib),
				gn_xml_column(&sib));
		return;
	}
}

/* ---- hooks: the config and its top-level nodes -------------------------------------------------- */

static void check_config(checker_t *c, frame_t const *f)
{
	gn_xml_attr_t a;
	uint64_t levels;

	if (gn_xml_attr(&f->node, "prio_levels", &a) && gn_xml_value_u64(&a, &levels) == GN_OK &&
		(levels >= 64 || (levels & (levels - 1))))
		at_attr(c, &f->node, &a, f->where,
			"attribute \"prio_levels\" is not a power of two below 64");
}

/* A service of <parent-provides> or <provides>, or a re-exported <service>: listed once. */
static void check_unique_service(checker_t *c, frame_t const *f)
{
	unique_among_siblings(c, f, "service", "service");
}

/* A <start> or <alias>: its name is unique among both. */
static void check_unique_child(checker_t *c, frame_t const *f)
{
	gn_xml_node_t other;
	view_t name;
	char const *type;
	size_t len;

	if (!name_of(&f->node, "name", &name) || !find_named(c, NULL, name, &f->node, &other))
		return;
	gn_xml_type(&other, &type, &len);
	at_node(c, &f->node, f->where, "name already used by the <%.*s> at %u:%u", (int)len, type,
		gn_xml_line(&other), gn_xml_column(&other));
}

static void check_alias(checker_t *c, frame_t const *f)
{
	gn_xml_node_t target;
	view_t name;
	char shown[SHOW_MAX];

	check_unique_child(c, f);
	if (!name_of(&f->node, "child", &name) || find_named(c, "start", name, NULL, &target))
		return;
	show(name, shown, sizeof(shown));
	if (find_named(c, "alias", name, NULL, &target))
		at_node(c, &f->node, f->where, "child \"%s\" is an <alias>, not a <start>", shown);
	else
		at_node(c, &f->node, f->where, "there is no <start> named \"%s\"", shown);
}

static void check_top_resource(checker_t *c, frame_t const *f)
{
	gn_xml_attr_t a;
	view_t name;
	char shown[SHOW_MAX];

	if (!gn_xml_attr(&f->node, "name", &a) || !view_of(&f->node, "name", &name))
		return;
	if (!view_is(name, "RAM") && !view_is(name, "CAP"))
		at_attr(c, &f->node, &a, f->where, "unknown resource \"%s\" (RAM or CAP)",
			show(name, shown, sizeof(shown)));
	else
		unique_among_siblings(c, f, "resource", "resource");
}

/* ---- hooks: a <start> ---------------------------------------------------------------------------- */

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
	if (attr_is_lit(&res, "name", k->resource)) {
		by_res = true;
		known = num_of(&res, "quantum", v);
	}
	if (by_attr && by_res) {
		at_node(c, &f->node, f->where,
			"%s quota given twice: attribute \"%s\" and <resource name=\"%s\">",
			k->what, k->attr, k->resource);
		return false;
	}
	if (by_attr)
		return num_of(&f->node, k->attr, v);
	if (by_res)
		return known;
	if (gn_xml_first_sub_type(&c->config, "default", &def) && gn_xml_has_attr(&def, k->attr))
		return num_of(&def, k->attr, v);
	at_node(c, &f->node, f->where,
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
		at_node(c, &f->node, f->where,
			"RAM quotas add up to %s with this child, more than the %s available minus "
			"%s kept by init",
			show_size(*sum, s[0], sizeof(s[0])), show_size(avail, s[1], sizeof(s[1])),
			show_size(reserve, s[2], sizeof(s[2])));
	else
		at_node(c, &f->node, f->where,
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

	if (!gn_xml_attr(&f->node, "priority", &a) || !int_value(&a, &prio) || prio == 0)
		return;
	if (prio > 0) {
		at_attr(c, &f->node, &a, f->where,
			"priority %lld is positive: priorities are 0 or negative", prio);
		return;
	}
	if (!num_of(&c->config, "prio_levels", &levels) || levels >= 64 || (levels & (levels - 1)))
		levels = 0;
	if ((uint64_t)-prio < levels)
		return;
	if (levels)
		at_attr(c, &f->node, &a, f->where,
			"priority %lld is out of range: prio_levels=\"%llu\" allows 0 to -%llu",
			prio, (unsigned long long)levels, (unsigned long long)levels - 1);
	else
		at_attr(c, &f->node, &a, f->where,
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
		at_node(c, &aff, f->where, "<affinity> without <affinity-space> in <config>");
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
		at_node(c, &aff, f->where,
			"<affinity> lies outside the <affinity-space> of %llux%llu",
			(unsigned long long)sw, (unsigned long long)sh);
}

static void check_start(checker_t *c, frame_t const *f)
{
	check_unique_child(c, f);
	add_quota(c, f, &ram_kind, c->avail_ram, c->reserve_ram, &c->sum_ram, &c->ram_over);
	add_quota(c, f, &cap_kind, c->avail_caps, c->reserve_caps, &c->sum_caps, &c->caps_over);
	check_priority(c, f);
	check_affinity(c, f);
}

static void check_start_resource(checker_t *c, frame_t const *f)
{
	gn_xml_attr_t a;
	view_t name;
	char shown[SHOW_MAX];
	uint64_t percent;

	if (!gn_xml_attr(&f->node, "name", &a) || !view_of(&f->node, "name", &name))
		return;
	if (!view_is(name, "RAM") && !view_is(name, "CPU") && !view_is(name, "CAP")) {
		at_attr(c, &f->node, &a, f->where, "unknown resource \"%s\" (RAM, CPU or CAP)",
			show(name, shown, sizeof(shown)));
		return;
	}
	unique_among_siblings(c, f, "resource", "resource");
	if (view_is(name, "CPU") && num_of(&f->node, "quantum", &percent) && percent > 100)
		at_node(c, &f->node, f->where, "CPU quantum %llu exceeds 100 percent",
			(unsigned long long)percent);
}

/* ---- hooks: routes ------------------------------------------------------------------------------- */

static void check_rule(checker_t *c, frame_t const *f)
{
	static char const *const scoped[] = {"label", "label_prefix", "label_suffix", "label_last"};

	if (!gn_xml_has_attr(&f->node, "unscoped_label"))
		return;
	for (size_t i = 0; i < GN_ARRAY_SIZE(scoped); i++)
		if (gn_xml_has_attr(&f->node, scoped[i])) {
			at_node(c, &f->node, f->where,
				"<%s> mixes unscoped_label with scoped label attributes",
				gn_xml_has_type(&f->node, "service") ? "service" : "any-service");
			return;
		}
}

/* The service a target's rule asks for: false for <any-service> (and a rule without name). */
static bool rule_service(frame_t const *f, view_t *service)
{
	return gn_xml_has_type(&f->up->node, "service") && name_of(&f->up->node, "name", service);
}

/* The <start> whose <route> the frame is in, or NULL in the <default-route>. */
static gn_xml_node_t const *route_owner(frame_t const *f)
{
	for (; f; f = f->up)
		if (gn_xml_has_type(&f->node, "start"))
			return &f->node;
	return NULL;
}

static void check_parent_target(checker_t *c, frame_t const *f)
{
	view_t service;
	char shown[SHOW_MAX];

	if (rule_service(f, &service) && !parent_provides(c, service))
		at_node(c, &f->node, f->where,
			"the parent does not provide service \"%s\" (not in <parent-provides>)",
			show(service, shown, sizeof(shown)));
}

/* Checks that a <child name=...> names a child that provides service (NULL: any). */
static void check_child_ref(checker_t *c, frame_t const *f, view_t const *service)
{
	gn_xml_node_t start;
	gn_xml_node_t const *owner = route_owner(f);
	view_t name;
	char shown[SHOW_MAX], shown_service[SHOW_MAX];

	if (!name_of(&f->node, "name", &name))
		return;
	show(name, shown, sizeof(shown));
	switch (lookup_child(c, name, &start)) {
	case NO_CHILD:
		at_node(c, &f->node, f->where, "there is no <start> or <alias> named \"%s\"",
			shown);
		return;
	case BROKEN_ALIAS: return;
	case CHILD: break;
	}
	if (owner && start.base == owner->base)
		at_node(c, &f->node, f->where, "routes to the child itself");
	else if (service && !child_provides(&start, *service))
		at_node(c, &f->node, f->where,
			"child \"%s\" does not provide service \"%s\" (not in its <provides>)",
			shown, show(*service, shown_service, sizeof(shown_service)));
}

static void check_child_target(checker_t *c, frame_t const *f)
{
	view_t service;

	check_child_ref(c, f, rule_service(f, &service) ? &service : NULL);
}

static void check_any_child_target(checker_t *c, frame_t const *f)
{
	char shown[SHOW_MAX], first[SHOW_MAX], second[SHOW_MAX];
	gn_xml_node_t start, provider = {0};
	view_t service;

	if (!rule_service(f, &service))
		return;
	show(service, shown, sizeof(shown));
	GN_XML_FOR_EACH_SUB(&c->config, "start", start)
	{
		if (!child_provides(&start, service))
			continue;
		if (!gn_xml_node_valid(&provider)) {
			provider = start;
			continue;
		}
		at_node(c, &f->node, f->where,
			"service \"%s\" is ambiguous: children \"%s\" and \"%s\" both provide it",
			shown, show_attr(&provider, "name", first, sizeof(first)),
			show_attr(&start, "name", second, sizeof(second)));
		return;
	}
	if (!gn_xml_node_valid(&provider))
		at_node(c, &f->node, f->where, "no child lists service \"%s\" in its <provides>",
			shown);
}

/* The <child> of a re-exported <service>'s <policy> or <default-policy>. */
static void check_policy_child(checker_t *c, frame_t const *f)
{
	view_t service;

	check_child_ref(c, f, name_of(&f->up->up->node, "name", &service) ? &service : NULL);
}

/* ---- the vocabulary ------------------------------------------------------------------------------ */

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
	.type = "parent", .more = rewrite, .check = check_parent_target};
static node_spec_t const child_target = {.type = "child",
	.attrs = ATTRS({"name", NAME, true}),
	.more = rewrite,
	.check = check_child_target};
static node_spec_t const any_child_target = {
	.type = "any-child", .more = rewrite, .check = check_any_child_target};
static node_spec_t const local_target = {.type = "local", .more = rewrite};

#define TARGETS SUBS(&parent_target, &child_target, &any_child_target, &local_target)

/* route rules (config.xsd template_route; sandbox/route_model.h, utils.h service_node_matches) */
static node_spec_t const service_rule = {.type = "service",
	.attrs = ATTRS({"name", SERVICE, true}),
	.more = select_label,
	.subs = TARGETS,
	.flags = NEED_SUB,
	.missing = "no target",
	.check = check_rule};
static node_spec_t const any_service_rule = {.type = "any-service",
	.more = select_label,
	.subs = TARGETS,
	.flags = NEED_SUB,
	.missing = "no target",
	.check = check_rule};
#define RULES SUBS(&service_rule, &any_service_rule)

/* <service name> in <parent-provides> and in a <start>'s <provides> */
static node_spec_t const listed_service = {
	.type = "service", .attrs = ATTRS({"name", SERVICE, true}), .check = check_unique_service};

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
	.check = check_start_resource};
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
	.check = check_policy_child};
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
	.check = check_start};
static node_spec_t const top_alias = {.type = "alias",
	.attrs = ATTRS({"name", NAME, true}, {"child", NAME, true}),
	.flags = OWNER,
	.check = check_alias};
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
	.check = check_top_resource};
static node_spec_t const top_service = {.type = "service",
	.attrs = ATTRS({"name", SERVICE, true}),
	.subs = SUBS(&policy, &default_policy),
	.flags = OWNER | NEED_SUB,
	.missing = "no <policy> or <default-policy>",
	.check = check_unique_service};

static node_spec_t const config_spec = {.type = "config",
	.attrs = ATTRS({"verbose", BOOL, false}, {"prio_levels", NUM, false},
		{"ld_verbose", BOOL, false}, {"version", STR, false},
		{"generate_xml", BOOL, false}),
	.subs = SUBS(&top_parent_provides, &top_default_route, &top_default, &top_affinity_space,
		&top_start, &top_alias, &top_report, &top_heartbeat, &top_resource, &top_service),
	.check = check_config};

/* ---- the walk ----------------------------------------------------------------------------------- */

static void enter(frame_t *f, node_spec_t const *spec, gn_xml_node_t const *node, frame_t const *up)
{
	char shown[SHOW_MAX];

	f->node = *node;
	f->up = up;
	f->where = up && up->up ? up->where : f->own;
	f->named = false;
	if (f->where != f->own)
		return;
	show_attr(node, "name", shown, sizeof(shown));
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
			at_node(c, &sub, f->where, "unknown node <%.*s>%s", show_len(len), type,
				in);
		else if ((s->flags & ONCE) && repeated(&f->node, s, &sub))
			at_node(c, &sub, f->where, "more than one <%s>%s", s->type, in);
		else {
			enter(&sf, s, &sub, f);
			walk(c, s, &sf);
		}
	}
	if ((spec->flags & NEED_SUB) && !known_sub) {
		if (is_owner(f))
			at_node(c, &f->node, f->where, "has %s", spec->missing);
		else
			at_node(c, &f->node, f->where, "<%s> has %s", spec->type, spec->missing);
	}
}

/* ---- entry points -------------------------------------------------------------------------------- */

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
	if (attr_is_lit(&res, "name", name) && num_of(&res, "preserve", &v))
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
		at_attr(c, runtime, &a, "<runtime>", "attribute \"%s\" is not a number", name);
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
		at_node(c, root, "document", "the root node is <%.*s>, not <config> or <runtime>",
			show_len(len), type);
		return false;
	}
	if (!attr_is_lit(root, "binary", "init")) {
		show_attr(root, "binary", shown, sizeof(shown));
		at_node(c, root, "<runtime>",
			"binary \"%s\" is not init, so its <config> is no init config", shown);
		return false;
	}
	if (!gn_xml_first_sub_type(root, "config", &c->config)) {
		at_node(c, root, "<runtime>", "has no <config>");
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
		at_node(&c, root, "document", "no root node");
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
