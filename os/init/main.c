/*
 * init: the sandbox library (gneiss/sandbox.h) with its config ROM. init starts the children its
 * config lists, in Genode's configuration language, and brokers their sessions along its routes.
 * It follows the config ROM: a new version is parsed and checked before it is applied, and one
 * that fails is refused with every problem as `config:LINE:COL: what`, the previous one staying
 * in force. doc/init-language.md says what of Genode's language is supported.
 *
 * The config is copied out of the ROM (whose server may change it any time) into one of two
 * buffers, RAM dataspaces of init's own sized to the config: the one in force, whose nodes the
 * sandbox keeps, and the next one.
 */
#include <gneiss/dataspace.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/sandbox.h>
#include <gneiss/string.h>

enum {
	CONFIG_MAX = 64 * GN_KIB
};

typedef struct {
	gn_cap_t ds;
	char *text; /* attached, NULL: none */
	size_t size;
} buffer_t;

static gn_env_t *env;
static gn_cap_t config_rom;
static uint32_t config_rom_id;
static uint64_t config_rom_donated = 8 * 1024;
static gn_cap_t config_sig;
static buffer_t config_buf[2]; /* the config in force and the next one */
static unsigned config_in_force;
static bool config_loaded;
static bool config_waiting; /* the config ROM was empty at start */

/* Makes b hold at least len bytes, reusing its dataspace when it is big enough. */
static gn_err_t buffer_for(buffer_t *b, size_t len)
{
	gn_rpc_void_t none = {0};
	gn_pd_alloc_ram_res_t got;
	void *addr;
	bool writable;

	if (b->text && b->size >= len)
		return GN_OK;
	if (b->text) {
		gn_ds_detach(b->text, b->size);
		gn_ignore(gn_pd_session_free_ram(env->pd, &none, &none, &b->ds, NULL));
		gn_cap_drop(b->ds);
		*b = (buffer_t){0};
	}
	gn_err_t err = gn_pd_session_alloc_ram(
		env->pd, &(gn_pd_alloc_ram_args_t){len ? len : 1}, &got, NULL, &b->ds);
	if (err == GN_OK)
		err = gn_ds_attach(b->ds, &addr, &b->size, &writable);
	if (err == GN_OK)
		b->text = addr;
	return err;
}

/* Reads the config ROM into the spare buffer; applies it when it is valid. */
static void load_config(void *ctx, uint64_t count)
{
	gn_rom_dataspace_res_t info;
	gn_rpc_void_t none = {0};
	gn_cap_t ds;
	void *addr;
	size_t size;
	bool writable;
	gn_xml_node_t next;
	gn_xml_error_t xml_err;

	(void)ctx;
	(void)count;
	unsigned const spare = config_in_force ^ 1;
	gn_err_t err = gn_rom_session_dataspace(config_rom, &none, &info, NULL, &ds);
	/* a config that outgrew the donation: the ROM server is paid more, up to what init takes */
	while (err == GN_ERR_OUT_OF_RAM && config_rom_donated < 2 * CONFIG_MAX &&
		gn_session_upgrade(env, config_rom_id, config_rom_donated, 0) == GN_OK) {
		config_rom_donated *= 2;
		err = gn_rom_session_dataspace(config_rom, &none, &info, NULL, &ds);
	}
	if (err != GN_OK || gn_ds_attach(ds, &addr, &size, &writable) != GN_OK) {
		gn_error("config ROM unreadable");
		return;
	}
	size_t const len = info.size < size ? info.size : size;
	bool const fits = len <= CONFIG_MAX;
	err = fits ? buffer_for(&config_buf[spare], len) : GN_OK;
	if (fits && err == GN_OK)
		gn_memcpy(config_buf[spare].text, addr, len);
	gn_ds_detach(addr, size);
	gn_cap_drop(ds);
	if (!fits) {
		gn_error("config of %zu bytes exceeds %u", len, (unsigned)CONFIG_MAX);
		return;
	}
	if (err != GN_OK) {
		gn_error("no RAM for a copy of the config of %zu bytes: %s", len, gn_err_name(err));
		return;
	}
	if (len == 0 && !config_loaded) { /* not written yet: report_rom before the first report */
		gn_log("config ROM is empty, waiting for a config");
		config_waiting = true;
		return;
	}
	if (gn_xml_parse(config_buf[spare].text, len, &next, &xml_err) != GN_OK) {
		gn_error("config:%u:%u: %s", xml_err.line, xml_err.column, xml_err.what);
		gn_error("config rejected, %s",
			config_loaded ? "keeping the previous one" : "no child started");
		return;
	}
	if (!gn_sandbox_config_valid(&next)) {
		gn_error("config rejected, %s",
			config_loaded ? "keeping the previous one" : "no child started");
		return;
	}
	config_in_force = spare;
	if (config_loaded)
		gn_log("config updated");
	config_loaded = true;
	gn_sandbox_apply_config(&next);
}

void gn_component_construct(gn_env_t *e)
{
	gn_rpc_void_t none = {0};

	env = e;
	if (gn_sandbox_init(e) != GN_OK ||
		gn_session(e, "ROM", "ram_quota=8K, cap_quota=2, label=\"config\"", &config_rom,
			&config_rom_id) != GN_OK ||
		gn_pd_session_alloc_signal(e->pd, &none, &none, NULL, &config_sig) != GN_OK ||
		gn_ep_sigh(e->ep, config_sig, load_config, NULL) != GN_OK ||
		gn_rom_session_sigh(config_rom, &none, &none, &config_sig, NULL) != GN_OK) {
		gn_error("no config");
		gn_exit(e, 1);
	}
	load_config(NULL, 0);
	if (!config_loaded && !config_waiting)
		gn_exit(e, 1);
}
