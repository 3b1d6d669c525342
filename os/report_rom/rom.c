/*
 * The ROM service. Each session has one dataspace of its own, paid from its donation, into which
 * its `dataspace` call copies the current report, followed by a NUL; between two such calls of its
 * client nothing changes it. The dataspace grows (a new one replaces the old, which the client must
 * no longer use) when a report needs more pages; when the donation cannot pay for that, the call
 * fails with OUT_OF_RAM and the session keeps its dataspace and content unchanged.
 */
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gneiss/rom_session.h>
#include <gneiss/signal.h>
#include <gneiss/string.h>

#include "report_rom.h"

enum {
	ROM_CAPS = 2, /* the session object and its dataspace */
};

typedef struct {
	bool used;
	gn_cap_t cap;
	gn_cap_t sigh;             /* the client's, or GN_CAP_INVALID */
	char label[GN_LABEL_MAX];  /* the session's */
	char report[GN_LABEL_MAX]; /* the name of the report it reads */
	buffer_t ds;
	uint64_t shown; /* content bytes now in ds */
	uint64_t ram;   /* the donation, upgrades included (its caps cover the fixed price) */
} rom_t;

static rom_t roms[MAX_ROMS];

GN_RPC_SERVER(gn_rom_session, GN_ROM_RPCS)

void roms_notify(char const *name)
{
	for (unsigned i = 0; i < MAX_ROMS; i++) {
		rom_t const *r = &roms[i];
		if (r->used && gn_cap_valid(r->sigh) && gn_strcmp(r->report, name) == 0)
			gn_ignore(gn_signal_submit(r->sigh, 1));
	}
}

static rom_t *rom_of(gn_cap_t cap)
{
	void *obj = gn_ep_lookup(rr_env->ep, cap);

	for (unsigned i = 0; i < MAX_ROMS; i++)
		if (roms[i].used && obj == &roms[i])
			return &roms[i];
	return NULL;
}

/* What the session's dataspace must hold for a report of len bytes: the report and a NUL. */
static uint64_t need_of(uint64_t len)
{
	return page_round(len + 1);
}

/* Copies the report into r's dataspace, which holds need_of(len) bytes. */
static void fill(rom_t *r, char const *data, uint64_t len)
{
	uint64_t const end = r->shown > len ? r->shown : len;

	gn_memcpy(r->ds.addr, data, (size_t)len);
	gn_memset(r->ds.addr + len, 0, (size_t)(end - len + 1)); /* the NUL, and no stale tail */
	r->shown = len;
}

/* ---- the session interface --------------------------------------------------------------------- */

static gn_err_t dataspace(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rom_dataspace_res_t *res)
{
	rom_t *r = obj;
	char const *data;
	uint64_t len;

	(void)args;
	reports_content(r->report, &data, &len);
	uint64_t const need = need_of(len);
	if (need > r->ds.size) {
		if (need > r->ram) {
			if (rr_verbose)
				gn_log("ROM \"%s\": a report of %llu bytes needs %llu bytes, the "
				       "session has %llu",
					r->label, (unsigned long long)len, (unsigned long long)need,
					(unsigned long long)r->ram);
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

static gn_err_t create(void *ctx, char const *args, gn_cap_t *cap)
{
	session_args_t a;
	char report[GN_LABEL_MAX];
	char const *data;
	uint64_t len;
	rom_t *r = NULL;

	(void)ctx;
	if (session_args(args, &a) != GN_OK) {
		gn_warning("refused a ROM session: malformed arguments");
		return GN_ERR_DENIED;
	}
	if (policy_report(a.label, report) != GN_OK) {
		gn_warning("refused ROM \"%s\": no policy for this label", a.label);
		return GN_ERR_DENIED;
	}
	reports_content(report, &data, &len);
	if (a.caps < ROM_CAPS)
		return GN_ERR_INSUFFICIENT_CAPS;
	if (a.ram < need_of(len))
		return GN_ERR_INSUFFICIENT_RAM;
	for (unsigned i = 0; i < MAX_ROMS && !r; i++)
		if (!roms[i].used)
			r = &roms[i];
	if (!r) {
		gn_warning("refused ROM \"%s\": %u sessions are open", a.label, (unsigned)MAX_ROMS);
		return GN_ERR_DENIED;
	}
	*r = (rom_t){.ram = a.ram};
	gn_memcpy(r->label, a.label, sizeof(r->label));
	gn_memcpy(r->report, report, sizeof(r->report));
	gn_err_t err = buffer_alloc(&r->ds, need_of(len));
	if (err == GN_OK)
		err = gn_ep_manage(rr_env->ep, r, &gn_rom_session_iface, &ops, &r->cap);
	if (err != GN_OK) {
		buffer_free(&r->ds);
		return err;
	}
	fill(r, data, len);
	r->used = true;
	if (rr_verbose)
		gn_log("ROM \"%s\" reads report \"%s\"", r->label, r->report);
	*cap = gn_cap_copy(r->cap);
	return GN_OK;
}

static void upgrade(void *ctx, gn_cap_t cap, uint64_t ram, uint64_t caps)
{
	rom_t *r = rom_of(cap);

	(void)ctx;
	(void)caps;
	if (!r)
		return;
	r->ram = ram > UINT64_MAX - r->ram ? UINT64_MAX : r->ram + ram;
	if (rr_verbose)
		gn_log("ROM \"%s\": upgraded to %llu bytes", r->label, (unsigned long long)r->ram);
}

static void close(void *ctx, gn_cap_t cap)
{
	rom_t *r = rom_of(cap);

	(void)ctx;
	if (!r)
		return;
	gn_ep_dissolve(rr_env->ep, r->cap);
	gn_cap_drop(r->cap);
	gn_cap_drop(r->sigh);
	buffer_free(&r->ds);
	*r = (rom_t){0};
}

gn_service_ops_t const rom_service_ops = {create, upgrade, close};
