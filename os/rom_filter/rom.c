/*
 * The ROM service: every session reads the same output, whatever its label (as Genode's
 * rom_filter, which ignores the ROM name asked for); gneiss/rom_server.h does the rest (a
 * dataspace per session paid from its donation, a copy of the output at every `dataspace` call).
 */
#include <gneiss/log.h>
#include <gneiss/rom_server.h>

#include "rom_filter.h"

static gn_rom_server_t server;
static bool ready;

static void content(void *ctx, char const *key, char const **data, size_t *len)
{
	(void)ctx;
	(void)key;
	output_content(data, len);
}

void roms_notify(void)
{
	if (ready)
		gn_rom_server_notify(&server, NULL);
}

static gn_err_t create(void *ctx, char const *args, gn_cap_t *cap)
{
	char label[GN_LABEL_MAX];
	uint64_t ram = 0, caps = 0;

	(void)ctx;
	if (!ready) {
		gn_rom_server_init(&server, rf_env, content, NULL, rf_verbose);
		ready = true;
	}
	gn_err_t err = gn_args_get_label(args, label, sizeof(label));
	if (err == GN_OK && (err = gn_args_get_num(args, "ram_quota", &ram)) == GN_ERR_NOT_FOUND)
		err = GN_OK;
	if (err == GN_OK && (err = gn_args_get_num(args, "cap_quota", &caps)) == GN_ERR_NOT_FOUND)
		err = GN_OK;
	if (err != GN_OK) {
		gn_warning("refused a ROM session: malformed arguments");
		return GN_ERR_DENIED;
	}
	err = gn_rom_server_open(&server, label, "", ram, caps, cap);
	if (err == GN_OK && rf_verbose)
		gn_log("ROM session \"%s\" opened", label);
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
