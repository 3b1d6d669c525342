/*
 * XML generator writing one document into a caller's bounded buffer.
 *
 * Output looks like Genode's: every node on its own line, indented by one tab per level, empty nodes
 * as `<node a="1"/>`, content directly between the tags, a newline after the root node, and a NUL
 * after that. Errors are sticky: the first one (no room, misuse) stops all output and is what
 * gn_xml_gen_finish() returns, so a caller checks once at the end and never sees a truncated
 * document. Whatever the generator accepts (raw fragments aside) gn_xml_parse() accepts.
 *
 * The generator keeps no pointers to the caller's strings; its state is the gn_xml_gen_t (about
 * 1 KiB, for GN_XML_GEN_DEPTH_MAX open nodes) and the buffer, which the caller owns.
 */
#ifndef GNEISS_XML_GEN_H
#define GNEISS_XML_GEN_H

#include <gneiss/error.h>
#include <gneiss/types.h>
#include <gneiss/xml.h>

enum {
	GN_XML_GEN_DEPTH_MAX = GN_XML_DEPTH_MAX
};

/* Generator state. Treat the fields as private. */
typedef struct {
	char *buf;
	size_t size, used;
	gn_err_t err;
	unsigned depth;
	bool done; /* the root node is closed */
	struct {
		size_t lt;      /* offset of the node's '<' in buf */
		uint8_t attrs;  /* number of attributes written */
		bool head_open; /* attributes may still follow */
		bool has_sub;   /* the end tag goes on its own line */
	} open[GN_XML_GEN_DEPTH_MAX];
} gn_xml_gen_t;

/* Starts a document in the size bytes at buf, which the caller owns and keeps alive. */
void gn_xml_gen_init(gn_xml_gen_t *g, char *buf, size_t size);

/*
 * Opens a node of the given type inside the current one (or the root node). Errors (sticky):
 * GN_ERR_INVALID_ARG when type is not a name or the root node is already closed, GN_ERR_LIMIT
 * beyond GN_XML_GEN_DEPTH_MAX levels, GN_ERR_TRUNCATED when the buffer is full.
 */
void gn_xml_gen_node_open(gn_xml_gen_t *g, char const *type);

/*
 * Adds an attribute to the node just opened, escaping & < > " ' in value. Errors (sticky):
 * GN_ERR_INVALID_ARG when no node is open, when the node already has content or sub-nodes, or when
 * name is not a name; GN_ERR_EXISTS when the node has the attribute already; GN_ERR_LIMIT beyond
 * GN_XML_ATTRS_MAX attributes; GN_ERR_TRUNCATED.
 */
void gn_xml_gen_attr(gn_xml_gen_t *g, char const *name, char const *value);

/* As gn_xml_gen_attr(), with the value in decimal. */
void gn_xml_gen_attr_u64(gn_xml_gen_t *g, char const *name, uint64_t value);

/* As gn_xml_gen_attr(), with the value "true" or "false" (as Genode's generator writes). */
void gn_xml_gen_attr_bool(gn_xml_gen_t *g, char const *name, bool value);

/*
 * Appends text to the current node, escaping & < >. Errors (sticky): GN_ERR_INVALID_ARG when no
 * node is open, GN_ERR_TRUNCATED.
 */
void gn_xml_gen_content(gn_xml_gen_t *g, char const *text);

/*
 * Appends the len bytes at text verbatim to the current node's content: they must be valid XML
 * content (e.g. a node taken from a parsed document with gn_xml_raw()). Errors as
 * gn_xml_gen_content().
 */
void gn_xml_gen_raw(gn_xml_gen_t *g, char const *text, size_t len);

/* Closes the current node. Errors (sticky): GN_ERR_INVALID_ARG when none is open, GN_ERR_TRUNCATED. */
void gn_xml_gen_node_close(gn_xml_gen_t *g);

/* The first error so far, GN_OK if none. */
gn_err_t gn_xml_gen_error(gn_xml_gen_t const *g);

/*
 * Ends the document: on success buf holds it, NUL-terminated, and *len its length without the
 * NUL. Errors: the first sticky error, or GN_ERR_INVALID_ARG when no root node was written or a
 * node is still open; buf then holds the empty string (when size > 0) and *len is 0.
 */
gn_err_t gn_xml_gen_finish(gn_xml_gen_t *g, size_t *len) GN_MUST_CHECK;

#endif
