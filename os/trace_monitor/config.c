/*
 * The trace monitor's config (README.md has the language). Untrusted like any config: every value
 * is checked, and an invalid config is refused whole with a message naming its line.
 */
#include <gneiss/label.h>
#include <gneiss/log.h>
#include <gneiss/string.h>

#include "monitor.h"

static bool invalid(gn_xml_node_t const *node, char const *what)
{
	gn_error("config:%u: %s", node->line, what);
	return false;
}

/* "rpc_call" -> GN_TRACE_RPC_CALL; GN_TRACE_EVENT_COUNT for no event's name. */
static unsigned event_of(char const *name, size_t len)
{
	for (unsigned k = 1; k < GN_TRACE_EVENT_COUNT; k++)
		if (gn_str_eq_n(name, len, gn_trace_event_name(k)))
			return k;
	return GN_TRACE_EVENT_COUNT;
}

/* A space-separated list of event names ("all" for every one) into the rules of p. */
static bool read_events(
	gn_xml_node_t const *node, char const *list, gn_trace_rule_t rule, gn_trace_policy_t *p)
{
	for (char const *s = list; *s;) {
		while (*s == ' ')
			s++;
		size_t n = 0;
		while (s[n] && s[n] != ' ')
			n++;
		if (!n)
			break;
		if (gn_str_eq_n(s, n, "all")) {
			for (unsigned k = 1; k < GN_TRACE_EVENT_COUNT; k++)
				p->rules[k] = rule;
		} else {
			unsigned const k = event_of(s, n);
			if (k == GN_TRACE_EVENT_COUNT)
				return invalid(node, "unknown event in events=");
			p->rules[k] = rule;
		}
		s += n;
	}
	return true;
}

/* rpc_opcodes: "all", or comma-separated opcodes 0..63. */
static bool read_opcodes(gn_xml_node_t const *node, char const *list, uint64_t *mask)
{
	if (gn_strcmp(list, "all") == 0) {
		*mask = ~0ull;
		return true;
	}
	*mask = 0;
	for (char const *s = list; *s;) {
		unsigned v = 0, digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 3)
			v = v * 10 + (unsigned)(*s++ - '0'), digits++;
		if (!digits || v > 63 || (*s && *s != ','))
			return invalid(node, "rpc_opcodes must be \"all\" or numbers 0..63");
		*mask |= 1ull << v;
		if (*s)
			s++;
	}
	return true;
}

static bool read_policy(gn_xml_node_t const *node, policy_t *p)
{
	char events[256] = "all", layout[16] = "args", opcodes[256] = "all";
	uint64_t payload_max = 64;

	*p = (policy_t){0};
	if (gn_xml_attr_str(node, "name", p->name, sizeof(p->name)) != GN_OK || !p->name[0] ||
		(gn_xml_has_attr(node, "events") &&
			gn_xml_attr_str(node, "events", events, sizeof(events)) != GN_OK) ||
		(gn_xml_has_attr(node, "layout") &&
			gn_xml_attr_str(node, "layout", layout, sizeof(layout)) != GN_OK) ||
		(gn_xml_has_attr(node, "rpc_opcodes") &&
			gn_xml_attr_str(node, "rpc_opcodes", opcodes, sizeof(opcodes)) != GN_OK) ||
		gn_xml_attr_u64(node, "payload_max", 64, &payload_max) != GN_OK ||
		payload_max > GN_TRACE_PAYLOAD_MAX)
		return invalid(
			node, "invalid <policy>: name, events, layout, payload_max (<= 256)");
	gn_trace_rule_t rule = {1, GN_TRACE_LAYOUT_COUNT, (uint16_t)payload_max};
	if (gn_strcmp(layout, "header") == 0)
		rule.layout = GN_TRACE_LAYOUT_HEADER;
	else if (gn_strcmp(layout, "args") == 0)
		rule.layout = GN_TRACE_LAYOUT_ARGS;
	else if (gn_strcmp(layout, "payload") == 0)
		rule.layout = GN_TRACE_LAYOUT_PAYLOAD;
	else
		return invalid(node, "layout must be header, args or payload");
	p->policy.magic = GN_TRACE_POLICY_MAGIC;
	return read_events(node, events, rule, &p->policy) &&
	       read_opcodes(node, opcodes, &p->policy.rpc_opcodes);
}

static bool read_rule(gn_xml_node_t const *node, config_t const *cfg, rule_t *r)
{
	char policy[NAME_MAX] = "";

	*r = (rule_t){.buffer = 16 * 1024};
	r->has_label = gn_xml_has_attr(node, "label");
	r->has_prefix = gn_xml_has_attr(node, "label_prefix");
	r->has_suffix = gn_xml_has_attr(node, "label_suffix");
	if ((r->has_label && gn_xml_attr_str(node, "label", r->label, sizeof(r->label)) != GN_OK) ||
		(r->has_prefix && gn_xml_attr_str(node, "label_prefix", r->label_prefix,
					  sizeof(r->label_prefix)) != GN_OK) ||
		(r->has_suffix && gn_xml_attr_str(node, "label_suffix", r->label_suffix,
					  sizeof(r->label_suffix)) != GN_OK) ||
		(gn_xml_has_attr(node, "thread") &&
			gn_xml_attr_str(node, "thread", r->thread, sizeof(r->thread)) != GN_OK) ||
		gn_xml_attr_str(node, "policy", policy, sizeof(policy)) != GN_OK ||
		gn_xml_attr_u64(node, "buffer", 16 * 1024, &r->buffer) != GN_OK ||
		gn_xml_attr_bool(node, "paused", false, &r->paused) != GN_OK)
		return invalid(node, "invalid <trace>: label, label_prefix, label_suffix, thread, "
				     "policy, buffer, paused");
	if (r->buffer < 8 * 1024 || r->buffer > 256 * 1024) /* what the monitor can read at once */
		return invalid(node, "buffer out of range (8K .. 256K)");
	for (r->policy = 0; r->policy < cfg->num_policies; r->policy++)
		if (gn_strcmp(cfg->policies[r->policy].name, policy) == 0)
			return true;
	return invalid(node, "<trace> names no <policy> of the config");
}

bool config_read(gn_xml_node_t const *node, config_t *cfg)
{
	gn_xml_node_t sub;

	*cfg = (config_t){0};
	if (gn_xml_attr_u64(node, "period_ms", 1000, &cfg->period_ms) != GN_OK ||
		cfg->period_ms < 10 ||
		gn_xml_attr_u64(node, "parent_levels", 0, &cfg->parent_levels) != GN_OK ||
		gn_xml_attr_u64(node, "session_ram", 1024 * 1024, &cfg->session_ram) != GN_OK ||
		gn_xml_attr_u64(node, "rounds", 0, &cfg->rounds) != GN_OK ||
		gn_xml_attr_bool(node, "dump", false, &cfg->dump) != GN_OK ||
		gn_xml_attr_bool(node, "list", false, &cfg->list) != GN_OK)
		return invalid(node, "invalid <config>: period_ms (>= 10), parent_levels, "
				     "session_ram, rounds, dump, list");
	for (bool more = gn_xml_first_sub(node, &sub); more; more = gn_xml_next(&sub, &sub)) {
		if (gn_xml_has_type(&sub, "policy")) {
			if (cfg->num_policies == MAX_POLICIES)
				return invalid(&sub, "too many policies");
			if (!read_policy(&sub, &cfg->policies[cfg->num_policies++]))
				return false;
		} else if (gn_xml_has_type(&sub, "trace")) {
			if (cfg->num_rules == MAX_RULES)
				return invalid(&sub, "too many <trace> rules");
			if (!read_rule(&sub, cfg, &cfg->rules[cfg->num_rules++]))
				return false;
		} else
			return invalid(&sub, "unknown node");
	}
	return true;
}

rule_t const *config_rule_for(config_t const *cfg, char const *label, char const *thread)
{
	for (unsigned i = 0; i < cfg->num_rules; i++) {
		rule_t const *r = &cfg->rules[i];
		gn_policy_candidate_t const c = {
			r->has_label ? gn_label_attr(r->label) : gn_label_attr(NULL),
			r->has_prefix ? gn_label_attr(r->label_prefix) : gn_label_attr(NULL),
			r->has_suffix ? gn_label_attr(r->label_suffix) : gn_label_attr(NULL),
			gn_label_attr(NULL), !r->has_label && !r->has_prefix && !r->has_suffix};
		bool const label_ok = c.is_default || gn_policy_matches(&c, label);
		if (label_ok && (!r->thread[0] || gn_strcmp(r->thread, thread) == 0))
			return r;
	}
	return NULL;
}
