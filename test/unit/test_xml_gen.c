/*
 * gn_xml_gen: exact output for nested documents, escaping, every buffer size up to an exact fit,
 * each kind of misuse as a sticky error, and round trips through gn_xml_parse().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gneiss/xml.h>
#include <gneiss/xml_gen.h>

/* Writes the document the first tests expect into g. */
static void gen_config(gn_xml_gen_t *g)
{
	gn_xml_gen_node_open(g, "config");
	gn_xml_gen_attr_bool(g, "verbose", false);
	gn_xml_gen_node_open(g, "start");
	gn_xml_gen_attr(g, "name", "timer");
	gn_xml_gen_attr_u64(g, "caps", 100);
	gn_xml_gen_node_open(g, "resource");
	gn_xml_gen_attr(g, "name", "RAM");
	gn_xml_gen_attr(g, "quantum", "1M");
	gn_xml_gen_node_close(g);
	gn_xml_gen_node_close(g);
	gn_xml_gen_node_open(g, "inline");
	gn_xml_gen_content(g, "a < b & c > d \"q\" 'a'");
	gn_xml_gen_node_close(g);
	gn_xml_gen_node_open(g, "empty");
	gn_xml_gen_node_close(g);
	gn_xml_gen_node_close(g);
}

static char const config_text[] = "<config verbose=\"false\">\n"
				  "\t<start name=\"timer\" caps=\"100\">\n"
				  "\t\t<resource name=\"RAM\" quantum=\"1M\"/>\n"
				  "\t</start>\n"
				  "\t<inline>a &lt; b &amp; c &gt; d \"q\" 'a'</inline>\n"
				  "\t<empty/>\n"
				  "</config>\n";

static void nested_document(void **state)
{
	char buf[512];
	gn_xml_gen_t g;
	size_t len = 1234;

	(void)state;
	gn_xml_gen_init(&g, buf, sizeof(buf));
	gen_config(&g);
	assert_int_equal(gn_xml_gen_error(&g), GN_OK);
	assert_int_equal(gn_xml_gen_finish(&g, &len), GN_OK);
	assert_string_equal(buf, config_text);
	assert_int_equal(len, strlen(config_text));
}

static void smallest_documents(void **state)
{
	char buf[64];
	gn_xml_gen_t g;
	size_t len;

	(void)state;
	gn_xml_gen_init(&g, buf, sizeof(buf));
	gn_xml_gen_node_open(&g, "a");
	gn_xml_gen_node_close(&g);
	assert_int_equal(gn_xml_gen_finish(&g, &len), GN_OK);
	assert_string_equal(buf, "<a/>\n");

	gn_xml_gen_init(&g, buf, sizeof(buf));
	gn_xml_gen_node_open(&g, "a");
	gn_xml_gen_content(&g, "");
	gn_xml_gen_node_close(&g);
	assert_int_equal(gn_xml_gen_finish(&g, &len), GN_OK);
	assert_string_equal(buf, "<a></a>\n");
	assert_int_equal(len, 8);
}

static void escaping(void **state)
{
	char buf[256];
	gn_xml_gen_t g;
	size_t len;

	(void)state;
	gn_xml_gen_init(&g, buf, sizeof(buf));
	gn_xml_gen_node_open(&g, "a");
	gn_xml_gen_attr(&g, "v", "&<>\"'x\ty");
	gn_xml_gen_attr(&g, "e", "");
	gn_xml_gen_attr_u64(&g, "zero", 0);
	gn_xml_gen_attr_u64(&g, "max", UINT64_MAX);
	gn_xml_gen_attr_bool(&g, "t", true);
	gn_xml_gen_content(&g, "&<>\"'");
	gn_xml_gen_content(&g, " more");
	gn_xml_gen_node_close(&g);
	assert_int_equal(gn_xml_gen_finish(&g, &len), GN_OK);
	assert_string_equal(buf,
		"<a v=\"&amp;&lt;&gt;&quot;&apos;x\ty\" e=\"\" zero=\"0\" "
		"max=\"18446744073709551615\" t=\"true\">&amp;&lt;&gt;\"' more</a>\n");
}

static void raw_and_mixed_content(void **state)
{
	char const src[] = "<x><config a=\"&amp;\">\n\t<sub/>\n</config></x>";
	char buf[256];
	gn_xml_gen_t g;
	gn_xml_node_t root, config;
	char const *ptr;
	size_t len;

	(void)state;
	assert_int_equal(gn_xml_parse(src, sizeof(src) - 1, &root, NULL), GN_OK);
	assert_true(gn_xml_first_sub(&root, &config));
	gn_xml_raw(&config, &ptr, &len);

	gn_xml_gen_init(&g, buf, sizeof(buf));
	gn_xml_gen_node_open(&g, "start");
	gn_xml_gen_node_open(&g, "binary");
	gn_xml_gen_node_close(&g);
	gn_xml_gen_content(&g, "text after a sub-node");
	gn_xml_gen_raw(&g, ptr, len);
	gn_xml_gen_raw(&g, NULL, 0);
	gn_xml_gen_node_close(&g);
	assert_int_equal(gn_xml_gen_finish(&g, &len), GN_OK);
	assert_string_equal(buf, "<start>\n"
				 "\t<binary/>text after a sub-node<config a=\"&amp;\">\n"
				 "\t<sub/>\n"
				 "</config>\n"
				 "</start>\n");
	assert_int_equal(gn_xml_parse(buf, len, &root, NULL), GN_OK);
	assert_int_equal(gn_xml_num_sub(&root), 2);
}

/* Every buffer size from 0 to one past the fit: only sizes >= length + 1 (the NUL) succeed. */
static void buffer_sizes(void **state)
{
	size_t want = strlen(config_text);

	(void)state;
	for (size_t size = 0; size <= want + 1; size++) {
		char *buf = malloc(size ? size : 1); /* exact: ASan sees any write past it */
		gn_xml_gen_t g;
		size_t len = 99;
		gn_err_t err;

		assert_non_null(buf);
		memset(buf, 'x', size);
		gn_xml_gen_init(&g, size ? buf : NULL, size);
		gen_config(&g);
		err = gn_xml_gen_finish(&g, &len);
		if (size == want + 1) {
			assert_int_equal(err, GN_OK);
			assert_int_equal(len, want);
			assert_string_equal(buf, config_text);
		} else {
			assert_int_equal(err, GN_ERR_TRUNCATED);
			assert_int_equal(len, 0);
			if (size)
				assert_int_equal(buf[0], 0);
		}
		free(buf);
	}
}

/* Expects a misuse: err from the last call and from finish, with later calls changing nothing. */
static void assert_sticky(gn_xml_gen_t *g, gn_err_t err)
{
	size_t used = g->used, len = 5;

	assert_int_equal(gn_xml_gen_error(g), err);
	gn_xml_gen_node_open(g, "later");
	gn_xml_gen_attr(g, "later", "x");
	gn_xml_gen_content(g, "later");
	gn_xml_gen_raw(g, "later", 5);
	gn_xml_gen_node_close(g);
	gn_xml_gen_node_close(g);
	assert_int_equal(g->used, used);
	assert_int_equal(gn_xml_gen_finish(g, &len), err);
	assert_int_equal(len, 0);
	assert_int_equal(g->buf[0], 0);
}

static void misuse(void **state)
{
	char buf[256];
	gn_xml_gen_t g;
	size_t len;

	(void)state;
	/* attribute after content, after a sub-node, without a node, with bad names or values */
	gn_xml_gen_init(&g, buf, sizeof(buf));
	gn_xml_gen_node_open(&g, "a");
	gn_xml_gen_content(&g, "x");
	gn_xml_gen_attr(&g, "n", "v");
	assert_sticky(&g, GN_ERR_INVALID_ARG);

	gn_xml_gen_init(&g, buf, sizeof(buf));
	gn_xml_gen_node_open(&g, "a");
	gn_xml_gen_node_open(&g, "b");
	gn_xml_gen_node_close(&g);
	gn_xml_gen_attr(&g, "n", "v");
	assert_sticky(&g, GN_ERR_INVALID_ARG);

	gn_xml_gen_init(&g, buf, sizeof(buf));
	gn_xml_gen_attr(&g, "n", "v");
	assert_sticky(&g, GN_ERR_INVALID_ARG);

	static char const *const bad_names[] = {"", "1a", "a b", "a>", "-a", "a\"", NULL};

	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		gn_xml_gen_init(&g, buf, sizeof(buf));
		gn_xml_gen_node_open(&g, bad_names[i]);
		assert_sticky(&g, GN_ERR_INVALID_ARG);
		gn_xml_gen_init(&g, buf, sizeof(buf));
		gn_xml_gen_node_open(&g, "a");
		gn_xml_gen_attr(&g, bad_names[i], "v");
		assert_sticky(&g, GN_ERR_INVALID_ARG);
	}
	gn_xml_gen_init(&g, buf, sizeof(buf));
	gn_xml_gen_node_open(&g, "a");
	gn_xml_gen_attr(&g, "n", NULL);
	assert_sticky(&g, GN_ERR_INVALID_ARG);

	/* content or raw outside a node */
	gn_xml_gen_init(&g, buf, sizeof(buf));
	gn_xml_gen_content(&g, "x");
	assert_sticky(&g, GN_ERR_INVALID_ARG);
	gn_xml_gen_init(&g, buf, sizeof(buf));
	gn_xml_gen_raw(&g, "<a/>", 4);
	assert_sticky(&g, GN_ERR_INVALID_ARG);
	gn_xml_gen_init(&g, buf, sizeof(buf));
	gn_xml_gen_node_open(&g, "a");
	gn_xml_gen_content(&g, NULL);
	assert_sticky(&g, GN_ERR_INVALID_ARG);
	gn_xml_gen_init(&g, buf, sizeof(buf));
	gn_xml_gen_node_open(&g, "a");
	gn_xml_gen_raw(&g, NULL, 1);
	assert_sticky(&g, GN_ERR_INVALID_ARG);

	/* close without open, a second root, unbalanced or empty finish */
	gn_xml_gen_init(&g, buf, sizeof(buf));
	gn_xml_gen_node_close(&g);
	assert_sticky(&g, GN_ERR_INVALID_ARG);
	gn_xml_gen_init(&g, buf, sizeof(buf));
	gn_xml_gen_node_open(&g, "a");
	gn_xml_gen_node_close(&g);
	gn_xml_gen_node_close(&g);
	assert_sticky(&g, GN_ERR_INVALID_ARG);
	gn_xml_gen_init(&g, buf, sizeof(buf));
	gn_xml_gen_node_open(&g, "a");
	gn_xml_gen_node_close(&g);
	gn_xml_gen_node_open(&g, "b");
	assert_sticky(&g, GN_ERR_INVALID_ARG);
	gn_xml_gen_init(&g, buf, sizeof(buf));
	gn_xml_gen_node_open(&g, "a");
	gn_xml_gen_node_open(&g, "b");
	gn_xml_gen_node_close(&g);
	assert_int_equal(gn_xml_gen_error(&g), GN_OK);
	assert_int_equal(gn_xml_gen_finish(&g, &len), GN_ERR_INVALID_ARG);
	assert_string_equal(buf, "");
	gn_xml_gen_init(&g, buf, sizeof(buf));
	assert_int_equal(gn_xml_gen_finish(&g, &len), GN_ERR_INVALID_ARG);
	assert_int_equal(len, 0);
}

static void duplicates_and_limits(void **state)
{
	static char buf[16384];
	gn_xml_gen_t g;
	size_t len;
	char name[8];

	(void)state;
	/* a duplicate, also when an earlier value contains the name */
	gn_xml_gen_init(&g, buf, sizeof(buf));
	gn_xml_gen_node_open(&g, "a");
	gn_xml_gen_attr(&g, "x", " y=\"1\" ");
	gn_xml_gen_attr(&g, "xy", "2");
	gn_xml_gen_attr(&g, "y", "3");
	gn_xml_gen_attr(&g, "x-", "4");
	assert_int_equal(gn_xml_gen_error(&g), GN_OK);
	gn_xml_gen_attr(&g, "xy", "5");
	assert_sticky(&g, GN_ERR_EXISTS);

	/* as many attributes as the parser takes, one more is a limit error */
	gn_xml_gen_init(&g, buf, sizeof(buf));
	gn_xml_gen_node_open(&g, "a");
	for (unsigned i = 0; i < GN_XML_ATTRS_MAX; i++) {
		snprintf(name, sizeof(name), "a%u", i);
		gn_xml_gen_attr_u64(&g, name, i);
	}
	assert_int_equal(gn_xml_gen_error(&g), GN_OK);
	gn_xml_gen_attr(&g, "one_more", "x");
	assert_sticky(&g, GN_ERR_LIMIT);

	/* as deep as the parser takes, one more level is a limit error */
	gn_xml_gen_init(&g, buf, sizeof(buf));
	for (unsigned i = 0; i < GN_XML_GEN_DEPTH_MAX; i++)
		gn_xml_gen_node_open(&g, "d");
	for (unsigned i = 0; i < GN_XML_GEN_DEPTH_MAX; i++)
		gn_xml_gen_node_close(&g);
	assert_int_equal(gn_xml_gen_finish(&g, &len), GN_OK);
	gn_xml_gen_init(&g, buf, sizeof(buf));
	for (unsigned i = 0; i <= GN_XML_GEN_DEPTH_MAX; i++)
		gn_xml_gen_node_open(&g, "d");
	assert_sticky(&g, GN_ERR_LIMIT);
}

/* Generated documents parse, and read back the values written. */
static void round_trip(void **state)
{
	static char buf[16384];
	static char const text[] = "line 1\n\t<&>\"' ]]> &amp; \x7f\xc3\xa4";
	gn_xml_gen_t g;
	gn_xml_node_t root, n;
	gn_xml_error_t err;
	size_t len;
	uint64_t v;
	bool b;
	char str[64];
	unsigned i = 0;

	(void)state;
	gn_xml_gen_init(&g, buf, sizeof(buf));
	gn_xml_gen_node_open(&g, "state");
	gn_xml_gen_attr(&g, "label", text);
	for (uint64_t x = 1; x; x <<= 7) {
		gn_xml_gen_node_open(&g, "child");
		gn_xml_gen_attr_u64(&g, "ram", x - 1);
		gn_xml_gen_attr_bool(&g, "odd", x & 1);
		gn_xml_gen_content(&g, text);
		gn_xml_gen_node_close(&g);
	}
	gn_xml_gen_node_close(&g);
	assert_int_equal(gn_xml_gen_finish(&g, &len), GN_OK);

	assert_int_equal(gn_xml_parse(buf, len, &root, &err), GN_OK);
	assert_true(gn_xml_has_type(&root, "state"));
	assert_true(gn_xml_attr_eq(&root, "label", text));
	assert_int_equal(gn_xml_attr_str(&root, "label", str, sizeof(str)), GN_OK);
	assert_string_equal(str, text);
	GN_XML_FOR_EACH_SUB(&root, "child", n)
	{
		uint64_t x = (uint64_t)1 << (7 * i);

		assert_int_equal(gn_xml_attr_u64(&n, "ram", 0, &v), GN_OK);
		assert_true(v == x - 1);
		assert_int_equal(gn_xml_attr_bool(&n, "odd", !(x & 1), &b), GN_OK);
		assert_int_equal(b, x & 1);
		assert_int_equal(gn_xml_content_str(&n, str, sizeof(str)), GN_OK);
		assert_string_equal(str, text);
		assert_int_equal(gn_xml_line(&n), 3 + 2 * i); /* text holds a newline */
		assert_int_equal(gn_xml_column(&n), 2);
		i++;
	}
	assert_int_equal(i, 10);
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(nested_document),
		cmocka_unit_test(smallest_documents),
		cmocka_unit_test(escaping),
		cmocka_unit_test(raw_and_mixed_content),
		cmocka_unit_test(buffer_sizes),
		cmocka_unit_test(misuse),
		cmocka_unit_test(duplicates_and_limits),
		cmocka_unit_test(round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
