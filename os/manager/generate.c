/*
 * The config the manager writes for the managed init: the base config of its <managed> node, in
 * which the start node of each ruled child gets the ram and caps the rules raised it to.
 *
 * Every other node is copied verbatim (gn_xml_raw), and so is the content of a ruled start node,
 * so init sees unchanged bytes wherever nothing changed: an inline <config> compares equal and
 * reaches its child as no update. Only the <config> root and the ruled start tags are generated;
 * their attributes are copied decoded and written escaped again, in their order, with the value
 * of ram or caps replaced.
 */
#include <gneiss/string.h>
#include <gneiss/xml_gen.h>

#include "manager.h"

enum {
	ATTR_NAME_MAX = 64,
	ATTR_VALUE_MAX = 512, /* a label (GN_LABEL_MAX) with room for entities */
};

static rule_t const *rule_for(plan_t const *plan, gn_xml_node_t const *start)
{
	for (unsigned i = 0; i < plan->num_rules; i++)
		if (gn_xml_attr_eq(start, "name", plan->rules[i].child))
			return &plan->rules[i];
	return NULL;
}

/*
 * Writes node's attributes into the node just opened, the ram and caps of rule r (NULL: none)
 * replaced by its values. Errors: GN_ERR_LIMIT for a name or value too long to copy.
 */
static gn_err_t copy_attrs(gn_xml_gen_t *g, gn_xml_node_t const *node, rule_t const *r)
{
	gn_xml_attr_t attr;
	char name[ATTR_NAME_MAX], value[ATTR_VALUE_MAX];

	for (bool more = gn_xml_attr_first(node, &attr); more;
		more = gn_xml_attr_next(node, &attr)) {
		if (attr.name_len >= sizeof(name))
			return GN_ERR_LIMIT;
		gn_memcpy(name, attr.name, attr.name_len);
		name[attr.name_len] = 0;
		bool const ram = gn_strcmp(name, "ram") == 0, caps = gn_strcmp(name, "caps") == 0;
		if (r && ((ram && r->ram.grows) || (caps && r->caps.grows)))
			quota_str(value, sizeof(value), ram ? r->ram.value : r->caps.value, ram);
		else if (gn_xml_value_str(&attr, value, sizeof(value)) != GN_OK)
			return GN_ERR_LIMIT;
		gn_xml_gen_attr(g, name, value);
	}
	return GN_OK;
}

/* A ruled start node: its tag generated, its content verbatim. */
static gn_err_t ruled_start(gn_xml_gen_t *g, gn_xml_node_t const *start, rule_t const *r)
{
	char const *content;
	size_t len;

	gn_xml_gen_node_open(g, "start");
	gn_err_t const err = copy_attrs(g, start, r);
	gn_xml_content(start, &content, &len);
	if (len)
		gn_xml_gen_raw(g, content, len);
	gn_xml_gen_node_close(g);
	return err;
}

gn_err_t plan_generate(plan_t const *plan, char *buf, size_t size, size_t *len)
{
	gn_xml_gen_t g;
	gn_xml_node_t node;
	bool generated = false, copied = false;

	*len = 0;
	gn_xml_gen_init(&g, buf, size);
	gn_xml_gen_node_open(&g, "config");
	gn_err_t err = copy_attrs(&g, &plan->managed, NULL);
	for (bool more = gn_xml_first_sub(&plan->managed, &node); more;
		more = gn_xml_next(&node, &node)) {
		rule_t const *r = gn_xml_has_type(&node, "start") ? rule_for(plan, &node) : NULL;
		char const *raw;
		size_t raw_len;
		if (err != GN_OK)
			break;
		if (r) {
			err = ruled_start(&g, &node, r);
			generated = true;
			continue;
		}
		gn_xml_raw(&node, &raw, &raw_len);
		gn_xml_gen_raw(&g, "\n\t", 2); /* where the generator puts a node of its own */
		gn_xml_gen_raw(&g, raw, raw_len);
		copied = true;
	}
	if (copied && !generated)
		gn_xml_gen_raw(&g, "\n", 1); /* else the generator ends the last line itself */
	gn_xml_gen_node_close(&g);
	gn_err_t const gen_err = gn_xml_gen_finish(&g, len);
	return err != GN_OK ? err : gen_err;
}
