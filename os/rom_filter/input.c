/*
 * The input ROMs: one ROM session at the parent per distinct ROM name the config's <input>s use
 * (several inputs may read one ROM), each with its own signal context. A change signal copies the
 * new content, parses it and generates the output anew. A slot is visible (`used`) only while its
 * session is complete, so an output generated while a session is still being opened or closed
 * (gn_session and gn_session_close dispatch signals) sees that input as missing.
 */
#include <gneiss/label.h>
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gneiss/pd_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/string.h>

#include "filter.h"
#include "rom_filter.h"

typedef struct {
	bool used;
	char rom[RF_NAME_MAX];
	gn_cap_t session, sig;
	uint32_t id;
	buffer_t copy;
	gn_xml_node_t top; /* into copy; invalid while the content is empty or malformed */
} input_t;

static input_t inputs[MAX_INPUTS];

static input_t *find(char const *rom)
{
	for (unsigned i = 0; i < MAX_INPUTS; i++)
		if (inputs[i].used && gn_strcmp(inputs[i].rom, rom) == 0)
			return &inputs[i];
	return NULL;
}

bool inputs_top(void *ctx, char const *rom, gn_xml_node_t *top)
{
	input_t const *in = find(rom);

	(void)ctx;
	*top = in ? in->top : (gn_xml_node_t){0};
	return gn_xml_node_valid(top);
}

/* Takes the ROM's current content. */
static void read_input(input_t *in)
{
	gn_xml_error_t xerr;
	size_t len;

	in->top = (gn_xml_node_t){0};
	gn_err_t const err = rom_fetch(in->session, &in->copy, &len);
	if (err != GN_OK)
		gn_error("input ROM \"%s\" unreadable: %s", in->rom, gn_err_name(err));
	else if (len == 0) {
		if (rf_verbose)
			gn_log("input ROM \"%s\" is empty", in->rom);
	} else if (gn_xml_parse(in->copy.addr, len, &in->top, &xerr) != GN_OK)
		gn_error("input ROM \"%s\": line %u: %s", in->rom, xerr.line, xerr.what);
}

static void changed(void *ctx, uint64_t count)
{
	input_t *in = ctx;

	(void)count;
	if (!in->used)
		return;
	read_input(in);
	output_update();
}

/* Opens the ROM session of input ROM rom in the free slot in. */
static void open_input(input_t *in, char const *rom)
{
	char args[GN_SESSION_ARGS_MAX] = "ram_quota=8K, cap_quota=2";
	gn_rpc_void_t none = {0};

	*in = (input_t){.copy = {GN_CAP_INVALID, NULL, 0}};
	gn_ignore(gn_strlcpy(in->rom, rom, sizeof(in->rom))); /* rf_input_rom checked the size */
	gn_err_t err = gn_args_set_string(args, sizeof(args), "label", rom);
	if (err != GN_OK) {
		gn_error("input ROM \"%s\": no session label can carry this name", rom);
		return;
	}
	err = gn_session(rf_env, "ROM", args, &in->session, &in->id);
	if (err != GN_OK) {
		gn_error("input ROM \"%s\" unavailable: %s", rom, gn_err_name(err));
		return;
	}
	err = gn_pd_session_alloc_signal(rf_env->pd, &none, &none, NULL, &in->sig);
	if (err == GN_OK)
		err = gn_ep_sigh(rf_env->ep, in->sig, changed, in);
	if (err == GN_OK) /* before the first read, so no change goes unnoticed */
		err = gn_rom_session_sigh(in->session, &none, &none, &in->sig, NULL);
	if (err != GN_OK) {
		gn_error("input ROM \"%s\": cannot follow it: %s", rom, gn_err_name(err));
		if (gn_cap_valid(in->sig)) {
			gn_ep_sigh_dissolve(rf_env->ep, in->sig);
			gn_ignore(gn_pd_session_free_signal(
				rf_env->pd, &none, &none, &in->sig, NULL));
			gn_cap_drop(in->sig);
		}
		gn_session_close(rf_env, in->id, in->session);
		return;
	}
	in->used = true;
	read_input(in);
	if (rf_verbose)
		gn_log("input ROM \"%s\" opened", rom);
}

void inputs_open(gn_xml_node_t const *config)
{
	gn_xml_node_t node;
	char rom[RF_NAME_MAX];

	GN_XML_FOR_EACH_SUB(config, "input", node)
	{
		if (rf_input_rom(&node, rom, sizeof(rom)) != GN_OK || find(rom))
			continue;
		input_t *in = NULL;
		for (unsigned i = 0; i < MAX_INPUTS && !in; i++)
			if (!inputs[i].used)
				in = &inputs[i];
		if (!in) {
			gn_error("input ROM \"%s\": more than %u input ROMs", rom,
				(unsigned)MAX_INPUTS);
			continue;
		}
		open_input(in, rom);
	}
}

/* True when an <input> of config reads the ROM called rom. */
static bool named(gn_xml_node_t const *config, char const *rom)
{
	gn_xml_node_t node;
	char name[RF_NAME_MAX];

	GN_XML_FOR_EACH_SUB(config, "input", node)
	if (rf_input_rom(&node, name, sizeof(name)) == GN_OK && gn_strcmp(name, rom) == 0)
		return true;
	return false;
}

void inputs_close_unused(gn_xml_node_t const *config)
{
	gn_rpc_void_t none = {0};

	for (unsigned i = 0; i < MAX_INPUTS; i++) {
		input_t *in = &inputs[i];
		if (!in->used || named(config, in->rom))
			continue;
		in->used = false; /* first: closing dispatches signals */
		in->top = (gn_xml_node_t){0};
		gn_ep_sigh_dissolve(rf_env->ep, in->sig);
		gn_ignore(gn_pd_session_free_signal(rf_env->pd, &none, &none, &in->sig, NULL));
		gn_cap_drop(in->sig);
		buffer_free(&in->copy);
		if (rf_verbose)
			gn_log("input ROM \"%s\" closed", in->rom);
		gn_session_close(rf_env, in->id, in->session);
	}
}
