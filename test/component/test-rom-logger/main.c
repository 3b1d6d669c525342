/*
 * Logs a ROM each time it changes, as Genode's rom_logger: its config names the ROM
 * (`<config rom="state"/>`); the content is logged with line breaks and tabs as spaces, runs of
 * spaces squeezed, in pieces that fit a log line.
 */
#include <gneiss/dataspace.h>
#include <gneiss/env.h>
#include <gneiss/fmt.h>
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gneiss/pd_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/xml.h>

#include "test_check.h"

enum {
	PIECE = 400
};

gn_env_t *test_env;
static gn_cap_t rom;
static char name[64];
static unsigned version;

static void changed(void *ctx, uint64_t count)
{
	gn_rpc_void_t none = {0};
	gn_rom_dataspace_res_t info;
	gn_cap_t ds;
	void *addr;
	size_t size;
	bool writable;
	char piece[PIECE + 1] = {0};
	size_t n = 0;

	(void)ctx;
	(void)count;
	TEST_OK(gn_rom_session_dataspace(rom, &none, &info, NULL, &ds));
	TEST_OK(gn_ds_attach(ds, &addr, &size, &writable));
	char const *text = addr;
	size_t const len = info.size < size ? info.size : size;
	gn_log("ROM \"%s\" version %u, %zu bytes", name, ++version, len);
	for (size_t i = 0; i <= len; i++) {
		char c = i < len ? text[i] : 0;
		if (c == '\n' || c == '\t' || c == '\r')
			c = ' ';
		if (c == ' ' && n > 0 && piece[n - 1] == ' ')
			continue;
		if (c && n < PIECE) {
			piece[n++] = c;
			continue;
		}
		if (n) {
			piece[n] = 0;
			gn_log("  %s", piece);
		}
		n = 0;
		if (c)
			piece[n++] = c;
	}
	gn_ds_detach(addr, size);
	gn_cap_drop(ds);
}

void gn_component_construct(gn_env_t *env)
{
	gn_rpc_void_t none = {0};
	gn_rom_dataspace_res_t info;
	gn_cap_t config_rom, ds, sig;
	uint32_t id;
	void *addr;
	size_t size;
	bool writable;
	gn_xml_node_t config;
	char args[GN_SESSION_ARGS_MAX];

	test_env = env;
	TEST_OK(gn_session(
		env, "ROM", "ram_quota=8K, cap_quota=2, label=\"config\"", &config_rom, &id));
	TEST_OK(gn_rom_session_dataspace(config_rom, &none, &info, NULL, &ds));
	TEST_OK(gn_ds_attach(ds, &addr, &size, &writable));
	TEST_OK(gn_xml_parse(addr, info.size, &config, NULL));
	TEST_OK(gn_xml_attr_str(&config, "rom", name, sizeof(name)));
	TEST_OK(gn_fmt(args, sizeof(args), NULL, "ram_quota=16K, cap_quota=2, label=\"%s\"", name));
	TEST_OK(gn_session(env, "ROM", args, &rom, &id));
	TEST_OK(gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &sig));
	TEST_OK(gn_ep_sigh(env->ep, sig, changed, NULL));
	TEST_OK(gn_rom_session_sigh(rom, &none, &none, &sig, NULL));
	changed(NULL, 0);
}
