/* The kernel log: lib/base formatting into a stack buffer, written to the serial console. */
#include <stdarg.h>

#include <gneiss/fmt.h>

#include "exit.h"
#include "layout.h"
#include "log.h"
#include "serial.h"

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

void hw_log_escape(char const *s, size_t n, char *out, size_t out_size)
{
	static char const hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < n && s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= out_size)
				break;
			out[o++] = (char)c;
			continue;
		}
		if (o + 4 >= out_size)
			break;
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 0xf];
	}
	out[o] = '\0';
}
