/*
 * The config language of Genode's rom_filter, evaluated (see filter.h and README.md).
 *
 * Output is generated in two passes over each node body (<output>, <node>, <then>, <else>): the
 * first writes the body's <attribute>s, the second its <inline>, <node> and <input> content, both
 * following the same <if> branches. So an attribute may stand anywhere in a body, as in Genode,
 * whose generator inserts attributes into a start tag already followed by content, while ours
 * takes attributes only before content. Conditions see the same inputs in both passes, because
 * nothing changes during a call.
 *
 * Recursion follows the nesting of the config (at most GN_XML_DEPTH_MAX levels deep, as the parser
 * ensures) and, for input paths, of the config's <input> node: both bounded.
 */
#include <gneiss/fmt.h>
#include <gneiss/string.h>

#include "filter.h"

typedef enum {
	ATTRIBUTES,
	CONTENT
} pass_t;

typedef struct {
	gn_xml_node_t const *config;
	rf_inputs_t const *in;
	gn_xml_gen_t *g;
	gn_err_t err; /* an error found here rather than by the generator */
	char *why;
} ctx_t;

gn_err_t rf_input_rom(gn_xml_node_t const *input, char *rom, size_t size)
{
	gn_err_t err = gn_xml_attr_str(input, "rom", rom, size);

	if (err == GN_ERR_NOT_FOUND)
		err = gn_xml_attr_str(input, "name", rom, size);
	if (err == GN_OK && !rom[0])
		err = GN_ERR_INVALID_ARG;
	return err == GN_ERR_NOT_FOUND ? GN_ERR_INVALID_ARG : err;
}

/* The config's first <input> called name. */
static bool find_input(gn_xml_node_t const *config, char const *name, gn_xml_node_t *input)
{
	gn_xml_node_t node;

	GN_XML_FOR_EACH_SUB(config, "input", node)
	if (gn_xml_attr_eq(&node, "name", name)) {
		*input = node;
		return true;
	}
	return false;
}

/*
 * Whether the content node sub satisfies the <node attribute=".." value=".."> path step: true
 * when the step names no attribute or no value (as Genode, an empty one counts as none).
 */
static bool step_matches(gn_xml_node_t const *step, gn_xml_node_t const *sub)
{
	char name[RF_NAME_MAX], value[RF_VALUE_MAX];
	gn_xml_attr_t attr;

	gn_err_t err = gn_xml_attr_str(step, "attribute", name, sizeof(name));
	if (err == GN_ERR_NOT_FOUND || (err == GN_OK && !name[0]))
		return true;
	if (err != GN_OK)
		return false;
	err = gn_xml_attr_str(step, "value", value, sizeof(value));
	if (err == GN_ERR_NOT_FOUND || (err == GN_OK && !value[0]))
		return true;
	return err == GN_OK && gn_xml_attr(sub, name, &attr) && gn_xml_value_eq(&attr, value);
}

/* Follows the path from step on through content; true when it ends in a value that fits. */
static bool follow(
	gn_xml_node_t const *step, gn_xml_node_t const *content, char *value, size_t size)
{
	char name[RF_NAME_MAX];
	gn_xml_node_t next, sub;
	gn_xml_attr_t attr;

	if (gn_xml_has_type(step, "attribute"))
		return gn_xml_attr_str(step, "name", name, sizeof(name)) == GN_OK &&
		       gn_xml_attr(content, name, &attr) &&
		       gn_xml_value_str(&attr, value, size) == GN_OK;
	if (!gn_xml_has_type(step, "node") || !gn_xml_first_sub(step, &next) ||
		gn_xml_attr_str(step, "type", name, sizeof(name)) != GN_OK || !name[0])
		return false;
	GN_XML_FOR_EACH_SUB(content, name, sub)
	if (step_matches(step, &sub))
		return follow(&next, &sub, value, size);
	return false;
}

/* rf_query() of the <input> node input. */
static gn_err_t query(gn_xml_node_t const *input, rf_inputs_t const *in, char *value, size_t size)
{
	char rom[RF_NAME_MAX], type[RF_NAME_MAX];
	gn_xml_node_t top, path;

	if (gn_xml_attr_str(input, "node", type, sizeof(type)) == GN_ERR_NOT_FOUND)
		gn_ignore(gn_xml_attr_str(input, "name", type, sizeof(type)));
	if (rf_input_rom(input, rom, sizeof(rom)) == GN_OK && in->rom(in->ctx, rom, &top) &&
		gn_xml_has_type(&top, type) && gn_xml_first_sub(input, &path) &&
		follow(&path, &top, value, size))
		return GN_OK;
	if (gn_xml_attr_str(input, "default", value, size) == GN_OK)
		return GN_OK;
	if (size)
		value[0] = 0;
	return GN_ERR_NOT_FOUND;
}

gn_err_t rf_query(gn_xml_node_t const *config, rf_inputs_t const *in, char const *name, char *value,
	size_t size)
{
	gn_xml_node_t input;

	if (find_input(config, name, &input))
		return query(&input, in, value, size);
	if (size)
		value[0] = 0;
	return GN_ERR_NOT_FOUND;
}

/* rf_query() that tells in->missing about a miss, unless quiet. */
static bool value_of(ctx_t const *c, char const *name, char *value, size_t size, bool quiet)
{
	if (rf_query(c->config, c->in, name, value, size) == GN_OK)
		return true;
	if (c->in->missing && !quiet)
		c->in->missing(c->in->ctx, name);
	return false;
}

/* ---- output ------------------------------------------------------------------------------------ */

static void eval(ctx_t *c, gn_xml_node_t const *body, pass_t pass);

/* Records an error of the config node at node (unless one is recorded already). */
static void refuse(ctx_t *c, gn_xml_node_t const *node, gn_err_t err, char const *what)
{
	char const *type;
	size_t len;

	if (c->err || gn_xml_gen_error(c->g))
		return;
	c->err = err;
	gn_xml_type(node, &type, &len);
	gn_ignore(gn_fmt(c->why, RF_WHY_MAX, NULL, "config line %u: <%.*s>: %s", gn_xml_line(node),
		(int)len, type, what));
}

/*
 * <if>: the first <has_value input=".." value=".."/> holds when the input has that value. A miss
 * is told in the content pass only, so each condition reports it once per output.
 */
static bool condition(ctx_t const *c, gn_xml_node_t const *node, pass_t pass)
{
	char name[RF_NAME_MAX], want[RF_VALUE_MAX], value[RF_VALUE_MAX];
	gn_xml_node_t has_value;

	return gn_xml_first_sub_type(node, "has_value", &has_value) &&
	       gn_xml_attr_str(&has_value, "input", name, sizeof(name)) == GN_OK &&
	       gn_xml_attr_str(&has_value, "value", want, sizeof(want)) != GN_ERR_TRUNCATED &&
	       value_of(c, name, value, sizeof(value), pass != CONTENT) &&
	       gn_strcmp(value, want) == 0;
}

static void gen_if(ctx_t *c, gn_xml_node_t const *node, pass_t pass)
{
	gn_xml_node_t branch;

	if (gn_xml_first_sub_type(node, condition(c, node, pass) ? "then" : "else", &branch))
		eval(c, &branch, pass);
}

/* <attribute name=".." value=".."/>, or with input=".." that input's value (none if missing). */
static void gen_attribute(ctx_t *c, gn_xml_node_t const *node)
{
	char name[RF_NAME_MAX], input[RF_NAME_MAX], value[RF_VALUE_MAX];

	if (gn_xml_attr_str(node, "name", name, sizeof(name)) != GN_OK) {
		refuse(c, node, GN_ERR_INVALID_ARG, "needs a name of at most 127 characters");
		return;
	}
	gn_err_t err = gn_xml_attr_str(node, "input", input, sizeof(input));
	if (err == GN_OK) {
		if (value_of(c, input, value, sizeof(value), false))
			gn_xml_gen_attr(c->g, name, value);
		return;
	}
	if (err == GN_ERR_NOT_FOUND)
		err = gn_xml_attr_str(node, "value", value, sizeof(value));
	if (err == GN_ERR_TRUNCATED)
		refuse(c, node, err, "a name or value too long");
	else
		gn_xml_gen_attr(c->g, name, value); /* no value: the empty one, as Genode */
}

/* <node type="..">: a node of that type whose attributes and content its body describes. */
static void gen_node(ctx_t *c, gn_xml_node_t const *node)
{
	char type[RF_NAME_MAX];

	if (gn_xml_attr_str(node, "type", type, sizeof(type)) != GN_OK) {
		refuse(c, node, GN_ERR_INVALID_ARG, "needs a type of at most 127 characters");
		return;
	}
	gn_xml_gen_node_open(c->g, type);
	eval(c, node, ATTRIBUTES);
	eval(c, node, CONTENT);
	gn_xml_gen_node_close(c->g);
}

/* <inline>: its content, verbatim. */
static void gen_inline(ctx_t *c, gn_xml_node_t const *node)
{
	char const *content;
	size_t len;

	gn_xml_content(node, &content, &len);
	if (len) /* else an empty node stays <node/> */
		gn_xml_gen_raw(c->g, content, len);
}

/*
 * <input name=".." skip_toplevel="no"/>: the input's top-level node verbatim, or only its content.
 * The name is an input's; like Genode, a ROM name of an input works, too.
 */
static void gen_input(ctx_t *c, gn_xml_node_t const *node)
{
	char name[RF_NAME_MAX], rom[RF_NAME_MAX];
	gn_xml_node_t input, top;
	bool skip = false;
	char const *text;
	size_t len;

	if (gn_xml_attr_str(node, "name", name, sizeof(name)) != GN_OK ||
		gn_xml_attr_bool(node, "skip_toplevel", false, &skip) != GN_OK) {
		refuse(c, node, GN_ERR_INVALID_ARG, "needs a name and skip_toplevel yes or no");
		return;
	}
	bool const declared = find_input(c->config, name, &input);
	if (!declared || rf_input_rom(&input, rom, sizeof(rom)) != GN_OK)
		gn_ignore(gn_strlcpy(rom, name, sizeof(rom)));
	if (!c->in->rom(c->in->ctx, rom, &top)) {
		if (c->in->missing)
			c->in->missing(c->in->ctx, name);
		return;
	}
	if (skip)
		gn_xml_content(&top, &text, &len);
	else
		gn_xml_raw(&top, &text, &len);
	if (len)
		gn_xml_gen_raw(c->g, text, len);
}

/* Why the generator stopped at node (a full buffer is explained once, at the end). */
static void explain(ctx_t *c, gn_xml_node_t const *node)
{
	gn_err_t const err = gn_xml_gen_error(c->g);
	char const *type;
	size_t len;

	if (c->err || err == GN_ERR_TRUNCATED)
		return;
	c->err = err;
	gn_xml_type(node, &type, &len);
	gn_ignore(gn_fmt(c->why, RF_WHY_MAX, NULL, "config line %u: <%.*s>: %s", gn_xml_line(node),
		(int)len, type,
		err == GN_ERR_EXISTS  ? "the attribute is set twice"
		: err == GN_ERR_LIMIT ? "nested too deeply, or too many attributes"
				      : "not a valid node or attribute name"));
}

/* Writes what body describes for the pass. */
static void eval(ctx_t *c, gn_xml_node_t const *body, pass_t pass)
{
	gn_xml_node_t node;

	GN_XML_FOR_EACH_SUB(body, NULL, node)
	{
		if (c->err || gn_xml_gen_error(c->g))
			return;
		if (gn_xml_has_type(&node, "if"))
			gen_if(c, &node, pass);
		else if (pass == ATTRIBUTES) {
			if (gn_xml_has_type(&node, "attribute"))
				gen_attribute(c, &node);
		} else if (gn_xml_has_type(&node, "node"))
			gen_node(c, &node);
		else if (gn_xml_has_type(&node, "inline"))
			gen_inline(c, &node);
		else if (gn_xml_has_type(&node, "input"))
			gen_input(c, &node);
		if (gn_xml_gen_error(c->g))
			explain(c, &node);
	}
}

gn_err_t rf_generate(gn_xml_node_t const *config, rf_inputs_t const *in, gn_xml_gen_t *g, char *buf,
	size_t size, size_t *len, char *why)
{
	ctx_t c = {config, in, g, GN_OK, why};
	char type[RF_NAME_MAX];
	gn_xml_node_t output, check;
	gn_xml_error_t xerr;

	why[0] = 0;
	*len = 0;
	if (size)
		buf[0] = 0;
	gn_xml_gen_init(g, buf, size);
	if (!gn_xml_first_sub_type(config, "output", &output)) {
		gn_ignore(gn_fmt(why, RF_WHY_MAX, NULL, "config: no <output>"));
		return GN_ERR_NOT_FOUND;
	}
	if (gn_xml_attr_str(&output, "node", type, sizeof(type)) != GN_OK) {
		refuse(&c, &output, GN_ERR_INVALID_ARG,
			"needs a node type of at most 127 characters");
		return c.err;
	}
	gn_xml_gen_node_open(g, type);
	if (gn_xml_gen_error(g))
		explain(&c, &output);
	eval(&c, &output, ATTRIBUTES);
	eval(&c, &output, CONTENT);
	gn_xml_gen_node_close(g);
	gn_err_t err = c.err ? c.err : gn_xml_gen_finish(g, len);
	if (err == GN_ERR_TRUNCATED)
		gn_ignore(gn_fmt(why, RF_WHY_MAX, NULL,
			"the output exceeds its buffer of %zu bytes (config attribute buffer)",
			size));
	if (err == GN_OK && gn_xml_parse(buf, *len, &check, &xerr) != GN_OK) {
		/* e.g. an input nested deeply enough to pass the limit inside the output */
		gn_ignore(gn_fmt(why, RF_WHY_MAX, NULL, "the output is not valid XML: line %u: %s",
			xerr.line, xerr.what));
		err = GN_ERR_LIMIT;
	}
	if (err != GN_OK) {
		*len = 0;
		if (size)
			buf[0] = 0;
	}
	return err;
}
