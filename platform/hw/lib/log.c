/*
 * Log lines on hw. With a LOG session (gn_log_init with a valid capability) a line goes there, as
 * on linux (lib/base/log.c, which this file replaces on hw); without one, as long as no core
 * serves LOG sessions on hw, through the kernel's print call, which labels it with the domain's
 * name as `[name] text`. A print takes at most HW_PRINT_MAX bytes: longer lines are cut there.
 */
#include <stdarg.h>

#include <gneiss/fmt.h>
#include <gneiss/log.h>
#include <gneiss/log_session.h>
#include <gneiss/string.h>

#include "hw_lib.h"

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
		(void)hw_syscall4(HW_SYS_PRINT, (uint64_t)args.text,
			len < HW_PRINT_MAX ? len : HW_PRINT_MAX, 0, 0);
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
