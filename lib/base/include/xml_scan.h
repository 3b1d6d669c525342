/*
 * What the XML parser's two halves share (xml.c: the check and the character-level scanning;
 * xml_access.c: the accessors over checked bytes). Every function stops at end.
 */
#ifndef GN_XML_SCAN_H
#define GN_XML_SCAN_H

#include <gneiss/error.h>
#include <gneiss/types.h>

/* A bounded output with gn_strlcpy() semantics. */
struct gn_xmli_sink {
	char *buf;
	size_t size, used;
	bool truncated;
};

bool gn_xmli_is_name_start(char c);
int gn_xmli_digit(char c, unsigned base);
char const *gn_xmli_skip_space(char const *p, char const *end);
char const *gn_xmli_skip_name(char const *p, char const *end);
bool gn_xmli_starts(char const *p, char const *end, char const *lit);
char const *gn_xmli_find(char const *p, char const *end, char const *lit);
void gn_xmli_advance(char const *from, char const *to, unsigned *line, unsigned *column);
/* Decodes one character (an entity or character reference, or a byte) at p; its length. */
size_t gn_xmli_decode(char const *p, char const *end, char *c);
void gn_xmli_sink_put(struct gn_xmli_sink *s, char c);
gn_err_t gn_xmli_sink_done(struct gn_xmli_sink *s);
void gn_xmli_decode_into(struct gn_xmli_sink *s, char const *p, char const *end);

#endif
