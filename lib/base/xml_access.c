/*
 * The XML accessors (gneiss/xml.h): nodes, navigation, attributes and values, over bytes that
 * gn_xml_parse() (xml.c) has checked. They re-scan these bytes, counting nesting depth with an
 * integer, and keep every scan inside [base, base + avail) of the node they are given.
 */
#include <gneiss/string.h>
#include <gneiss/xml.h>

#include "xml_scan.h"

/* ---- scanning checked bytes --------------------------------------------------------------------- */

/* Past the '>' of the tag at p, stepping over quoted values; end when there is none. */
static char const *tag_end(char const *p, char const *end)
{
	char quote = 0;

	for (; p < end; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '>') {
			return p + 1;
		}
	}
	return end;
}

/* Past the markup at p ('<'); *delta is 1 for a start tag, -1 for an end tag, else 0. */
static char const *skip_markup(char const *p, char const *end, int *delta)
{
	static char const *const sections[][2] = {
		{"<!--", "-->"},
		{"<![CDATA[", "]]>"},
		{"<?", "?>"},
	};
	char const *q;

	*delta = 0;
	for (size_t i = 0; i < GN_ARRAY_SIZE(sections); i++) {
		if (gn_xmli_starts(p, end, sections[i][0])) {
			q = gn_xmli_find(p + gn_strlen(sections[i][0]), end, sections[i][1]);
			return q ? q + gn_strlen(sections[i][1]) : end;
		}
	}
	q = tag_end(p, end);
	if (p + 1 < end && p[1] == '/')
		*delta = -1;
	else if (!(q - p >= 3 && q[-1] == '>' && q[-2] == '/'))
		*delta = 1;
	return q;
}

/* Past the end of the element whose start tag is at p. */
static char const *element_end(char const *p, char const *end)
{
	size_t depth = 0;

	do {
		int delta;

		while (p < end && *p != '<')
			p++;
		if (p == end)
			return end;
		p = skip_markup(p, end, &delta);
		if (delta < 0 && depth == 0)
			return p;
		depth = delta < 0 ? depth - 1 : depth + (size_t)delta;
	} while (depth > 0);
	return p;
}

static bool valid(gn_xml_node_t const *node)
{
	return node && node->base && node->len >= 4 && node->avail >= node->len;
}

/* The content of a valid node: [*start, *stop). */
static void content_range(gn_xml_node_t const *node, char const **start, char const **stop)
{
	char const *end = node->base + node->len;
	char const *head = tag_end(node->base, end), *q = end;

	*start = *stop = head;
	if (head[-2] == '/')
		return;
	while (q > head && q[-1] != '<')
		q--;
	if (q > head)
		*stop = q - 1;
}

static bool type_is(char const *lt, char const *end, char const *type)
{
	char const *name = lt + 1;

	return !type || gn_str_eq_n(name, (size_t)(gn_xmli_skip_name(name, end) - name), type);
}

/* The first node of the given type in [p, stop), positioned relative to the node ref. */
static bool find_node(char const *p, char const *stop, char const *type, gn_xml_node_t const *ref,
	gn_xml_node_t *out)
{
	char const *from = ref->base;
	unsigned line = ref->line, column = ref->column;

	while (p < stop) {
		int delta;

		if (*p != '<') {
			p++;
			continue;
		}
		if (p + 1 < stop && gn_xmli_is_name_start(p[1])) {
			char const *e = element_end(p, stop);

			if (type_is(p, e, type)) {
				gn_xmli_advance(from, p, &line, &column);
				*out = (gn_xml_node_t){
					p, (size_t)(e - p), (size_t)(stop - p), line, column};
				return true;
			}
			p = e;
			continue;
		}
		if (p + 1 < stop && p[1] == '/')
			break;
		p = skip_markup(p, stop, &delta);
	}
	*out = (gn_xml_node_t){0};
	return false;
}

/* ---- nodes -------------------------------------------------------------------------------------- */

bool gn_xml_node_valid(gn_xml_node_t const *node)
{
	return valid(node);
}

void gn_xml_type(gn_xml_node_t const *node, char const **type, size_t *len)
{
	*type = "";
	*len = 0;
	if (!valid(node))
		return;
	*type = node->base + 1;
	*len = (size_t)(gn_xmli_skip_name(*type, node->base + node->len) - *type);
}

bool gn_xml_has_type(gn_xml_node_t const *node, char const *type)
{
	return valid(node) && type && type_is(node->base, node->base + node->len, type);
}

unsigned gn_xml_line(gn_xml_node_t const *node)
{
	return valid(node) ? node->line : 0;
}

unsigned gn_xml_column(gn_xml_node_t const *node)
{
	return valid(node) ? node->column : 0;
}

void gn_xml_raw(gn_xml_node_t const *node, char const **ptr, size_t *len)
{
	*ptr = valid(node) ? node->base : "";
	*len = valid(node) ? node->len : 0;
}

void gn_xml_content(gn_xml_node_t const *node, char const **ptr, size_t *len)
{
	char const *start, *stop;

	*ptr = "";
	*len = 0;
	if (!valid(node))
		return;
	content_range(node, &start, &stop);
	*ptr = start;
	*len = (size_t)(stop - start);
}

gn_err_t gn_xml_content_str(gn_xml_node_t const *node, char *buf, size_t size)
{
	struct gn_xmli_sink s = {buf, size, 0, false};
	char const *p, *stop;
	int delta;

	if (valid(node))
		content_range(node, &p, &stop);
	else
		p = stop = "";
	while (p < stop) {
		if (*p != '<') {
			char c;

			p += gn_xmli_decode(p, stop, &c);
			gn_xmli_sink_put(&s, c);
		} else if (gn_xmli_starts(p, stop, "<![CDATA[")) {
			char const *close = gn_xmli_find(p + 9, stop, "]]>");

			for (p += 9; p < stop && p != close; p++)
				gn_xmli_sink_put(&s, *p);
			p = close ? close + 3 : stop;
		} else if (p + 1 < stop && gn_xmli_is_name_start(p[1])) {
			p = element_end(p, stop);
		} else {
			p = skip_markup(p, stop, &delta);
		}
	}
	return gn_xmli_sink_done(&s);
}

/* ---- navigation --------------------------------------------------------------------------------- */

bool gn_xml_first_sub_type(gn_xml_node_t const *node, char const *type, gn_xml_node_t *sub)
{
	char const *start, *stop;

	if (!valid(node)) {
		*sub = (gn_xml_node_t){0};
		return false;
	}
	content_range(node, &start, &stop);
	return find_node(start, stop, type, node, sub);
}

bool gn_xml_next_type(gn_xml_node_t const *node, char const *type, gn_xml_node_t *next)
{
	if (!valid(node)) {
		*next = (gn_xml_node_t){0};
		return false;
	}
	return find_node(node->base + node->len, node->base + node->avail, type, node, next);
}

bool gn_xml_first_sub(gn_xml_node_t const *node, gn_xml_node_t *sub)
{
	return gn_xml_first_sub_type(node, NULL, sub);
}

bool gn_xml_next(gn_xml_node_t const *node, gn_xml_node_t *next)
{
	return gn_xml_next_type(node, NULL, next);
}

bool gn_xml_has_sub(gn_xml_node_t const *node, char const *type)
{
	gn_xml_node_t sub;

	return gn_xml_first_sub_type(node, type, &sub);
}

size_t gn_xml_num_sub(gn_xml_node_t const *node)
{
	gn_xml_node_t sub;
	size_t n = 0;

	GN_XML_FOR_EACH_SUB(node, NULL, sub)
	n++;
	return n;
}

/* ---- attributes --------------------------------------------------------------------------------- */

/* Reads the attribute at or after p (after whitespace) in a start tag ending before stop. */
static bool read_attr(char const *p, char const *stop, gn_xml_attr_t *attr)
{
	char quote;

	*attr = (gn_xml_attr_t){0};
	p = gn_xmli_skip_space(p, stop);
	if (p == stop || !gn_xmli_is_name_start(*p))
		return false;
	attr->name = p;
	p = gn_xmli_skip_name(p, stop);
	attr->name_len = (size_t)(p - attr->name);
	p = gn_xmli_skip_space(p, stop);
	if (p == stop || *p != '=')
		return false;
	p = gn_xmli_skip_space(p + 1, stop);
	if (p == stop || (*p != '"' && *p != '\''))
		return false;
	quote = *p++;
	attr->value = p;
	while (p < stop && *p != quote)
		p++;
	attr->value_len = (size_t)(p - attr->value);
	if (p == stop)
		*attr = (gn_xml_attr_t){0};
	return p < stop;
}

/* True when attr lies within the start tag of node, which ends at *head_end. */
static bool attr_of(gn_xml_node_t const *node, gn_xml_attr_t const *attr, char const **head_end)
{
	uintptr_t base, head, name, value;

	if (!valid(node) || !attr->name || !attr->value)
		return false;
	*head_end = tag_end(node->base, node->base + node->len);
	base = (uintptr_t)node->base;
	head = (uintptr_t)*head_end;
	name = (uintptr_t)attr->name;
	value = (uintptr_t)attr->value;
	return name > base && name < head && value > name && value < head &&
	       attr->value_len < head - value;
}

bool gn_xml_attr_first(gn_xml_node_t const *node, gn_xml_attr_t *attr)
{
	char const *head;

	if (!valid(node)) {
		*attr = (gn_xml_attr_t){0};
		return false;
	}
	head = tag_end(node->base, node->base + node->len);
	return read_attr(gn_xmli_skip_name(node->base + 1, head), head, attr);
}

bool gn_xml_attr_next(gn_xml_node_t const *node, gn_xml_attr_t *attr)
{
	char const *head;

	if (!attr_of(node, attr, &head)) {
		*attr = (gn_xml_attr_t){0};
		return false;
	}
	return read_attr(attr->value + attr->value_len + 1, head, attr);
}

bool gn_xml_attr(gn_xml_node_t const *node, char const *name, gn_xml_attr_t *attr)
{
	bool more;

	for (more = gn_xml_attr_first(node, attr); more; more = gn_xml_attr_next(node, attr))
		if (name && gn_str_eq_n(attr->name, attr->name_len, name))
			return true;
	*attr = (gn_xml_attr_t){0};
	return false;
}

bool gn_xml_has_attr(gn_xml_node_t const *node, char const *name)
{
	gn_xml_attr_t attr;

	return gn_xml_attr(node, name, &attr);
}

void gn_xml_attr_pos(
	gn_xml_node_t const *node, gn_xml_attr_t const *attr, unsigned *line, unsigned *column)
{
	char const *head;

	*line = *column = 0;
	if (!attr_of(node, attr, &head))
		return;
	*line = node->line;
	*column = node->column;
	gn_xmli_advance(node->base, attr->name, line, column);
}

/* ---- values ------------------------------------------------------------------------------------- */

static unsigned suffix_shift(char c)
{
	return c == 'K' ? 10 : c == 'M' ? 20 : c == 'G' ? 30 : 0;
}

gn_err_t gn_xml_value_u64(gn_xml_attr_t const *attr, uint64_t *out)
{
	char const *s = attr->value;
	size_t len = attr->value ? attr->value_len : 0, i = 0, first;
	unsigned base = 10, shift = 0;
	uint64_t v = 0;
	bool overflow = false;

	*out = 0;
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	for (first = i; i < len && gn_xmli_digit(s[i], base) >= 0; i++) {
		unsigned d = (unsigned)gn_xmli_digit(s[i], base);

		overflow = overflow || v > (UINT64_MAX - d) / base;
		v = v * base + d;
	}
	if (i == first)
		return GN_ERR_INVALID_ARG;
	if (i < len) {
		shift = suffix_shift(s[i]);
		if (!shift || i + 1 != len)
			return GN_ERR_INVALID_ARG;
		overflow = overflow || v > (UINT64_MAX >> shift);
	}
	if (overflow)
		return GN_ERR_LIMIT;
	*out = v << shift;
	return GN_OK;
}

bool gn_xml_value_eq(gn_xml_attr_t const *attr, char const *lit)
{
	char const *p = attr->value, *end;
	size_t i = 0;
	char c;

	if (!p || !lit)
		return false;
	for (end = p + attr->value_len; p < end; i++) {
		p += gn_xmli_decode(p, end, &c);
		if (c == 0 || lit[i] != c)
			return false;
	}
	return lit[i] == 0;
}

gn_err_t gn_xml_value_bool(gn_xml_attr_t const *attr, bool *out)
{
	static char const *const yes[] = {"yes", "true", "on"};
	static char const *const no[] = {"no", "false", "off"};

	*out = false;
	for (size_t i = 0; i < GN_ARRAY_SIZE(yes); i++) {
		if (gn_xml_value_eq(attr, yes[i])) {
			*out = true;
			return GN_OK;
		}
		if (gn_xml_value_eq(attr, no[i]))
			return GN_OK;
	}
	return GN_ERR_INVALID_ARG;
}

gn_err_t gn_xml_value_str(gn_xml_attr_t const *attr, char *buf, size_t size)
{
	struct gn_xmli_sink s = {buf, size, 0, false};

	if (attr->value)
		gn_xmli_decode_into(&s, attr->value, attr->value + attr->value_len);
	return gn_xmli_sink_done(&s);
}

gn_err_t gn_xml_attr_u64(gn_xml_node_t const *node, char const *name, uint64_t def, uint64_t *out)
{
	gn_xml_attr_t attr;
	gn_err_t err;

	*out = def;
	if (!gn_xml_attr(node, name, &attr))
		return GN_OK;
	err = gn_xml_value_u64(&attr, out);
	if (err)
		*out = def;
	return err;
}

gn_err_t gn_xml_attr_bool(gn_xml_node_t const *node, char const *name, bool def, bool *out)
{
	gn_xml_attr_t attr;
	gn_err_t err;

	*out = def;
	if (!gn_xml_attr(node, name, &attr))
		return GN_OK;
	err = gn_xml_value_bool(&attr, out);
	if (err)
		*out = def;
	return err;
}

gn_err_t gn_xml_attr_str(gn_xml_node_t const *node, char const *name, char *buf, size_t size)
{
	gn_xml_attr_t attr;

	if (!gn_xml_attr(node, name, &attr)) {
		if (size)
			buf[0] = 0;
		return GN_ERR_NOT_FOUND;
	}
	return gn_xml_value_str(&attr, buf, size);
}

bool gn_xml_attr_eq(gn_xml_node_t const *node, char const *name, char const *lit)
{
	gn_xml_attr_t attr;

	return gn_xml_attr(node, name, &attr) && gn_xml_value_eq(&attr, lit);
}
