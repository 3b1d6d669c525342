/*
 * The ROMs init serves itself: a child's inline <config> node, handed to the child as its
 * "config" ROM (the node itself, <config ...> to </config>, as Genode's init does).
 *
 * The dataspace is paid from the session's donation, which stays with init while the session
 * lives: a config bigger than the donation is refused with INSUFFICIENT_RAM, and the client's
 * library retries with a larger one.
 */
#include <gneiss/dataspace.h>
#include <gneiss/pd_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/signal.h>
#include <gneiss/string.h>

#include "sandbox.h"

enum {
	MAX_ROMS = MAX_CHILDREN,
	PAGE = 4096
};

typedef struct {
	bool used;
	child_t *child;
	gn_cap_t cap; /* the ROM session object */
	gn_cap_t ds;
	size_t size;
	gn_cap_t sigh; /* the client's, for updates */
} rom_t;

static rom_t roms[MAX_ROMS];

GN_RPC_SERVER(gn_rom_session, GN_ROM_RPCS)

static gn_err_t dataspace(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rom_dataspace_res_t *res)
{
	rom_t const *r = obj;

	(void)args;
	req->caps_out[0] = gn_cap_copy(r->ds);
	req->num_caps_out = 1;
	res->size = r->size;
	return GN_OK;
}

static gn_err_t sigh(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	rom_t *r = obj;

	(void)args;
	(void)res;
	if (gn_cap_kind(req->caps_in[0]) != GN_CAP_KIND_SIGNAL)
		return GN_ERR_INVALID_CAP;
	gn_cap_drop(r->sigh);
	r->sigh = gn_cap_copy(req->caps_in[0]);
	return GN_OK;
}

static gn_rom_session_ops_t const ops = {dataspace, sigh};

static void free_ds(rom_t *r)
{
	gn_rpc_void_t none = {0};

	gn_ignore(gn_pd_session_free_ram(sandbox_env->pd, &none, &none, &r->ds, NULL));
	gn_cap_drop(r->ds);
	r->ds = GN_CAP_INVALID;
}

/* A new dataspace holding node. */
static gn_err_t fill(rom_t *r, gn_xml_node_t const *node)
{
	gn_pd_alloc_ram_res_t alloc;
	void *addr;
	size_t mapped;
	bool writable;

	gn_err_t err = gn_pd_session_alloc_ram(
		sandbox_env->pd, &(gn_pd_alloc_ram_args_t){node->len}, &alloc, NULL, &r->ds);
	if (err != GN_OK)
		return err;
	err = gn_ds_attach(r->ds, &addr, &mapped, &writable);
	if (err != GN_OK) {
		free_ds(r);
		return err;
	}
	gn_memcpy(addr, node->base, node->len);
	gn_ds_detach(addr, mapped);
	r->size = node->len;
	return GN_OK;
}

gn_err_t config_rom_create(child_t *c, uint64_t donated_ram, gn_cap_t *cap)
{
	gn_xml_node_t node;
	rom_t *r = NULL;

	if (!gn_xml_first_sub_type(&c->start, "config", &node))
		return GN_ERR_DENIED;
	if ((node.len + PAGE - 1) / PAGE * PAGE > donated_ram)
		return GN_ERR_INSUFFICIENT_RAM;
	for (unsigned i = 0; i < MAX_ROMS && !r; i++)
		if (!roms[i].used)
			r = &roms[i];
	if (!r)
		return GN_ERR_LIMIT;
	*r = (rom_t){.child = c};
	gn_err_t err = fill(r, &node);
	if (err == GN_OK)
		err = gn_ep_manage(sandbox_env->ep, r, &gn_rom_session_iface, &ops, &r->cap);
	if (err != GN_OK) {
		free_ds(r);
		return err;
	}
	r->used = true;
	*cap = gn_cap_copy(r->cap);
	return GN_OK;
}

/*
 * The new content is paid by init: a config that outgrew the session's donation still reaches the
 * child (its donation is refunded in full at close either way).
 */
void config_rom_update(child_t *c)
{
	gn_xml_node_t node;

	if (!gn_xml_first_sub_type(&c->start, "config", &node))
		return;
	for (unsigned i = 0; i < MAX_ROMS; i++) {
		rom_t *r = &roms[i];
		if (!r->used || r->child != c)
			continue;
		gn_cap_t const old = r->ds;
		r->ds = GN_CAP_INVALID;
		if (fill(r, &node) != GN_OK) {
			r->ds = old; /* keeps the previous content */
			continue;
		}
		rom_t stale = {.ds = old};
		free_ds(&stale);
		if (r->sigh)
			gn_ignore(gn_signal_submit(r->sigh, 1));
	}
}

void config_rom_destroy(gn_cap_t cap)
{
	void *obj = gn_ep_lookup(sandbox_env->ep, cap, &gn_rom_session_iface);

	for (unsigned i = 0; obj && i < MAX_ROMS; i++) {
		rom_t *r = &roms[i];
		if (!r->used || obj != r)
			continue;
		gn_ep_dissolve(sandbox_env->ep, r->cap);
		gn_cap_drop(r->cap);
		gn_cap_drop(r->sigh);
		free_ds(r);
		r->used = false;
	}
}
