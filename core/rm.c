/*
 * RM sessions: region maps, managed dataspaces and their faults (include/gneiss/rm_session.h).
 *
 * A region map is a table of attachments, each a page-aligned range [at, at + size) of the map
 * over [offset, offset + size) of a dataspace (a leaf: core holds a reference to its capability)
 * or of another region map (a sub map). Its managed dataspace is a second RPC object of the same
 * map. A component attaches it by asking core for a window (back): [va, va + size) of its own
 * domain shows [offset, offset + size) of the map. Nothing is mapped then; a touch of the window
 * is a page fault that the platform hands to core_rm_fault, which walks from the window's map
 * down through the sub maps to the attachment covering the address and maps the whole stretch of
 * that leaf the window shows (core_platform_rm_map). Where nothing is attached, or the rights do
 * not suffice, the fault waits in a record (its token, the platform's handle of the stopped
 * thread) as a fault of the innermost map reached, whose handler is signalled; after every attach
 * the waiting faults are walked again, and those that now resolve are mapped and resumed.
 *
 * Invariants:
 * - no two attachments of a map overlap, each lies inside the map; the graph of sub maps has no
 *   cycle and no path longer than GN_RM_DEPTH_MAX maps (checked at attach), so every walk ends;
 * - a mapping record exists for every mapping core made into a window and has not removed; a
 *   detach (or destroy) in a map removes every mapping of every window whose map contains it, so
 *   no domain keeps memory that is no longer attached (later touches fault and map anew);
 * - each region map costs its session GN_RM_MAP_PRICE_RAM and _CAPS of the donation, refunded at
 *   destroy; windows are bounded per PD (WINDOWS_PER_PD), waiting faults by the threads that can
 *   wait (a thread faults once at a time).
 * Everything runs on core's entrypoint; nothing here blocks.
 */
#include <gneiss/dataspace.h>
#include <gneiss/rm_session.h>
#include <gneiss/signal.h>

#include "core.h"

enum {
	MAX_SESSIONS = 32,
	MAX_MAPS = 16, /* two objects of core's entrypoint each */
	MAX_WINDOWS = 64,
	WINDOWS_PER_PD = 8,
	MAX_MAPPINGS = 256,
	MAX_PENDING = 64,
};

typedef struct region_map region_map_t;

typedef struct {
	bool used;
	gn_cap_t cap;
	uint64_t ram, caps; /* what is left of the donation */
} session_t;

typedef struct {
	region_map_t *map; /* the managed dataspace's object */
} ds_obj_t;

typedef struct {
	bool used;
	bool writable;
	uint64_t at, size, offset;
	gn_cap_t ds;       /* core's reference */
	region_map_t *sub; /* a managed dataspace: its map; NULL: memory */
} attachment_t;

struct region_map {
	session_t *session; /* NULL: unused */
	uint64_t size;
	gn_cap_t cap, ds_cap, sigh;
	ds_obj_t ds_obj;
	attachment_t att[GN_RM_ATTACHMENTS_MAX];
};

typedef struct {
	region_map_t *map; /* NULL: unused */
	core_pd_t *pd;
	uint64_t va, size, offset;
	bool writable;
} window_t;

typedef struct {
	window_t *w; /* NULL: unused */
	uint64_t va;
} mapping_t;

typedef struct {
	core_pd_t *pd; /* NULL: unused */
	uint64_t addr, token, seq;
	unsigned type;
	region_map_t *map; /* whose fault it is */
	uint64_t offset;   /* in that map */
} pending_t;

/* Where a walk from a window ended: a leaf and the stretch to map, or the map with the hole. */
typedef struct {
	region_map_t *map;
	uint64_t offset;
	attachment_t const *leaf;
	uint64_t va, mem_offset, size;
	bool writable;
} walk_t;

static session_t sessions[MAX_SESSIONS];
static region_map_t maps[MAX_MAPS];
static window_t windows[MAX_WINDOWS];
static mapping_t mappings[MAX_MAPPINGS];
static pending_t pending[MAX_PENDING];
static uint64_t pending_seq;

GN_RPC_SERVER(gn_rm_session, GN_RM_SESSION_RPCS)
GN_RPC_SERVER(gn_region_map, GN_REGION_MAP_RPCS)
GN_RPC_SERVER(gn_managed_ds, GN_MANAGED_DS_RPCS)

static bool aligned(uint64_t v)
{
	return v % CORE_PAGE == 0;
}

/* The map whose managed dataspace cap is, or NULL. */
static region_map_t *managed_of(gn_cap_t cap)
{
	void *obj = gn_ep_lookup(core_ep(), cap, &gn_managed_ds_iface);

	for (unsigned i = 0; obj && i < MAX_MAPS; i++)
		if (maps[i].session && obj == &maps[i].ds_obj)
			return &maps[i];
	return NULL;
}

static attachment_t *covering(region_map_t *m, uint64_t off)
{
	for (unsigned i = 0; i < GN_RM_ATTACHMENTS_MAX; i++)
		if (m->att[i].used && off >= m->att[i].at && off - m->att[i].at < m->att[i].size)
			return &m->att[i];
	return NULL;
}

/* True when inner is outer or attached somewhere inside it. */
static bool contains(region_map_t const *outer, region_map_t const *inner)
{
	if (outer == inner)
		return true;
	for (unsigned i = 0; i < GN_RM_ATTACHMENTS_MAX; i++)
		if (outer->att[i].used && outer->att[i].sub && contains(outer->att[i].sub, inner))
			return true;
	return false;
}

/* Maps in the deepest chain from m down, m included. */
static unsigned height(region_map_t const *m)
{
	unsigned h = 0;

	for (unsigned i = 0; i < GN_RM_ATTACHMENTS_MAX; i++)
		if (m->att[i].used && m->att[i].sub) {
			unsigned const s = height(m->att[i].sub);
			h = s > h ? s : h;
		}
	return h + 1;
}

/* Maps in the longest chain above m (0: attached nowhere). */
static unsigned above(region_map_t const *m)
{
	unsigned a = 0;

	for (unsigned i = 0; i < MAX_MAPS; i++)
		for (unsigned j = 0; maps[i].session && j < GN_RM_ATTACHMENTS_MAX; j++)
			if (maps[i].att[j].used && maps[i].att[j].sub == m) {
				unsigned const x = above(&maps[i]) + 1;
				a = x > a ? x : a;
			}
	return a;
}

static void walk(window_t const *w, uint64_t addr, walk_t *out)
{
	region_map_t *m = w->map;
	uint64_t off = addr - w->va + w->offset;
	uint64_t lo = w->offset, hi = w->offset + w->size; /* the stretch, in m's offsets */
	uint64_t shift = w->va - w->offset;                /* va = offset + shift (mod 2^64) */
	bool writable = w->writable;

	for (unsigned depth = 0; depth < GN_RM_DEPTH_MAX; depth++) {
		attachment_t const *a = covering(m, off);
		*out = (walk_t){.map = m, .offset = off};
		if (!a)
			return;
		lo = a->at > lo ? a->at : lo;
		hi = a->at + a->size < hi ? a->at + a->size : hi;
		writable = writable && a->writable;
		if (!a->sub) {
			out->leaf = a;
			out->va = lo + shift;
			out->mem_offset = a->offset + (lo - a->at);
			out->size = hi - lo;
			out->writable = writable;
			return;
		}
		uint64_t const delta = a->offset - a->at; /* into the sub map's offsets */
		off += delta;
		lo += delta;
		hi += delta;
		shift -= delta;
		m = a->sub;
	}
}

static window_t *window_at(core_pd_t const *pd, uint64_t addr)
{
	for (unsigned i = 0; i < MAX_WINDOWS; i++)
		if (windows[i].map && windows[i].pd == pd && addr >= windows[i].va &&
			addr - windows[i].va < windows[i].size)
			return &windows[i];
	return NULL;
}

/* Removes every mapping core made into w. */
static void flush(window_t const *w)
{
	for (unsigned i = 0; i < MAX_MAPPINGS; i++)
		if (mappings[i].w == w) {
			core_platform_rm_unmap(w->pd, mappings[i].va);
			mappings[i].w = NULL;
		}
}

/* Every window that shows m (directly or through maps that contain it) loses its mappings. */
static void flush_showing(region_map_t const *m)
{
	for (unsigned i = 0; i < MAX_WINDOWS; i++)
		if (windows[i].map && contains(windows[i].map, m))
			flush(&windows[i]);
}

static mapping_t *free_mapping(window_t const *w)
{
	for (unsigned round = 0; round < 2; round++) {
		for (unsigned i = 0; i < MAX_MAPPINGS; i++)
			if (!mappings[i].w)
				return &mappings[i];
		flush(w); /* full: the window starts afresh (it faults its mappings in again) */
	}
	return NULL;
}

static gn_err_t map(window_t *w, walk_t const *r)
{
	mapping_t *slot = free_mapping(w);

	if (!slot)
		return GN_ERR_LIMIT;
	gn_err_t const err = core_platform_rm_map(
		w->pd, r->leaf->ds, r->va, r->mem_offset, r->size, r->writable);
	if (err == GN_OK)
		*slot = (mapping_t){w, r->va};
	return err;
}

/* Walks p's fault; maps it when it can, else notes whose fault it is in p. */
static core_rm_fault_t resolve(pending_t *p)
{
	window_t *w = window_at(p->pd, p->addr);
	walk_t r;

	if (!w)
		return CORE_RM_NOT_MANAGED;
	walk(w, p->addr, &r);
	bool const rights =
		p->type == GN_RM_FAULT_READ || (p->type == GN_RM_FAULT_WRITE && r.writable);
	if (r.leaf && rights) {
		gn_err_t const err = map(w, &r);
		/* EXISTS: another thread's fault on the same stretch was resolved first */
		return err == GN_OK || err == GN_ERR_EXISTS ? CORE_RM_RESOLVED
							    : CORE_RM_NOT_MANAGED;
	}
	p->map = r.map;
	p->offset = r.offset;
	return CORE_RM_PENDING;
}

static void notify(region_map_t const *m)
{
	if (m->sigh)
		gn_ignore(gn_signal_submit(m->sigh, 1));
}

core_rm_fault_t core_rm_fault(core_pd_t *pd, uint64_t addr, unsigned type, uint64_t token)
{
	pending_t probe = {.pd = pd, .addr = addr, .token = token, .type = type};
	core_rm_fault_t const r = resolve(&probe);

	if (r != CORE_RM_PENDING)
		return r;
	for (unsigned i = 0; i < MAX_PENDING; i++)
		if (!pending[i].pd) {
			probe.seq = ++pending_seq;
			pending[i] = probe;
			notify(probe.map);
			return CORE_RM_PENDING;
		}
	core_log("%s: too many threads wait for region-map faults", pd->label);
	return CORE_RM_NOT_MANAGED;
}

/* After a change: every waiting fault walks again; resolved ones resume, hopeless ones end. */
static void retry_pending(void)
{
	for (unsigned i = 0; i < MAX_PENDING; i++) {
		pending_t *p = &pending[i];
		if (!p->pd)
			continue;
		region_map_t const *before = p->map;
		core_rm_fault_t const r = resolve(p);
		if (r == CORE_RM_PENDING) {
			if (p->map != before)
				notify(p->map);
			continue;
		}
		core_platform_rm_resume(p->pd, p->token, r == CORE_RM_RESOLVED);
		p->pd = NULL;
	}
}

void core_rm_pd_gone(core_pd_t *pd)
{
	for (unsigned i = 0; i < MAX_PENDING; i++)
		if (pending[i].pd == pd) {
			core_platform_rm_resume(pd, pending[i].token, false);
			pending[i].pd = NULL;
		}
	for (unsigned i = 0; i < MAX_WINDOWS; i++)
		if (windows[i].map && windows[i].pd == pd) {
			for (unsigned j = 0; j < MAX_MAPPINGS; j++)
				if (mappings[j].w == &windows[i])
					mappings[j].w =
						NULL; /* the domain's end takes the mappings */
			windows[i].map = NULL;
		}
}

/* ---- the region map ---- */

/* The size of what cap names (a dataspace, or a managed one: *sub), or INVALID_CAP. */
static gn_err_t attachable(gn_cap_t cap, uint64_t *size, region_map_t **sub)
{
	size_t ds_size;

	*sub = managed_of(cap);
	if (*sub) {
		*size = (*sub)->size;
		return GN_OK;
	}
	if (gn_cap_kind(cap) != GN_CAP_KIND_DATASPACE || gn_ds_size(cap, &ds_size) != GN_OK)
		return GN_ERR_INVALID_CAP;
	*size = ds_size;
	return GN_OK;
}

static bool range_free(region_map_t const *m, uint64_t at, uint64_t size)
{
	for (unsigned i = 0; i < GN_RM_ATTACHMENTS_MAX; i++)
		if (m->att[i].used && at < m->att[i].at + m->att[i].size &&
			m->att[i].at < at + size)
			return false;
	return true;
}

/* The lowest offset where size bytes fit: 0 or the end of an attachment. */
static gn_err_t place(region_map_t const *m, uint64_t size, uint64_t *at)
{
	bool found = false;

	for (unsigned i = 0; i <= GN_RM_ATTACHMENTS_MAX; i++) {
		attachment_t const *a = i < GN_RM_ATTACHMENTS_MAX ? &m->att[i] : NULL;
		if (a && !a->used)
			continue;
		uint64_t const cand = a ? a->at + a->size : 0;
		if (cand > m->size || size > m->size - cand || (found && cand >= *at))
			continue;
		if (range_free(m, cand, size)) {
			*at = cand;
			found = true;
		}
	}
	return found ? GN_OK : GN_ERR_EXISTS;
}

static gn_err_t check_attach(region_map_t *m, gn_cap_t ds, gn_region_map_attach_args_t const *a,
	region_map_t **sub, uint64_t *size)
{
	uint64_t ds_size;
	gn_err_t const err = attachable(ds, &ds_size, sub);

	if (err != GN_OK)
		return err;
	if (!aligned(a->offset) || a->offset >= ds_size || (a->use_at && !aligned(a->at)))
		return GN_ERR_INVALID_ARG;
	*size = a->size ? a->size : ds_size - a->offset;
	if (*size > ds_size - a->offset)
		return GN_ERR_INVALID_ARG;
	*size = (*size + CORE_PAGE - 1) & ~(uint64_t)(CORE_PAGE - 1);
	if (a->use_at && (a->at >= m->size || *size > m->size - a->at))
		return GN_ERR_INVALID_ARG;
	if (a->writable && !*sub && !core_platform_ds_writable(ds))
		return GN_ERR_DENIED;
	if (*sub && contains(*sub, m))
		return GN_ERR_DENIED; /* m would contain itself */
	if (*sub && above(m) + 1 + height(*sub) > GN_RM_DEPTH_MAX)
		return GN_ERR_LIMIT;
	return GN_OK;
}

static gn_err_t attach(void *obj, gn_rpc_request_t *req, gn_region_map_attach_args_t const *args,
	gn_region_map_attach_res_t *res)
{
	region_map_t *m = obj;
	region_map_t *sub;
	attachment_t *slot = NULL;
	uint64_t size = 0, at = args->at;
	gn_err_t err = check_attach(m, req->caps_in[0], args, &sub, &size);

	for (unsigned i = 0; i < GN_RM_ATTACHMENTS_MAX && !slot; i++)
		if (!m->att[i].used)
			slot = &m->att[i];
	if (err == GN_OK && !slot)
		err = GN_ERR_LIMIT;
	if (err == GN_OK && args->use_at && !range_free(m, at, size))
		err = GN_ERR_EXISTS;
	if (err == GN_OK && !args->use_at)
		err = place(m, size, &at);
	if (err != GN_OK)
		return err;
	*slot = (attachment_t){true, args->writable != 0, at, size, args->offset,
		gn_cap_copy(req->caps_in[0]), sub};
	*res = (gn_region_map_attach_res_t){at, size};
	retry_pending();
	return GN_OK;
}

static void detach_attachment(region_map_t *m, attachment_t *a)
{
	flush_showing(m);
	gn_cap_drop(a->ds);
	*a = (attachment_t){0};
}

static gn_err_t detach(void *obj, gn_rpc_request_t *req, gn_region_map_detach_args_t const *args,
	gn_rpc_void_t *res)
{
	region_map_t *m = obj;

	(void)req;
	(void)res;
	for (unsigned i = 0; i < GN_RM_ATTACHMENTS_MAX; i++)
		if (m->att[i].used && m->att[i].at == args->at) {
			detach_attachment(m, &m->att[i]);
			return GN_OK;
		}
	return GN_ERR_NOT_FOUND;
}

static gn_err_t fault_handler(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	region_map_t *m = obj;

	(void)args;
	(void)res;
	if (gn_cap_kind(req->caps_in[0]) != GN_CAP_KIND_SIGNAL)
		return GN_ERR_INVALID_CAP;
	gn_cap_drop(m->sigh);
	m->sigh = gn_cap_copy(req->caps_in[0]);
	for (unsigned i = 0; i < MAX_PENDING; i++)
		if (pending[i].pd && pending[i].map == m) {
			notify(m); /* a fault waits already */
			break;
		}
	return GN_OK;
}

static gn_err_t state(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_region_map_state_res_t *res)
{
	pending_t const *oldest = NULL;

	(void)req;
	(void)args;
	for (unsigned i = 0; i < MAX_PENDING; i++)
		if (pending[i].pd && pending[i].map == obj &&
			(!oldest || pending[i].seq < oldest->seq))
			oldest = &pending[i];
	*res = (gn_region_map_state_res_t){0};
	if (oldest) {
		res->type = oldest->type;
		res->addr = oldest->offset;
	}
	return GN_OK;
}

static gn_err_t dataspace(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	region_map_t const *m = obj;

	(void)args;
	(void)res;
	req->caps_out[0] = gn_cap_copy(m->ds_cap);
	req->num_caps_out = 1;
	return GN_OK;
}

static gn_region_map_ops_t const map_ops = {attach, detach, fault_handler, state, dataspace};

/* ---- the managed dataspace ---- */

static gn_err_t info(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_managed_ds_info_res_t *res)
{
	ds_obj_t const *d = obj;

	(void)req;
	(void)args;
	res->size = d->map->size;
	return GN_OK;
}

/* The PD session cap names, checked to be one (the entrypoint serves other objects too). */
static core_pd_t *pd_of(gn_cap_t cap)
{
	core_pd_t *pd = core_pd_of_cap(cap);

	return pd && pd->used && gn_cap_same(pd->cap, cap) ? pd : NULL;
}

static gn_err_t back(
	void *obj, gn_rpc_request_t *req, gn_managed_ds_back_args_t const *args, gn_rpc_void_t *res)
{
	region_map_t *m = ((ds_obj_t *)obj)->map;
	core_pd_t *pd = pd_of(req->caps_in[0]);
	window_t *w = NULL;
	unsigned count = 0;

	(void)res;
	if (!pd)
		return GN_ERR_INVALID_CAP;
	if (!aligned(args->va) || !aligned(args->offset) || !aligned(args->size) || !args->size ||
		args->offset >= m->size || args->size > m->size - args->offset)
		return GN_ERR_INVALID_ARG;
	gn_err_t const err = core_platform_rm_window(pd, args->va, args->size);
	if (err != GN_OK)
		return err;
	for (unsigned i = 0; i < MAX_WINDOWS; i++) {
		window_t *x = &windows[i];
		if (!x->map) {
			w = w ? w : x;
			continue;
		}
		if (x->pd != pd)
			continue;
		count++;
		if (args->va < x->va + x->size && x->va < args->va + args->size)
			return GN_ERR_EXISTS;
	}
	if (!w || count >= WINDOWS_PER_PD)
		return GN_ERR_LIMIT;
	*w = (window_t){m, pd, args->va, args->size, args->offset, args->writable != 0};
	return GN_OK;
}

static gn_err_t unback(void *obj, gn_rpc_request_t *req, gn_managed_ds_unback_args_t const *args,
	gn_rpc_void_t *res)
{
	region_map_t const *m = ((ds_obj_t *)obj)->map;
	core_pd_t const *pd = pd_of(req->caps_in[0]);

	(void)res;
	for (unsigned i = 0; pd && i < MAX_WINDOWS; i++)
		if (windows[i].map == m && windows[i].pd == pd && windows[i].va == args->va) {
			flush(&windows[i]);
			windows[i].map = NULL;
			retry_pending(); /* threads waiting in it end */
			return GN_OK;
		}
	return pd ? GN_ERR_NOT_FOUND : GN_ERR_INVALID_CAP;
}

static gn_managed_ds_ops_t const ds_ops = {info, back, unback};

/* ---- the session ---- */

static void destroy_map(region_map_t *m)
{
	for (unsigned i = 0; i < MAX_MAPS; i++)
		for (unsigned j = 0; maps[i].session && j < GN_RM_ATTACHMENTS_MAX; j++)
			if (maps[i].att[j].used && maps[i].att[j].sub == m)
				detach_attachment(&maps[i], &maps[i].att[j]);
	for (unsigned i = 0; i < MAX_WINDOWS; i++)
		if (windows[i].map == m) {
			flush(&windows[i]);
			windows[i].map = NULL;
		}
	for (unsigned i = 0; i < GN_RM_ATTACHMENTS_MAX; i++)
		if (m->att[i].used)
			detach_attachment(m, &m->att[i]);
	gn_ep_dissolve(core_ep(), m->cap);
	gn_ep_dissolve(core_ep(), m->ds_cap);
	gn_cap_drop(m->cap);
	gn_cap_drop(m->ds_cap);
	gn_cap_drop(m->sigh);
	m->session->ram += GN_RM_MAP_PRICE_RAM;
	m->session->caps += GN_RM_MAP_PRICE_CAPS;
	*m = (region_map_t){0};
	retry_pending(); /* faults of m walk again: they end or become their parent map's */
}

static gn_err_t create(void *obj, gn_rpc_request_t *req, gn_rm_session_create_args_t const *args,
	gn_rpc_void_t *res)
{
	session_t *s = obj;
	region_map_t *m = NULL;

	(void)res;
	if (!args->size || !aligned(args->size))
		return GN_ERR_INVALID_ARG;
	if (s->ram < GN_RM_MAP_PRICE_RAM || s->caps < GN_RM_MAP_PRICE_CAPS)
		return s->ram < GN_RM_MAP_PRICE_RAM ? GN_ERR_OUT_OF_RAM : GN_ERR_OUT_OF_CAPS;
	for (unsigned i = 0; i < MAX_MAPS && !m; i++)
		if (!maps[i].session)
			m = &maps[i];
	if (!m)
		return GN_ERR_LIMIT;
	*m = (region_map_t){.size = args->size, .ds_obj = {m}};
	gn_err_t err = gn_ep_manage(core_ep(), m, &gn_region_map_iface, &map_ops, &m->cap);
	if (err != GN_OK)
		return err;
	err = gn_ep_manage(core_ep(), &m->ds_obj, &gn_managed_ds_iface, &ds_ops, &m->ds_cap);
	if (err != GN_OK) {
		gn_ep_dissolve(core_ep(), m->cap);
		gn_cap_drop(m->cap);
		return err;
	}
	m->session = s;
	s->ram -= GN_RM_MAP_PRICE_RAM;
	s->caps -= GN_RM_MAP_PRICE_CAPS;
	req->caps_out[0] = gn_cap_copy(m->cap);
	req->num_caps_out = 1;
	return GN_OK;
}

static gn_err_t destroy(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	void *target = gn_ep_lookup(core_ep(), req->caps_in[0], &gn_region_map_iface);

	(void)args;
	(void)res;
	for (unsigned i = 0; target && i < MAX_MAPS; i++)
		if (maps[i].session == obj && target == &maps[i]) {
			destroy_map(&maps[i]);
			return GN_OK;
		}
	return GN_ERR_INVALID_CAP;
}

static gn_rm_session_ops_t const session_ops = {create, destroy};

static session_t *session_of(gn_cap_t cap)
{
	void *obj = gn_ep_lookup(core_ep(), cap, &gn_rm_session_iface);

	for (unsigned i = 0; obj && i < MAX_SESSIONS; i++)
		if (sessions[i].used && obj == &sessions[i])
			return &sessions[i];
	return NULL;
}

gn_err_t core_rm_create(uint64_t ram, uint64_t caps, gn_cap_t *cap)
{
	for (unsigned i = 0; i < MAX_SESSIONS; i++) {
		session_t *s = &sessions[i];
		if (s->used)
			continue;
		*s = (session_t){.ram = ram, .caps = caps};
		gn_err_t const err =
			gn_ep_manage(core_ep(), s, &gn_rm_session_iface, &session_ops, cap);
		if (err != GN_OK)
			return err;
		s->used = true;
		s->cap = gn_cap_copy(*cap);
		return GN_OK;
	}
	return GN_ERR_LIMIT;
}

void core_rm_upgrade(gn_cap_t cap, uint64_t ram, uint64_t caps)
{
	session_t *s = session_of(cap);

	if (s) {
		s->ram += ram;
		s->caps += caps;
	}
}

void core_rm_destroy(gn_cap_t cap)
{
	session_t *s = session_of(cap);

	if (!s)
		return;
	for (unsigned i = 0; i < MAX_MAPS; i++)
		if (maps[i].session == s)
			destroy_map(&maps[i]);
	gn_ep_dissolve(core_ep(), s->cap);
	gn_cap_drop(s->cap);
	*s = (session_t){0};
}
