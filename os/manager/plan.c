/*
 * The manager's decisions: its config read into a plan (the base config and the <grow> rules),
 * and the requests of init's state report turned into raised values of that plan.
 *
 * A request is what init reports as `requested` on a child's <ram> or <caps> node: what the child
 * asked for beyond its quota and was not given. The child needs `assigned + requested`; the rule
 * raises its value to that, rounded up to `step` and cut at `max`. When even `max` is too little,
 * nothing is raised (the child would stay short anyway) and the request is logged once as beyond
 * the limit. A request never lowers a value (only a new config of the manager with a lower max
 * does), and a raise already written but not yet applied by init (`assigned` still below the
 * value) is not repeated: the request is measured from `assigned`, so a state report that lags
 * behind the config changes nothing.
 *
 * Both documents are untrusted: every number is checked, and a problem is logged with its line and
 * column and leaves the caller's plan unchanged (it decides on a copy).
 */
#include <stdarg.h>

#include <gneiss/fmt.h>
#include <gneiss/init_config.h>
#include <gneiss/log.h>
#include <gneiss/string.h>

#include "manager.h"

enum {
	MSG_MAX = 200,
	DEFAULT_RAM_STEP = 4 * GN_KIB,
	DEFAULT_CAPS_STEP = 1,
};

/* Logs "doc:line:column: message" as an error; returns 1, one problem. */
static unsigned GN_PRINTF(4, 5)
	problem(char const *doc, unsigned line, unsigned column, char const *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	gn_ignore(gn_vfmt(msg, sizeof(msg), NULL, fmt, ap)); /* a cut message is still useful */
	va_end(ap);
	gn_error("%s:%u:%u: %s", doc, line, column, msg);
	return 1;
}

static void init_config_problem(void *ctx, unsigned line, unsigned column, char const *msg)
{
	unsigned *problems = ctx;

	*problems += problem("config", line, column, "managed config: %s", msg);
}

static rule_t *rule_of(plan_t *plan, char const *name, size_t len)
{
	for (unsigned i = 0; i < plan->num_rules; i++)
		if (gn_str_eq_n(name, len, plan->rules[i].child) &&
			gn_strlen(plan->rules[i].child) == len)
			return &plan->rules[i];
	return NULL;
}

/* The <start> of the base config named name, or the invalid node. */
static gn_xml_node_t start_named(gn_xml_node_t const *managed, char const *name)
{
	gn_xml_node_t start;

	for (bool more = gn_xml_first_sub_type(managed, "start", &start); more;
		more = gn_xml_next_type(&start, "start", &start))
		if (gn_xml_attr_eq(&start, "name", name))
			break;
	return start;
}

/* A number attribute of node; problems (not a number) are logged and counted. */
static unsigned number(
	char const *doc, gn_xml_node_t const *node, char const *name, uint64_t def, uint64_t *value)
{
	gn_xml_attr_t attr;
	unsigned line, column;

	*value = def;
	if (!gn_xml_attr(node, name, &attr))
		return 0;
	if (gn_xml_value_u64(&attr, value) == GN_OK)
		return 0;
	gn_xml_attr_pos(node, &attr, &line, &column);
	return problem(doc, line, column, "attribute \"%s\" is not a number", name);
}

/* One resource of a <grow> rule: its step, max and base value (the start node's attribute). */
static unsigned read_quota(gn_xml_node_t const *grow, gn_xml_node_t const *start,
	char const *resource, uint64_t default_step, quota_t *q)
{
	char step[16], max[16];
	unsigned problems = 0;

	gn_ignore(gn_fmt(step, sizeof(step), NULL, "%s_step", resource));
	gn_ignore(gn_fmt(max, sizeof(max), NULL, "%s_max", resource));
	*q = (quota_t){.grows = gn_xml_has_attr(grow, max)};
	problems += number("config", grow, step, default_step, &q->step);
	problems += number("config", grow, max, 0, &q->max);
	if (!problems && q->step == 0)
		problems += problem("config", gn_xml_line(grow), gn_xml_column(grow),
			"grow: \"%s\" must not be 0", step);
	if (!q->grows || problems)
		return problems;
	if (!gn_xml_has_attr(start, resource))
		return problem("config", gn_xml_line(grow), gn_xml_column(grow),
			"grow: its <start> has no \"%s\" attribute to raise", resource);
	problems += number("config", start, resource, 0, &q->base);
	q->value = q->base;
	return problems;
}

static unsigned read_grow(gn_xml_node_t const *grow, plan_t *plan)
{
	static char const *const known[] = {
		"child", "ram_step", "ram_max", "caps_step", "caps_max"};
	gn_xml_attr_t attr;
	char name[NAME_MAX];
	unsigned problems = 0, line = gn_xml_line(grow), column = gn_xml_column(grow);

	for (bool more = gn_xml_attr_first(grow, &attr); more;
		more = gn_xml_attr_next(grow, &attr)) {
		bool ok = false;
		for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]) && !ok; i++)
			ok = gn_str_eq_n(attr.name, attr.name_len, known[i]) &&
			     gn_strlen(known[i]) == attr.name_len;
		if (!ok) {
			unsigned l, c;
			gn_xml_attr_pos(grow, &attr, &l, &c);
			problems += problem("config", l, c, "grow: unknown attribute \"%.*s\"",
				(int)attr.name_len, attr.name);
		}
	}
	if (gn_xml_attr_str(grow, "child", name, sizeof(name)) != GN_OK || !name[0])
		return problems + problem("config", line, column,
					  "grow: \"child\" missing, empty or too long");
	gn_xml_node_t const start = start_named(&plan->managed, name);
	if (!gn_xml_node_valid(&start))
		return problems + problem("config", line, column,
					  "grow: the managed config has no <start name=\"%s\">",
					  name);
	if (rule_of(plan, name, gn_strlen(name)))
		return problems +
		       problem("config", line, column, "grow: a second rule for \"%s\"", name);
	if (plan->num_rules == MAX_RULES)
		return problems + problem("config", line, column, "grow: more than %u rules",
					  (unsigned)MAX_RULES);
	rule_t *r = &plan->rules[plan->num_rules];
	*r = (rule_t){0};
	gn_memcpy(r->child, name, sizeof(r->child));
	problems += read_quota(grow, &start, "ram", DEFAULT_RAM_STEP, &r->ram);
	problems += read_quota(grow, &start, "caps", DEFAULT_CAPS_STEP, &r->caps);
	if (!r->ram.grows && !r->caps.grows)
		problems += problem("config", line, column,
			"grow \"%s\": neither \"ram_max\" nor \"caps_max\"", name);
	plan->num_rules++;
	return problems;
}

/* Warns when the managed config's state report leaves out what a rule needs to see. */
static void check_report(gn_xml_node_t const *cfg, char const *option)
{
	gn_xml_node_t report;
	bool on = false;

	if (!gn_xml_first_sub_type(cfg, "report", &report) ||
		gn_xml_attr_bool(&report, option, false, &on) != GN_OK || !on)
		gn_warning("config:%u:%u: the managed config has no <report %s=\"yes\"/>: no "
			   "request will be seen",
			gn_xml_line(cfg), gn_xml_column(cfg), option);
}

/* <managed>: one sub-node, the init config, checked as init checks it. */
static unsigned read_managed(gn_xml_node_t const *managed, plan_t *plan)
{
	gn_xml_node_t cfg;
	unsigned problems = 0, line = gn_xml_line(managed), column = gn_xml_column(managed);

	if (gn_xml_node_valid(&plan->managed))
		return problem("config", line, column, "a second <managed> node");
	if (gn_xml_num_sub(managed) != 1 || !gn_xml_first_sub_type(managed, "config", &cfg))
		return problem("config", line, column, "<managed> holds one <config> node");
	if (gn_xml_attr_first(managed, &(gn_xml_attr_t){0}))
		problems += problem("config", line, column, "<managed> takes no attributes");
	gn_ignore(gn_init_config_check_node(&cfg, NULL, init_config_problem, &problems));
	plan->managed = cfg;
	return problems;
}

bool plan_read(gn_xml_node_t const *config, plan_t *plan)
{
	gn_xml_node_t node;
	unsigned problems = 0;

	*plan = (plan_t){0};
	if (!gn_xml_has_type(config, "config"))
		return !problem(
			"config", gn_xml_line(config), gn_xml_column(config), "expected <config>");
	if (gn_xml_attr_first(config, &(gn_xml_attr_t){0}))
		problems += problem("config", gn_xml_line(config), gn_xml_column(config),
			"<config> takes no attributes");
	for (bool more = gn_xml_first_sub(config, &node); more; more = gn_xml_next(&node, &node)) {
		if (gn_xml_has_type(&node, "managed"))
			problems += read_managed(&node, plan);
		else if (!gn_xml_has_type(&node, "grow")) {
			char const *type;
			size_t len;
			gn_xml_type(&node, &type, &len);
			problems += problem("config", gn_xml_line(&node), gn_xml_column(&node),
				"unknown node <%.*s>", (int)len, type);
		}
	}
	if (!gn_xml_node_valid(&plan->managed))
		return !problem("config", gn_xml_line(config), gn_xml_column(config),
			"no <managed> node with the init config");
	for (bool more = gn_xml_first_sub_type(config, "grow", &node); more;
		more = gn_xml_next_type(&node, "grow", &node))
		problems += read_grow(&node, plan);
	bool ram = false, caps = false;
	for (unsigned i = 0; i < plan->num_rules; i++) {
		ram = ram || plan->rules[i].ram.grows;
		caps = caps || plan->rules[i].caps.grows;
	}
	if (ram)
		check_report(&plan->managed, "child_ram");
	if (caps)
		check_report(&plan->managed, "child_caps");
	return problems == 0;
}

static void carry(quota_t *next, quota_t const *old)
{
	if (!next->grows || !old->grows)
		return;
	uint64_t const kept = old->value < next->max ? old->value : next->max;
	next->value = kept > next->base ? kept : next->base;
	next->refused = old->refused;
}

void plan_carry(plan_t *next, plan_t const *old)
{
	for (unsigned i = 0; i < next->num_rules; i++) {
		rule_t *n = &next->rules[i];
		for (unsigned j = 0; j < old->num_rules; j++)
			if (gn_strcmp(n->child, old->rules[j].child) == 0) {
				carry(&n->ram, &old->rules[j].ram);
				carry(&n->caps, &old->rules[j].caps);
			}
	}
}

/* ---- the state report ---------------------------------------------------------------------- */

/* The verdict on a request of `requested` more beyond `assigned`. */
static void decide(quota_t *q, uint64_t assigned, uint64_t requested, bool *changed)
{
	q->verdict = VERDICT_NONE;
	q->requested = requested;
	if (!requested) {
		q->refused = 0;
		return;
	}
	uint64_t const max = q->grows ? q->max : q->value;
	if (assigned > max || requested > max - assigned) {
		if (q->refused != requested)
			q->verdict = VERDICT_REFUSED;
		q->refused = requested;
		return;
	}
	uint64_t const need = assigned + requested, rest = need % q->step;
	uint64_t want = need;
	if (rest) /* rounded up to a step, but not beyond max */
		want = q->step - rest <= max - need ? need + q->step - rest : max;
	q->refused = 0;
	if (want <= q->value)
		return; /* raised already, init has not applied it yet */
	q->value = want;
	q->verdict = VERDICT_RAISED;
	*changed = true;
}

/* The <ram> or <caps> node of a child: its assigned and requested quota, checked. */
static unsigned read_resource(gn_xml_node_t const *child, char const *type, char const *name,
	uint64_t *assigned, uint64_t *requested)
{
	gn_xml_node_t node;
	unsigned problems = 0;

	*assigned = *requested = 0;
	if (!gn_xml_first_sub_type(child, type, &node))
		return 0;
	if (!gn_xml_has_attr(&node, "assigned"))
		return problem("state report", gn_xml_line(&node), gn_xml_column(&node),
			"child \"%s\": <%s> without \"assigned\"", name, type);
	problems += number("state report", &node, "assigned", 0, assigned);
	problems += number("state report", &node, "requested", 0, requested);
	return problems;
}

bool plan_decide(plan_t *plan, gn_xml_node_t const *state, bool *changed)
{
	gn_xml_node_t child;
	char name[NAME_MAX];
	bool seen[MAX_RULES] = {false};
	unsigned problems = 0;

	*changed = false;
	if (!gn_xml_has_type(state, "state"))
		return !problem("state report", gn_xml_line(state), gn_xml_column(state),
			"expected <state>");
	for (bool more = gn_xml_first_sub_type(state, "child", &child); more;
		more = gn_xml_next_type(&child, "child", &child)) {
		rule_t *r = gn_xml_attr_str(&child, "name", name, sizeof(name)) == GN_OK
				    ? rule_of(plan, name, gn_strlen(name))
				    : NULL;
		if (!r || !gn_xml_attr_eq(&child, "state", "alive"))
			continue; /* not ours to read: no rule names it, or it is gone */
		uint64_t ram, more_ram, caps, more_caps;
		problems += read_resource(&child, "ram", r->child, &ram, &more_ram);
		problems += read_resource(&child, "caps", r->child, &caps, &more_caps);
		if (problems)
			continue;
		seen[r - plan->rules] = true;
		decide(&r->ram, ram, more_ram, changed);
		decide(&r->caps, caps, more_caps, changed);
	}
	for (unsigned i = 0; i < plan->num_rules; i++)
		if (!seen[i]) { /* gone: its requests with it */
			decide(&plan->rules[i].ram, 0, 0, changed);
			decide(&plan->rules[i].caps, 0, 0, changed);
		}
	return problems == 0;
}

void quota_str(char *buf, size_t size, uint64_t v, bool ram)
{
	unsigned long long const n = (unsigned long long)v;

	if (ram && v && v % GN_MIB == 0)
		gn_ignore(gn_fmt(buf, size, NULL, "%lluM", n / GN_MIB));
	else if (ram && v && v % GN_KIB == 0)
		gn_ignore(gn_fmt(buf, size, NULL, "%lluK", n / GN_KIB));
	else
		gn_ignore(gn_fmt(buf, size, NULL, "%llu", n));
}

static void log_verdict(rule_t const *r, quota_t const *q, bool ram)
{
	char value[24], requested[24];
	char const *unit = ram ? "" : " caps";
	uint64_t const shown = q->verdict == VERDICT_RAISED ? q->value : q->max;

	if (q->verdict == VERDICT_NONE)
		return;
	quota_str(value, sizeof(value), shown, ram);
	quota_str(requested, sizeof(requested), q->requested, ram);
	if (q->verdict == VERDICT_RAISED)
		gn_log("raising \"%s\" to %s%s (requested %s%s)", r->child, value, unit, requested,
			unit);
	else if (q->grows)
		gn_log("\"%s\" requests more%s but is at its limit %s%s (requested %s%s)", r->child,
			unit, value, unit, requested, unit);
	else
		gn_log("\"%s\" requests more%s, which no rule grows (requested %s%s)", r->child,
			unit, requested, unit);
}

void plan_log(plan_t const *plan)
{
	for (unsigned i = 0; i < plan->num_rules; i++) {
		log_verdict(&plan->rules[i], &plan->rules[i].ram, true);
		log_verdict(&plan->rules[i], &plan->rules[i].caps, false);
	}
}
