/*
 * ROM sessions whose content a server decides (gneiss/rom_server.h): records, dataspaces paid
 * from each session's donation, signals.
 */
#include <gneiss/dataspace.h>
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gneiss/pd_session.h>
#include <gneiss/rom_server.h>
#include <gneiss/rom_session.h>
#include <gneiss/signal.h>
#include <gneiss/string.h>

enum {
	PAGE = 4096
};

GN_RPC_SERVER(gn_rom_session, GN_ROM_RPCS)

/* What a session's dataspace must hold for content of len bytes: the content and a NUL. */
static size_t need_of(size_t len)
{
	return (len + 1 + PAGE - 1) & ~(size_t)(PAGE - 1);
}

static void free_ds(gn_rom_server_t *s, gn_rom_served_t *r)
{
	gn_rpc_void_t none = {0};

	if (!gn_cap_valid(r->ds))
		return;
	gn_ds_detach(r->addr, r->size);
	gn_ignore(gn_pd_session_free_ram(s->env->pd, &none, &none, &r->ds, NULL));
	gn_cap_drop(r->ds);
	r->ds = GN_CAP_INVALID;
	r->addr = NULL;
	r->size = r->shown = 0;
}

static gn_err_t alloc_ds(gn_rom_server_t *s, gn_rom_served_t *r, size_t size)
{
	gn_pd_alloc_ram_res_t alloc;
	void *addr;
	size_t mapped;
	bool writable;

	gn_err_t err = gn_pd_session_alloc_ram(
		s->env->pd, &(gn_pd_alloc_ram_args_t){size}, &alloc, NULL, &r->ds);
	if (err != GN_OK) {
		r->ds = GN_CAP_INVALID;
		return err;
	}
	err = gn_ds_attach(r->ds, &addr, &mapped, &writable);
	if (err == GN_OK && (mapped != size || !writable)) {
		gn_ds_detach(addr, mapped);
		err = GN_ERR_IO;
	}
	if (err == GN_OK) {
		r->addr = addr;
		r->size = size;
		r->shown = 0;
		return GN_OK;
	}
	gn_rpc_void_t none = {0};
	gn_ignore(gn_pd_session_free_ram(s->env->pd, &none, &none, &r->ds, NULL));
	gn_cap_drop(r->ds);
	r->ds = GN_CAP_INVALID;
	return err;
}

/* Copies the content into r's dataspace, which holds need_of(len) bytes. */
static void fill(gn_rom_served_t *r, char const *data, size_t len)
{
	size_t const end = r->shown > len ? r->shown : len;

	gn_memcpy(r->addr, data, len);
	gn_memset(r->addr + len, 0, end - len + 1); /* the NUL, and no stale tail */
	r->shown = len;
}

static gn_err_t dataspace(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rom_dataspace_res_t *res)
{
	gn_rom_served_t *r = obj;
	gn_rom_server_t *s = r->server;
	char const *data;
	size_t len;

	(void)args;
	s->content(s->ctx, r->key, &data, &len);
	size_t const need = need_of(len);
	if (need > r->size) {
		if (need > r->ram) {
			if (s->verbose)
				gn_log("ROM \"%s\": content of %zu bytes needs %zu bytes, the "
				       "session "
				       "has %llu",
					r->label, len, need, (unsigned long long)r->ram);
			return GN_ERR_OUT_OF_RAM;
		}
		free_ds(s, r); /* old first, so the donation pays for one dataspace at a time */
		gn_err_t const err = alloc_ds(s, r, need);
		if (err != GN_OK)
			return err; /* the next call tries again */
	}
	fill(r, data, len);
	req->caps_out[0] = gn_cap_copy(r->ds);
	req->num_caps_out = 1;
	res->size = len;
	return GN_OK;
}

static gn_err_t sigh(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	gn_rom_served_t *r = obj;

	(void)args;
	(void)res;
	if (gn_cap_kind(req->caps_in[0]) != GN_CAP_KIND_SIGNAL)
		return GN_ERR_INVALID_CAP;
	gn_cap_drop(r->sigh);
	r->sigh = gn_cap_copy(req->caps_in[0]);
	return GN_OK;
}

static gn_rom_session_ops_t const ops = {dataspace, sigh};

void gn_rom_server_init(
	gn_rom_server_t *s, gn_env_t *env, gn_rom_content_fn_t content, void *ctx, bool verbose)
{
	*s = (gn_rom_server_t){.env = env, .content = content, .ctx = ctx, .verbose = verbose};
}

static gn_rom_served_t *session_of(gn_rom_server_t *s, gn_cap_t cap)
{
	void *obj = gn_ep_lookup(s->env->ep, cap, &gn_rom_session_iface);

	for (unsigned i = 0; i < GN_ROM_SERVER_SESSIONS; i++)
		if (s->sessions[i].used && obj == &s->sessions[i])
			return &s->sessions[i];
	return NULL;
}

gn_err_t gn_rom_server_open(gn_rom_server_t *s, char const *label, char const *key, uint64_t ram,
	uint64_t caps, gn_cap_t *cap)
{
	gn_rom_served_t *r = NULL;
	char const *data;
	size_t len;

	s->content(s->ctx, key, &data, &len);
	if (caps < GN_ROM_SESSION_CAPS)
		return GN_ERR_INSUFFICIENT_CAPS;
	if (ram < need_of(len))
		return GN_ERR_INSUFFICIENT_RAM;
	for (unsigned i = 0; i < GN_ROM_SERVER_SESSIONS && !r; i++)
		if (!s->sessions[i].used)
			r = &s->sessions[i];
	if (!r) {
		gn_warning("refused ROM \"%s\": %u sessions are open", label,
			(unsigned)GN_ROM_SERVER_SESSIONS);
		return GN_ERR_DENIED;
	}
	*r = (gn_rom_served_t){
		.server = s, .sigh = GN_CAP_INVALID, .ds = GN_CAP_INVALID, .ram = ram};
	gn_ignore(gn_strlcpy(r->label, label, sizeof(r->label)));
	gn_ignore(gn_strlcpy(r->key, key, sizeof(r->key)));
	gn_err_t err = alloc_ds(s, r, need_of(len));
	if (err == GN_OK)
		err = gn_ep_manage(s->env->ep, r, &gn_rom_session_iface, &ops, &r->cap);
	if (err != GN_OK) {
		free_ds(s, r);
		return err;
	}
	fill(r, data, len);
	r->used = true;
	*cap = gn_cap_copy(r->cap);
	return GN_OK;
}

void gn_rom_server_upgrade(gn_rom_server_t *s, gn_cap_t cap, uint64_t ram)
{
	gn_rom_served_t *r = session_of(s, cap);

	if (!r)
		return;
	r->ram = ram > UINT64_MAX - r->ram ? UINT64_MAX : r->ram + ram;
	if (s->verbose)
		gn_log("ROM \"%s\": upgraded to %llu bytes", r->label, (unsigned long long)r->ram);
}

void gn_rom_server_close(gn_rom_server_t *s, gn_cap_t cap)
{
	gn_rom_served_t *r = session_of(s, cap);

	if (!r)
		return;
	gn_ep_dissolve(s->env->ep, r->cap);
	gn_cap_drop(r->cap);
	gn_cap_drop(r->sigh);
	free_ds(s, r);
	*r = (gn_rom_served_t){0};
}

void gn_rom_server_notify(gn_rom_server_t *s, char const *key)
{
	for (unsigned i = 0; i < GN_ROM_SERVER_SESSIONS; i++) {
		gn_rom_served_t const *r = &s->sessions[i];
		if (r->used && gn_cap_valid(r->sigh) && (!key || gn_strcmp(r->key, key) == 0))
			gn_ignore(gn_signal_submit(r->sigh, 1));
	}
}
