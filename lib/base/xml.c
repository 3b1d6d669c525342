/*
 * Zero-copy XML parser.
 *
 * Untrusted components hand us configs and reports, so the parser is built around one rule: the
 * whole document is checked once, in gn_xml_parse(), and everything after that only re-reads bytes
 * the check has accepted. The check is a single forward pass without recursion: the open nodes
 * live in a fixed array bounded by the depth limit, the attribute names of the current tag in
 * another one bounded by the attribute limit, so the stack use is constant and known, whatever the
 * input. Every loop compares its cursor with an explicit end pointer; no byte past len is read and
 * NUL bytes are data (rejected inside the root node), never terminators.
 *
 * After the check a node is (base, len, avail): its bytes, and how far its siblings reach. The
 * accessors re-scan these bytes, counting nesting depth with an integer instead of a stack, which
 * is enough because the check has already matched every end tag to its start tag. The accessors
 * keep all their scans inside [base, base + avail) too, so even a node that did not come from a
 * checked document cannot make them read outside its bytes.
 *
 * This file holds the check (gn_xml_parse) and the character-level helpers both halves share
 * (xml_scan.h); xml_access.c holds the accessors. Nothing here allocates, writes to the document,
 * or keeps state between calls.
 */
#include <stdarg.h>

#include <gneiss/string.h>
#include <gneiss/xml.h>

#include "xml_scan.h"

/* ---- characters --------------------------------------------------------------------------------- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool gn_xmli_is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

static bool is_name_char(char c)
{
	return gn_xmli_is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

int gn_xmli_digit(char c, unsigned base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (base == 16 && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (base == 16 && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char const *gn_xmli_skip_space(char const *p, char const *end)
{
	while (p < end && is_space(*p))
		p++;
	return p;
}

char const *gn_xmli_skip_name(char const *p, char const *end)
{
	if (p < end && gn_xmli_is_name_start(*p))
		for (p++; p < end && is_name_char(*p); p++)
			;
	return p;
}

/* True when the bytes [p, end) start with the NUL-terminated lit. */
bool gn_xmli_starts(char const *p, char const *end, char const *lit)
{
	size_t n = gn_strlen(lit);

	return (size_t)(end - p) >= n && gn_memcmp(p, lit, n) == 0;
}

/* First occurrence of lit in [p, end), or NULL. */
char const *gn_xmli_find(char const *p, char const *end, char const *lit)
{
	for (; p < end; p++)
		if (*p == *lit && gn_xmli_starts(p, end, lit))
			return p;
	return NULL;
}

/* Moves a line/column position from `from` to `to`. */
void gn_xmli_advance(char const *from, char const *to, unsigned *line, unsigned *column)
{
	for (; from < to; from++) {
		if (*from == '\n') {
			(*line)++;
			*column = 1;
		} else {
			(*column)++;
		}
	}
}

/* ---- entities ----------------------------------------------------------------------------------- */

/* Length of the character reference at p ("&#65;", "&#x41;") and its ASCII character, or 0. */
static size_t char_ref(char const *p, char const *end, char *c)
{
	unsigned base = 10, value = 0;
	char const *q = p + 2, *digits;

	if (!gn_xmli_starts(p, end, "&#"))
		return 0;
	if (q < end && *q == 'x') {
		base = 16;
		q++;
	}
	for (digits = q; q < end && gn_xmli_digit(*q, base) >= 0; q++) {
		value = value * base + (unsigned)gn_xmli_digit(*q, base);
		if (value > 127)
			value = 128; /* saturate: anything above ASCII is refused anyway */
	}
	if (q == digits || q == end || *q != ';' || value == 0 || value > 127)
		return 0;
	*c = (char)value;
	return (size_t)(q + 1 - p);
}

/* Length of the entity reference at p and the character it stands for, or 0 for none we accept. */
static size_t entity(char const *p, char const *end, char *c)
{
	static struct {
		char const *ref;
		char c;
	} const named[] = {
		{"&lt;", '<'},
		{"&gt;", '>'},
		{"&amp;", '&'},
		{"&quot;", '"'},
		{"&apos;", '\''},
	};

	for (size_t i = 0; i < GN_ARRAY_SIZE(named); i++) {
		if (gn_xmli_starts(p, end, named[i].ref)) {
			*c = named[i].c;
			return gn_strlen(named[i].ref);
		}
	}
	return char_ref(p, end, c);
}

/* Decodes the character at p < end: an entity or the byte itself. Returns the bytes it takes. */
size_t gn_xmli_decode(char const *p, char const *end, char *c)
{
	size_t n = *p == '&' ? entity(p, end, c) : 0;

	if (n)
		return n;
	*c = *p;
	return 1;
}

void gn_xmli_sink_put(struct gn_xmli_sink *s, char c)
{
	if (s->used + 1 < s->size)
		s->buf[s->used++] = c;
	else
		s->truncated = true;
}

gn_err_t gn_xmli_sink_done(struct gn_xmli_sink *s)
{
	if (s->size)
		s->buf[s->used] = 0;
	return s->truncated ? GN_ERR_TRUNCATED : GN_OK;
}

void gn_xmli_decode_into(struct gn_xmli_sink *s, char const *p, char const *end)
{
	char c;

	while (p < end) {
		p += gn_xmli_decode(p, end, &c);
		gn_xmli_sink_put(s, c);
	}
}

/* ---- error messages ----------------------------------------------------------------------------- */

enum {
	NAME_SHOWN = 32
};

static void put_uint(struct gn_xmli_sink *s, unsigned long long v)
{
	char digits[20];
	unsigned n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		gn_xmli_sink_put(s, digits[--n]);
}

/*
 * Formats fmt into s: %s a C string, %N a name given as (char const *, size_t), shortened when
 * long, %u an unsigned.
 */
static void format(struct gn_xmli_sink *s, char const *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%' || !fmt[1]) {
			gn_xmli_sink_put(s, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == 's') {
			for (char const *str = va_arg(ap, char const *); *str; str++)
				gn_xmli_sink_put(s, *str);
		} else if (*fmt == 'N') {
			char const *name = va_arg(ap, char const *);
			size_t len = va_arg(ap, size_t);

			for (size_t i = 0; i < len && i < NAME_SHOWN; i++)
				gn_xmli_sink_put(s, name[i]);
			for (size_t i = 0; len > NAME_SHOWN && i < 3; i++)
				gn_xmli_sink_put(s, '.');
		} else if (*fmt == 'u') {
			put_uint(s, va_arg(ap, unsigned));
		}
	}
}

/* ---- the check ---------------------------------------------------------------------------------- */

struct parser {
	char const *buf, *end;
	unsigned max_depth, max_attrs;
	unsigned depth;
	char const *open[GN_XML_DEPTH_MAX]; /* '<' of each open start tag */
	struct {
		char const *name;
		size_t len;
	} attrs[GN_XML_ATTRS_MAX]; /* names of the current tag's attributes so far */
	char const *root, *root_end;
	gn_xml_error_t *err;
};

static gn_err_t fail(struct parser *ps, char const *at, gn_err_t code, char const *fmt, ...)
{
	va_list ap;
	struct gn_xmli_sink s;

	if (!ps->err)
		return code;
	ps->err->line = ps->err->column = 1;
	ps->err->offset = (size_t)(at - ps->buf);
	gn_xmli_advance(ps->buf, at, &ps->err->line, &ps->err->column);
	s = (struct gn_xmli_sink){ps->err->what, sizeof(ps->err->what), 0, false};
	va_start(ap, fmt);
	format(&s, fmt, ap);
	va_end(ap);
	(void)gn_xmli_sink_done(&s);
	return code;
}

/* Name of the open node at the given index, as the two arguments %N takes. */
#define OPEN_NAME(ps, i)   \
	(ps)->open[i] + 1, \
		(size_t)(gn_xmli_skip_name((ps)->open[i] + 1, (ps)->end) - (ps)->open[i] - 1)

static gn_err_t check_value(struct parser *ps, char const *name, size_t len, char const **pp)
{
	char const *open = *pp, *p = open + 1;
	char c;

	while (p < ps->end && *p != *open) {
		size_t n = *p == '&' ? entity(p, ps->end, &c) : 1;

		if (*p == '<')
			return fail(ps, p, GN_ERR_INVALID_ARG, "'<' in the value of attribute '%N'",
				name, len);
		if (*p == 0)
			return fail(ps, p, GN_ERR_INVALID_ARG,
				"NUL byte in the value of attribute '%N'", name, len);
		if (!n)
			return fail(ps, p, GN_ERR_INVALID_ARG,
				"invalid entity reference in attribute '%N'", name, len);
		p += n;
	}
	if (p == ps->end)
		return fail(ps, open, GN_ERR_INVALID_ARG, "unterminated value of attribute '%N'",
			name, len);
	*pp = p + 1;
	return GN_OK;
}

/* One attribute, the idx-th of the tag at lt, starting at *pp (a name start character). */
static gn_err_t check_attr(struct parser *ps, char const *lt, unsigned idx, char const **pp)
{
	char const *name = *pp, *p = gn_xmli_skip_name(name, ps->end);
	size_t len = (size_t)(p - name);

	if (idx >= ps->max_attrs)
		return fail(ps, name, GN_ERR_LIMIT, "<%N> has more than %u attributes", lt + 1,
			(size_t)(gn_xmli_skip_name(lt + 1, ps->end) - lt - 1), ps->max_attrs);
	for (unsigned i = 0; i < idx; i++)
		if (ps->attrs[i].len == len && gn_memcmp(ps->attrs[i].name, name, len) == 0)
			return fail(ps, name, GN_ERR_INVALID_ARG, "duplicate attribute '%N'", name,
				len);
	ps->attrs[idx].name = name;
	ps->attrs[idx].len = len;

	p = gn_xmli_skip_space(p, ps->end);
	if (p == ps->end || *p != '=')
		return fail(
			ps, p, GN_ERR_INVALID_ARG, "expected '=' after attribute '%N'", name, len);
	p = gn_xmli_skip_space(p + 1, ps->end);
	if (p == ps->end || (*p != '"' && *p != '\''))
		return fail(ps, p, GN_ERR_INVALID_ARG, "expected a quoted value for attribute '%N'",
			name, len);
	*pp = p;
	return check_value(ps, name, len, pp);
}

/* The attributes of the tag at lt, from *pp to its '>' or '/', where *pp is left. */
static gn_err_t check_attrs(struct parser *ps, char const *lt, char const **pp)
{
	char const *name = lt + 1;
	size_t len = (size_t)(gn_xmli_skip_name(name, ps->end) - name);
	char const *p = *pp;

	for (unsigned n = 0;; n++) {
		char const *q = gn_xmli_skip_space(p, ps->end);
		gn_err_t err;

		if (q < ps->end && (*q == '>' || *q == '/')) {
			*pp = q;
			return GN_OK;
		}
		if (q == ps->end || !gn_xmli_is_name_start(*q))
			return fail(
				ps, q, GN_ERR_INVALID_ARG, "expected '>' to close <%N>", name, len);
		if (q == p)
			return fail(ps, q, GN_ERR_INVALID_ARG,
				"expected whitespace before attribute in <%N>", name, len);
		err = check_attr(ps, lt, n, &q);
		if (err)
			return err;
		p = q;
	}
}

static gn_err_t check_start_tag(struct parser *ps, char const **pp)
{
	char const *lt = *pp, *name = lt + 1, *p = gn_xmli_skip_name(name, ps->end);
	size_t len = (size_t)(p - name);
	gn_err_t err;

	if (!len)
		return fail(ps, name, GN_ERR_INVALID_ARG, "expected a node name after '<'");
	if (ps->root_end)
		return fail(ps, lt, GN_ERR_INVALID_ARG,
			"second root node <%N>: a document has one root node", name, len);
	if (ps->depth >= ps->max_depth)
		return fail(ps, lt, GN_ERR_LIMIT, "<%N> nests deeper than %u levels", name, len,
			ps->max_depth);
	err = check_attrs(ps, lt, &p);
	if (err)
		return err;
	if (ps->depth == 0)
		ps->root = lt;
	if (*p == '>') {
		ps->open[ps->depth++] = lt;
		*pp = p + 1;
		return GN_OK;
	}
	if (p + 1 == ps->end || p[1] != '>')
		return fail(
			ps, p + 1, GN_ERR_INVALID_ARG, "expected '>' after '/' in <%N>", name, len);
	*pp = p + 2;
	if (ps->depth == 0)
		ps->root_end = *pp;
	return GN_OK;
}

static gn_err_t check_end_tag(struct parser *ps, char const **pp)
{
	char const *lt = *pp, *name = lt + 2, *p = gn_xmli_skip_name(name, ps->end);
	size_t len = (size_t)(p - name);
	char const *open;

	if (!len)
		return fail(ps, name, GN_ERR_INVALID_ARG, "expected a node name after '</'");
	if (ps->depth == 0)
		return fail(ps, lt, GN_ERR_INVALID_ARG, "closing tag </%N> without an open node",
			name, len);
	open = ps->open[ps->depth - 1] + 1;
	if ((size_t)(gn_xmli_skip_name(open, ps->end) - open) != len ||
		gn_memcmp(open, name, len) != 0)
		return fail(ps, lt, GN_ERR_INVALID_ARG, "closing tag </%N> does not match <%N>",
			name, len, OPEN_NAME(ps, ps->depth - 1));
	p = gn_xmli_skip_space(p, ps->end);
	if (p == ps->end || *p != '>')
		return fail(ps, p, GN_ERR_INVALID_ARG, "expected '>' to close </%N>", name, len);
	*pp = p + 1;
	if (--ps->depth == 0)
		ps->root_end = *pp;
	return GN_OK;
}

/* Skips a comment or CDATA section at *pp, which starts with open and ends with close. */
static gn_err_t check_section(
	struct parser *ps, char const **pp, char const *open, char const *close, char const *what)
{
	char const *start = *pp + gn_strlen(open), *found = gn_xmli_find(start, ps->end, close),
		   *nul;

	if (!found)
		return fail(ps, *pp, GN_ERR_INVALID_ARG, "unterminated %s", what);
	nul = gn_memchr(start, 0, (size_t)(found - start));
	if (nul)
		return fail(ps, nul, GN_ERR_INVALID_ARG, "NUL byte in %s", what);
	*pp = found + gn_strlen(close);
	return GN_OK;
}

static gn_err_t check_markup(struct parser *ps, char const **pp)
{
	char const *p = *pp;

	if (gn_xmli_starts(p, ps->end, "<!--"))
		return check_section(ps, pp, "<!--", "-->", "comment");
	if (gn_xmli_starts(p, ps->end, "<![CDATA[")) {
		if (ps->depth == 0)
			return fail(
				ps, p, GN_ERR_INVALID_ARG, "CDATA section outside the root node");
		return check_section(ps, pp, "<![CDATA[", "]]>", "CDATA section");
	}
	if (gn_xmli_starts(p, ps->end, "<!"))
		return fail(
			ps, p, GN_ERR_INVALID_ARG, "declarations like <!DOCTYPE are not supported");
	if (gn_xmli_starts(p, ps->end, "<?"))
		return fail(ps, p, GN_ERR_INVALID_ARG,
			"processing instructions other than a leading <?xml ...?> are not "
			"supported");
	if (gn_xmli_starts(p, ps->end, "</"))
		return check_end_tag(ps, pp);
	return check_start_tag(ps, pp);
}

/* One character of text at *pp (not '<'). */
static gn_err_t check_text(struct parser *ps, char const **pp)
{
	char const *p = *pp;
	char c;

	if (ps->depth > 0) {
		size_t n = *p == '&' ? entity(p, ps->end, &c) : 1;

		if (*p == 0)
			return fail(ps, p, GN_ERR_INVALID_ARG, "NUL byte in content");
		if (!n)
			return fail(ps, p, GN_ERR_INVALID_ARG, "invalid entity reference");
		*pp = p + n;
		return GN_OK;
	}
	if (is_space(*p)) {
		*pp = p + 1;
		return GN_OK;
	}
	if (*p == 0 && ps->root_end) {
		/* NUL padding, as in a ROM dataspace larger than its document, ends it */
		for (; p < ps->end; p++)
			if (*p)
				return fail(ps, p, GN_ERR_INVALID_ARG, "data after NUL padding");
		*pp = p;
		return GN_OK;
	}
	return fail(ps, p, GN_ERR_INVALID_ARG,
		ps->root_end ? "text after the root node" : "expected '<' to open the root node");
}

/* Skips a byte-order mark and an XML declaration at the start. */
static gn_err_t check_prolog(struct parser *ps, char const **pp)
{
	char const *p = ps->buf;

	if (gn_xmli_starts(p, ps->end, "\xef\xbb\xbf"))
		p += 3;
	if (gn_xmli_starts(p, ps->end, "<?xml") &&
		(p + 5 == ps->end || is_space(p[5]) || p[5] == '?')) {
		char const *close = gn_xmli_find(p + 5, ps->end, "?>");

		if (!close)
			return fail(ps, p, GN_ERR_INVALID_ARG, "unterminated XML declaration");
		if (gn_memchr(p, 0, (size_t)(close - p)))
			return fail(ps, gn_memchr(p, 0, (size_t)(close - p)), GN_ERR_INVALID_ARG,
				"NUL byte in the XML declaration");
		p = close + 2;
	}
	*pp = p;
	return GN_OK;
}

static gn_err_t check(struct parser *ps)
{
	char const *p = ps->buf;
	gn_err_t err = check_prolog(ps, &p);

	while (!err && p < ps->end)
		err = *p == '<' ? check_markup(ps, &p) : check_text(ps, &p);
	if (err)
		return err;
	if (ps->depth > 0)
		return fail(ps, ps->end, GN_ERR_INVALID_ARG, "expected </%N> before the end",
			OPEN_NAME(ps, ps->depth - 1));
	if (!ps->root)
		return fail(ps, ps->end, GN_ERR_INVALID_ARG, "expected a root node");
	return GN_OK;
}

static gn_xml_limits_t const default_limits = {
	GN_XML_DEPTH_MAX, GN_XML_ATTRS_MAX, GN_XML_SIZE_DEFAULT};

gn_err_t gn_xml_parse_limits(char const *buf, size_t len, gn_xml_limits_t const *limits,
	gn_xml_node_t *root, gn_xml_error_t *err)
{
	struct parser ps = {.buf = buf ? buf : "", .err = err};
	gn_err_t res;

	if (!limits)
		limits = &default_limits;
	*root = (gn_xml_node_t){0};
	if (err)
		*err = (gn_xml_error_t){0};
	if (!buf)
		len = 0;
	ps.end = ps.buf + len;
	ps.max_depth = limits->max_depth < GN_XML_DEPTH_MAX ? limits->max_depth : GN_XML_DEPTH_MAX;
	ps.max_attrs = limits->max_attrs < GN_XML_ATTRS_MAX ? limits->max_attrs : GN_XML_ATTRS_MAX;
	if (len > limits->max_size)
		return fail(&ps, ps.buf, GN_ERR_LIMIT, "document larger than the limit");

	res = check(&ps);
	if (res)
		return res;
	root->base = ps.root;
	root->len = root->avail = (size_t)(ps.root_end - ps.root);
	root->line = root->column = 1;
	gn_xmli_advance(ps.buf, ps.root, &root->line, &root->column);
	return GN_OK;
}

gn_err_t gn_xml_parse(char const *buf, size_t len, gn_xml_node_t *root, gn_xml_error_t *err)
{
	return gn_xml_parse_limits(buf, len, &default_limits, root, err);
}
