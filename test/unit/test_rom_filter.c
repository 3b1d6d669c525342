/*
 * rom_filter's config language (os/rom_filter/filter.c): input values along paths, defaults and
 * misses; output generation with conditions both ways, attributes anywhere in a body, inline
 * content, copied inputs; every error a config or an input can cause, and every buffer size up to
 * an exact fit. The inputs are documents held here, looked up by ROM name.
 *
 * filter.c lives with its component; the Makefile links its host object into this test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "../../os/rom_filter/filter.h"

typedef struct {
	char const *rom;
	char const *text;
} fake_rom_t;

static fake_rom_t const *fake_roms;
static size_t num_fake_roms;
static unsigned misses;
static char last_miss[RF_NAME_MAX];

static bool lookup(void *ctx, char const *rom, gn_xml_node_t *top)
{
	(void)ctx;
	for (size_t i = 0; i < num_fake_roms; i++)
		if (strcmp(fake_roms[i].rom, rom) == 0)
			return gn_xml_parse(fake_roms[i].text, strlen(fake_roms[i].text), top,
				       NULL) == GN_OK;
	*top = (gn_xml_node_t){0};
	return false;
}

static void missed(void *ctx, char const *input)
{
	(void)ctx;
	misses++;
	snprintf(last_miss, sizeof(last_miss), "%s", input);
}

static rf_inputs_t const inputs = {lookup, missed, NULL};

#define USE_ROMS(table)                                             \
	do {                                                        \
		fake_roms = (table);                                \
		num_fake_roms = sizeof(table) / sizeof((table)[0]); \
		misses = 0;                                         \
		last_miss[0] = 0;                                   \
	} while (0)

static fake_rom_t const state_roms[] = {
	{"state", "<state step=\"two\" level=\"&lt;3\">"
		  "<detail kind=\"aux\" mode=\"slow\"/><detail kind=\"main\" mode=\"fast\"/>"
		  "<deep><deeper x=\"1\"/></deep></state>"},
	{"other", "<other on=\"yes\"/>"},
	{"broken", "<state step=\"two\"><open></state>"},
};

static gn_xml_node_t parse(char const *text)
{
	gn_xml_node_t root;

	assert_int_equal(gn_xml_parse(text, strlen(text), &root, NULL), GN_OK);
	return root;
}

/* rf_query() of input name in a config holding the given <input> nodes. */
static gn_err_t value_in(char const *config_text, char const *name, char *value)
{
	gn_xml_node_t const config = parse(config_text);

	return rf_query(&config, &inputs, name, value, RF_VALUE_MAX);
}

/* ---- input values ------------------------------------------------------------------------------ */

static void values_along_paths(void **state)
{
	char value[RF_VALUE_MAX];
	char const *config =
		"<config>"
		"<input name=\"state\" node=\"state\"><attribute name=\"step\"/></input>"
		"<input name=\"level\" rom=\"state\" node=\"state\">"
		" <attribute name=\"level\"/></input>"
		"<input name=\"mode\" rom=\"state\" node=\"state\">"
		" <node type=\"detail\" attribute=\"kind\" value=\"main\">"
		"  <attribute name=\"mode\"/></node></input>"
		"<input name=\"first\" rom=\"state\" node=\"state\">"
		" <node type=\"detail\"><attribute name=\"mode\"/></node></input>"
		"<input name=\"x\" rom=\"state\" node=\"state\">"
		" <node type=\"deep\"><node type=\"deeper\"><attribute name=\"x\"/></node>"
		" </node></input>"
		"<input name=\"on\" rom=\"other\" node=\"other\"><attribute name=\"on\"/></input>"
		"</config>";

	(void)state;
	USE_ROMS(state_roms);
	assert_int_equal(value_in(config, "state", value), GN_OK);
	assert_string_equal(value, "two");
	assert_int_equal(value_in(config, "level", value), GN_OK); /* decoded */
	assert_string_equal(value, "<3");
	assert_int_equal(value_in(config, "mode", value), GN_OK);
	assert_string_equal(value, "fast");
	assert_int_equal(value_in(config, "first", value), GN_OK);
	assert_string_equal(value, "slow");
	assert_int_equal(value_in(config, "x", value), GN_OK);
	assert_string_equal(value, "1");
	assert_int_equal(value_in(config, "on", value), GN_OK);
	assert_string_equal(value, "yes");
}

static void misses_and_defaults(void **state)
{
	char value[RF_VALUE_MAX];
	char const *config =
		"<config>"
		"<input name=\"none\" rom=\"state\" node=\"state\">"
		" <attribute name=\"nope\"/></input>"
		"<input name=\"dflt\" rom=\"state\" node=\"state\" default=\"d\">"
		" <attribute name=\"nope\"/></input>"
		"<input name=\"type\" rom=\"state\" node=\"other\" default=\"t\">"
		" <attribute name=\"step\"/></input>"
		"<input name=\"nomatch\" rom=\"state\" node=\"state\">"
		" <node type=\"detail\" attribute=\"kind\" value=\"x\">"
		"  <attribute name=\"mode\"/></node>"
		"</input>"
		"<input name=\"nopath\" rom=\"state\" node=\"state\">"
		" <node type=\"detail\"/></input>"
		"<input name=\"empty\" rom=\"state\" node=\"state\"/>"
		"<input name=\"broken\" node=\"state\" default=\"b\">"
		" <attribute name=\"step\"/></input>"
		"<input name=\"absent\" node=\"absent\"><attribute name=\"step\"/></input>"
		"<input name=\"bad\" rom=\"state\" node=\"state\"><weird/></input>"
		"</config>";

	(void)state;
	USE_ROMS(state_roms);
	assert_int_equal(value_in(config, "none", value), GN_ERR_NOT_FOUND);
	assert_string_equal(value, "");
	assert_int_equal(value_in(config, "dflt", value), GN_OK);
	assert_string_equal(value, "d");
	assert_int_equal(value_in(config, "type", value), GN_OK); /* top node of another type */
	assert_string_equal(value, "t");
	assert_int_equal(value_in(config, "nomatch", value), GN_ERR_NOT_FOUND);
	assert_int_equal(value_in(config, "nopath", value), GN_ERR_NOT_FOUND);
	assert_int_equal(value_in(config, "empty", value), GN_ERR_NOT_FOUND);
	assert_int_equal(value_in(config, "broken", value), GN_OK); /* malformed: the default */
	assert_string_equal(value, "b");
	assert_int_equal(value_in(config, "absent", value), GN_ERR_NOT_FOUND);
	assert_int_equal(value_in(config, "bad", value), GN_ERR_NOT_FOUND);
	assert_int_equal(value_in(config, "undeclared", value), GN_ERR_NOT_FOUND);
}

static void values_that_do_not_fit(void **state)
{
	char value[4] = "xyz";
	gn_xml_node_t const config = parse(
		"<config><input name=\"state\"><attribute name=\"step\"/></input>"
		"<input name=\"s\" rom=\"state\"><attribute name=\"step\"/></input></config>");

	(void)state;
	USE_ROMS(state_roms);
	assert_int_equal(rf_query(&config, &inputs, "state", value, 3), GN_ERR_NOT_FOUND);
	assert_string_equal(value, "");
	assert_int_equal(rf_query(&config, &inputs, "state", value, 4), GN_OK);
	assert_string_equal(value, "two");
	/* without a node attribute, the top node's type is the input's name: "s" is no "state" */
	assert_int_equal(rf_query(&config, &inputs, "s", value, 4), GN_ERR_NOT_FOUND);
}

static void rom_names(void **state)
{
	char rom[8];
	gn_xml_node_t n;

	(void)state;
	n = parse("<input name=\"a\" rom=\"b\"/>");
	assert_int_equal(rf_input_rom(&n, rom, sizeof(rom)), GN_OK);
	assert_string_equal(rom, "b");
	n = parse("<input name=\"a\"/>");
	assert_int_equal(rf_input_rom(&n, rom, sizeof(rom)), GN_OK);
	assert_string_equal(rom, "a");
	n = parse("<input name=\"a\" rom=\"\"/>");
	assert_int_equal(rf_input_rom(&n, rom, sizeof(rom)), GN_ERR_INVALID_ARG);
	n = parse("<input/>");
	assert_int_equal(rf_input_rom(&n, rom, sizeof(rom)), GN_ERR_INVALID_ARG);
	n = parse("<input name=\"12345678\"/>");
	assert_int_equal(rf_input_rom(&n, rom, sizeof(rom)), GN_ERR_TRUNCATED);
}

/* ---- output ------------------------------------------------------------------------------------ */

static char out[4096];
static char why[RF_WHY_MAX];
static gn_xml_gen_t gen;

static gn_err_t generate_sized(char const *config_text, size_t size)
{
	gn_xml_node_t const config = parse(config_text);
	size_t len = 1;

	assert_true(size <= sizeof(out));
	gn_err_t const err = rf_generate(&config, &inputs, &gen, out, size, &len, why);
	if (err == GN_OK) {
		assert_int_equal(len, strlen(out));
		assert_string_equal(why, "");
	} else {
		assert_int_equal(len, 0);
		assert_true(size == 0 || out[0] == 0);
		assert_true(why[0] != 0);
	}
	return err;
}

static gn_err_t generate(char const *config_text)
{
	return generate_sized(config_text, sizeof(out));
}

#define INPUTS                                                                \
	"<input name=\"step\" rom=\"state\" node=\"state\">"                  \
	"<attribute name=\"step\"/></input>"                                  \
	"<input name=\"mode\" rom=\"state\" node=\"state\" default=\"none\">" \
	"<node type=\"detail\" attribute=\"kind\" value=\"main\">"            \
	"<attribute name=\"mode\"/></node></input>"

static void conditions_both_ways(void **state)
{
	char const *config =
		"<config>" INPUTS "<output node=\"config\">"
		"<if><has_value input=\"step\" value=\"two\"/>"
		" <then><inline><yes/></inline></then><else><inline><no/></inline></else></if>"
		"<if><has_value input=\"step\" value=\"one\"/>"
		" <then><inline><yes/></inline></then><else><inline><no/></inline></else></if>"
		"<if><has_value input=\"undeclared\" value=\"\"/>"
		" <then><inline><yes/></inline></then>"
		"</if>"
		"<if><then><inline><yes/></inline></then></if>"
		"</output></config>";

	(void)state;
	USE_ROMS(state_roms);
	assert_int_equal(generate(config), GN_OK);
	assert_string_equal(out, "<config><yes/><no/></config>\n");
	assert_int_equal(misses, 1); /* the undeclared one, told once */
	assert_string_equal(last_miss, "undeclared");
}

static void nested_conditions(void **state)
{
	char const *config =
		"<config>" INPUTS "<output node=\"c\">"
		"<if><has_value input=\"step\" value=\"one\"/><then><inline>1</inline></then>"
		" <else><if><has_value input=\"mode\" value=\"fast\"/>"
		"  <then><inline>fast</inline></then><else><inline>other</inline></else></if>"
		" </else></if>"
		"</output></config>";

	(void)state;
	USE_ROMS(state_roms);
	assert_int_equal(generate(config), GN_OK);
	assert_string_equal(out, "<c>fast</c>\n");
}

static void attributes_anywhere(void **state)
{
	char const *config =
		"<config>" INPUTS "<output node=\"config\">"
		"<inline><first/></inline>"
		"<attribute name=\"fixed\" value=\"a&amp;b\"/>"
		"<if><has_value input=\"step\" value=\"two\"/>"
		" <then><inline><then/></inline><attribute name=\"branch\" value=\"then\"/></then>"
		" <else><attribute name=\"branch\" value=\"else\"/></else></if>"
		"<node type=\"mode\"><inline>text</inline>"
		" <attribute name=\"value\" input=\"mode\"/>"
		" <node type=\"inner\"/></node>"
		"<attribute name=\"missing\" input=\"nothing\"/>"
		"<attribute name=\"empty\"/>"
		"<unknown/>"
		"</output></config>";

	(void)state;
	USE_ROMS(state_roms);
	assert_int_equal(generate(config), GN_OK);
	assert_string_equal(out,
		"<config fixed=\"a&amp;b\" branch=\"then\" empty=\"\"><first/><then/>\n"
		"\t<mode value=\"fast\">text\n"
		"\t\t<inner/>\n"
		"\t</mode>\n"
		"</config>\n");
	assert_int_equal(misses, 1);
	assert_string_equal(last_miss, "nothing");
}

static void copied_inputs(void **state)
{
	char const *config =
		"<config>" INPUTS "<input name=\"o\" rom=\"other\"><attribute name=\"on\"/></input>"
		"<output node=\"c\">"
		"<input name=\"o\"/>"
		"<node type=\"n\"><input name=\"o\" skip_toplevel=\"yes\"/></node>"
		"<node type=\"d\"><input name=\"state\" skip_toplevel=\"yes\"/></node>"
		"<input name=\"step\"/>"
		"<input name=\"broken\"/>"
		"</output></config>";

	(void)state;
	USE_ROMS(state_roms);
	assert_int_equal(generate(config), GN_OK);
	/* "state" is no input's name but the ROM name of one, which Genode accepts too */
	assert_string_equal(out,
		"<c><other on=\"yes\"/>\n"
		"\t<n/>\n"
		"\t<d><detail kind=\"aux\" mode=\"slow\"/><detail kind=\"main\" "
		"mode=\"fast\"/><deep><deeper x=\"1\"/></deep></d><state step=\"two\" "
		"level=\"&lt;3\"><detail kind=\"aux\" mode=\"slow\"/><detail "
		"kind=\"main\" mode=\"fast\"/><deep><deeper x=\"1\"/></deep></state>\n"
		"</c>\n");
	assert_int_equal(misses, 1);
	assert_string_equal(last_miss, "broken");
}

static void config_errors(void **state)
{
	(void)state;
	USE_ROMS(state_roms);
	assert_int_equal(generate("<config/>"), GN_ERR_NOT_FOUND);
	assert_int_equal(generate("<config><output/></config>"), GN_ERR_INVALID_ARG);
	assert_string_equal(
		why, "config line 1: <output>: needs a node type of at most 127 characters");
	assert_int_equal(generate("<config><output node=\"1x\"/></config>"), GN_ERR_INVALID_ARG);
	assert_int_equal(
		generate("<config>\n<output node=\"c\">\n<node type=\"a b\"/></output></config>"),
		GN_ERR_INVALID_ARG);
	assert_string_equal(why, "config line 3: <node>: not a valid node or attribute name");
	assert_int_equal(generate("<config><output node=\"c\"><node/></output></config>"),
		GN_ERR_INVALID_ARG);
	assert_int_equal(
		generate("<config><output node=\"c\"><attribute value=\"v\"/></output></config>"),
		GN_ERR_INVALID_ARG);
	assert_int_equal(generate("<config><output node=\"c\"><attribute name=\"a\" value=\"1\"/>"
				  "<attribute name=\"a\" value=\"2\"/></output></config>"),
		GN_ERR_EXISTS);
	assert_string_equal(why, "config line 1: <attribute>: the attribute is set twice");
	assert_int_equal(generate("<config><output node=\"c\"><input/></output></config>"),
		GN_ERR_INVALID_ARG);
	assert_int_equal(
		generate("<config><output node=\"c\">"
			 "<input name=\"state\" skip_toplevel=\"maybe\"/></output></config>"),
		GN_ERR_INVALID_ARG);
}

/* An input nested deeply enough that the output would pass the depth any parser takes. */
static void too_deep(void **state)
{
	static char deep[2048], config[2048];
	fake_rom_t const roms[] = {{"deep", deep}};
	size_t n = 0;

	(void)state;
	for (int i = 0; i < 60; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "<d>");
	for (int i = 0; i < 60; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "</d>");
	USE_ROMS(roms);
	n = (size_t)snprintf(
		config, sizeof(config), "<config><input name=\"deep\"/><output node=\"c\">");
	for (int i = 0; i < 8; i++)
		n += (size_t)snprintf(config + n, sizeof(config) - n, "<node type=\"n\">");
	n += (size_t)snprintf(config + n, sizeof(config) - n, "<input name=\"deep\"/>");
	for (int i = 0; i < 8; i++)
		n += (size_t)snprintf(config + n, sizeof(config) - n, "</node>");
	snprintf(config + n, sizeof(config) - n, "</output></config>");
	assert_int_equal(generate(config), GN_ERR_LIMIT);
	assert_true(strncmp(why, "the output is not valid XML", 27) == 0);
}

static void buffer_sizes(void **state)
{
	char const *config = "<config>" INPUTS "<output node=\"config\">"
			     "<attribute name=\"m\" input=\"mode\"/><input name=\"step\"/>"
			     "</output></config>";

	(void)state;
	USE_ROMS(state_roms);
	assert_int_equal(generate(config), GN_OK);
	size_t const len = strlen(out);
	for (size_t size = 0; size <= len; size++) {
		assert_int_equal(generate_sized(config, size), GN_ERR_TRUNCATED);
		assert_true(strstr(why, "exceeds its buffer") != NULL);
	}
	assert_int_equal(generate_sized(config, len + 1), GN_OK);
	assert_int_equal(strlen(out), len);
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(values_along_paths),
		cmocka_unit_test(misses_and_defaults),
		cmocka_unit_test(values_that_do_not_fit),
		cmocka_unit_test(rom_names),
		cmocka_unit_test(conditions_both_ways),
		cmocka_unit_test(nested_conditions),
		cmocka_unit_test(attributes_anywhere),
		cmocka_unit_test(copied_inputs),
		cmocka_unit_test(config_errors),
		cmocka_unit_test(too_deep),
		cmocka_unit_test(buffer_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
