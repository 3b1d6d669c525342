/*
 * Routing of a child's session request, as Genode's init does it: the child's <route>, then the
 * config's <default-route>; the first <service name="..."> or <any-service> node whose name and
 * label selectors match decides, and its targets are tried in order: <parent/> (when the service
 * is in <parent-provides>), <child name="..."/>, <any-child/> (a child that provides it).
 * Selectors match the label as the child chose it.
 */
#include <gneiss/label.h>
#include <gneiss/string.h>

#include "init.h"

/* The child declares the service in <provides> or has announced it. */
static bool offers(child_t *c, char const *service)
{
	gn_xml_node_t provides, svc;

	if (child_provides(c, service))
		return true;
	if (!gn_xml_first_sub_type(&c->start, "provides", &provides))
		return false;
	for (bool more = gn_xml_first_sub_type(&provides, "service", &svc); more;
		more = gn_xml_next_type(&svc, "service", &svc))
		if (gn_xml_attr_eq(&svc, "name", service))
			return true;
	return false;
}

static bool parent_provides(char const *service)
{
	gn_xml_node_t list, svc;

	if (!gn_xml_first_sub_type(&init_config, "parent-provides", &list))
		return true; /* without the declaration, trust the parent to answer */
	for (bool more = gn_xml_first_sub_type(&list, "service", &svc); more;
		more = gn_xml_next_type(&svc, "service", &svc))
		if (gn_xml_attr_eq(&svc, "name", service))
			return true;
	return false;
}

static gn_label_attr_t attr_of(gn_xml_node_t const *node, char const *name)
{
	gn_xml_attr_t a;

	if (!gn_xml_attr(node, name, &a))
		return (gn_label_attr_t){NULL, 0};
	return (gn_label_attr_t){a.value, a.value_len};
}

/* A <service>/<any-service> node applies to the service and the child-relative label. */
static bool route_node_matches(gn_xml_node_t const *node, char const *service, char const *label)
{
	if (gn_xml_has_type(node, "service") && !gn_xml_attr_eq(node, "name", service))
		return false;
	if (!gn_xml_has_type(node, "service") && !gn_xml_has_type(node, "any-service"))
		return false;
	gn_policy_candidate_t const cand = {attr_of(node, "label"), attr_of(node, "label_prefix"),
		attr_of(node, "label_suffix"), attr_of(node, "label_last"), false};
	if (!cand.label.str && !cand.label_prefix.str && !cand.label_suffix.str &&
		!cand.label_last.str)
		return true;
	return gn_policy_matches(&cand, label);
}

static route_t route_targets(gn_xml_node_t const *node, char const *service, child_t **server)
{
	gn_xml_node_t target;

	for (bool more = gn_xml_first_sub(node, &target); more;
		more = gn_xml_next(&target, &target)) {
		gn_xml_attr_t name;

		if (gn_xml_has_type(&target, "parent") && parent_provides(service))
			return ROUTE_PARENT;
		if (gn_xml_has_type(&target, "child") && gn_xml_attr(&target, "name", &name)) {
			*server = child_by_name(name.value, name.value_len);
			if (*server)
				return ROUTE_CHILD;
		}
		if (gn_xml_has_type(&target, "any-child")) {
			for (unsigned i = 0; i < MAX_CHILDREN; i++)
				if (init_children[i].used && offers(&init_children[i], service)) {
					*server = &init_children[i];
					return ROUTE_CHILD;
				}
		}
	}
	return ROUTE_DENIED;
}

route_t route_resolve(child_t *c, char const *service, char const *label, child_t **server)
{
	gn_xml_node_t routes[2], node;
	unsigned n = 0;

	if (gn_xml_first_sub_type(&c->start, "route", &routes[n]))
		n++;
	if (gn_xml_first_sub_type(&init_config, "default-route", &routes[n]))
		n++;
	for (unsigned i = 0; i < n; i++)
		for (bool more = gn_xml_first_sub(&routes[i], &node); more;
			more = gn_xml_next(&node, &node))
			if (route_node_matches(&node, service, label))
				return route_targets(&node, service, server);
	return ROUTE_DENIED;
}
