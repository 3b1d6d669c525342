/*
 * String and memory helpers.
 *
 * Freestanding replacements for the parts of <string.h> Gneiss needs, plus bounded variants. All
 * functions take explicit sizes; none allocates.
 */
#ifndef GNEISS_STRING_H
#define GNEISS_STRING_H

#include <gneiss/error.h>
#include <gneiss/types.h>

void *gn_memcpy(void *dst, void const *src, size_t n);
void *gn_memmove(void *dst, void const *src, size_t n);
void *gn_memset(void *dst, int c, size_t n);
int gn_memcmp(void const *a, void const *b, size_t n);

/* Length of the NUL-terminated string s. */
size_t gn_strlen(char const *s);

/* Length of s, but at most max: never reads s[max]. */
size_t gn_strnlen(char const *s, size_t max);

int gn_strcmp(char const *a, char const *b);
int gn_strncmp(char const *a, char const *b, size_t n);

/*
 * Copies src into dst of the given size, always NUL-terminating when size > 0.
 * Returns GN_ERR_TRUNCATED when src did not fit (dst then holds the prefix that did).
 */
gn_err_t gn_strlcpy(char *dst, char const *src, size_t size) GN_MUST_CHECK;

/* True when the n bytes at s equal the NUL-terminated string lit (and lit has length n). */
bool gn_str_eq_n(char const *s, size_t n, char const *lit);

/* True when s starts with prefix / ends with suffix. */
bool gn_str_starts_with(char const *s, char const *prefix);
bool gn_str_ends_with(char const *s, char const *suffix);

/* First occurrence of c in the first n bytes of s, or NULL. */
char const *gn_memchr(char const *s, int c, size_t n);

#endif
