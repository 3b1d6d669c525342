/*
 * The ROM service: every session reads the same output, whatever its label (as Genode's
 * rom_filter, which ignores the ROM name asked for). Each session has a dataspace of its own, paid
 * from its donation, into which its `dataspace` call copies the current output and a NUL; between
 * two such calls of its client nothing changes it, so a client never sees a half-written output
 * and no client can change what another reads. A larger output needs a larger dataspace (the old
 * one is freed first: the client must no longer use it); when the donation cannot pay for that,
 * the call fails with OUT_OF_RAM and the session keeps its dataspace until the client upgrades.
 */
#include <gneiss/label.h>
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gneiss/rom_session.h>
#include <gneiss/signal.h>
#include <gneiss/string.h>

#include "rom_filter.h"

enum {
	ROM_CAPS = 2, /* the session object and its dataspace */
};

typedef struct {
	bool used;
	gn_cap_t cap;
	gn_cap_t sigh; /* the client's, or GN_CAP_INVALID */
	char label[GN_LABEL_MAX];
	buffer_t ds;
	size_t shown; /* output bytes now in ds */
	uint64_t ram; /* the donation, upgrades included */
} rom_t;

static rom_t roms[MAX_ROMS];

GN_RPC_SERVER(gn_rom_session, GN_ROM_RPCS)

void roms_notify(void)
{
	for (unsigned i = 0; i < MAX_ROMS; i++)
		if (roms[i].used && gn_cap_valid(roms[i].sigh))
			gn_ignore(gn_signal_submit(roms[i].sigh, 1));
}

static rom_t *rom_of(gn_cap_t cap)
{
	void *obj = gn_ep_lookup(rf_env->ep, cap);

	for (unsigned i = 0; i < MAX_ROMS; i++)
		if (roms[i].used && obj == &roms[i])
			return &roms[i];
	return NULL;
}

/* What a session's dataspace must hold for an output of len bytes: the output and a NUL. */
static size_t need_of(size_t len)
{
	return page_round(len + 1);
}

/* Copies the output (len bytes at data) into r's dataspace, which holds need_of(len) bytes. */
static void fill(rom_t *r, char const *data, size_t len)
{
	size_t const end = r->shown > len ? r->shown : len;

	gn_memcpy(r->ds.addr, data, len);
	gn_memset(r->ds.addr + len, 0, end - len + 1); /* the NUL, and no stale tail */
	r->shown = len;
}

/* ---- the session interface --------------------------------------------------------------------- */

static gn_err_t dataspace(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rom_dataspace_res_t *res)
{
	rom_t *r = obj;
	char const *data;
	size_t len;

	(void)args;
	output_content(&data, &len);
	size_t const need = need_of(len);
	if (need > r->ds.size) {
		if (need > r->ram) {
			if (rf_verbose)
				gn_log("ROM \"%s\": an output of %zu bytes needs %zu bytes, the "
				       "session has %llu",
					r->label, len, need, (unsigned long long)r->ram);
			return GN_ERR_OUT_OF_RAM;
		}
		/* old first, so the donation pays for one dataspace at a time */
		buffer_free(&r->ds);
		r->shown = 0;
		gn_err_t err = buffer_alloc(&r->ds, need);
		if (err != GN_OK)
			return err; /* the next call tries again */
	}
	fill(r, data, len);
	req->caps_out[0] = gn_cap_copy(r->ds.cap);
	req->num_caps_out = 1;
	res->size = len;
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

/* ---- the service ------------------------------------------------------------------------------- */

/* Label and donation of a session request; false when args are malformed. */
static bool session_args(char const *args, char *label, uint64_t *ram, uint64_t *caps)
{
	gn_err_t err = gn_args_get_label(args, label, GN_LABEL_MAX);

	*ram = *caps = 0;
	if (err == GN_OK && (err = gn_args_get_num(args, "ram_quota", ram)) == GN_ERR_NOT_FOUND)
		err = GN_OK;
	if (err == GN_OK && (err = gn_args_get_num(args, "cap_quota", caps)) == GN_ERR_NOT_FOUND)
		err = GN_OK;
	return err == GN_OK;
}

static gn_err_t create(void *ctx, char const *args, gn_cap_t *cap)
{
	char label[GN_LABEL_MAX];
	uint64_t ram, caps;
	char const *data;
	size_t len;
	rom_t *r = NULL;

	(void)ctx;
	if (!session_args(args, label, &ram, &caps)) {
		gn_warning("refused a ROM session: malformed arguments");
		return GN_ERR_DENIED;
	}
	output_content(&data, &len);
	if (caps < ROM_CAPS)
		return GN_ERR_INSUFFICIENT_CAPS;
	if (ram < need_of(len))
		return GN_ERR_INSUFFICIENT_RAM;
	for (unsigned i = 0; i < MAX_ROMS && !r; i++)
		if (!roms[i].used)
			r = &roms[i];
	if (!r) {
		gn_warning("refused ROM \"%s\": %u sessions are open", label, (unsigned)MAX_ROMS);
		return GN_ERR_DENIED;
	}
	*r = (rom_t){.ram = ram};
	gn_memcpy(r->label, label, sizeof(r->label));
	gn_err_t err = buffer_alloc(&r->ds, need_of(len));
	if (err == GN_OK)
		err = gn_ep_manage(rf_env->ep, r, &gn_rom_session_iface, &ops, &r->cap);
	if (err != GN_OK) {
		buffer_free(&r->ds);
		return err;
	}
	fill(r, data, len);
	r->used = true;
	if (rf_verbose)
		gn_log("ROM session \"%s\" opened", r->label);
	*cap = gn_cap_copy(r->cap);
	return GN_OK;
}

static void upgrade(void *ctx, gn_cap_t cap, uint64_t ram, uint64_t caps)
{
	rom_t *r = rom_of(cap);

	(void)ctx;
	(void)caps;
	if (r)
		r->ram = ram > UINT64_MAX - r->ram ? UINT64_MAX : r->ram + ram;
}

static void close(void *ctx, gn_cap_t cap)
{
	rom_t *r = rom_of(cap);

	(void)ctx;
	if (!r)
		return;
	gn_ep_dissolve(rf_env->ep, r->cap);
	gn_cap_drop(r->cap);
	gn_cap_drop(r->sigh);
	buffer_free(&r->ds);
	*r = (rom_t){0};
}

gn_service_ops_t const rom_service_ops = {create, upgrade, close};
