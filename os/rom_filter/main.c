/*
 * rom_filter: one ROM generated from other ROMs by the conditions of its config, as Genode's
 * rom_filter (README.md has the language; filter.c evaluates it):
 *
 *   <config buffer="4K" verbose="no">
 *     <input name="step" rom="state" node="state"> <attribute name="step"/> </input>
 *     <output node="config">
 *       <if> <has_value input="step" value="two"/>
 *            <then> <inline> <two/> </inline> </then> <else> <other/> </else> </if>
 *     </output>
 *   </config>
 *
 * Invariants:
 * - Inputs. Each input ROM is a ROM session at the parent labelled with its name, followed through
 *   a signal (input.c). Its content, like the config's, is copied into rom_filter's own RAM before
 *   it is parsed; content that is empty or no XML is logged once per version and makes the input
 *   missing: conditions on it are false, values fall back to the input's default, copies are left
 *   out. A ROM the parent refuses is logged and missing, too, until the config changes.
 * - Output. Every change of an input or the config generates the output anew into a scratch
 *   buffer of the config's `buffer` size. Only a complete document that parses becomes the output;
 *   an error (no room, a name that is none) is logged and the previous output stays. Every client
 *   sees the same output, and is signalled only when it changed.
 * - Config. The config ROM is followed: a new config that is malformed is logged and ignored, the
 *   old one stays in force. Updating the inputs may wait for the parent, which dispatches signals:
 *   an input change meanwhile generates from the old config, a config change meanwhile is
 *   applied after the current one (`pending`), never inside it.
 * - Quota. Config and input copies, the scratch buffer and the output live in rom_filter's own RAM
 *   (its quota bounds them, as do ROM_MAX and BUFFER_MAX); each ROM session's dataspace is paid
 *   from that session's donation (rom.c).
 * Everything runs in the main thread's entrypoint.
 */
#include <gneiss/dataspace.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/string.h>
#include <gneiss/xml_gen.h>

#include "filter.h"
#include "rom_filter.h"

gn_env_t *rf_env;
bool rf_verbose;

static gn_cap_t config_rom;
static buffer_t config_copy[2]; /* the config in force and the next one */
static unsigned config_cur;
static gn_xml_node_t config; /* invalid until a config was usable */
static bool updating, pending;

static buffer_t scratch; /* where the output is generated */
static size_t limit;     /* its usable bytes: the config's buffer */
static buffer_t output;
static size_t output_len;
static gn_xml_gen_t gen;

/* ---- shared helpers ---------------------------------------------------------------------------- */

size_t page_round(size_t size)
{
	return size > SIZE_MAX - (PAGE - 1) ? 0 : (size + PAGE - 1) / PAGE * PAGE;
}

gn_err_t buffer_alloc(buffer_t *b, size_t size)
{
	gn_pd_alloc_ram_res_t alloc;
	gn_rpc_void_t none = {0};
	void *addr = NULL;
	size_t mapped = 0;
	bool writable = false;
	gn_cap_t cap;

	*b = (buffer_t){GN_CAP_INVALID, NULL, 0};
	gn_err_t err = gn_pd_session_alloc_ram(
		rf_env->pd, &(gn_pd_alloc_ram_args_t){size}, &alloc, NULL, &cap);
	if (err != GN_OK)
		return err;
	err = gn_ds_attach(cap, &addr, &mapped, &writable);
	if (err == GN_OK && (mapped != size || !writable)) {
		gn_ds_detach(addr, mapped);
		err = GN_ERR_IO;
	}
	if (err != GN_OK) {
		gn_ignore(gn_pd_session_free_ram(rf_env->pd, &none, &none, &cap, NULL));
		gn_cap_drop(cap);
		return err;
	}
	*b = (buffer_t){cap, addr, size};
	return GN_OK;
}

void buffer_free(buffer_t *b)
{
	gn_rpc_void_t none = {0};

	if (!gn_cap_valid(b->cap))
		return;
	gn_ds_detach(b->addr, b->size);
	gn_ignore(gn_pd_session_free_ram(rf_env->pd, &none, &none, &b->cap, NULL));
	gn_cap_drop(b->cap);
	*b = (buffer_t){GN_CAP_INVALID, NULL, 0};
}

gn_err_t rom_fetch(gn_cap_t rom, buffer_t *copy, size_t *len)
{
	gn_rpc_void_t none = {0};
	gn_rom_dataspace_res_t info;
	gn_cap_t ds = GN_CAP_INVALID;
	void *addr = NULL;
	size_t mapped = 0;
	bool writable;

	*len = 0;
	gn_err_t err = gn_rom_session_dataspace(rom, &none, &info, NULL, &ds);
	if (err == GN_OK)
		err = gn_ds_attach(ds, &addr, &mapped, &writable);
	if (err == GN_OK && info.size > mapped)
		err = GN_ERR_BAD_MSG;
	if (err == GN_OK && info.size > ROM_MAX)
		err = GN_ERR_LIMIT;
	size_t const need = page_round((size_t)info.size + 1);
	if (err == GN_OK && copy->size < need) {
		buffer_free(copy);
		err = buffer_alloc(copy, need);
	}
	if (err == GN_OK) {
		gn_memcpy(copy->addr, addr, (size_t)info.size);
		copy->addr[info.size] = 0;
		*len = (size_t)info.size;
	}
	if (addr)
		gn_ds_detach(addr, mapped);
	gn_cap_drop(ds);
	return err;
}

/* ---- the output -------------------------------------------------------------------------------- */

void output_content(char const **data, size_t *len)
{
	*data = output_len ? output.addr : "";
	*len = output_len;
}

static void missing(void *ctx, char const *input)
{
	(void)ctx;
	if (rf_verbose)
		gn_warning("could not obtain input value for input \"%s\"", input);
}

void output_update(void)
{
	rf_inputs_t const in = {inputs_top, missing, NULL};
	char why[RF_WHY_MAX];
	size_t len;

	if (!gn_xml_node_valid(&config) || !gn_cap_valid(scratch.cap))
		return;
	if (rf_generate(&config, &in, &gen, scratch.addr, limit, &len, why) != GN_OK) {
		gn_error("%s; the output stays as it was", why);
		return;
	}
	if (len == output_len && output_len && gn_memcmp(output.addr, scratch.addr, len) == 0)
		return;
	if (output.size < len + 1) {
		buffer_t bigger;
		if (buffer_alloc(&bigger, page_round(len + 1)) != GN_OK) {
			gn_error("no RAM for an output of %zu bytes; the output stays as it was",
				len);
			return;
		}
		buffer_free(&output);
		output = bigger;
	}
	gn_memcpy(output.addr, scratch.addr, len + 1);
	output_len = len;
	if (rf_verbose)
		gn_log("new output, %zu bytes", len);
	roms_notify();
}

/* ---- the config -------------------------------------------------------------------------------- */

/* Checks what must hold before a config replaces the one in force; false (and logs) if not. */
static bool config_usable(gn_xml_node_t const *root, bool *verbose, uint64_t *buffer)
{
	gn_xml_node_t input;
	char rom[RF_NAME_MAX];

	if (gn_xml_attr_bool(root, "verbose", false, verbose) != GN_OK) {
		gn_error("config: verbose is neither yes nor no");
		return false;
	}
	if (gn_xml_attr_u64(root, "buffer", BUFFER_DEFAULT, buffer) != GN_OK || *buffer == 0 ||
		*buffer > BUFFER_MAX) {
		gn_error("config: buffer is no size from 1 to %u bytes", (unsigned)BUFFER_MAX);
		return false;
	}
	GN_XML_FOR_EACH_SUB(root, "input", input)
	if (!gn_xml_has_attr(&input, "name") || rf_input_rom(&input, rom, sizeof(rom)) != GN_OK) {
		gn_error(
			"config line %u: <input> needs a name and a ROM name of 1 to %u characters",
			gn_xml_line(&input), (unsigned)RF_NAME_MAX - 1);
		return false;
	}
	return true;
}

/* A scratch buffer for outputs of up to size bytes. */
static void resize_scratch(size_t size)
{
	if (gn_cap_valid(scratch.cap) && scratch.size == page_round(size)) {
		limit = size;
		return;
	}
	buffer_free(&scratch);
	limit = 0;
	if (buffer_alloc(&scratch, page_round(size)) != GN_OK)
		gn_error("no RAM for an output buffer of %zu bytes", size);
	else
		limit = size;
}

/* Reads the config ROM and, when it is usable, puts it in force. */
static void apply_config(void)
{
	buffer_t *next = &config_copy[!config_cur];
	gn_xml_node_t root;
	gn_xml_error_t xerr;
	size_t len;
	bool verbose;
	uint64_t buffer;

	gn_err_t err = rom_fetch(config_rom, next, &len);
	if (err != GN_OK) {
		gn_error("config ROM unreadable: %s", gn_err_name(err));
		return;
	}
	if (gn_xml_parse(next->addr, len, &root, &xerr) != GN_OK) {
		gn_error("config: line %u: %s; the previous config stays", xerr.line, xerr.what);
		return;
	}
	if (!config_usable(&root, &verbose, &buffer))
		return;
	rf_verbose = verbose;
	resize_scratch((size_t)buffer);
	inputs_open(&root); /* may dispatch signals: state is consistent with the old config */
	config = root;
	config_cur = !config_cur;
	inputs_close_unused(&config);
	output_update();
}

static void config_changed(void *ctx, uint64_t count)
{
	(void)ctx;
	(void)count;
	if (updating) {
		pending = true;
		return;
	}
	updating = true;
	do {
		pending = false;
		apply_config();
	} while (pending);
	updating = false;
}

void gn_component_construct(gn_env_t *env)
{
	gn_rpc_void_t none = {0};
	gn_cap_t sig;
	uint32_t id;

	rf_env = env;
	gn_err_t err = gn_session(
		env, "ROM", "ram_quota=8K, cap_quota=2, label=\"config\"", &config_rom, &id);
	if (err == GN_OK)
		err = gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &sig);
	if (err == GN_OK)
		err = gn_ep_sigh(env->ep, sig, config_changed, NULL);
	if (err == GN_OK)
		err = gn_rom_session_sigh(config_rom, &none, &none, &sig, NULL);
	if (err != GN_OK) {
		gn_error("cannot follow the config ROM: %s", gn_err_name(err));
		gn_exit(env, 1);
	}
	config_changed(NULL, 0);
	err = gn_service_announce(env, "ROM", &rom_service_ops, NULL);
	if (err != GN_OK) {
		gn_error("cannot announce the ROM service: %s", gn_err_name(err));
		gn_exit(env, 1);
	}
}
