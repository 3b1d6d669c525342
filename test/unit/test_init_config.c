/*
 * gn_init_config: one test per check with the exact positions and messages, the options, the
 * <runtime> wrapper, the example files in test/config/, Gneiss's own scenario configs, and Genode's
 * test runtimes when ../shared/genode-configs is there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "genode_configs.h"
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gneiss/init_config.h>

enum {
	OUT_MAX = 16384
};

/* The problems reported, one "line:column: message\n" each. */
typedef struct {
	char text[OUT_MAX];
	size_t len;
	unsigned calls;
} collected_t;

static void collect(void *ctx, unsigned line, unsigned column, char const *message)
{
	collected_t *c = ctx;
	int n;

	assert_true(line >= 1 && column >= 1);
	assert_true(strlen(message) < GN_INIT_CONFIG_MSG_MAX);
	for (char const *p = message; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	n = snprintf(
		c->text + c->len, sizeof(c->text) - c->len, "%u:%u: %s\n", line, column, message);
	assert_true(n > 0 && (size_t)n < sizeof(c->text) - c->len);
	c->len += (size_t)n;
	c->calls++;
}

/* Checks len bytes of text, copied into a buffer of exactly that size (so ASan sees overreads). */
static unsigned run_n(
	char const *text, size_t len, gn_init_config_opts_t const *opts, collected_t *out)
{
	char *buf = malloc(len ? len : 1);
	unsigned n, quiet;

	assert_non_null(buf);
	memcpy(buf, text, len);
	memset(out, 0, sizeof(*out));
	n = gn_init_config_check_opts(buf, len, opts, collect, out);
	assert_int_equal(n, out->calls);
	quiet = gn_init_config_check_opts(buf, len, opts, NULL, NULL);
	assert_int_equal(quiet, n);
	free(buf);
	return n;
}

static void expect_opts(char const *config, gn_init_config_opts_t const *opts, char const *want)
{
	static collected_t got;

	run_n(config, strlen(config), opts, &got);
	if (strcmp(got.text, want) != 0)
		print_error("got:\n%swant:\n%s", got.text, want);
	assert_string_equal(got.text, want);
}

static void expect(char const *config, char const *want)
{
	expect_opts(config, NULL, want);
}

/* A config with the usual parent services and default route around the given nodes. */
#define CONFIG(...)                                                                                \
	"<config>\n"                                                                               \
	"<parent-provides> <service name=\"PD\"/> <service name=\"CPU\"/> <service name=\"LOG\"/>" \
	" </parent-provides>\n"                                                                    \
	"<default-route> <any-service> <parent/> <any-child/> </any-service> </default-route>\n"   \
	"<default caps=\"100\" ram=\"1M\"/>\n" __VA_ARGS__ "</config>\n"

/* ---- valid configs ------------------------------------------------------------------------------ */

/* Every node and attribute the checker accepts, each once. */
static char const everything[] =
	"<?xml version=\"1.0\"?>\n"
	"<config verbose=\"yes\" prio_levels=\"4\" ld_verbose=\"no\" version=\"7\""
	" generate_xml=\"true\">\n"
	"<parent-provides> <service name=\"ROM\"/> <service name=\"PD\"/> <service name=\"CPU\"/>"
	" <service name=\"LOG\"/> <service name=\"Timer\"/> </parent-provides>\n"
	"<default-route> <any-service> <parent/> <any-child/> </any-service> </default-route>\n"
	"<default caps=\"100\" ram=\"1M\"/>\n"
	"<affinity-space width=\"4\" height=\"2\"/>\n"
	"<report ids=\"yes\" requested=\"yes\" provided=\"yes\" session_args=\"yes\""
	" child_caps=\"yes\" child_ram=\"yes\" init_caps=\"yes\" init_ram=\"yes\""
	" delay_ms=\"1000\" buffer=\"64K\"/>\n"
	"<heartbeat rate_ms=\"2000\"/>\n"
	"<resource name=\"RAM\" preserve=\"1M\"/>\n"
	"<resource name=\"CAP\" preserve=\"50\"/>\n"
	"<start name=\"server\" caps=\"0x80\" ram=\"2M\" priority=\"-3\" version=\"1\" ld=\"no\""
	" managing_system=\"off\">\n"
	" <binary name=\"nic_server\"/>\n"
	" <heartbeat restart_after_skipped=\"3\"/>\n"
	" <affinity xpos=\"1\" ypos=\"0\" width=\"2\" height=\"1\"/>\n"
	" <resource name=\"CPU\" quantum=\"50\"/>\n"
	" <exit propagate=\"no\"/>\n"
	" <provides> <service name=\"Nic\"/> <service name=\"Report\"/> </provides>\n"
	" <config anything=\"goes\"> <vfs> <dir name=\"dev\"> <log/> </dir> </vfs>"
	" <start name=\"x\" bogus=\"1\"/> </config>\n"
	"</start>\n"
	"<alias name=\"nic\" child=\"server\"/>\n"
	"<start name=\"client\">\n"
	" <resource name=\"RAM\" quantum=\"4M\"/>\n"
	" <resource name=\"CAP\" quantum=\"300\"/>\n"
	" <route>\n"
	"  <service name=\"Nic\" label=\"a\"> <child name=\"nic\" label=\"b\" diag=\"yes\"/> "
	"</service>\n"
	"  <service name=\"Nic\" label_prefix=\"x\" label_suffix=\"y\" label_last=\"z\">"
	" <child name=\"server\" identity=\"i\" resource=\"r\" prepend_resource=\"p\"/> "
	"</service>\n"
	"  <service name=\"Report\" unscoped_label=\"client\"> <any-child label=\"r\"/> "
	"</service>\n"
	"  <service name=\"Timer\"> <parent label=\"timer\"/> </service>\n"
	"  <any-service label_last=\"q\"> <any-child/> <parent/> </any-service>\n"
	"  <service name=\"Gpu\"> <local label=\"gpu\"/> </service>\n"
	"  <any-service> <parent/> </any-service>\n"
	" </route>\n"
	"</start>\n"
	"<service name=\"Nic\">\n"
	" <policy label_prefix=\"a\" label=\"b\" label_suffix=\"c\" label_last=\"d\">"
	" <child name=\"server\" label=\"e\"/> </policy>\n"
	" <policy unscoped_label=\"u\"> <child name=\"nic\"/> </policy>\n"
	" <default-policy> <child name=\"server\"/> </default-policy>\n"
	"</service>\n"
	"</config>\n";

static void accepts_the_whole_language(void **state)
{
	gn_init_config_opts_t opts;

	(void)state;
	expect(everything, "");
	assert_int_equal(gn_init_config_check(everything, strlen(everything), NULL, NULL), 0);

	/* 2M + 4M and 0x80 + 300 caps fit exactly what is available minus the config's reserves */
	gn_init_config_opts_default(&opts);
	opts.avail_ram = 8 * 1024 * 1024;
	opts.avail_caps = 0x80 + 300 + 50;
	expect_opts(everything, &opts, "");
}

static void minimal_configs(void **state)
{
	(void)state;
	expect("<config/>", "");
	expect(CONFIG(), "");
	expect("<config> <!-- nothing --> </config>\n\0\0", "");
}

/* ---- the document ---------------------------------------------------------------------------- */

static void malformed_xml_is_one_problem(void **state)
{
	(void)state;
	expect("<config>\n <start name=\"a\">\n</config>\n",
		"3:1: closing tag </config> does not match <start>\n");
	expect("<config>\n <start name=\"a\" name=\"b\"/>\n</config>",
		"2:18: duplicate attribute 'name'\n");
	expect("", "1:1: expected a root node\n");
}

static void root_must_be_config_or_runtime(void **state)
{
	(void)state;
	expect("\n  <init/>",
		"2:3: document: the root node is <init>, not <config> or <runtime>\n");
}

/* ---- vocabulary -------------------------------------------------------------------------------- */

static void unknown_nodes(void **state)
{
	(void)state;
	expect(CONFIG("<start name=\"a\">\n"
		      " <bnary name=\"x\"/>\n"
		      " <route> <srvice/> <service name=\"LOG\"> <sibling/> <parent/> </service> "
		      "</route>\n"
		      " <config> <whatever/> </config>\n"
		      "</start>\n"
		      "<configfile name=\"x\"/>\n"),
		"6:2: start \"a\": unknown node <bnary>\n"
		"7:10: start \"a\": unknown node <srvice> in <route>\n"
		"7:41: start \"a\": unknown node <sibling> in <service>\n"
		"10:1: <config>: unknown node <configfile>\n");
}

static void unknown_attributes(void **state)
{
	(void)state;
	expect("<config verbse=\"yes\">\n"
	       "<start name=\"a\" cap=\"1\" ram=\"1M\" caps=\"1\">\n"
	       " <binary name=\"b\" label=\"c\"/>\n"
	       " <route> <any-service name=\"LOG\"> <parent lable=\"x\"/> </any-service> </route>\n"
	       "</start>\n"
	       "</config>\n",
		"1:9: <config>: unknown attribute \"verbse\"\n"
		"2:17: start \"a\": unknown attribute \"cap\"\n"
		"3:19: start \"a\": unknown attribute \"label\" of <binary>\n"
		"4:23: start \"a\": unknown attribute \"name\" of <any-service>\n"
		"4:43: start \"a\": unknown attribute \"lable\" of <parent>\n");
}

static void nodes_read_once(void **state)
{
	(void)state;
	expect(CONFIG("<default-route/>\n"
		      "<start name=\"a\">\n"
		      " <binary name=\"x\"/> <binary name=\"y\"/>\n"
		      " <route/>\n"
		      " <route/>\n"
		      "</start>\n"
		      "<service name=\"LOG\"> <policy> <child name=\"a\"/> <child name=\"a\"/> "
		      "</policy>"
		      " </service>\n"),
		"5:1: <config>: more than one <default-route>\n"
		"7:21: start \"a\": more than one <binary>\n"
		"9:2: start \"a\": more than one <route>\n"
		"11:31: service \"LOG\": child \"a\" does not provide service \"LOG\" (not in its "
		"<provides>)\n"
		"11:49: service \"LOG\": more than one <child> in <policy>\n");
}

/* ---- values ------------------------------------------------------------------------------------ */

static void numbers_and_booleans(void **state)
{
	(void)state;
	expect(CONFIG("<start name=\"a\" caps=\"many\" ram=\"99999999999999999999\">\n"
		      " <resource name=\"CPU\" quantum=\"1Q\"/>\n"
		      " <exit propagate=\"maybe\"/>\n"
		      "</start>\n"
		      "<start name=\"b\" priority=\"high\" ld=\"1\"/>\n"
		      "<report delay_ms=\"-5\"/>\n"),
		"5:17: start \"a\": attribute \"caps\" is not a number\n"
		"5:29: start \"a\": attribute \"ram\" is too large\n"
		"6:23: start \"a\": attribute \"quantum\" of <resource> is not a number\n"
		"7:8: start \"a\": attribute \"propagate\" of <exit> is not a boolean (yes or no)\n"
		"9:17: start \"b\": attribute \"priority\" is not an integer\n"
		"9:33: start \"b\": attribute \"ld\" is not a boolean (yes or no)\n"
		"10:9: <report>: attribute \"delay_ms\" is not a number\n");
}

static void required_attributes(void **state)
{
	(void)state;
	expect(CONFIG("<start caps=\"1\">\n"
		      " <binary/>\n"
		      " <resource name=\"RAM\"/>\n"
		      " <route> <service> <child/> </service> </route>\n"
		      "</start>\n"
		      "<alias name=\"b\"/>\n"
		      "<resource preserve=\"1M\"/>\n"),
		"5:1: <start>: attribute \"name\" is missing\n"
		"6:2: <start>: attribute \"name\" of <binary> is missing\n"
		"7:2: <start>: attribute \"quantum\" of <resource> is missing\n"
		"8:10: <start>: attribute \"name\" of <service> is missing\n"
		"8:20: <start>: attribute \"name\" of <child> is missing\n"
		"10:1: alias \"b\": attribute \"child\" is missing\n"
		"11:1: <resource>: attribute \"name\" is missing\n");
}

static void names_must_fit(void **state)
{
	(void)state;
	expect(CONFIG("<start name=\"\"/>\n"
		      "<start name=\"a123456789b123456789c123456789d123456789e123456789f123456789"
		      "g123\"/>\n"
		      "<start name=\"a123456789b123456789c123456789d123456789e123456789f123456789"
		      "g12\">\n"
		      " <provides> <service name=\"a123456789b123456789c123456789d1\"/>"
		      " <service name=\"\"/> </provides>\n"
		      "</start>\n"),
		"5:8: <start>: attribute \"name\" is empty\n"
		"6:8: start \"a123456789b123456789c123456789d123456789e123...\": attribute "
		"\"name\" "
		"is "
		"longer than 63 characters\n"
		"8:22: start \"a123456789b123456789c123456789d123456789e123...\": attribute "
		"\"name\" "
		"of "
		"<service> is longer than 31 characters\n"
		"8:73: start \"a123456789b123456789c123456789d123456789e123...\": attribute "
		"\"name\" "
		"of "
		"<service> is empty\n");
}

/* Values are compared and shown as written (entities not decoded), as Genode's init reads them. */
static void values_as_written(void **state)
{
	(void)state;
	expect(CONFIG("<start name=\"a&amp;b\"/>\n"
		      "<alias name=\"c\" child=\"a&amp;b\"/>\n"
		      "<alias name=\"d\" child=\"a&#38;b\"/>\n"),
		"7:1: alias \"d\": there is no <start> named \"a&#38;b\"\n");

	/* control characters written into a value never reach a message */
	expect(CONFIG("<alias name=\"x\ny\" child=\"\033[31m\tz\"/>\n"),
		"5:1: alias \"x?y\": there is no <start> named \"?[31m?z\"\n");
	expect(CONFIG("<start name=\"a\"> <route> <service name=\"R\001\"> <parent/> </service>"
		      " </route> </start>\n"),
		"5:46: start \"a\": the parent does not provide service \"R?\" (not in "
		"<parent-provides>)\n");
}

/* ---- names ------------------------------------------------------------------------------------- */

static void duplicate_names(void **state)
{
	(void)state;
	expect(CONFIG("<start name=\"a\"/>\n"
		      "<alias name=\"b\" child=\"a\"/>\n"
		      "<start name=\"a\"/>\n"
		      "<start name=\"b\"/>\n"
		      "<alias name=\"a\" child=\"b\"/>\n"),
		"7:1: start \"a\": name already used by the <start> at 5:1\n"
		"8:1: start \"b\": name already used by the <alias> at 6:1\n"
		"9:1: alias \"a\": name already used by the <start> at 5:1\n");
}

static void services_listed_twice(void **state)
{
	(void)state;
	expect("<config>\n"
	       "<parent-provides> <service name=\"LOG\"/> <service name=\"LOG\"/> "
	       "</parent-provides>\n"
	       "<resource name=\"RAM\" preserve=\"1M\"/> <resource name=\"RAM\" preserve=\"2M\"/>\n"
	       "<start name=\"a\" caps=\"1\" ram=\"1M\">\n"
	       " <provides> <service name=\"X\"/> <service name=\"X\"/> </provides>\n"
	       " <resource name=\"CPU\" quantum=\"1\"/> <resource name=\"CPU\" quantum=\"2\"/>\n"
	       "</start>\n"
	       "<service name=\"X\"> <default-policy> <child name=\"a\"/> </default-policy> "
	       "</service>\n"
	       "<service name=\"X\"> <default-policy> <child name=\"a\"/> </default-policy> "
	       "</service>\n"
	       "</config>\n",
		"2:41: <parent-provides>: service \"LOG\" is listed twice (first at 2:19)\n"
		"3:38: <resource>: resource \"RAM\" is listed twice (first at 3:1)\n"
		"5:33: start \"a\": service \"X\" is listed twice (first at 5:13)\n"
		"6:37: start \"a\": resource \"CPU\" is listed twice (first at 6:2)\n"
		"9:1: service \"X\": defined twice (first at 8:1)\n");
}

static void aliases_name_starts(void **state)
{
	(void)state;
	expect(CONFIG("<start name=\"a\"> <provides> <service name=\"X\"/> </provides> </start>\n"
		      "<alias name=\"b\" child=\"a\"/>\n"
		      "<alias name=\"c\" child=\"b\"/>\n"
		      "<alias name=\"d\" child=\"nobody\"/>\n"
		      "<start name=\"e\"> <route>\n"
		      " <service name=\"X\"> <child name=\"b\"/> </service>\n"
		      " <service name=\"X\"> <child name=\"c\"/> </service>\n"
		      " <service name=\"X\"> <child name=\"d\"/> </service>\n"
		      "</route> </start>\n"),
		"7:1: alias \"c\": child \"b\" is an <alias>, not a <start>\n"
		"8:1: alias \"d\": there is no <start> named \"nobody\"\n");
}

/* ---- routes ------------------------------------------------------------------------------------ */

static void route_targets_must_resolve(void **state)
{
	(void)state;
	expect(CONFIG("<start name=\"timer\"> <provides> <service name=\"Timer\"/> </provides>"
		      " </start>\n"
		      "<start name=\"app\"> <route>\n"
		      " <service name=\"Timer\"> <child name=\"tmer\"/> </service>\n"
		      " <service name=\"Nic\"> <child name=\"timer\"/> </service>\n"
		      " <service name=\"ROM\"> <parent/> </service>\n"
		      " <service name=\"Gui\"> <any-child/> </service>\n"
		      " <service name=\"Timer\"> <child name=\"app\"/> </service>\n"
		      " <any-service> <child name=\"timer\"/> <child name=\"nobody\"/> "
		      "</any-service>\n"
		      "</route> </start>\n"),
		"7:25: start \"app\": there is no <start> or <alias> named \"tmer\"\n"
		"8:23: start \"app\": child \"timer\" does not provide service \"Nic\" (not in its "
		"<provides>)\n"
		"9:23: start \"app\": the parent does not provide service \"ROM\" (not in "
		"<parent-provides>)\n"
		"10:23: start \"app\": no child lists service \"Gui\" in its <provides>\n"
		"11:25: start \"app\": routes to the child itself\n"
		"12:38: start \"app\": there is no <start> or <alias> named \"nobody\"\n");
}

static void default_route_is_checked_too(void **state)
{
	(void)state;
	expect("<config>\n"
	       "<default-route>\n"
	       " <service name=\"LOG\"> <parent/> </service>\n"
	       " <service name=\"Timer\"> <child name=\"t\"/> </service>\n"
	       " <any-service> </any-service>\n"
	       "</default-route>\n"
	       "<default caps=\"1\" ram=\"1\"/>\n"
	       "</config>\n",
		"3:23: <default-route>: the parent does not provide service \"LOG\" (not in "
		"<parent-provides>)\n"
		"4:25: <default-route>: there is no <start> or <alias> named \"t\"\n"
		"5:2: <default-route>: <any-service> has no target\n");
}

static void ambiguous_any_child(void **state)
{
	(void)state;
	expect(CONFIG("<start name=\"a\"> <provides> <service name=\"X\"/> </provides> </start>\n"
		      "<start name=\"b\"> <provides> <service name=\"X\"/> </provides> </start>\n"
		      "<start name=\"c\"> <route> <service name=\"X\"> <any-child/> </service>"
		      " </route> </start>\n"),
		"7:45: start \"c\": service \"X\" is ambiguous: children \"a\" and \"b\" both "
		"provide "
		"it\n");
}

static void rule_shape(void **state)
{
	(void)state;
	expect(CONFIG("<start name=\"a\"> <route>\n"
		      " <service name=\"LOG\"/>\n"
		      " <service name=\"LOG\"> <unknown/> </service>\n"
		      " <service name=\"LOG\" label=\"x\" unscoped_label=\"y\"> <parent/> "
		      "</service>\n"
		      " <any-service label_last=\"x\" unscoped_label=\"y\"> <parent/> "
		      "</any-service>\n"
		      "</route> </start>\n"),
		"6:2: start \"a\": <service> has no target\n"
		"7:23: start \"a\": unknown node <unknown> in <service>\n"
		"7:2: start \"a\": <service> has no target\n"
		"8:2: start \"a\": <service> mixes unscoped_label with scoped label attributes\n"
		"9:2: start \"a\": <any-service> mixes unscoped_label with scoped label "
		"attributes\n");
}

static void reexported_services(void **state)
{
	(void)state;
	expect(CONFIG("<start name=\"a\"> <provides> <service name=\"X\"/> </provides> </start>\n"
		      "<service name=\"X\"> <policy label=\"p\"> <child name=\"a\"/> </policy> "
		      "</service>\n"
		      "<service name=\"Y\">\n"
		      " <policy label=\"p\"> <child name=\"a\"/> </policy>\n"
		      " <policy label=\"q\"/>\n"
		      " <default-policy> <child name=\"z\"/> </default-policy>\n"
		      "</service>\n"
		      "<service name=\"Z\"/>\n"),
		"8:21: service \"Y\": child \"a\" does not provide service \"Y\" (not in its "
		"<provides>)\n"
		"9:2: service \"Y\": <policy> has no <child>\n"
		"10:19: service \"Y\": there is no <start> or <alias> named \"z\"\n"
		"12:1: service \"Z\": has no <policy> or <default-policy>\n");
}

/* ---- quotas ------------------------------------------------------------------------------------ */

static void every_child_has_quota(void **state)
{
	(void)state;
	expect("<config>\n"
	       "<start name=\"a\"/>\n"
	       "<start name=\"b\" caps=\"1\" ram=\"1M\">\n"
	       " <resource name=\"RAM\" quantum=\"1M\"/> <resource name=\"CAP\" quantum=\"5\"/>\n"
	       "</start>\n"
	       "<start name=\"c\"> <resource name=\"RAM\" quantum=\"1M\"/>"
	       " <resource name=\"CAP\" quantum=\"5\"/> </start>\n"
	       "</config>\n",
		"2:1: start \"a\": has no RAM quota (attribute \"ram\", <resource name=\"RAM\"> or "
		"<default ram>)\n"
		"2:1: start \"a\": has no cap quota (attribute \"caps\", <resource name=\"CAP\"> "
		"or "
		"<default caps>)\n"
		"3:1: start \"b\": RAM quota given twice: attribute \"ram\" and <resource "
		"name=\"RAM\">\n"
		"3:1: start \"b\": cap quota given twice: attribute \"caps\" and <resource "
		"name=\"CAP\">\n");
}

static char const three_children[] = CONFIG("<start name=\"a\" ram=\"10M\"/>\n"
					    "<start name=\"b\" caps=\"300\"/>\n"
					    "<start name=\"c\">\n"
					    " <resource name=\"RAM\" quantum=\"20M\"/>\n"
					    "</start>\n"
					    "<start name=\"d\" ram=\"1G\" caps=\"1000\"/>\n");

static void quotas_must_fit(void **state)
{
	gn_init_config_opts_t opts;

	(void)state;
	gn_init_config_opts_default(&opts);
	expect_opts(three_children, &opts, "");

	/* 10M + 1M + 20M = 31M fit 32M minus 320K, the 1G of d does not: reported once, there */
	opts.avail_ram = 32 * 1024 * 1024;
	expect_opts(three_children, &opts,
		"10:1: start \"d\": RAM quotas add up to 1055M with this child, more than the 32M "
		"available minus 320K kept by init\n");

	/* c does not fit when init keeps 2M */
	opts.reserve_ram = 2 * 1024 * 1024;
	expect_opts(three_children, &opts,
		"7:1: start \"c\": RAM quotas add up to 31M with this child, more than the 32M "
		"available minus 2M kept by init\n");

	/* caps: 100 + 300 + 100 + 1000 */
	gn_init_config_opts_default(&opts);
	opts.avail_caps = 1000;
	expect_opts(three_children, &opts,
		"10:1: start \"d\": cap quotas add up to 1500 with this child, more than the 1000 "
		"available minus 20 kept by init\n");
	opts.avail_caps = 1520;
	expect_opts(three_children, &opts, "");
}

static void config_preserve_overrides_the_reserve(void **state)
{
	gn_init_config_opts_t opts;

	(void)state;
	gn_init_config_opts_default(&opts);
	opts.avail_ram = 4 * 1024 * 1024;
	opts.avail_caps = 200;
	expect_opts("<config>\n"
		    "<resource name=\"RAM\" preserve=\"3M\"/>\n"
		    "<resource name=\"CAP\" preserve=\"100\"/>\n"
		    "<start name=\"a\" ram=\"1M\" caps=\"100\"/>\n"
		    "<start name=\"b\" ram=\"1\" caps=\"1\"/>\n"
		    "</config>\n",
		&opts,
		"5:1: start \"b\": RAM quotas add up to 1048577 with this child, more than the 4M "
		"available minus 3M kept by init\n"
		"5:1: start \"b\": cap quotas add up to 101 with this child, more than the 200 "
		"available minus 100 kept by init\n");
}

/* ---- priorities, affinities, resources -------------------------------------------------------- */

static void priorities(void **state)
{
	(void)state;
	expect(CONFIG("<start name=\"a\" priority=\"-1\"/>\n"),
		"5:17: start \"a\": priority -1 is out "
		"of range: without prio_levels in "
		"<config> only 0 is allowed\n");
	expect("<config prio_levels=\"4\">\n"
	       "<default caps=\"1\" ram=\"1\"/>\n"
	       "<start name=\"a\" priority=\"0\"/>\n"
	       "<start name=\"b\" priority=\"-3\"/>\n"
	       "<start name=\"c\" priority=\"-4\"/>\n"
	       "<start name=\"d\" priority=\"2\"/>\n"
	       "</config>\n",
		"5:17: start \"c\": priority -4 is out of range: prio_levels=\"4\" allows 0 to -3\n"
		"6:17: start \"d\": priority 2 is positive: priorities are 0 or negative\n");
	expect("<config prio_levels=\"6\"/>\n",
		"1:9: <config>: attribute \"prio_levels\" is not a power of two below 64\n");
	expect("<config prio_levels=\"64\"/>\n",
		"1:9: <config>: attribute \"prio_levels\" is not a power of two below 64\n");
}

static void affinities(void **state)
{
	(void)state;
	expect(CONFIG("<start name=\"a\"> <affinity xpos=\"1\"/> </start>\n"),
		"5:18: start \"a\": <affinity> without <affinity-space> in <config>\n");
	expect(CONFIG("<affinity-space width=\"2\" height=\"2\"/>\n"
		      "<start name=\"a\"> <affinity xpos=\"1\" ypos=\"1\"/> </start>\n"
		      "<start name=\"b\"> <affinity/> </start>\n"
		      "<start name=\"c\"> <affinity xpos=\"2\"/> </start>\n"
		      "<start name=\"d\"> <affinity xpos=\"1\" width=\"2\"/> </start>\n"),
		"8:18: start \"c\": <affinity> lies outside the <affinity-space> of 2x2\n"
		"9:18: start \"d\": <affinity> lies outside the <affinity-space> of 2x2\n");
}

static void resource_names(void **state)
{
	(void)state;
	expect(CONFIG("<resource name=\"CPU\" preserve=\"1\"/>\n"
		      "<start name=\"a\">\n"
		      " <resource name=\"GPU\" quantum=\"1\"/>\n"
		      " <resource name=\"CPU\" quantum=\"101\"/>\n"
		      "</start>\n"),
		"5:11: <resource>: unknown resource \"CPU\" (RAM or CAP)\n"
		"7:12: start \"a\": unknown resource \"GPU\" (RAM, CPU or CAP)\n"
		"8:2: start \"a\": CPU quantum 101 exceeds 100 percent\n");
}

/* ---- runtimes and the node entry point --------------------------------------------------------- */

static char const runtime[] = "<runtime ram=\"32M\" caps=\"1000\" binary=\"init\">\n"
			      " <content> <rom label=\"x\"/> </content>\n"
			      " <config>\n"
			      "  <start name=\"a\" caps=\"500\" ram=\"16M\"/>\n"
			      "  <start name=\"b\" caps=\"500\" ram=\"16M\"/>\n"
			      "  <bogus/>\n"
			      " </config>\n"
			      "</runtime>\n";

static void runtimes(void **state)
{
	gn_init_config_opts_t opts;

	(void)state;
	expect(runtime, "6:3: <config>: unknown node <bogus>\n");
	gn_init_config_opts_default(&opts);
	opts.runtime_quota = true;
	expect_opts(runtime, &opts,
		"5:3: start \"b\": RAM quotas add up to 32M with this child, more than the 32M "
		"available minus 320K kept by init\n"
		"5:3: start \"b\": cap quotas add up to 1000 with this child, more than the 1000 "
		"available minus 20 kept by init\n"
		"6:3: <config>: unknown node <bogus>\n");

	/* an explicit limit wins over the runtime's */
	opts.avail_ram = 64 * 1024 * 1024;
	opts.avail_caps = 1020;
	expect_opts(runtime, &opts, "6:3: <config>: unknown node <bogus>\n");

	opts.avail_ram = opts.avail_caps = GN_INIT_CONFIG_UNLIMITED;
	expect_opts("<runtime ram=\"lots\" binary=\"init\"><config/></runtime>", &opts,
		"1:10: <runtime>: attribute \"ram\" is not a number\n");
	expect("<runtime binary=\"test-x\"> <config verbose=\"1\"/> </runtime>",
		"1:1: <runtime>: binary \"test-x\" is not init, so its <config> is no init "
		"config\n");
	expect("<runtime> <config/> </runtime>",
		"1:1: <runtime>: binary \"\" is not init, so its <config> is no init config\n");
	expect("<runtime binary=\"init\"/>", "1:1: <runtime>: has no <config>\n");
}

static void check_node_of_a_parsed_document(void **state)
{
	static char const text[] = CONFIG("<start name=\"a\" caps=\"x\"/>\n");
	gn_xml_node_t root, invalid = {0};
	collected_t got = {0};

	(void)state;
	assert_int_equal(gn_xml_parse(text, strlen(text), &root, NULL), GN_OK);
	assert_int_equal(gn_init_config_check_node(&root, NULL, collect, &got), 1);
	assert_string_equal(got.text, "5:17: start \"a\": attribute \"caps\" is not a number\n");
	assert_int_equal(gn_init_config_check_node(&invalid, NULL, NULL, NULL), 1);
}

/* ---- files ------------------------------------------------------------------------------------- */

/* Reads a whole file into a malloc'd buffer; NULL when it cannot be opened. */
static char *slurp(char const *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long size;

	if (!f)
		return NULL;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size >= 0);
	rewind(f);
	buf = malloc(size > 0 ? (size_t)size : 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*len = (size_t)size;
	return buf;
}

static unsigned check_file(char const *path, gn_init_config_opts_t const *opts, collected_t *got)
{
	size_t len;
	char *buf = slurp(path, &len);
	unsigned n;

	if (!buf)
		fail_msg("cannot read %s", path);
	memset(got, 0, sizeof(*got));
	n = gn_init_config_check_opts(buf, len, opts, collect, got);
	free(buf);
	return n;
}

/* Writes path/../rel for the directory of this source file (test/unit/) into out. */
static void beside_source(char const *rel, char *out, size_t size)
{
	char const *slash = strrchr(__FILE__, '/');
	int dir = slash ? (int)(slash - __FILE__ + 1) : 0;

	snprintf(out, size, "%.*s%s", dir, __FILE__, rel);
}

static void expect_file(char const *name, char const *want)
{
	char path[PATH_MAX];
	static collected_t got;

	beside_source(name, path, sizeof(path));
	check_file(path, NULL, &got);
	if (strcmp(got.text, want) != 0)
		print_error("%s: got:\n%swant:\n%s", path, got.text, want);
	assert_string_equal(got.text, want);
}

/* test/config/: the expectations are also written down in test/config/README.md */
static void example_files(void **state)
{
	(void)state;
	expect_file("../config/good.config", "");
	expect_file("../config/bad-attr.config",
		"2:9: <config>: unknown attribute \"verbos\"\n"
		"11:22: start \"timer\": attribute \"caps\" is not a number\n"
		"14:13: start \"app\": unknown resource \"GPU\" (RAM, CPU or CAP)\n"
		"15:3: start \"app\": unknown node <rout>\n"
		"16:9: start \"app\": attribute \"propagate\" of <exit> is not a boolean (yes or "
		"no)\n");
	expect_file("../config/bad-route.config",
		"17:27: start \"app\": there is no <start> or <alias> named \"timr\"\n"
		"18:25: start \"app\": child \"timer\" does not provide service \"Nic\" (not in "
		"its "
		"<provides>)\n"
		"19:25: start \"app\": the parent does not provide service \"ROM\" (not in "
		"<parent-provides>)\n"
		"20:25: start \"app\": no child lists service \"Gui\" in its <provides>\n"
		"24:2: alias \"clock\": there is no <start> named \"rtc\"\n");
}

/* Every test/scenario/<name>/config of Gneiss's own suite is valid. */
static void scenario_configs(void **state)
{
	char dir_path[PATH_MAX];
	DIR *dir;
	struct dirent *e;
	unsigned checked = 0;

	(void)state;
	beside_source("../scenario", dir_path, sizeof(dir_path));
	dir = opendir(dir_path);
	if (!dir) {
		print_message("%s not found: skipping the scenario configs\n", dir_path);
		skip();
	}
	while ((e = readdir(dir))) {
		char path[PATH_MAX + 512];
		static collected_t got;

		if (e->d_name[0] == '.' || strncmp(e->d_name, "bad_", 4) == 0)
			continue; /* bad_*: scenarios of init refusing a config */
		snprintf(path, sizeof(path), "%s/%s/config", dir_path, e->d_name);
		if (access(path, R_OK) != 0)
			continue;
		if (check_file(path, NULL, &got))
			print_error("%s:\n%s", path, got.text);
		assert_int_equal(got.calls, 0);
		checked++;
	}
	closedir(dir);
	print_message("checked %u scenario configs\n", checked);
	assert_true(checked > 0);
}

/* ---- Genode's test runtimes ------------------------------------------------------------------- */

/* The runtime's binary is init (the others hold the config of a single test component). */
static bool is_init_runtime(char const *path)
{
	size_t len;
	char *buf = slurp(path, &len);
	gn_xml_node_t root;
	bool init;

	assert_non_null(buf);
	assert_int_equal(gn_xml_parse(buf, len, &root, NULL), GN_OK);
	init = gn_xml_attr_eq(&root, "binary", "init");
	free(buf);
	return init;
}

/*
 * Genode's two libc tests that ask for quantum="1G" in a 32M runtime: Genode's init hands such a
 * child what is left ("configured RAM exceeds available RAM, proceed with ..."), which the checker
 * reports with --runtime-quota.
 */
static char const *const take_all_rest[] = {"test-libc_execve.runtime", "test-libc_fork.runtime"};

static void genode_runtimes(void **state)
{
	char dir_path[PATH_MAX + 64 + 32];
	DIR *dir = open_genode_configs(dir_path, sizeof(dir_path));
	struct dirent *e;
	unsigned checked = 0, other = 0, over = 0;
	gn_init_config_opts_t quota;

	(void)state;
	if (!dir) {
		print_message("../shared/genode-configs not found: skipping the Genode runtimes\n");
		skip();
	}
	gn_init_config_opts_default(&quota);
	quota.runtime_quota = true;
	while ((e = readdir(dir))) {
		char path[sizeof(dir_path) + 256];
		size_t len = strlen(e->d_name);
		static collected_t got;
		bool expect_over = false;

		if (len < 8 || strcmp(e->d_name + len - 8, ".runtime") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir_path, e->d_name);
		if (!is_init_runtime(path)) {
			/* its <config> is a component's: exactly the one problem saying so */
			assert_int_equal(check_file(path, NULL, &got), 1);
			assert_non_null(
				strstr(got.text, "is not init, so its <config> is no init config"));
			other++;
			continue;
		}
		if (check_file(path, NULL, &got))
			print_error("%s:\n%s", path, got.text);
		assert_int_equal(got.calls, 0);
		checked++;

		for (size_t i = 0; i < sizeof(take_all_rest) / sizeof(take_all_rest[0]); i++)
			expect_over |= strcmp(e->d_name, take_all_rest[i]) == 0;
		check_file(path, &quota, &got);
		if (got.calls)
			print_message("with --runtime-quota: %s:%s", e->d_name, got.text);
		assert_int_equal(got.calls, expect_over ? 1 : 0);
		over += expect_over;
	}
	closedir(dir);
	print_message("checked %u Genode init runtimes (%u others are no init configs)\n", checked,
		other);
	assert_true(checked > 0);
	assert_int_equal(over, sizeof(take_all_rest) / sizeof(take_all_rest[0]));
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(accepts_the_whole_language),
		cmocka_unit_test(minimal_configs),
		cmocka_unit_test(malformed_xml_is_one_problem),
		cmocka_unit_test(root_must_be_config_or_runtime),
		cmocka_unit_test(unknown_nodes),
		cmocka_unit_test(unknown_attributes),
		cmocka_unit_test(nodes_read_once),
		cmocka_unit_test(numbers_and_booleans),
		cmocka_unit_test(required_attributes),
		cmocka_unit_test(names_must_fit),
		cmocka_unit_test(values_as_written),
		cmocka_unit_test(duplicate_names),
		cmocka_unit_test(services_listed_twice),
		cmocka_unit_test(aliases_name_starts),
		cmocka_unit_test(route_targets_must_resolve),
		cmocka_unit_test(default_route_is_checked_too),
		cmocka_unit_test(ambiguous_any_child),
		cmocka_unit_test(rule_shape),
		cmocka_unit_test(reexported_services),
		cmocka_unit_test(every_child_has_quota),
		cmocka_unit_test(quotas_must_fit),
		cmocka_unit_test(config_preserve_overrides_the_reserve),
		cmocka_unit_test(priorities),
		cmocka_unit_test(affinities),
		cmocka_unit_test(resource_names),
		cmocka_unit_test(runtimes),
		cmocka_unit_test(check_node_of_a_parsed_document),
		cmocka_unit_test(example_files),
		cmocka_unit_test(scenario_configs),
		cmocka_unit_test(genode_runtimes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
