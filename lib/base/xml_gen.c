/*
 * XML generator.
 *
 * Invariants: without an error, buf[0, used) is a prefix of a well-formed document and used < size,
 * so the NUL always fits; open[0, depth) describes the nodes whose end tags are still to come, and
 * only the innermost one may have its start tag open (head_open) for more attributes. The first
 * error freezes the state: every later call returns at once, so a full buffer never produces a
 * document with a piece missing in the middle. The end tag's name is copied from the start tag
 * already in buf, so the caller's strings need to live only for the duration of each call.
 */
#include <gneiss/string.h>
#include <gneiss/xml_gen.h>

static bool is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static bool is_name(char const *s)
{
	if (!s || !is_name_start(*s))
		return false;
	while (*++s)
		if (!is_name_char(*s))
			return false;
	return true;
}

static size_t name_len(char const *s, char const *end)
{
	size_t n = 0;

	while (s + n < end && is_name_char(s[n]))
		n++;
	return n;
}

/* Records err unless an earlier error is already recorded. */
static void fail(gn_xml_gen_t *g, gn_err_t err)
{
	if (!g->err)
		g->err = err;
}

static void put(gn_xml_gen_t *g, char const *s, size_t n)
{
	if (g->err)
		return;
	if (n >= g->size - g->used) {
		fail(g, GN_ERR_TRUNCATED);
		return;
	}
	gn_memcpy(g->buf + g->used, s, n);
	g->used += n;
}

static void put_str(gn_xml_gen_t *g, char const *s)
{
	put(g, s, gn_strlen(s));
}

static void put_tabs(gn_xml_gen_t *g, unsigned n)
{
	while (n--)
		put(g, "\t", 1);
}

/* Appends text, replacing & < > (and in attribute values " ') by entities. */
static void put_escaped(gn_xml_gen_t *g, char const *text, bool in_attr)
{
	for (; *text && !g->err; text++) {
		switch (*text) {
		case '&': put_str(g, "&amp;"); break;
		case '<': put_str(g, "&lt;"); break;
		case '>': put_str(g, "&gt;"); break;
		case '"': put_str(g, in_attr ? "&quot;" : "\""); break;
		case '\'': put_str(g, in_attr ? "&apos;" : "'"); break;
		default: put(g, text, 1); break;
		}
	}
}

/* Ends the start tag of the innermost node, so content or sub-nodes can follow. */
static void close_head(gn_xml_gen_t *g)
{
	if (g->open[g->depth - 1].head_open) {
		put(g, ">", 1);
		g->open[g->depth - 1].head_open = false;
	}
}

/* True when the start tag of the innermost node has an attribute called name. */
static bool has_attr(gn_xml_gen_t const *g, char const *name)
{
	char const *end = g->buf + g->used;
	char const *p = g->buf + g->open[g->depth - 1].lt + 1;

	/* the tag is `<type` followed by ` name="value"` pairs whose values hold no '"' */
	p += name_len(p, end);
	while (p < end && *p == ' ') {
		size_t len = name_len(++p, end);

		if (gn_str_eq_n(p, len, name))
			return true;
		p += len + 2;
		while (p < end && *p != '"')
			p++;
		p++;
	}
	return false;
}

void gn_xml_gen_init(gn_xml_gen_t *g, char *buf, size_t size)
{
	gn_memset(g, 0, sizeof(*g));
	g->buf = buf;
	g->size = buf ? size : 0;
}

void gn_xml_gen_node_open(gn_xml_gen_t *g, char const *type)
{
	if (g->err)
		return;
	if (!is_name(type) || g->done) {
		fail(g, GN_ERR_INVALID_ARG);
		return;
	}
	if (g->depth >= GN_XML_GEN_DEPTH_MAX) {
		fail(g, GN_ERR_LIMIT);
		return;
	}
	if (g->depth > 0) {
		close_head(g);
		g->open[g->depth - 1].has_sub = true;
		put(g, "\n", 1);
		put_tabs(g, g->depth);
	}
	g->open[g->depth].lt = g->used;
	g->open[g->depth].attrs = 0;
	g->open[g->depth].head_open = true;
	g->open[g->depth].has_sub = false;
	g->depth++;
	put(g, "<", 1);
	put_str(g, type);
}

void gn_xml_gen_attr(gn_xml_gen_t *g, char const *name, char const *value)
{
	if (g->err)
		return;
	if (g->depth == 0 || !g->open[g->depth - 1].head_open || !is_name(name) || !value) {
		fail(g, GN_ERR_INVALID_ARG);
		return;
	}
	if (has_attr(g, name)) {
		fail(g, GN_ERR_EXISTS);
		return;
	}
	if (g->open[g->depth - 1].attrs >= GN_XML_ATTRS_MAX) {
		fail(g, GN_ERR_LIMIT);
		return;
	}
	g->open[g->depth - 1].attrs++;
	put(g, " ", 1);
	put_str(g, name);
	put(g, "=\"", 2);
	put_escaped(g, value, true);
	put(g, "\"", 1);
}

void gn_xml_gen_attr_u64(gn_xml_gen_t *g, char const *name, uint64_t value)
{
	char digits[21];
	size_t n = sizeof(digits) - 1;

	digits[n] = 0;
	do {
		digits[--n] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	gn_xml_gen_attr(g, name, digits + n);
}

void gn_xml_gen_attr_bool(gn_xml_gen_t *g, char const *name, bool value)
{
	gn_xml_gen_attr(g, name, value ? "true" : "false");
}

void gn_xml_gen_content(gn_xml_gen_t *g, char const *text)
{
	if (g->err)
		return;
	if (g->depth == 0 || !text) {
		fail(g, GN_ERR_INVALID_ARG);
		return;
	}
	close_head(g);
	put_escaped(g, text, false);
}

void gn_xml_gen_raw(gn_xml_gen_t *g, char const *text, size_t len)
{
	if (g->err)
		return;
	if (g->depth == 0 || (!text && len)) {
		fail(g, GN_ERR_INVALID_ARG);
		return;
	}
	close_head(g);
	if (len)
		put(g, text, len);
}

void gn_xml_gen_node_close(gn_xml_gen_t *g)
{
	size_t lt;

	if (g->err)
		return;
	if (g->depth == 0) {
		fail(g, GN_ERR_INVALID_ARG);
		return;
	}
	lt = g->open[g->depth - 1].lt;
	if (g->open[g->depth - 1].head_open) {
		put(g, "/>", 2);
	} else {
		char const *type = g->buf + lt + 1;

		if (g->open[g->depth - 1].has_sub) {
			put(g, "\n", 1);
			put_tabs(g, g->depth - 1);
		}
		put(g, "</", 2);
		put(g, type, name_len(type, g->buf + g->used));
		put(g, ">", 1);
	}
	if (--g->depth == 0) {
		g->done = true;
		put(g, "\n", 1);
	}
}

gn_err_t gn_xml_gen_error(gn_xml_gen_t const *g)
{
	return g->err;
}

gn_err_t gn_xml_gen_finish(gn_xml_gen_t *g, size_t *len)
{
	if (!g->done || g->depth)
		fail(g, GN_ERR_INVALID_ARG);
	*len = 0;
	if (g->err) {
		if (g->size)
			g->buf[0] = 0;
		return g->err;
	}
	g->buf[g->used] = 0;
	*len = g->used;
	return GN_OK;
}
