/*
 * gn_xml: well-formed documents of every feature, each malformed construct with its exact position
 * and message, the limits, every prefix of a valid document (copied into a buffer of exactly that
 * size, so ASan sees any read past it), numbers, booleans, entities, iteration, the invalid node,
 * and Genode's own test runtimes when ../shared/genode-configs is there.
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

#include <gneiss/xml.h>

/* A parsed copy of a string, in a heap buffer of exactly its length. */
struct doc {
	char *buf;
	gn_xml_node_t root;
	gn_xml_error_t err;
};

static gn_err_t parse_n(struct doc *d, char const *text, size_t len)
{
	d->buf = malloc(len ? len : 1);
	assert_non_null(d->buf);
	memcpy(d->buf, text, len);
	return gn_xml_parse(d->buf, len, &d->root, &d->err);
}

static gn_err_t parse(struct doc *d, char const *text)
{
	return parse_n(d, text, strlen(text));
}

static void parse_ok(struct doc *d, char const *text)
{
	gn_err_t err = parse(d, text);

	if (err)
		print_error("%u:%u: %s\n", d->err.line, d->err.column, d->err.what);
	assert_int_equal(err, GN_OK);
	assert_true(gn_xml_node_valid(&d->root));
}

static void done(struct doc *d)
{
	free(d->buf);
}

static void assert_view(char const *ptr, size_t len, char const *want)
{
	if (len != strlen(want) || memcmp(ptr, want, len) != 0)
		print_error("got \"%.*s\", want \"%s\"\n", (int)len, ptr, want);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(ptr, want, len);
}

static void assert_type(gn_xml_node_t const *node, char const *want)
{
	char const *type;
	size_t len;

	gn_xml_type(node, &type, &len);
	assert_view(type, len, want);
	assert_true(gn_xml_has_type(node, want));
}

static void assert_content(gn_xml_node_t const *node, char const *raw, char const *decoded)
{
	char const *ptr;
	size_t len;
	char buf[256];

	gn_xml_content(node, &ptr, &len);
	assert_view(ptr, len, raw);
	assert_int_equal(gn_xml_content_str(node, buf, sizeof(buf)), GN_OK);
	assert_string_equal(buf, decoded);
}

static void assert_attr_str(gn_xml_node_t const *node, char const *name, char const *want)
{
	char buf[256];

	assert_int_equal(gn_xml_attr_str(node, name, buf, sizeof(buf)), GN_OK);
	assert_string_equal(buf, want);
	assert_true(gn_xml_attr_eq(node, name, want));
}

/* ---- well-formed documents ---------------------------------------------------------------------- */

static void minimal_document(void **state)
{
	struct doc d;
	gn_xml_node_t sub;
	gn_xml_attr_t attr;
	char const *ptr;
	size_t len;

	(void)state;
	parse_ok(&d, "<config/>");
	assert_type(&d.root, "config");
	assert_false(gn_xml_has_type(&d.root, "confi"));
	assert_false(gn_xml_has_type(&d.root, "configs"));
	assert_int_equal(gn_xml_line(&d.root), 1);
	assert_int_equal(gn_xml_column(&d.root), 1);
	assert_int_equal(gn_xml_num_sub(&d.root), 0);
	assert_false(gn_xml_first_sub(&d.root, &sub));
	assert_false(gn_xml_node_valid(&sub));
	assert_false(gn_xml_next(&d.root, &sub));
	assert_false(gn_xml_attr_first(&d.root, &attr));
	assert_content(&d.root, "", "");
	gn_xml_raw(&d.root, &ptr, &len);
	assert_view(ptr, len, "<config/>");
	done(&d);
}

static char const features[] =
	"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!-- leading comment -->\n"
	"<config verbose=\"yes\" name='single \"quoted\"'>\n"
	"\t<a x = \"1\" y\t=\n'2'/>\n"
	"\t<!-- <b/> in a comment is no node -->\n"
	"\t<b>text &lt;tag&gt; &amp; &quot;q&quot; &apos;a&apos; &#65;&#x42;</b>\n"
	"\t<c><![CDATA[<raw> & stuff]]> tail</c>\n"
	"\t<d>mixed<e/>content<!-- skipped -->here</d>\n"
	"\t<ns:f-g.h_i/>\n"
	"</config >\n"
	"<!-- trailing comment -->\n";

static void every_feature(void **state)
{
	struct doc d;
	gn_xml_node_t n, e;

	(void)state;
	parse_ok(&d, features);
	assert_type(&d.root, "config");
	assert_int_equal(gn_xml_line(&d.root), 3);
	assert_int_equal(gn_xml_num_sub(&d.root), 5);
	assert_true(gn_xml_attr_eq(&d.root, "verbose", "yes"));
	assert_attr_str(&d.root, "name", "single \"quoted\"");

	assert_true(gn_xml_first_sub(&d.root, &n));
	assert_type(&n, "a");
	assert_attr_str(&n, "x", "1");
	assert_attr_str(&n, "y", "2");

	assert_true(gn_xml_next(&n, &n));
	assert_type(&n, "b");
	assert_content(&n, "text &lt;tag&gt; &amp; &quot;q&quot; &apos;a&apos; &#65;&#x42;",
		"text <tag> & \"q\" 'a' AB");

	assert_true(gn_xml_next(&n, &n));
	assert_type(&n, "c");
	assert_content(&n, "<![CDATA[<raw> & stuff]]> tail", "<raw> & stuff tail");
	assert_int_equal(gn_xml_num_sub(&n), 0);

	assert_true(gn_xml_next(&n, &n));
	assert_type(&n, "d");
	assert_content(&n, "mixed<e/>content<!-- skipped -->here", "mixedcontenthere");
	assert_true(gn_xml_first_sub(&n, &e));
	assert_type(&e, "e");
	assert_false(gn_xml_next(&e, &e));

	assert_true(gn_xml_next(&n, &n));
	assert_type(&n, "ns:f-g.h_i");
	assert_false(gn_xml_next(&n, &n));
	assert_false(gn_xml_node_valid(&n));
	done(&d);
}

static char const init_config[] =
	"<config prio_levels=\"2\">\n"
	"\t<parent-provides>\n"
	"\t\t<service name=\"ROM\"/>\n"
	"\t\t<service name=\"LOG\"/>\n"
	"\t</parent-provides>\n"
	"\t<default-route> <any-service> <parent/> <any-child/> </any-service> </default-route>\n"
	"\t<default caps=\"100\"/>\n"
	"\t<start name=\"timer\" ram=\"1M\">\n"
	"\t\t<provides> <service name=\"Timer\"/> </provides>\n"
	"\t</start>\n"
	"\t<start name=\"app\" caps=\"200\" priority=\"-1\">\n"
	"\t\t<resource name=\"RAM\" quantum=\"16M\"/>\n"
	"\t\t<config verbose=\"no\">\n"
	"\t\t\t<inline name=\"x\">a &lt; b</inline>\n"
	"\t\t</config>\n"
	"\t\t<route>\n"
	"\t\t\t<service name=\"ROM\" label=\"config\"> <child name=\"timer\"/> </service>\n"
	"\t\t\t<any-service> <parent/> </any-service>\n"
	"\t\t</route>\n"
	"\t</start>\n"
	"</config>";

static void genode_init_config(void **state)
{
	struct doc d, sub;
	gn_xml_node_t start, n, config;
	char const *ptr;
	size_t len;
	uint64_t v;
	unsigned count = 0;

	(void)state;
	parse_ok(&d, init_config);
	GN_XML_FOR_EACH_SUB(&d.root, "start", start)
	{
		count++;
		assert_int_equal(gn_xml_line(&start), count == 1 ? 8 : 11);
		assert_int_equal(gn_xml_column(&start), 2);
	}
	assert_int_equal(count, 2);
	assert_false(gn_xml_node_valid(&start));

	assert_true(gn_xml_first_sub_type(&d.root, "start", &start));
	assert_true(gn_xml_attr_eq(&start, "name", "timer"));
	assert_int_equal(gn_xml_attr_u64(&start, "ram", 0, &v), GN_OK);
	assert_int_equal(v, 1024 * 1024);
	assert_int_equal(gn_xml_attr_u64(&start, "caps", 42, &v), GN_OK);
	assert_int_equal(v, 42);

	assert_true(gn_xml_next_type(&start, "start", &start));
	assert_true(gn_xml_attr_eq(&start, "name", "app"));
	assert_false(gn_xml_next_type(&start, "start", &n));
	assert_true(gn_xml_first_sub_type(&start, "resource", &n));
	assert_int_equal(gn_xml_attr_u64(&n, "quantum", 0, &v), GN_OK);
	assert_int_equal(v, 16 * 1024 * 1024);
	assert_true(gn_xml_has_sub(&start, "route"));
	assert_false(gn_xml_has_sub(&start, "binary"));
	assert_int_equal(gn_xml_num_sub(&start), 3);

	/* the child's config handed on verbatim parses as a document of its own */
	assert_true(gn_xml_first_sub_type(&start, "config", &config));
	gn_xml_raw(&config, &ptr, &len);
	assert_int_equal(parse_n(&sub, ptr, len), GN_OK);
	assert_type(&sub.root, "config");
	assert_true(gn_xml_first_sub(&sub.root, &n));
	assert_content(&n, "a &lt; b", "a < b");
	assert_int_equal(gn_xml_line(&n), 2); /* lines count in the new document */
	done(&sub);

	/* the route: a service then any-service, each with one target */
	assert_true(gn_xml_first_sub_type(&start, "route", &n));
	assert_int_equal(gn_xml_num_sub(&n), 2);
	assert_true(gn_xml_first_sub_type(&n, "any-service", &n));
	assert_true(gn_xml_has_sub(&n, "parent"));
	assert_int_equal(gn_xml_line(&n), 18);
	assert_int_equal(gn_xml_column(&n), 4);
	done(&d);
}

static void iteration_by_type(void **state)
{
	struct doc d;
	gn_xml_node_t n;
	char names[16] = "";
	size_t i = 0;

	(void)state;
	parse_ok(&d, "<r><a n='1'/><b n='2'/><a n='3'>x</a><!--<a/>--><c/><a n='4'></a></r>");
	GN_XML_FOR_EACH_SUB(&d.root, "a", n)
	{
		char buf[2];

		assert_int_equal(gn_xml_attr_str(&n, "n", buf, sizeof(buf)), GN_OK);
		names[i++] = buf[0];
	}
	assert_string_equal(names, "134");
	i = 0;
	GN_XML_FOR_EACH_SUB(&d.root, NULL, n)
	i++;
	assert_int_equal(i, 5);
	assert_int_equal(gn_xml_num_sub(&d.root), 5);
	assert_false(gn_xml_first_sub_type(&d.root, "d", &n));
	assert_false(gn_xml_first_sub_type(&d.root, "", &n));
	assert_true(gn_xml_first_sub_type(&d.root, "c", &n));
	assert_false(gn_xml_next_type(&n, "b", &n));
	done(&d);
}

static void attribute_iteration_and_positions(void **state)
{
	struct doc d;
	gn_xml_node_t n;
	gn_xml_attr_t a, other;
	unsigned line, column;

	(void)state;
	parse_ok(&d, "<r>\n  <n a=\"1\"\n\tbb='x>y'   c=\"\"/>\n</r>");
	assert_true(gn_xml_first_sub(&d.root, &n));
	assert_int_equal(gn_xml_line(&n), 2);
	assert_int_equal(gn_xml_column(&n), 3);

	assert_true(gn_xml_attr_first(&n, &a));
	assert_view(a.name, a.name_len, "a");
	assert_view(a.value, a.value_len, "1");
	gn_xml_attr_pos(&n, &a, &line, &column);
	assert_int_equal(line, 2);
	assert_int_equal(column, 6);

	assert_true(gn_xml_attr_next(&n, &a));
	assert_view(a.name, a.name_len, "bb");
	assert_view(a.value, a.value_len, "x>y");
	gn_xml_attr_pos(&n, &a, &line, &column);
	assert_int_equal(line, 3);
	assert_int_equal(column, 2);

	assert_true(gn_xml_attr_next(&n, &a));
	assert_view(a.name, a.name_len, "c");
	assert_int_equal(a.value_len, 0);
	assert_true(gn_xml_attr_eq(&n, "c", ""));
	assert_false(gn_xml_attr_eq(&n, "c", "x"));
	assert_false(gn_xml_attr_next(&n, &a));
	assert_null(a.name);

	/* an attribute of another node is not one of this node */
	assert_true(gn_xml_attr_first(&n, &other));
	gn_xml_attr_pos(&d.root, &other, &line, &column);
	assert_int_equal(line, 0);
	assert_int_equal(column, 0);
	assert_false(gn_xml_attr_next(&d.root, &other));
	assert_false(gn_xml_has_attr(&n, "d"));
	assert_true(gn_xml_has_attr(&n, "bb"));
	assert_false(gn_xml_has_attr(&n, "b"));
	done(&d);
}

static void buffer_need_not_be_terminated(void **state)
{
	struct doc d;
	char const text[] = "<a>x</a><b/>";
	char const *ptr;
	size_t len;

	(void)state;
	assert_int_equal(parse_n(&d, text, 8), GN_OK);
	gn_xml_raw(&d.root, &ptr, &len);
	assert_int_equal(len, 8);
	done(&d);

	/* NUL padding after the root node, as in a page-sized ROM dataspace */
	assert_int_equal(parse_n(&d, "<a/>\n\0\0\0", 8), GN_OK);
	done(&d);
	assert_int_equal(parse_n(&d, "<a/>\0\0x", 7), GN_ERR_INVALID_ARG);
	assert_string_equal(d.err.what, "data after NUL padding");
	assert_int_equal(d.err.column, 7);
	done(&d);
}

static void crlf_line_endings(void **state)
{
	struct doc d;
	gn_xml_node_t n;

	(void)state;
	parse_ok(&d, "<a>\r\n\t<b/>\r\n\t<c\r\n\t\tx=\"1\"/>\r\n</a>\r\n");
	assert_true(gn_xml_first_sub(&d.root, &n));
	assert_int_equal(gn_xml_line(&n), 2);
	assert_int_equal(gn_xml_column(&n), 2);
	assert_true(gn_xml_next(&n, &n));
	assert_int_equal(gn_xml_line(&n), 3);
	assert_true(gn_xml_attr_eq(&n, "x", "1"));
	done(&d);

	assert_int_equal(parse(&d, "<a>\r\n<b>\r\n</a>"), GN_ERR_INVALID_ARG);
	assert_int_equal(d.err.line, 3);
	assert_int_equal(d.err.column, 1);
	done(&d);
}

static void invalid_node(void **state)
{
	gn_xml_node_t zero = {0}, out;
	gn_xml_attr_t attr = {0};
	char const *ptr = NULL;
	size_t len = 99;
	char buf[4] = "xyz";
	uint64_t v;
	bool b;
	unsigned line, column;

	(void)state;
	assert_false(gn_xml_node_valid(&zero));
	assert_false(gn_xml_node_valid(NULL));
	gn_xml_type(&zero, &ptr, &len);
	assert_int_equal(len, 0);
	assert_non_null(ptr);
	assert_false(gn_xml_has_type(&zero, ""));
	assert_int_equal(gn_xml_line(&zero), 0);
	assert_int_equal(gn_xml_column(&zero), 0);
	gn_xml_raw(&zero, &ptr, &len);
	assert_int_equal(len, 0);
	gn_xml_content(&zero, &ptr, &len);
	assert_int_equal(len, 0);
	assert_int_equal(gn_xml_content_str(&zero, buf, sizeof(buf)), GN_OK);
	assert_string_equal(buf, "");
	assert_false(gn_xml_first_sub(&zero, &out));
	assert_false(gn_xml_next(&zero, &out));
	assert_false(gn_xml_has_sub(&zero, NULL));
	assert_int_equal(gn_xml_num_sub(&zero), 0);
	assert_false(gn_xml_attr_first(&zero, &attr));
	assert_false(gn_xml_attr_next(&zero, &attr));
	assert_false(gn_xml_attr(&zero, "a", &attr));
	gn_xml_attr_pos(&zero, &attr, &line, &column);
	assert_int_equal(line, 0);
	assert_int_equal(gn_xml_attr_u64(&zero, "a", 7, &v), GN_OK);
	assert_int_equal(v, 7);
	assert_int_equal(gn_xml_attr_bool(&zero, "a", true, &b), GN_OK);
	assert_true(b);
	assert_int_equal(gn_xml_attr_str(&zero, "a", buf, sizeof(buf)), GN_ERR_NOT_FOUND);
	assert_false(gn_xml_attr_eq(&zero, "a", ""));

	/* and the zeroed attribute */
	assert_int_equal(gn_xml_value_u64(&attr, &v), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_xml_value_bool(&attr, &b), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_xml_value_str(&attr, buf, sizeof(buf)), GN_OK);
	assert_string_equal(buf, "");
	assert_false(gn_xml_value_eq(&attr, ""));
}

/* ---- malformed documents ------------------------------------------------------------------------ */

struct bad {
	char const *text;
	size_t len; /* the texts may hold NUL bytes */
	gn_err_t err;
	unsigned line, column;
	char const *what;
};

#define BAD(text, err, line, column, what)                      \
	{                                                       \
		text, sizeof(text) - 1, err, line, column, what \
	}

static struct bad const bad_docs[] = {
	BAD("", GN_ERR_INVALID_ARG, 1, 1, "expected a root node"),
	BAD("  \n <!-- only a comment -->\n", GN_ERR_INVALID_ARG, 3, 1, "expected a root node"),
	BAD("hello", GN_ERR_INVALID_ARG, 1, 1, "expected '<' to open the root node"),
	BAD("<a/>\nx", GN_ERR_INVALID_ARG, 2, 1, "text after the root node"),
	BAD("<a/><b/>", GN_ERR_INVALID_ARG, 1, 5,
		"second root node <b>: a document has one root node"),
	BAD("< a/>", GN_ERR_INVALID_ARG, 1, 2, "expected a node name after '<'"),
	BAD("<1a/>", GN_ERR_INVALID_ARG, 1, 2, "expected a node name after '<'"),
	BAD("<config>\n\t<start name=\"x\"\n</config>", GN_ERR_INVALID_ARG, 3, 1,
		"expected '>' to close <start>"),
	BAD("<start name=\"x\"", GN_ERR_INVALID_ARG, 1, 16, "expected '>' to close <start>"),
	BAD("<a b=\"1\"c=\"2\"/>", GN_ERR_INVALID_ARG, 1, 9,
		"expected whitespace before attribute in <a>"),
	BAD("<a b/>", GN_ERR_INVALID_ARG, 1, 5, "expected '=' after attribute 'b'"),
	BAD("<a b=1/>", GN_ERR_INVALID_ARG, 1, 6, "expected a quoted value for attribute 'b'"),
	BAD("<a b=\"1'/>", GN_ERR_INVALID_ARG, 1, 6, "unterminated value of attribute 'b'"),
	BAD("<a b=\"<\"/>", GN_ERR_INVALID_ARG, 1, 7, "'<' in the value of attribute 'b'"),
	BAD("<a b=\"&amp\"/>", GN_ERR_INVALID_ARG, 1, 7,
		"invalid entity reference in attribute 'b'"),
	BAD("<a\n  name=\"x\" name=\"y\"/>", GN_ERR_INVALID_ARG, 2, 12,
		"duplicate attribute 'name'"),
	BAD("<a/ >", GN_ERR_INVALID_ARG, 1, 4, "expected '>' after '/' in <a>"),
	BAD("<a/", GN_ERR_INVALID_ARG, 1, 4, "expected '>' after '/' in <a>"),
	BAD("<config>\n\t<start>\n\t</route>\n</config>", GN_ERR_INVALID_ARG, 3, 2,
		"closing tag </route> does not match <start>"),
	BAD("<a></ab>", GN_ERR_INVALID_ARG, 1, 4, "closing tag </ab> does not match <a>"),
	BAD("<a></>", GN_ERR_INVALID_ARG, 1, 6, "expected a node name after '</'"),
	BAD("<a></a x>", GN_ERR_INVALID_ARG, 1, 8, "expected '>' to close </a>"),
	BAD("</a>", GN_ERR_INVALID_ARG, 1, 1, "closing tag </a> without an open node"),
	BAD("<a/></a>", GN_ERR_INVALID_ARG, 1, 5, "closing tag </a> without an open node"),
	BAD("<a>\n<b>\n", GN_ERR_INVALID_ARG, 3, 1, "expected </b> before the end"),
	BAD("<a>x & y</a>", GN_ERR_INVALID_ARG, 1, 6, "invalid entity reference"),
	BAD("<a>&unknown;</a>", GN_ERR_INVALID_ARG, 1, 4, "invalid entity reference"),
	BAD("<a>&#0;</a>", GN_ERR_INVALID_ARG, 1, 4, "invalid entity reference"),
	BAD("<a>&#128;</a>", GN_ERR_INVALID_ARG, 1, 4, "invalid entity reference"),
	BAD("<a>&#x;</a>", GN_ERR_INVALID_ARG, 1, 4, "invalid entity reference"),
	BAD("<a>&#X41;</a>", GN_ERR_INVALID_ARG, 1, 4, "invalid entity reference"),
	BAD("<a>&#65</a>", GN_ERR_INVALID_ARG, 1, 4, "invalid entity reference"),
	BAD("<a>\n  <!-- open\n</a>", GN_ERR_INVALID_ARG, 2, 3, "unterminated comment"),
	BAD("<a><![CDATA[x]]</a>", GN_ERR_INVALID_ARG, 1, 4, "unterminated CDATA section"),
	BAD("<![CDATA[x]]><a/>", GN_ERR_INVALID_ARG, 1, 1, "CDATA section outside the root node"),
	BAD("<!DOCTYPE a><a/>", GN_ERR_INVALID_ARG, 1, 1,
		"declarations like <!DOCTYPE are not supported"),
	BAD("<a><?pi x?></a>", GN_ERR_INVALID_ARG, 1, 4,
		"processing instructions other than a leading <?xml ...?> are not supported"),
	BAD("\n<?xml version=\"1.0\"?><a/>", GN_ERR_INVALID_ARG, 2, 1,
		"processing instructions other than a leading <?xml ...?> are not supported"),
	BAD("<?xml version=\"1.0\"<a/>", GN_ERR_INVALID_ARG, 1, 1, "unterminated XML declaration"),
	BAD("<a>x\0y</a>", GN_ERR_INVALID_ARG, 1, 5, "NUL byte in content"),
	BAD("<a><![CDATA[x\0]]></a>", GN_ERR_INVALID_ARG, 1, 14, "NUL byte in CDATA section"),
	BAD("<!--\0--><a/>", GN_ERR_INVALID_ARG, 1, 5, "NUL byte in comment"),
	BAD("<?xml \0?><a/>", GN_ERR_INVALID_ARG, 1, 7, "NUL byte in the XML declaration"),
	BAD("<a b=\"\0\"/>", GN_ERR_INVALID_ARG, 1, 7, "NUL byte in the value of attribute 'b'"),
	BAD("\0<a/>", GN_ERR_INVALID_ARG, 1, 1, "expected '<' to open the root node"),
	BAD("<a></a_very_long_node_name_beyond_thirty_two_characters>", GN_ERR_INVALID_ARG, 1, 4,
		"closing tag </a_very_long_node_name_beyond_thi...> does not match <a>"),
};

static void malformed_documents(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		struct bad const *b = &bad_docs[i];
		struct doc d;
		gn_err_t err = parse_n(&d, b->text, b->len);

		if (err != b->err || d.err.line != b->line || d.err.column != b->column ||
			strcmp(d.err.what, b->what) != 0)
			print_error("case %zu: got %d %u:%u \"%s\", want %d %u:%u \"%s\"\n", i, err,
				d.err.line, d.err.column, d.err.what, b->err, b->line, b->column,
				b->what);
		assert_int_equal(err, b->err);
		assert_int_equal(d.err.line, b->line);
		assert_int_equal(d.err.column, b->column);
		assert_string_equal(d.err.what, b->what);
		assert_false(gn_xml_node_valid(&d.root));
		done(&d);
	}
}

static void error_offset_and_optional_err(void **state)
{
	gn_xml_node_t root = {.base = "junk", .len = 4, .avail = 4};
	gn_xml_error_t err;

	(void)state;
	assert_int_equal(gn_xml_parse("<a>\n <b></c></a>", 16, &root, &err), GN_ERR_INVALID_ARG);
	assert_int_equal(err.offset, 8);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 5);
	assert_false(gn_xml_node_valid(&root));
	assert_int_equal(gn_xml_parse("<a", 2, &root, NULL), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_xml_parse(NULL, 0, &root, &err), GN_ERR_INVALID_ARG);
	assert_string_equal(err.what, "expected a root node");
	assert_int_equal(gn_xml_parse(NULL, 5, &root, &err), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_xml_parse("<a/>", 4, &root, NULL), GN_OK);
	assert_true(gn_xml_node_valid(&root));
}

/* ---- limits ------------------------------------------------------------------------------------- */

/* n nested <d> nodes, each on its own line; the caller frees the result */
static char *nested(unsigned n, size_t *len)
{
	char *buf = malloc(n * 9 + 1), *p = buf;

	assert_non_null(buf);
	for (unsigned i = 0; i < n; i++)
		p += sprintf(p, "<d>\n");
	for (unsigned i = 0; i < n; i++)
		p += sprintf(p, "</d>");
	*len = (size_t)(p - buf);
	return buf;
}

static void depth_limit(void **state)
{
	gn_xml_node_t root, n;
	gn_xml_error_t err;
	gn_xml_limits_t limits = {3, GN_XML_ATTRS_MAX, 1024};
	size_t len;
	char *buf = nested(GN_XML_DEPTH_MAX, &len);
	unsigned depth = 1;

	(void)state;
	assert_int_equal(gn_xml_parse(buf, len, &root, &err), GN_OK);
	for (n = root; gn_xml_first_sub(&n, &n);)
		depth++;
	assert_int_equal(depth, GN_XML_DEPTH_MAX);
	free(buf);

	buf = nested(GN_XML_DEPTH_MAX + 1, &len);
	assert_int_equal(gn_xml_parse(buf, len, &root, &err), GN_ERR_LIMIT);
	assert_int_equal(err.line, GN_XML_DEPTH_MAX + 1);
	assert_int_equal(err.column, 1);
	assert_string_equal(err.what, "<d> nests deeper than 64 levels");
	free(buf);

	/* far deeper input costs no stack: it stops at the limit */
	buf = nested(200000, &len);
	assert_int_equal(gn_xml_parse(buf, len, &root, &err), GN_ERR_LIMIT);
	assert_int_equal(err.line, GN_XML_DEPTH_MAX + 1);
	free(buf);

	buf = nested(3, &len);
	assert_int_equal(gn_xml_parse_limits(buf, len, &limits, &root, &err), GN_OK);
	free(buf);
	buf = nested(4, &len);
	assert_int_equal(gn_xml_parse_limits(buf, len, &limits, &root, &err), GN_ERR_LIMIT);
	assert_string_equal(err.what, "<d> nests deeper than 3 levels");
	assert_int_equal(err.line, 4);
	free(buf);

	/* a limit above the maximum is clamped to it */
	limits.max_depth = 1000;
	buf = nested(GN_XML_DEPTH_MAX + 1, &len);
	assert_int_equal(gn_xml_parse_limits(buf, len, &limits, &root, &err), GN_ERR_LIMIT);
	free(buf);
}

/* <a> with n attributes a0="0" a1="1" ... */
static size_t many_attrs(char *buf, unsigned n)
{
	char *p = buf + sprintf(buf, "<a");

	for (unsigned i = 0; i < n; i++)
		p += sprintf(p, " a%u=\"%u\"", i, i);
	p += sprintf(p, "/>");
	return (size_t)(p - buf);
}

static void attribute_limit(void **state)
{
	char buf[2048];
	gn_xml_node_t root;
	gn_xml_error_t err;
	gn_xml_limits_t limits = {GN_XML_DEPTH_MAX, 2, 1024};
	size_t len = many_attrs(buf, GN_XML_ATTRS_MAX);
	uint64_t v;

	(void)state;
	assert_int_equal(gn_xml_parse(buf, len, &root, &err), GN_OK);
	assert_int_equal(gn_xml_attr_u64(&root, "a63", 0, &v), GN_OK);
	assert_int_equal(v, 63);
	len = many_attrs(buf, GN_XML_ATTRS_MAX + 1);
	assert_int_equal(gn_xml_parse(buf, len, &root, &err), GN_ERR_LIMIT);
	assert_string_equal(err.what, "<a> has more than 64 attributes");
	assert_int_equal(err.offset, (size_t)(strstr(buf, " a64=") + 1 - buf));

	len = many_attrs(buf, 2);
	assert_int_equal(gn_xml_parse_limits(buf, len, &limits, &root, &err), GN_OK);
	len = many_attrs(buf, 3);
	assert_int_equal(gn_xml_parse_limits(buf, len, &limits, &root, &err), GN_ERR_LIMIT);
	assert_string_equal(err.what, "<a> has more than 2 attributes");
	assert_int_equal(err.column, 18);
}

static void size_limit(void **state)
{
	gn_xml_limits_t limits = {GN_XML_DEPTH_MAX, GN_XML_ATTRS_MAX, 8};
	gn_xml_node_t root;
	gn_xml_error_t err;

	(void)state;
	assert_int_equal(gn_xml_parse_limits("<a></a> ", 8, &limits, &root, &err), GN_OK);
	assert_int_equal(gn_xml_parse_limits("<a></a>  ", 9, &limits, &root, &err), GN_ERR_LIMIT);
	assert_string_equal(err.what, "document larger than the limit");
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 1);
	assert_int_equal(gn_xml_parse_limits("<a/>", 4, NULL, &root, &err), GN_OK);
}

/* ---- truncation ----------------------------------------------------------------------------------- */

/* Reads everything in the tree below node with every accessor: under ASan, stays in bounds. */
static void walk(gn_xml_node_t const *node, unsigned depth)
{
	gn_xml_node_t sub;
	gn_xml_attr_t a;
	char buf[8];
	uint64_t v;
	bool b;
	unsigned line, column;

	assert_true(depth <= GN_XML_DEPTH_MAX);
	assert_true(gn_xml_content_str(node, buf, sizeof(buf)) != GN_ERR_INVALID_ARG);
	for (bool more = gn_xml_attr_first(node, &a); more; more = gn_xml_attr_next(node, &a)) {
		gn_err_t err = gn_xml_value_u64(&a, &v);

		assert_true(err == GN_OK || err == GN_ERR_INVALID_ARG || err == GN_ERR_LIMIT);
		assert_true(gn_xml_value_bool(&a, &b) != GN_ERR_TRUNCATED);
		err = gn_xml_value_str(&a, buf, sizeof(buf));
		assert_true(err == GN_OK || err == GN_ERR_TRUNCATED);
		gn_xml_attr_pos(node, &a, &line, &column);
		assert_true(line >= gn_xml_line(node));
	}
	GN_XML_FOR_EACH_SUB(node, NULL, sub)
	walk(&sub, depth + 1);
}

static void every_prefix(void **state)
{
	size_t full = strlen(features);
	size_t root_end = (size_t)(strstr(features, "</config >") - features) + 10;

	(void)state;
	for (size_t len = 0; len <= full; len++) {
		struct doc d;
		gn_err_t err = parse_n(&d, features, len);
		/* complete: the root node, then nothing, a newline, or the whole trailing comment */
		bool complete = len == root_end || len == root_end + 1 || len >= full - 1;

		if ((err == GN_OK) != complete)
			print_error("prefix of %zu bytes: %d %s\n", len, err, d.err.what);
		assert_int_equal(err == GN_OK, complete);
		if (err) {
			assert_true(d.err.offset <= len);
			assert_true(d.err.line >= 1 && d.err.column >= 1);
			assert_true(strlen(d.err.what) > 0);
			assert_false(gn_xml_node_valid(&d.root));
		} else {
			walk(&d.root, 1);
		}
		done(&d);
	}
}

/* ---- values --------------------------------------------------------------------------------------- */

struct number {
	char const *text;
	gn_err_t err;
	uint64_t value;
};

static struct number const numbers[] = {
	{"0", GN_OK, 0},
	{"100", GN_OK, 100},
	{"007", GN_OK, 7},
	{"0x10", GN_OK, 16},
	{"0XfF", GN_OK, 255},
	{"1K", GN_OK, 1024},
	{"16M", GN_OK, 16ull << 20},
	{"1G", GN_OK, 1ull << 30},
	{"0x10K", GN_OK, 16ull << 10},
	{"18446744073709551615", GN_OK, UINT64_MAX},
	{"0xffffffffffffffff", GN_OK, UINT64_MAX},
	{"17179869183G", GN_OK, 17179869183ull << 30},
	{"18446744073709551616", GN_ERR_LIMIT, 0},
	{"0x10000000000000000", GN_ERR_LIMIT, 0},
	{"17179869184G", GN_ERR_LIMIT, 0},
	{"99999999999999999999999M", GN_ERR_LIMIT, 0},
	{"", GN_ERR_INVALID_ARG, 0},
	{"0x", GN_ERR_INVALID_ARG, 0},
	{"0xK", GN_ERR_INVALID_ARG, 0},
	{"K", GN_ERR_INVALID_ARG, 0},
	{"1k", GN_ERR_INVALID_ARG, 0},
	{"1m", GN_ERR_INVALID_ARG, 0},
	{"1T", GN_ERR_INVALID_ARG, 0},
	{"1KB", GN_ERR_INVALID_ARG, 0},
	{"1 ", GN_ERR_INVALID_ARG, 0},
	{" 1", GN_ERR_INVALID_ARG, 0},
	{"-1", GN_ERR_INVALID_ARG, 0},
	{"+1", GN_ERR_INVALID_ARG, 0},
	{"1.5M", GN_ERR_INVALID_ARG, 0},
	{"12a", GN_ERR_INVALID_ARG, 0},
	{"99999999999999999999999x", GN_ERR_INVALID_ARG, 0},
};

static void number_values(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		char text[128];
		struct doc d;
		uint64_t v = 1234;
		gn_xml_attr_t a;
		gn_err_t err;

		snprintf(text, sizeof(text), "<a v=\"%s\"/>", numbers[i].text);
		parse_ok(&d, text);
		assert_true(gn_xml_attr(&d.root, "v", &a));
		err = gn_xml_value_u64(&a, &v);
		if (err != numbers[i].err || v != numbers[i].value)
			print_error("\"%s\": got %d %llu\n", numbers[i].text, err,
				(unsigned long long)v);
		assert_int_equal(err, numbers[i].err);
		assert_true(v == numbers[i].value);

		/* by name: the default stands in for the value on an error */
		err = gn_xml_attr_u64(&d.root, "v", 77, &v);
		assert_int_equal(err, numbers[i].err);
		assert_true(v == (err ? 77 : numbers[i].value));
		done(&d);
	}
}

static void boolean_values(void **state)
{
	static struct {
		char const *text;
		gn_err_t err;
		bool value;
	} const cases[] = {
		{"yes", GN_OK, true},
		{"true", GN_OK, true},
		{"on", GN_OK, true},
		{"no", GN_OK, false},
		{"false", GN_OK, false},
		{"off", GN_OK, false},
		{"&#121;es", GN_OK, true},
		{"", GN_ERR_INVALID_ARG, false},
		{"Yes", GN_ERR_INVALID_ARG, false},
		{"1", GN_ERR_INVALID_ARG, false},
		{"yes ", GN_ERR_INVALID_ARG, false},
		{"ye", GN_ERR_INVALID_ARG, false},
		{"yess", GN_ERR_INVALID_ARG, false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[64];
		struct doc d;
		bool b = !cases[i].value;
		gn_xml_attr_t a;

		snprintf(text, sizeof(text), "<a v=\"%s\"/>", cases[i].text);
		parse_ok(&d, text);
		assert_true(gn_xml_attr(&d.root, "v", &a));
		assert_int_equal(gn_xml_value_bool(&a, &b), cases[i].err);
		assert_int_equal(b, cases[i].value);
		b = true;
		assert_int_equal(gn_xml_attr_bool(&d.root, "v", true, &b), cases[i].err);
		assert_true(cases[i].err ? b : b == cases[i].value);
		b = false;
		assert_int_equal(gn_xml_attr_bool(&d.root, "missing", true, &b), GN_OK);
		assert_true(b);
		done(&d);
	}
}

static void entity_decoding(void **state)
{
	struct doc d;
	char buf[8];
	gn_xml_attr_t a;

	(void)state;
	parse_ok(&d, "<a v=\"&lt;&gt;&amp;&quot;&apos;&#9;&#x7e;&#x7E;\" w='a&amp;b' "
		     "e=\"\">&lt;&#60;&#x3c;</a>");
	assert_attr_str(&d.root, "v", "<>&\"'\t~~");
	assert_attr_str(&d.root, "w", "a&b");
	assert_false(gn_xml_attr_eq(&d.root, "w", "a&amp;b"));
	assert_false(gn_xml_attr_eq(&d.root, "w", "a&"));
	assert_false(gn_xml_attr_eq(&d.root, "w", "a&bc"));
	assert_false(gn_xml_attr_eq(&d.root, "x", ""));
	assert_content(&d.root, "&lt;&#60;&#x3c;", "<<<");

	/* truncation: the prefix that fits, terminated, as gn_strlcpy() */
	assert_int_equal(gn_xml_attr_str(&d.root, "v", buf, sizeof(buf)), GN_ERR_TRUNCATED);
	assert_string_equal(buf, "<>&\"'\t~");
	assert_int_equal(gn_xml_attr_str(&d.root, "w", buf, 4), GN_OK);
	assert_int_equal(gn_xml_attr_str(&d.root, "w", buf, 3), GN_ERR_TRUNCATED);
	assert_string_equal(buf, "a&");
	assert_int_equal(gn_xml_attr_str(&d.root, "w", buf, 1), GN_ERR_TRUNCATED);
	assert_string_equal(buf, "");
	assert_int_equal(gn_xml_attr_str(&d.root, "w", NULL, 0), GN_ERR_TRUNCATED);
	assert_int_equal(gn_xml_attr_str(&d.root, "e", NULL, 0), GN_OK);
	assert_int_equal(gn_xml_attr_str(&d.root, "x", buf, sizeof(buf)), GN_ERR_NOT_FOUND);
	assert_string_equal(buf, "");
	assert_int_equal(gn_xml_content_str(&d.root, buf, 4), GN_OK);
	assert_int_equal(gn_xml_content_str(&d.root, buf, 3), GN_ERR_TRUNCATED);
	assert_string_equal(buf, "<<");
	assert_true(gn_xml_attr(&d.root, "w", &a));
	assert_int_equal(gn_xml_value_str(&a, buf, sizeof(buf)), GN_OK);
	assert_string_equal(buf, "a&b");
	done(&d);
}

/* ---- Genode's test runtimes ------------------------------------------------------------------------ */

static void genode_runtimes(void **state)
{
	char dir_path[PATH_MAX + 64 + 32];
	DIR *dir = open_genode_configs(dir_path, sizeof(dir_path));
	struct dirent *e;
	unsigned parsed = 0;

	(void)state;
	if (!dir) {
		print_message("../shared/genode-configs not found: skipping the Genode runtimes\n");
		skip();
	}
	while ((e = readdir(dir))) {
		char path[sizeof(dir_path) + 256];
		size_t len = strlen(e->d_name);
		struct doc d = {0};
		FILE *f;
		long size;
		gn_err_t err;

		if (len < 8 || strcmp(e->d_name + len - 8, ".runtime") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir_path, e->d_name);
		f = fopen(path, "rb");
		assert_non_null(f);
		assert_int_equal(fseek(f, 0, SEEK_END), 0);
		size = ftell(f);
		rewind(f);
		d.buf = malloc(size > 0 ? (size_t)size : 1);
		assert_non_null(d.buf);
		assert_int_equal(fread(d.buf, 1, (size_t)size, f), (size_t)size);
		fclose(f);
		err = gn_xml_parse(d.buf, (size_t)size, &d.root, &d.err);
		if (err)
			print_error("%s:%u:%u: %s\n", path, d.err.line, d.err.column, d.err.what);
		assert_int_equal(err, GN_OK);
		assert_true(gn_xml_has_type(&d.root, "runtime"));
		walk(&d.root, 1);
		parsed++;
		done(&d);
	}
	closedir(dir);
	print_message("parsed %u Genode runtimes\n", parsed);
	assert_true(parsed > 0);
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(minimal_document),
		cmocka_unit_test(every_feature),
		cmocka_unit_test(genode_init_config),
		cmocka_unit_test(iteration_by_type),
		cmocka_unit_test(attribute_iteration_and_positions),
		cmocka_unit_test(buffer_need_not_be_terminated),
		cmocka_unit_test(crlf_line_endings),
		cmocka_unit_test(invalid_node),
		cmocka_unit_test(malformed_documents),
		cmocka_unit_test(error_offset_and_optional_err),
		cmocka_unit_test(depth_limit),
		cmocka_unit_test(attribute_limit),
		cmocka_unit_test(size_limit),
		cmocka_unit_test(every_prefix),
		cmocka_unit_test(number_values),
		cmocka_unit_test(boolean_values),
		cmocka_unit_test(entity_decoding),
		cmocka_unit_test(genode_runtimes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
