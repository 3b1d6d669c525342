/*
 * ROM sessions over boot modules. A module is read once at boot into a dataspace sealed against
 * writing; every session on it hands out that same dataspace. The module is chosen by the last
 * element of the session label, as in Genode's core.
 */
#include <gneiss/label.h>
#include <gneiss/rom_session.h>
#include <gneiss/string.h>

#include "core.h"

enum {
	MODULE_NAME_MAX = 64,
	MAX_ROMS = CORE_MAX_SESSIONS
};

typedef struct {
	char name[MODULE_NAME_MAX];
	gn_cap_t ds;
	size_t size;
} module_t;

typedef struct {
	bool used;
	module_t const *module;
} rom_session_t;

static module_t modules[CORE_MAX_MODULES];
static unsigned num_modules;
static rom_session_t roms[MAX_ROMS];
static unsigned roms_high_water;

GN_RPC_SERVER(gn_rom_session, GN_ROM_RPCS)

gn_err_t core_rom_add_module(char const *name, gn_cap_t ds, size_t size)
{
	if (num_modules == CORE_MAX_MODULES)
		return GN_ERR_LIMIT;
	module_t *m = &modules[num_modules];
	if (gn_strlcpy(m->name, name, sizeof(m->name)) != GN_OK)
		return GN_ERR_INVALID_ARG;
	m->ds = ds;
	m->size = size;
	num_modules++;
	return GN_OK;
}

static gn_err_t dataspace(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rom_dataspace_res_t *res)
{
	rom_session_t const *s = obj;

	(void)args;
	req->caps_out[0] = gn_cap_copy(s->module->ds);
	req->num_caps_out = 1;
	res->size = s->module->size;
	return GN_OK;
}

static gn_err_t sigh(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	(void)obj;
	(void)req;
	(void)args;
	(void)res;
	return GN_OK; /* boot modules never change */
}

static gn_rom_session_ops_t const ops = {dataspace, sigh};

gn_err_t core_rom_create(char const *label, gn_cap_t *cap)
{
	size_t last_len;
	char const *last = gn_label_last(label, gn_strlen(label), &last_len);
	module_t const *m = NULL;

	for (unsigned i = 0; i < num_modules && !m; i++)
		if (gn_str_eq_n(last, last_len, modules[i].name))
			m = &modules[i];
	if (!m)
		return GN_ERR_DENIED;
	for (unsigned i = 0; i < MAX_ROMS; i++) {
		rom_session_t *s = &roms[i];
		if (s->used)
			continue;
		s->module = m;
		gn_err_t err = gn_ep_manage(core_ep(), s, &gn_rom_session_iface, &ops, cap);
		s->used = err == GN_OK;
		if (s->used)
			core_table_used(&roms_high_water, i);
		return err;
	}
	return GN_ERR_LIMIT;
}

void core_rom_destroy(gn_cap_t cap)
{
	void *obj = gn_ep_lookup(core_ep(), cap, &gn_rom_session_iface);

	for (unsigned i = 0; obj && i < roms_high_water; i++)
		if (obj == &roms[i] && roms[i].used) {
			gn_ep_dissolve(core_ep(), cap);
			roms[i].used = false;
		}
}
