/* The kernel log: lib/base formatting into a stack buffer, written to the serial console. */
#include <stdarg.h>

#include <gneiss/fmt.h>
#include <gneiss/string.h>

#include "exit.h"
#include "layout.h"
#include "log.h"
#include "serial.h"

/* The root's raw text left a line open: any other line first ends it, so lines never mix. */
static bool raw_open;

static void end_raw_line(void)
{
	if (raw_open)
		hw_serial_write("\n", 1);
	raw_open = false;
}

static void vlog(char const *prefix, char const *fmt, va_list ap)
{
	static char const cut[] = "...";
	char line[HW_LOG_LINE_MAX];
	gn_fmt_buf_t b;

	gn_fmt_buf_init(&b, line, sizeof(line) - sizeof(cut));
	gn_fmt_buf_append(&b, "[kernel] %s", prefix);
	if (gn_fmt_buf_vappend(&b, fmt, ap) == GN_ERR_INVALID_ARG)
		gn_fmt_buf_append(&b, "(bad log format '%s')", fmt);
	if (b.truncated) {
		for (size_t i = 0; i < sizeof(cut); i++)
			line[b.len + i] = cut[i];
		b.len += sizeof(cut) - 1;
	}
	line[b.len++] = '\n';
	end_raw_line();
	hw_serial_write(line, b.len);
}

void hw_log(char const *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void hw_panic(char const *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("panic: ", fmt, ap);
	va_end(ap);
	hw_exit(HW_EXIT_PANIC);
}

/* Writes c to out as itself if printable and no backslash, else as \xHH; returns the length. */
static size_t escape_byte(unsigned char c, char out[4])
{
	static char const hex[] = "0123456789abcdef";

	if (c >= 0x20 && c < 0x7f && c != '\\') {
		out[0] = (char)c;
		return 1;
	}
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[c >> 4];
	out[3] = hex[c & 0xf];
	return 4;
}

void hw_log_user(char const *label, char const *text, size_t len)
{
	char line[4 * HW_LOG_USER_MAX];
	size_t start = 0;

	if (len > HW_LOG_USER_MAX)
		len = HW_LOG_USER_MAX;
	if (!label) { /* the root's own lines: as they are, only control characters escaped */
		for (size_t i = 0; i < len; i++) {
			unsigned char const c = (unsigned char)text[i];
			size_t const n = c == '\\' || c == '\n' ? (line[0] = (char)c, 1)
								: escape_byte(c, line);
			hw_serial_write(line, n);
		}
		if (len)
			raw_open = text[len - 1] != '\n';
		return;
	}
	end_raw_line();
	while (start < len) {
		size_t end = start, n = 0;
		while (end < len && text[end] != '\n')
			n += escape_byte((unsigned char)text[end++], line + n);
		hw_serial_write("[", 1);
		hw_serial_write(label, gn_strlen(label));
		hw_serial_write("] ", 2);
		hw_serial_write(line, n);
		hw_serial_write("\n", 1);
		start = end + 1;
	}
}

void hw_log_escape(char const *s, size_t n, char *out, size_t out_size)
{
	size_t o = 0;

	for (size_t i = 0; i < n && s[i] != '\0'; i++) {
		char c[4];
		size_t k = escape_byte((unsigned char)s[i], c);
		if (o + k >= out_size)
			break;
		for (size_t j = 0; j < k; j++)
			out[o++] = c[j];
	}
	out[o] = '\0';
}
