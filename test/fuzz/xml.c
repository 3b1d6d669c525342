/*
 * libFuzzer target for gn_xml and gn_xml_gen.
 *
 * Parses the input with the default and with small limits. A document that parses is walked with
 * every accessor (typed reads into small and large buffers), each node's raw bytes are parsed again
 * as a document of their own, and the tree is regenerated with the generator into a small and a
 * large buffer. The checks beyond "no crash": the answers of the accessors agree with each other,
 * a small buffer yields a prefix of what a large one does, a valid document fails under smaller
 * limits only with GN_ERR_LIMIT, and regenerating the regenerated document gives the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gneiss/xml.h>
#include <gneiss/xml_gen.h>

enum {
	INPUT_MAX = 128 * 1024, /* larger inputs are only parsed */
	SMALL = 7,
	OUT_MAX = 64 * INPUT_MAX, /* regeneration grows a document at most ~17-fold */
};

#define CHECK(cond) ((cond) ? (void)0 : abort())

static char scratch[INPUT_MAX + 1]; /* NUL-terminated copies of names and decoded values */
static char name_buf[INPUT_MAX + 1];
static char out1[OUT_MAX], out2[OUT_MAX], out_small[SMALL * 8];

/* Copies a view into a NUL-terminated string in buf. */
static char const *cstr(char *buf, char const *ptr, size_t len)
{
	memcpy(buf, ptr, len);
	buf[len] = 0;
	return buf;
}

/* small must be the prefix of big that a buffer of SMALL bytes holds, with the same verdict. */
static void check_prefix(gn_err_t small_err, char const *small, gn_err_t big_err, char const *big)
{
	size_t len = strlen(big);

	CHECK(big_err == GN_OK);
	CHECK(small_err == (len < SMALL ? GN_OK : GN_ERR_TRUNCATED));
	CHECK(strncmp(small, big, SMALL - 1) == 0);
	CHECK(strlen(small) == (len < SMALL ? len : SMALL - 1));
}

static void check_attr(gn_xml_node_t const *node, gn_xml_attr_t const *a)
{
	char small[SMALL];
	gn_xml_attr_t same;
	uint64_t v, w;
	bool b, c;
	unsigned line, column;
	gn_err_t err;
	char const *name = cstr(name_buf, a->name, a->name_len);

	check_prefix(gn_xml_value_str(a, small, sizeof(small)), small,
		gn_xml_value_str(a, scratch, sizeof(scratch)), scratch);
	CHECK(gn_xml_value_eq(a, scratch));
	CHECK(gn_xml_attr_eq(node, name, scratch));
	CHECK(gn_xml_attr(node, name, &same) && same.value == a->value);
	CHECK(gn_xml_attr_str(node, name, small, sizeof(small)) != GN_ERR_NOT_FOUND);

	err = gn_xml_value_u64(a, &v);
	CHECK(err == GN_OK || err == GN_ERR_INVALID_ARG || err == GN_ERR_LIMIT);
	CHECK(gn_xml_attr_u64(node, name, 5, &w) == err && w == (err ? 5 : v));
	err = gn_xml_value_bool(a, &b);
	CHECK(err == GN_OK || err == GN_ERR_INVALID_ARG);
	CHECK(gn_xml_attr_bool(node, name, true, &c) == err && c == (err ? true : b));

	gn_xml_attr_pos(node, a, &line, &column);
	CHECK(line >= gn_xml_line(node) && column >= 1);
}

static void check_node(gn_xml_node_t const *node)
{
	char small[SMALL];
	char const *raw, *content, *type;
	size_t raw_len, content_len, type_len, n = 0;
	gn_xml_node_t sub, first, doc;
	gn_xml_attr_t a;
	unsigned attrs = 0;

	CHECK(gn_xml_node_valid(node) && gn_xml_line(node) >= 1 && gn_xml_column(node) >= 1);
	gn_xml_raw(node, &raw, &raw_len);
	gn_xml_content(node, &content, &content_len);
	gn_xml_type(node, &type, &type_len);
	CHECK(raw[0] == '<' && raw[raw_len - 1] == '>' && type == raw + 1 && type_len > 0);
	CHECK(content >= raw && content + content_len <= raw + raw_len);
	CHECK(gn_xml_has_type(node, cstr(name_buf, type, type_len)));

	check_prefix(gn_xml_content_str(node, small, sizeof(small)), small,
		gn_xml_content_str(node, scratch, sizeof(scratch)), scratch);

	for (bool more = gn_xml_attr_first(node, &a); more; more = gn_xml_attr_next(node, &a)) {
		check_attr(node, &a);
		attrs++;
	}
	CHECK(attrs <= GN_XML_ATTRS_MAX);

	GN_XML_FOR_EACH_SUB(node, NULL, sub)
	n++;
	CHECK(gn_xml_num_sub(node) == n);
	if (gn_xml_first_sub(node, &first)) {
		gn_xml_type(&first, &type, &type_len);
		CHECK(gn_xml_first_sub_type(node, cstr(name_buf, type, type_len), &sub));
		CHECK(sub.base == first.base && sub.len == first.len);
	}

	/* a node's bytes are a document of their own */
	CHECK(gn_xml_parse(raw, raw_len, &doc, NULL) == GN_OK && doc.len == raw_len);
}

/* Writes node's start and its attributes and, when it is a leaf, its text. */
static void gen_open(gn_xml_gen_t *g, gn_xml_node_t const *node)
{
	char const *type;
	size_t len;
	gn_xml_attr_t a;
	gn_xml_node_t sub;

	gn_xml_type(node, &type, &len);
	gn_xml_gen_node_open(g, cstr(name_buf, type, len));
	for (bool more = gn_xml_attr_first(node, &a); more; more = gn_xml_attr_next(node, &a)) {
		CHECK(gn_xml_value_str(&a, scratch, sizeof(scratch)) == GN_OK);
		gn_xml_gen_attr(g, cstr(name_buf, a.name, a.name_len), scratch);
	}
	if (!gn_xml_first_sub(node, &sub)) {
		CHECK(gn_xml_content_str(node, scratch, sizeof(scratch)) == GN_OK);
		if (scratch[0])
			gn_xml_gen_content(g, scratch);
	}
}

/*
 * Walks the tree below root depth first without recursion, checking every node when check is
 * set, and regenerates it into the size bytes at out. Returns the generator's verdict.
 */
static gn_err_t regenerate(
	gn_xml_node_t const *root, bool check, char *out, size_t size, size_t *len)
{
	gn_xml_node_t stack[GN_XML_DEPTH_MAX], node = *root;
	unsigned depth = 0;
	gn_xml_gen_t g;

	gn_xml_gen_init(&g, out, size);
	for (;;) {
		gn_xml_node_t next;

		if (check)
			check_node(&node);
		gen_open(&g, &node);
		if (gn_xml_first_sub(&node, &next)) {
			CHECK(depth + 1 < GN_XML_DEPTH_MAX);
			stack[depth++] = node;
			node = next;
			continue;
		}
		for (;;) {
			gn_xml_gen_node_close(&g);
			if (depth == 0)
				return gn_xml_gen_finish(&g, len);
			if (gn_xml_next(&node, &next)) {
				node = next;
				break;
			}
			node = stack[--depth];
		}
	}
}

static void check_limits(uint8_t const *data, size_t size, gn_err_t full)
{
	gn_xml_limits_t const limits = {4, 2, size / 2};
	gn_xml_node_t root;
	gn_xml_error_t err;
	gn_err_t res = gn_xml_parse_limits((char const *)data, size, &limits, &root, &err);

	if (full == GN_OK)
		CHECK(res == GN_OK || res == GN_ERR_LIMIT);
	else
		CHECK(res != GN_OK);
	CHECK(res == GN_OK || (err.line >= 1 && err.offset <= size));
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size);

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
	gn_xml_node_t root, again;
	gn_xml_error_t err;
	size_t len1, len2, len_small;
	gn_err_t res = gn_xml_parse((char const *)data, size, &root, &err);

	check_limits(data, size, res);
	if (res) {
		CHECK(res == GN_ERR_INVALID_ARG || res == GN_ERR_LIMIT);
		CHECK(!gn_xml_node_valid(&root) && err.offset <= size && err.line >= 1);
		CHECK(err.column >= 1 && err.what[0] && strlen(err.what) < sizeof(err.what));
		return 0;
	}
	if (size > INPUT_MAX)
		return 0;

	CHECK(regenerate(&root, true, out1, sizeof(out1), &len1) == GN_OK);
	res = regenerate(&root, false, out_small, sizeof(out_small), &len_small);
	CHECK(res == (len1 < sizeof(out_small) ? GN_OK : GN_ERR_TRUNCATED));
	CHECK(res || memcmp(out_small, out1, len1 + 1) == 0);

	/* what the generator writes parses, and regenerates to the same bytes */
	CHECK(gn_xml_parse(out1, len1, &again, &err) == GN_OK);
	CHECK(regenerate(&again, true, out2, sizeof(out2), &len2) == GN_OK);
	CHECK(len1 == len2 && memcmp(out1, out2, len1) == 0);
	return 0;
}
