/*
 * LOG sessions and core's console. Every line is printed as `[label] text` in one write, so lines
 * of different components never interleave. Control characters, and the escape character in
 * particular, are shown as \xNN: no component can forge a line of another or drive the terminal.
 */
#include <stdarg.h>

#include <gneiss/fmt.h>
#include <gneiss/log_session.h>
#include <gneiss/string.h>

#include "core.h"

enum {
	MAX_LOGS = CORE_MAX_SESSIONS,
	LINE_MAX = CORE_LABEL_MAX + GN_LOG_LINE_MAX * 4 + 8
};

typedef struct {
	bool used;
	char label[CORE_LABEL_MAX];
} log_session_t;

static log_session_t logs[MAX_LOGS];
static unsigned logs_high_water;

GN_RPC_SERVER(gn_log_session, GN_LOG_RPCS)

static size_t append_escaped(char *out, size_t pos, size_t max, char const *text, size_t len)
{
	static char const hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len && pos + 5 < max; i++) {
		unsigned char const c = (unsigned char)text[i];
		if (c >= 0x20 && c != 0x7f) {
			out[pos++] = (char)c;
			continue;
		}
		out[pos++] = '\\';
		out[pos++] = 'x';
		out[pos++] = hex[c >> 4];
		out[pos++] = hex[c & 15];
	}
	return pos;
}

void core_log_line(char const *label, char const *text)
{
	char line[LINE_MAX];
	size_t pos = 0;
	size_t len = gn_strlen(text);

	while (len && text[len - 1] == '\n') /* a trailing newline is the line's end, not content */
		len--;
	line[pos++] = '[';
	pos = append_escaped(line, pos, CORE_LABEL_MAX, label, gn_strlen(label));
	line[pos++] = ']';
	line[pos++] = ' ';
	pos = append_escaped(line, pos, sizeof(line) - 1, text, len);
	line[pos++] = '\n';
	core_platform_console_write(line, pos);
}

void core_log(char const *fmt, ...)
{
	char text[GN_LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	gn_ignore(gn_vfmt(text, sizeof(text), NULL, fmt, ap)); /* a cut line is still printed */
	va_end(ap);
	core_log_line("core", text);
}

static gn_err_t write(
	void *obj, gn_rpc_request_t *req, gn_log_write_args_t const *args, gn_rpc_void_t *res)
{
	log_session_t const *s = obj;
	char text[GN_LOG_LINE_MAX];

	(void)req;
	(void)res;
	size_t const len = gn_strnlen(args->text, sizeof(args->text) - 1);
	gn_memcpy(text, args->text, len);
	text[len] = 0;
	core_log_line(s->label, text);
	return GN_OK;
}

static gn_log_session_ops_t const ops = {write};

gn_err_t core_log_create(char const *label, gn_cap_t *cap)
{
	for (unsigned i = 0; i < MAX_LOGS; i++) {
		log_session_t *s = &logs[i];
		if (s->used)
			continue;
		gn_ignore(gn_strlcpy(s->label, label, sizeof(s->label)));
		gn_err_t err = gn_ep_manage(core_ep(), s, &gn_log_session_iface, &ops, cap);
		s->used = err == GN_OK;
		if (s->used)
			core_table_used(&logs_high_water, i);
		return err;
	}
	return GN_ERR_LIMIT;
}

void core_log_destroy(gn_cap_t cap)
{
	void *obj = gn_ep_lookup(core_ep(), cap, &gn_log_session_iface);

	for (unsigned i = 0; obj && i < logs_high_water; i++)
		if (obj == &logs[i] && logs[i].used) {
			gn_ep_dissolve(core_ep(), cap);
			logs[i].used = false;
		}
}
