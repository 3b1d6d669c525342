/*
 * The ROM service: a session's policy names the report it reads; gneiss/rom_server.h does the
 * rest (a dataspace per session paid from its donation, a copy of the report at every
 * `dataspace` call, a signal at every new version).
 */
#include <gneiss/log.h>
#include <gneiss/rom_server.h>

#include "report_rom.h"

static gn_rom_server_t server;
static bool ready;

static void content(void *ctx, char const *key, char const **data, size_t *len)
{
	uint64_t n = 0;

	(void)ctx;
	reports_content(key, data, &n);
	*len = (size_t)n;
}

void roms_notify(char const *name)
{
	if (ready)
		gn_rom_server_notify(&server, name);
}

static gn_err_t create(void *ctx, char const *args, gn_cap_t *cap)
{
	session_args_t a;
	char report[GN_LABEL_MAX];

	(void)ctx;
	if (!ready) {
		gn_rom_server_init(&server, rr_env, content, NULL, rr_verbose);
		ready = true;
	}
	if (session_args(args, &a) != GN_OK) {
		gn_warning("refused a ROM session: malformed arguments");
		return GN_ERR_DENIED;
	}
	if (policy_report(a.label, report) != GN_OK) {
		gn_warning("refused ROM \"%s\": no policy for this label", a.label);
		return GN_ERR_DENIED;
	}
	gn_err_t const err = gn_rom_server_open(&server, a.label, report, a.ram, a.caps, cap);
	if (err == GN_OK && rr_verbose)
		gn_log("ROM \"%s\" reads report \"%s\"", a.label, report);
	return err;
}

static void upgrade(void *ctx, gn_cap_t cap, uint64_t ram, uint64_t caps)
{
	(void)ctx;
	(void)caps;
	gn_rom_server_upgrade(&server, cap, ram);
}

static void close(void *ctx, gn_cap_t cap)
{
	(void)ctx;
	gn_rom_server_close(&server, cap);
}

gn_service_ops_t const rom_service_ops = {create, upgrade, close};
