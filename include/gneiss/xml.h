/*
 * Zero-copy XML parser for Genode-style configs and reports.
 *
 * gn_xml_parse() checks a whole document once; afterwards every accessor works on nodes that point
 * into the caller's buffer and cannot fail on structure. The buffer must stay unchanged and alive
 * for as long as any node or attribute taken from it is used. Nodes are small values: copy them
 * freely. Only nodes obtained from gn_xml_parse() or the navigation functions below are valid
 * input; a zeroed node is the "invalid node", which every accessor accepts (it has no type, no
 * attributes, no sub-nodes and no content).
 *
 * The language: one root node; optionally a leading BOM and `<?xml ...?>` declaration; comments,
 * whitespace and trailing NUL padding around the root; attributes `name="value"` or `name='value'`;
 * text content with the entities &lt; &gt; &amp; &quot; &apos; and ASCII character references
 * (&#65; &#x41;); CDATA sections. No DOCTYPE and no other processing instructions. Names are ASCII:
 * [A-Za-z_:] followed by [A-Za-z0-9_:.-].
 */
#ifndef GNEISS_XML_H
#define GNEISS_XML_H

#include <gneiss/error.h>
#include <gneiss/types.h>

enum {
	GN_XML_DEPTH_MAX = 64,             /* deepest nesting any document may have */
	GN_XML_ATTRS_MAX = 64,             /* most attributes any node may have */
	GN_XML_SIZE_DEFAULT = 16 * GN_MIB, /* size limit of gn_xml_parse() */
	GN_XML_WHAT_MAX = 120,             /* room for an error message */
};

/* Limits applied while parsing; values above the GN_XML_*_MAX constants are clamped to them. */
typedef struct {
	unsigned max_depth; /* the root node is depth 1 */
	unsigned max_attrs; /* per node */
	size_t max_size;    /* bytes of the whole buffer */
} gn_xml_limits_t;

/*
 * Where and why a document was rejected. line and column count from 1; the column counts bytes
 * (a tab is one column). offset is the byte offset of the same position.
 */
typedef struct {
	unsigned line, column;
	size_t offset;
	char what[GN_XML_WHAT_MAX];
} gn_xml_error_t;

/* A node: a view of its bytes in the document. Treat the fields as private. */
typedef struct {
	char const *base; /* '<' of its start tag; NULL for the invalid node */
	size_t len;       /* bytes through the end of its end tag (or "/>") */
	size_t avail;     /* bytes from base to where its siblings end */
	unsigned line, column;
} gn_xml_node_t;

/* An attribute: views of its name and of its value between the quotes, still escaped. */
typedef struct {
	char const *name;
	size_t name_len;
	char const *value;
	size_t value_len;
} gn_xml_attr_t;

/* ---- parsing ---------------------------------------------------------------------------------- */

/*
 * Checks the len bytes at buf (not necessarily NUL-terminated) with the default limits (depth
 * GN_XML_DEPTH_MAX, GN_XML_ATTRS_MAX attributes, GN_XML_SIZE_DEFAULT bytes) and yields its root.
 * Errors: GN_ERR_INVALID_ARG when the document is malformed, GN_ERR_LIMIT when it exceeds a limit;
 * then *root is the invalid node and *err (when err is not NULL) tells where and what.
 */
gn_err_t gn_xml_parse(
	char const *buf, size_t len, gn_xml_node_t *root, gn_xml_error_t *err) GN_MUST_CHECK;

/* As gn_xml_parse(), with the given limits (NULL: the defaults). */
gn_err_t gn_xml_parse_limits(char const *buf, size_t len, gn_xml_limits_t const *limits,
	gn_xml_node_t *root, gn_xml_error_t *err) GN_MUST_CHECK;

/* ---- nodes ------------------------------------------------------------------------------------ */

/* False for the invalid node. */
bool gn_xml_node_valid(gn_xml_node_t const *node);

/* The node's type (its tag name) as a view into the document; empty for the invalid node. */
void gn_xml_type(gn_xml_node_t const *node, char const **type, size_t *len);

/* True when the node's type equals the NUL-terminated string type. */
bool gn_xml_has_type(gn_xml_node_t const *node, char const *type);

/* Line and column of the node's '<' in the document; 0 for the invalid node. */
unsigned gn_xml_line(gn_xml_node_t const *node);
unsigned gn_xml_column(gn_xml_node_t const *node);

/* The whole node, start tag to end tag, verbatim: a well-formed document of its own. */
void gn_xml_raw(gn_xml_node_t const *node, char const **ptr, size_t *len);

/*
 * The raw bytes between the start and the end tag (still escaped, comments, CDATA and sub-nodes
 * included); empty for `<node/>`.
 */
void gn_xml_content(gn_xml_node_t const *node, char const **ptr, size_t *len);

/*
 * Copies the node's own text into buf as a NUL-terminated string: entities decoded, CDATA
 * unwrapped, comments and sub-nodes (with their text) left out.
 * Errors: GN_ERR_TRUNCATED when it does not fit (buf then holds the prefix that did, as with
 * gn_strlcpy()).
 */
gn_err_t gn_xml_content_str(gn_xml_node_t const *node, char *buf, size_t size) GN_MUST_CHECK;

/* ---- navigation: each yields the invalid node and false when there is no such node -------------- */

/* First sub-node of node. */
bool gn_xml_first_sub(gn_xml_node_t const *node, gn_xml_node_t *sub);

/* The sibling after node (sub and next may be the same object in all of these). */
bool gn_xml_next(gn_xml_node_t const *node, gn_xml_node_t *next);

/* First sub-node of the given type (NULL: of any type). */
bool gn_xml_first_sub_type(gn_xml_node_t const *node, char const *type, gn_xml_node_t *sub);

/* The next sibling after node of the given type (NULL: of any type). */
bool gn_xml_next_type(gn_xml_node_t const *node, char const *type, gn_xml_node_t *next);

/* True when node has a sub-node of the given type. */
bool gn_xml_has_sub(gn_xml_node_t const *node, char const *type);

/* Number of sub-nodes of any type. */
size_t gn_xml_num_sub(gn_xml_node_t const *node);

/*
 * Loops over the sub-nodes of *parent of the given type (NULL: all), setting the gn_xml_node_t
 * variable sub to each in turn:
 *	gn_xml_node_t start;
 *	GN_XML_FOR_EACH_SUB(&config, "start", start) { ... }
 */
#define GN_XML_FOR_EACH_SUB(parent, type, sub)                                                 \
	for ((void)gn_xml_first_sub_type((parent), (type), &(sub)); gn_xml_node_valid(&(sub)); \
		(void)gn_xml_next_type(&(sub), (type), &(sub)))

/* ---- attributes ------------------------------------------------------------------------------- */

/* The node's first attribute; false (and a zeroed *attr) when it has none. */
bool gn_xml_attr_first(gn_xml_node_t const *node, gn_xml_attr_t *attr);

/* Replaces *attr, an attribute of node, by the one after it; false (zeroed) after the last. */
bool gn_xml_attr_next(gn_xml_node_t const *node, gn_xml_attr_t *attr);

/* Looks up the attribute called name; false (zeroed *attr) when the node has none. */
bool gn_xml_attr(gn_xml_node_t const *node, char const *name, gn_xml_attr_t *attr);

/* True when the node has an attribute called name. */
bool gn_xml_has_attr(gn_xml_node_t const *node, char const *name);

/* Line and column of the attribute's name in the document (0 when attr is not of node). */
void gn_xml_attr_pos(
	gn_xml_node_t const *node, gn_xml_attr_t const *attr, unsigned *line, unsigned *column);

/*
 * Reads an attribute's value as a number as Genode writes quotas: decimal or 0x-prefixed hex,
 * optionally followed by one of the suffixes K, M, G (times 2^10, 2^20, 2^30). The whole value
 * must be the number. Errors: GN_ERR_INVALID_ARG when it is not a number, GN_ERR_LIMIT when it does
 * not fit 64 bits; *out is 0 then.
 */
gn_err_t gn_xml_value_u64(gn_xml_attr_t const *attr, uint64_t *out) GN_MUST_CHECK;

/*
 * Reads an attribute's value as a boolean: yes, true, on and no, false, off (as Genode does).
 * Errors: GN_ERR_INVALID_ARG for any other value; *out is false then.
 */
gn_err_t gn_xml_value_bool(gn_xml_attr_t const *attr, bool *out) GN_MUST_CHECK;

/*
 * Copies an attribute's value with entities decoded into buf as a NUL-terminated string.
 * Errors: GN_ERR_TRUNCATED when it does not fit (buf holds the prefix that did, as gn_strlcpy()).
 */
gn_err_t gn_xml_value_str(gn_xml_attr_t const *attr, char *buf, size_t size) GN_MUST_CHECK;

/* True when the attribute's decoded value equals the NUL-terminated string lit. */
bool gn_xml_value_eq(gn_xml_attr_t const *attr, char const *lit);

/*
 * gn_xml_value_u64() of the attribute called name, or def when the node has no such attribute
 * (GN_OK). On an error *out is def.
 */
gn_err_t gn_xml_attr_u64(
	gn_xml_node_t const *node, char const *name, uint64_t def, uint64_t *out) GN_MUST_CHECK;

/* gn_xml_value_bool() of the attribute called name, or def when there is none. */
gn_err_t gn_xml_attr_bool(
	gn_xml_node_t const *node, char const *name, bool def, bool *out) GN_MUST_CHECK;

/*
 * gn_xml_value_str() of the attribute called name. Errors: GN_ERR_NOT_FOUND when there is none
 * (buf is then the empty string when size > 0), GN_ERR_TRUNCATED.
 */
gn_err_t gn_xml_attr_str(
	gn_xml_node_t const *node, char const *name, char *buf, size_t size) GN_MUST_CHECK;

/* True when the node has an attribute called name whose decoded value equals lit. */
bool gn_xml_attr_eq(gn_xml_node_t const *node, char const *name, char const *lit);

#endif
