/*
 * The pieces every trace command shares: the check of one record (the same rules as the reader in
 * lib/base/trace_buffer.c, applied to a record out of its ring), base64, numbers, text escaping and
 * time. All of them read only the bytes they are given.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "trace.h"

uint32_t trace_record_len(unsigned layout, unsigned payload_len)
{
	uint32_t const n = gn_trace_record_hdr_len(layout) + payload_len;

	return (n + GN_TRACE_ALIGN - 1) & ~(uint32_t)(GN_TRACE_ALIGN - 1);
}

char const *trace_record_check(uint8_t const *b, size_t n, bool exact, gn_trace_event_view_t *ev)
{
	gn_trace_record_t r = {0};

	if (n < TRACE_RECORD_MIN)
		return "shorter than a record header";
	memcpy(&r, b, TRACE_RECORD_MIN);
	if (r.kind == GN_TRACE_PAD)
		return "a PAD record";
	if (r.kind >= GN_TRACE_EVENT_COUNT)
		return "unknown kind";
	if (r.layout >= GN_TRACE_LAYOUT_COUNT)
		return "unknown layout";
	if (r.payload_len > GN_TRACE_PAYLOAD_MAX)
		return "payload_len beyond GN_TRACE_PAYLOAD_MAX";
	if (r.layout != GN_TRACE_LAYOUT_PAYLOAD && r.payload_len != 0)
		return "payload_len set in a layout without payload";
	uint32_t const hdr_len = gn_trace_record_hdr_len(r.layout);
	if (r.len != trace_record_len(r.layout, r.payload_len))
		return "len does not match layout and payload_len";
	if (exact ? n != hdr_len + r.payload_len : n < r.len)
		return exact ? "length does not match layout and payload_len" : "truncated record";
	memcpy(&r, b, hdr_len);
	*ev = (gn_trace_event_view_t){.rec = r, .payload = b + hdr_len};
	return NULL;
}

static int base64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

long trace_base64_decode(char const *s, size_t n, uint8_t *out, size_t out_size)
{
	size_t len = 0;

	if (n == 0 || n % 4)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		bool const last = i + 4 == n;
		unsigned const pad = last ? (s[i + 3] == '=') + (s[i + 2] == '=') : 0;
		uint32_t v = 0;
		for (size_t j = 0; j < 4; j++) {
			int const d = j >= 4 - pad ? 0 : base64_value(s[i + j]);
			if (d < 0)
				return -1;
			v = v << 6 | (uint32_t)d;
		}
		if (pad == 1 && s[i + 2] == '=') /* "x=y=" */
			return -1;
		if ((pad == 1 && (v & 0xff)) || (pad == 2 && (v & 0xffff)))
			return -1; /* bits beyond the data: not the canonical encoding */
		if (len + 3 - pad > out_size)
			return -1;
		uint8_t const bytes[3] = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
		memcpy(out + len, bytes, 3 - pad);
		len += 3 - pad;
	}
	return (long)len;
}

bool trace_parse_u64(char const *s, size_t n, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;

	if (n == 0 || n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned const d = (unsigned)(s[i] - '0');
		if (x > (max - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*v = x;
	return true;
}

size_t trace_utf8_len(uint8_t const *s, size_t n)
{
	size_t const len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	uint32_t const min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
	uint32_t cp = s[0] & (0x7f >> len);

	if (s[0] < 0xc2 || s[0] > 0xf4 || n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
		(cp >= 0x80 && cp < 0xa0))
		return 0;
	return len;
}

void trace_escape_text(uint8_t const *s, size_t n, char *out, size_t out_size)
{
	static char const hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		size_t const u = s[i] >= 0x80 ? trace_utf8_len(s + i, n - i) : 0;
		size_t const need = u ? u : (s[i] < 0x20 || s[i] >= 0x7f) ? 4 : 1;
		if (o + need >= out_size)
			break;
		if (u) {
			memcpy(out + o, s + i, u);
		} else if (need == 4) {
			out[o] = '\\';
			out[o + 1] = 'x';
			out[o + 2] = hex[s[i] >> 4];
			out[o + 3] = hex[s[i] & 15];
		} else {
			out[o] = (char)s[i];
		}
		o += need;
		i += u ? u : 1;
	}
	if (out_size)
		out[o] = 0;
}

uint64_t trace_ns(trace_subject_t const *s, uint64_t tsc)
{
	unsigned __int128 const ns = (unsigned __int128)tsc * 1000000u / s->tsc_per_ms;

	return ns > UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
}

bool trace_mkdir(char const *dir, FILE *err)
{
	char path[4096];
	size_t const n = strlen(dir);

	if (n == 0 || n >= sizeof(path)) {
		fprintf(err, "%s: bad directory name\n", dir);
		return false;
	}
	memcpy(path, dir, n + 1);
	for (char *p = path + 1;; p++) {
		if (*p && *p != '/')
			continue;
		char const end = *p;
		*p = 0;
		if (mkdir(path, 0777) && errno != EEXIST) {
			fprintf(err, "%s: cannot create: %s\n", path, strerror(errno));
			return false;
		}
		if (!end)
			return true;
		*p = end;
	}
}
