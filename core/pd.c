/*
 * PD sessions: RAM and capability accounting, RAM dataspaces, signal contexts, and (on linux)
 * starting the PD's program.
 *
 * Every charge is checked before anything changes (validate, then commit). A dataspace is charged
 * its page-rounded size and one capability; core keeps one reference to each dataspace it handed
 * out, in a table with its owner, so freeing one that belongs to another PD is refused and
 * destroying a PD frees exactly what it held.
 */
#include <gneiss/pd_session.h>
#include <gneiss/string.h>

#include "core.h"

typedef struct {
	core_pd_t *owner; /* NULL: unused */
	gn_cap_t ds;
	uint64_t size;
	bool is_signal;
} holding_t;

static core_pd_t pds[CORE_MAX_PDS];
static holding_t holdings[CORE_MAX_DATASPACES];
static core_pd_t core_pd = {.used = true, .label = "core"};

GN_RPC_SERVER(gn_pd_session, GN_PD_RPCS)

core_pd_t *core_account(void)
{
	return &core_pd;
}

gn_err_t core_pd_charge(core_pd_t *pd, uint64_t ram, uint64_t caps)
{
	if (ram > pd->ram_quota - pd->ram_used)
		return GN_ERR_OUT_OF_RAM;
	if (caps > pd->cap_quota - pd->cap_used)
		return GN_ERR_OUT_OF_CAPS;
	pd->ram_used += ram;
	pd->cap_used += caps;
	return GN_OK;
}

void core_pd_refund(core_pd_t *pd, uint64_t ram, uint64_t caps)
{
	pd->ram_used -= ram <= pd->ram_used ? ram : pd->ram_used;
	pd->cap_used -= caps <= pd->cap_used ? caps : pd->cap_used;
}

core_pd_t *core_pd_of_cap(gn_cap_t cap)
{
	core_pd_t *pd = gn_ep_lookup(core_ep(), cap, &gn_pd_session_iface);

	return pd && pd->used ? pd : NULL;
}

static holding_t *find_holding(core_pd_t *pd, gn_cap_t cap)
{
	for (unsigned i = 0; i < CORE_MAX_DATASPACES; i++)
		if (holdings[i].owner == pd && gn_cap_same(holdings[i].ds, cap))
			return &holdings[i];
	return NULL;
}

static holding_t *free_holding(void)
{
	for (unsigned i = 0; i < CORE_MAX_DATASPACES; i++)
		if (!holdings[i].owner)
			return &holdings[i];
	return NULL;
}

static void release(holding_t *h)
{
	if (!h->is_signal)
		core_platform_ram_free(h->ds);
	gn_cap_drop(h->ds);
	core_pd_refund(h->owner, h->size, 1);
	h->owner = NULL;
}

static gn_err_t alloc_ram(void *obj, gn_rpc_request_t *req, gn_pd_alloc_ram_args_t const *args,
	gn_pd_alloc_ram_res_t *res)
{
	core_pd_t *pd = obj;
	uint64_t const size = (args->size + CORE_PAGE - 1) & ~(uint64_t)(CORE_PAGE - 1);
	holding_t *h = free_holding();

	if (args->size == 0 || size < args->size || !h)
		return args->size == 0 || size < args->size ? GN_ERR_INVALID_ARG : GN_ERR_LIMIT;
	gn_err_t err = core_pd_charge(pd, size, 1);
	if (err != GN_OK)
		return err;
	gn_cap_t ds;
	err = core_platform_ram_alloc(size, &ds);
	if (err != GN_OK) {
		core_pd_refund(pd, size, 1);
		return err;
	}
	*h = (holding_t){pd, ds, size, false};
	req->caps_out[0] = gn_cap_copy(ds);
	req->num_caps_out = 1;
	res->size = size;
	return GN_OK;
}

static gn_err_t free_ram(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	holding_t *h = find_holding(obj, req->caps_in[0]);

	(void)args;
	(void)res;
	if (!h || h->is_signal)
		return GN_ERR_INVALID_CAP;
	release(h);
	return GN_OK;
}

static gn_err_t quota(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_pd_quota_res_t *res)
{
	core_pd_t const *pd = obj;

	(void)req;
	(void)args;
	*res = (gn_pd_quota_res_t){pd->ram_quota, pd->ram_used, pd->cap_quota, pd->cap_used};
	return GN_OK;
}

/* Moves quota from this PD to a child it pays for, or back to its own reference account. */
static gn_err_t transfer_quota(
	void *obj, gn_rpc_request_t *req, gn_pd_transfer_args_t const *args, gn_rpc_void_t *res)
{
	core_pd_t *from = obj;
	core_pd_t *to = core_pd_of_cap(req->caps_in[0]);

	(void)res;
	if (!to || (to->ref != from && from->ref != to)) /* only along the reference tree */
		return GN_ERR_DENIED;
	/* A reference account counts its children's quota as used: giving to a child uses it... */
	if (to->ref == from) {
		gn_err_t err = core_pd_charge(from, args->ram, args->caps);
		if (err != GN_OK)
			return err;
		to->ram_quota += args->ram;
		to->cap_quota += args->caps;
		return GN_OK;
	}
	/* ...and a child giving back shrinks its quota and frees that much of its parent's. */
	if (args->ram > from->ram_quota - from->ram_used)
		return GN_ERR_OUT_OF_RAM;
	if (args->caps > from->cap_quota - from->cap_used)
		return GN_ERR_OUT_OF_CAPS;
	from->ram_quota -= args->ram;
	from->cap_quota -= args->caps;
	core_pd_refund(to, args->ram, args->caps);
	return GN_OK;
}

static gn_err_t alloc_signal(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	core_pd_t *pd = obj;
	holding_t *h = free_holding();
	gn_cap_t sig;

	(void)args;
	(void)res;
	if (!h)
		return GN_ERR_LIMIT;
	gn_err_t err = core_pd_charge(pd, 0, 1);
	if (err != GN_OK)
		return err;
	err = core_platform_signal_alloc(&sig);
	if (err != GN_OK) {
		core_pd_refund(pd, 0, 1);
		return err;
	}
	*h = (holding_t){pd, sig, 0, true};
	req->caps_out[0] = gn_cap_copy(sig);
	req->num_caps_out = 1;
	return GN_OK;
}

static gn_err_t free_signal(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	holding_t *h = NULL;

	(void)args;
	(void)res;
	for (unsigned i = 0; i < CORE_MAX_DATASPACES && !h; i++)
		if (holdings[i].owner == obj && holdings[i].is_signal &&
			gn_cap_same(holdings[i].ds, req->caps_in[0]))
			h = &holdings[i];
	if (!h)
		return GN_ERR_INVALID_CAP;
	release(h);
	return GN_OK;
}

static gn_err_t start(
	void *obj, gn_rpc_request_t *req, gn_pd_start_args_t const *args, gn_rpc_void_t *res)
{
	core_pd_t *pd = obj;
	char binary[GN_PD_BINARY_NAME_MAX];

	(void)res;
	if (pd->started)
		return GN_ERR_DENIED;
	if (gn_strlcpy(binary, args->binary, sizeof(binary)) != GN_OK || !binary[0])
		return GN_ERR_INVALID_ARG;
	return core_platform_start(pd, binary, req->caps_in);
}

static gn_err_t ref_account(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	core_pd_t *pd = obj;
	core_pd_t *ref = core_pd_of_cap(req->caps_in[0]);

	(void)args;
	(void)res;
	if (!ref || ref == pd || (ref != pd->ref && ref->ref != pd->ref))
		return GN_ERR_DENIED;
	if (pd->started || pd->ram_used || pd->cap_used)
		return GN_ERR_DENIED; /* a fresh PD only: nothing of its quota is in use */
	if (ref == pd->ref)
		return GN_OK;
	/* the quota it was given (a session's donation) is the new reference's from now on */
	gn_err_t const err = core_pd_charge(ref, pd->ram_quota, pd->cap_quota);
	if (err != GN_OK)
		return err;
	core_pd_refund(pd->ref, pd->ram_quota, pd->cap_quota);
	pd->ref = ref;
	return GN_OK;
}

static gn_pd_session_ops_t const ops = {
	alloc_ram, free_ram, quota, transfer_quota, alloc_signal, free_signal, start, ref_account};

gn_err_t core_pd_create(
	char const *label, uint64_t ram, uint64_t caps, core_pd_t *ref, core_pd_t **out)
{
	core_pd_t *pd = NULL;

	for (unsigned i = 0; i < CORE_MAX_PDS && !pd; i++)
		if (!pds[i].used)
			pd = &pds[i];
	if (!pd)
		return GN_ERR_LIMIT;
	gn_err_t err = core_pd_charge(ref, ram, caps);
	if (err != GN_OK)
		return err;
	*pd = (core_pd_t){.used = true,
		.ram_quota = ram,
		.cap_quota = caps,
		.ref = ref,
		.pid = -1,
		.pidfd = -1,
		.listener = -1};
	gn_ignore(
		gn_strlcpy(pd->label, label, sizeof(pd->label))); /* a cut label is still unique */
	err = gn_ep_manage(core_ep(), pd, &gn_pd_session_iface, &ops, &pd->cap);
	if (err != GN_OK) {
		core_pd_refund(ref, ram, caps);
		pd->used = false;
		return err;
	}
	*out = pd;
	return GN_OK;
}

void core_pd_destroy(core_pd_t *pd)
{
	core_platform_kill(pd);
	for (unsigned i = 0; i < CORE_MAX_DATASPACES; i++)
		if (holdings[i].owner == pd)
			release(&holdings[i]);
	gn_ep_dissolve(core_ep(), pd->cap);
	gn_cap_drop(pd->cap);
	if (pd->exception_sigh)
		gn_cap_drop(pd->exception_sigh);
	core_pd_refund(pd->ref, pd->ram_quota, pd->cap_quota);
	pd->used = false;
}
