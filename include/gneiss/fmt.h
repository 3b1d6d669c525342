/*
 * Formatted output into caller-owned, bounded buffers.
 *
 * A subset of printf: conversions %s %c %d %i %u %x %X %p and %%, length modifiers l, ll and z on
 * the integer conversions, flags '-' (pad on the right) and '0' (pad integers and %p with zeros),
 * a field width (digits or '*', negative meaning '-') and a precision (".N" or ".*", negative
 * meaning none). For %s the precision bounds the bytes read, so a buffer without NUL prints with its
 * length ("%.*s"); for the integer conversions it is the minimum number of digits, as in C.
 * Anything else (other flags, %c or %p with a precision, %n, %f, ...) is an unknown conversion.
 * Deviations from C: %s of NULL prints "(null)", shortened by a precision like any string; %p
 * prints "0x" and lower-case hex digits, also for NULL ("0x0").
 *
 * Nothing here allocates or keeps state between calls; the caller owns every buffer.
 */
#ifndef GNEISS_FMT_H
#define GNEISS_FMT_H

#include <stdarg.h>

#include <gneiss/error.h>
#include <gneiss/types.h>

/*
 * Formats into buf of the given size. Never writes past buf[size - 1] and always NUL-terminates
 * when size > 0; buf may be NULL when size is 0 (to measure). *out_len, unless out_len is NULL,
 * receives the length the complete output has, without its NUL (like snprintf's result), also
 * when it did not fit.
 * Errors: GN_ERR_TRUNCATED when that length is >= size (buf holds the prefix that fit);
 * GN_ERR_INVALID_ARG for an unknown conversion, a width or precision above INT_MAX, a NULL fmt or
 * a NULL buf with size > 0 (buf then holds the output before the bad conversion, and *out_len its
 * length).
 */
gn_err_t gn_fmt(char *buf, size_t size, size_t *out_len, char const *fmt, ...)
	GN_PRINTF(4, 5) GN_MUST_CHECK;

/* gn_fmt with the arguments as a va_list, which it reads from a copy (the caller still ends ap). */
gn_err_t gn_vfmt(char *buf, size_t size, size_t *out_len, char const *fmt, va_list ap)
	GN_PRINTF(4, 0) GN_MUST_CHECK;

/*
 * A line built by successive appends. Invariant when size > 0: len < size and buf[len] == 0.
 * Once an append was truncated, truncated stays set and later appends add nothing, so the buffer
 * never holds text with a hole in it.
 */
typedef struct {
	char *buf;      /* owned by the caller */
	size_t size;    /* bytes at buf, terminator included */
	size_t len;     /* bytes written, terminator excluded */
	bool truncated; /* some output was lost */
} gn_fmt_buf_t;

/* Starts an empty line in buf (which may be NULL when size is 0). */
void gn_fmt_buf_init(gn_fmt_buf_t *b, char *buf, size_t size);

/*
 * Appends formatted output to b; what does not fit is cut off and recorded in b->truncated.
 * Returns GN_ERR_TRUNCATED when this or an earlier append was truncated, GN_ERR_INVALID_ARG for a
 * bad format (b is then left as it was). Not GN_MUST_CHECK on purpose: callers append piece by
 * piece and check b->truncated once at the end.
 */
gn_err_t gn_fmt_buf_append(gn_fmt_buf_t *b, char const *fmt, ...) GN_PRINTF(2, 3);

/* gn_fmt_buf_append with the arguments as a va_list. */
gn_err_t gn_fmt_buf_vappend(gn_fmt_buf_t *b, char const *fmt, va_list ap) GN_PRINTF(2, 0);

#endif
