/*
 * Log line splitting and escaping. The raw buffer holds at most one line; a full buffer is emitted
 * before the next byte is stored, so memory stays fixed however a component writes.
 */
#include <stdio.h>

#include "logline.h"

void gn_logline_init(gn_logline_t *ll, gn_logline_fn fn, void *ctx)
{
	ll->len = 0;
	ll->fn = fn;
	ll->ctx = ctx;
}

static bool emit(gn_logline_t *ll)
{
	size_t len = ll->len;

	if (len > 0 && ll->raw[len - 1] == '\r')
		len--;
	ll->len = 0;
	gn_logline_escape(ll->raw, len, ll->escaped, sizeof(ll->escaped));
	return ll->fn(ll->ctx, ll->escaped);
}

bool gn_logline_feed(gn_logline_t *ll, void const *data, size_t n)
{
	unsigned char const *bytes = data;

	for (size_t i = 0; i < n; i++) {
		if (bytes[i] == '\n') {
			if (!emit(ll))
				return false;
			continue;
		}
		if (ll->len == GN_LOGLINE_MAX && !emit(ll))
			return false;
		ll->raw[ll->len++] = bytes[i];
	}
	return true;
}

bool gn_logline_flush(gn_logline_t *ll)
{
	return ll->len == 0 || emit(ll);
}

/* Length of the printable UTF-8 sequence at s, or 0 when s[0] starts none (C1 controls count
 * as unprintable). */
static size_t utf8_printable(unsigned char const *s, size_t n)
{
	size_t len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	uint32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
	uint32_t cp = s[0] & (0x7f >> len);

	if (s[0] < 0xc2 || s[0] > 0xf4 || n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp <= 0x9f)
		return 0;
	return len;
}

/* Length of the printable character at s, or 0 when s[0] must be escaped. */
static size_t printable(unsigned char const *s, size_t n)
{
	if (s[0] >= 0x80)
		return utf8_printable(s, n);
	return (s[0] >= 0x20 && s[0] != 0x7f) || s[0] == '\t' ? 1 : 0;
}

size_t gn_logline_escape(unsigned char const *s, size_t n, char *out, size_t out_size)
{
	size_t o = 0;

	if (out_size == 0)
		return 0;
	for (size_t i = 0; i < n;) {
		size_t len = printable(s + i, n - i);

		if (o + (len ? len : 4) >= out_size)
			break;
		if (len == 0) {
			o += (size_t)snprintf(out + o, out_size - o, "\\x%02x", s[i]);
			i++;
			continue;
		}
		for (size_t k = 0; k < len; k++)
			out[o++] = (char)s[i++];
	}
	out[o] = '\0';
	return o;
}
