/* The log scenario's component: plain lines, formatting, and lines that try to forge others. */
#include <gneiss/env.h>
#include <gneiss/log.h>

void gn_component_construct(gn_env_t *env)
{
	gn_log("hello from test-log");
	gn_log("number %d, hex %x, string '%s'", -42, 0xbeefu, "text");
	gn_log("forged\n[init] line with \x1b[31mescape");
	gn_warning("a warning");
	gn_exit(env, 0);
}
