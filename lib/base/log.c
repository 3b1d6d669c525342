/*
 * Formatting of log lines into a LOG session. The session capability is the one piece of global
 * state: set once at startup, read by every thread. Without one, a line goes to the platform's
 * console, if it has one (on hw: the kernel's print, while no core serves LOG there).
 */
#include <stdarg.h>

#include <gneiss/fmt.h>
#include <gneiss/log.h>
#include <gneiss/string.h>
#include <gn_platform.h>
#include <gn_trace.h>
#include <gneiss/log_session.h>

static gn_cap_t log_cap;

void gn_log_init(gn_cap_t log_session)
{
	log_cap = log_session;
}

static void vlog(char const *prefix, char const *fmt, va_list ap)
{
	gn_log_write_args_t args;
	gn_rpc_void_t res;
	gn_fmt_buf_t b;

	gn_fmt_buf_init(&b, args.text, sizeof(args.text));
	(void)gn_fmt_buf_append(&b, "%s", prefix);
	(void)gn_fmt_buf_vappend(&b, fmt, ap); /* a cut line is still logged */
	size_t const len = gn_strnlen(args.text, sizeof(args.text));
	gn_trace(GN_TRACE_LOG, 0, len, args.text, len);
	if (gn_cap_valid(log_cap))
		gn_ignore(gn_log_session_write(log_cap, &args, &res, NULL, NULL));
	else
		gn_platform_console_write(args.text, len);
}

void gn_log(char const *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void gn_warning(char const *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("Warning: ", fmt, ap);
	va_end(ap);
}

void gn_error(char const *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("Error: ", fmt, ap);
	va_end(ap);
}
