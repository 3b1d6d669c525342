/*
 * Log lines: turns core's output byte stream into bounded, printable lines.
 *
 * A line ends at '\n' (a '\r' right before it is dropped, as serial consoles send "\r\n"); a line
 * longer than GN_LOGLINE_MAX bytes is split, never truncated or overflowed; a partial line at the
 * end of the stream is a line. Each line is escaped before anyone sees it: control characters other
 * than tab, C1 controls and bytes that are not well-formed UTF-8 become `\xHH`, so no component can
 * drive the terminal of whoever reads the log. Patterns are matched against the escaped text, which
 * is exactly what is echoed and written to the log file.
 */
#ifndef GNEISS_TOOL_LOGLINE_H
#define GNEISS_TOOL_LOGLINE_H

#include <gneiss/types.h>

enum {
	GN_LOGLINE_MAX = 4096,                           /* raw bytes per line */
	GN_LOGLINE_ESCAPED_MAX = 4 * GN_LOGLINE_MAX + 1, /* escaped line with its NUL */
};

/* Receives each escaped, NUL-terminated line; returns false to stop the stream. */
typedef bool (*gn_logline_fn)(void *ctx, char const *line);

typedef struct {
	unsigned char raw[GN_LOGLINE_MAX];
	size_t len;
	gn_logline_fn fn;
	void *ctx;
	char escaped[GN_LOGLINE_ESCAPED_MAX];
} gn_logline_t;

/* Starts a stream whose lines go to fn(ctx, line). */
void gn_logline_init(gn_logline_t *ll, gn_logline_fn fn, void *ctx);

/*
 * Splits the n bytes at data into lines and hands each complete one to fn. Returns false as soon
 * as fn does; the rest of data is then dropped.
 */
bool gn_logline_feed(gn_logline_t *ll, void const *data, size_t n);

/* At the end of the stream: hands a pending partial line to fn. Returns what fn returned, or true. */
bool gn_logline_flush(gn_logline_t *ll);

/*
 * Writes the escaped form of the n bytes at s to out (NUL-terminated) and returns its length. Stops
 * early rather than overflow: out_size >= 4 * n + 1 always suffices.
 */
size_t gn_logline_escape(unsigned char const *s, size_t n, char *out, size_t out_size);

#endif
