/*
 * How the init config checker says a problem (see init_config.c): every message names where it is
 * (a node and its line and column) and shows values from the document cut to a fixed size with
 * their control characters replaced, so no input can forge a line of the report. Apart from the
 * rest because the walk, the lookups and every hook report through it.
 */
#include <stdarg.h>

#include <gneiss/fmt.h>
#include <gneiss/string.h>

#include "init_config_check.h"

static void vreport(checker_t *c, unsigned line, unsigned column, char const *where,
	char const *fmt, va_list ap)
{
	char msg[GN_INIT_CONFIG_MSG_MAX];
	gn_fmt_buf_t b;

	gn_fmt_buf_init(&b, msg, sizeof(msg));
	gn_ignore(gn_fmt_buf_append(&b, "%s: ", where));
	gn_ignore(gn_fmt_buf_vappend(&b, fmt, ap));
	for (char *p = msg; *p; p++) /* values from the document must not forge lines */
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	c->count++;
	if (c->report)
		c->report(c->ctx, line, column, msg);
}

/* Reports at node, prefixed with where. */
void GN_PRINTF(4, 5) gn_icfg_at_node(
	checker_t *c, gn_xml_node_t const *node, char const *where, char const *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, gn_xml_line(node), gn_xml_column(node), where, fmt, ap);
	va_end(ap);
}

/* Reports at attribute a of node, prefixed with where. */
void GN_PRINTF(5, 6) gn_icfg_at_attr(checker_t *c, gn_xml_node_t const *node,
	gn_xml_attr_t const *a, char const *where, char const *fmt, ...)
{
	va_list ap;
	unsigned line, column;

	gn_xml_attr_pos(node, a, &line, &column);
	va_start(ap, fmt);
	vreport(c, line, column, where, fmt, ap);
	va_end(ap);
}

/* A value for a message, cut with "..." (vreport replaces control characters). */
char const *gn_icfg_show(view_t v, char *buf, size_t size)
{
	size_t n = v.len < size - 1 ? v.len : size - 1;

	if (n)
		gn_memcpy(buf, v.s, n);
	buf[n] = 0;
	if (v.len > n && size >= 4)
		gn_memcpy(buf + size - 4, "...", 4);
	return buf;
}

/* The attribute called name of node, shown; "" when there is none. */
char const *gn_icfg_show_attr(gn_xml_node_t const *node, char const *name, char *buf, size_t size)
{
	view_t v;

	gn_icfg_view_of(node, name, &v);
	return gn_icfg_show(v, buf, size);
}
