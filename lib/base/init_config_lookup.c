/*
 * Reading an init config for its checker (see init_config.c): attribute values as written, and
 * the nodes a name refers to (a <start>, an <alias>, a service in <provides> or <parent-provides>),
 * found by scanning the config again, so nothing is allocated. Apart from the rest because the
 * walk and the hooks read the document through the same few questions.
 */
#include <gneiss/string.h>

#include "init_config_check.h"

/* ---- values ---------------------------------------------------------------------------------- */

/* The value of attribute name of node: false (and an empty view) when there is none. */
bool gn_icfg_view_of(gn_xml_node_t const *node, char const *name, view_t *v)
{
	gn_xml_attr_t a;
	bool found = gn_xml_attr(node, name, &a);

	*v = (view_t){a.value, a.value_len};
	return found;
}

bool gn_icfg_view_is(view_t v, char const *lit)
{
	return v.s && gn_str_eq_n(v.s, v.len, lit);
}

/* node has attribute name, and its value is v (or lit). */
static bool attr_is(gn_xml_node_t const *node, char const *name, view_t v)
{
	view_t w;

	return gn_icfg_view_of(node, name, &w) && w.len == v.len && gn_memcmp(w.s, v.s, v.len) == 0;
}

bool gn_icfg_attr_is_lit(gn_xml_node_t const *node, char const *name, char const *lit)
{
	view_t w;

	return gn_icfg_view_of(node, name, &w) && gn_icfg_view_is(w, lit);
}

/* A name attribute that is present and not empty. */
bool gn_icfg_name_of(gn_xml_node_t const *node, char const *name, view_t *v)
{
	return gn_icfg_view_of(node, name, v) && v->len > 0;
}

/* The number in attribute name of node: false when it is absent or no number. */
bool gn_icfg_num_of(gn_xml_node_t const *node, char const *name, uint64_t *v)
{
	gn_xml_attr_t a;

	*v = 0;
	return gn_xml_attr(node, name, &a) && gn_xml_value_u64(&a, v) == GN_OK;
}

/* A decimal integer with an optional '-', of at most INT_MAX_DIGITS digits. */
bool gn_icfg_int_value(gn_xml_attr_t const *a, long long *v)
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

/* ---- looking things up ----------------------------------------------------------------------- */

/* The first top-level node of type (NULL: start or alias) named name, before `before` (or any). */
bool gn_icfg_find_named(checker_t const *c, char const *type, view_t name,
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

/* The <start> a child name reaches, directly or through one <alias>. */
lookup_t gn_icfg_lookup_child(checker_t const *c, view_t name, gn_xml_node_t *start)
{
	gn_xml_node_t alias;
	view_t target;

	if (gn_icfg_find_named(c, "start", name, NULL, start))
		return CHILD;
	if (!gn_icfg_find_named(c, "alias", name, NULL, &alias))
		return NO_CHILD;
	if (gn_icfg_name_of(&alias, "child", &target) &&
		gn_icfg_find_named(c, "start", target, NULL, start))
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

bool gn_icfg_child_provides(gn_xml_node_t const *start, view_t service)
{
	gn_xml_node_t provides;

	return gn_xml_first_sub_type(start, "provides", &provides) &&
	       lists_service(&provides, service);
}

bool gn_icfg_parent_provides(checker_t const *c, view_t service)
{
	gn_xml_node_t pp;

	return gn_xml_first_sub_type(&c->config, "parent-provides", &pp) &&
	       lists_service(&pp, service);
}

/* Reports at f's node when an earlier sibling of the same type has the same attribute name. */
void gn_icfg_unique_among_siblings(
	checker_t *c, frame_t const *f, char const *type, char const *what)
{
	gn_xml_node_t sib;
	view_t name;
	char shown[SHOW_MAX];

	if (!f->up || !gn_icfg_view_of(&f->node, "name", &name))
		return;
	GN_XML_FOR_EACH_SUB(&f->up->node, type, sib)
	{
		if (sib.base >= f->node.base)
			return;
		if (!attr_is(&sib, "name", name))
			continue;
		if (f->named)
			gn_icfg_at_node(c, &f->node, f->where, "defined twice (first at %u:%u)",
				gn_xml_line(&sib), gn_xml_column(&sib));
		else
			gn_icfg_at_node(c, &f->node, f->where,
				"%s \"%s\" is listed twice (first at %u:%u)", what,
				gn_icfg_show(name, shown, sizeof(shown)), gn_xml_line(&sib),
				gn_xml_column(&sib));
		return;
	}
}
