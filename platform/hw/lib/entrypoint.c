/*
 * The entrypoint on hw: one kernel endpoint per entrypoint, served by the thread that dispatches
 * it, and one badged capability per managed object.
 *
 * Invariants:
 * - the kernel says which object a request is for: gn_ep_manage mints a call-only copy of the
 *   endpoint with a badge, and a call through any copy of it arrives with that badge in the UTCB;
 *   no payload names an object. A badge is (generation << 16 | index + 1): dissolving an object
 *   revokes every copy with its badge (the kernel's revoke_badge, which also fails the calls still
 *   queued), and the index's next object gets another generation, so a stale badge never reaches
 *   a reused record. Badge 0 is the endpoint's own unbadged capabilities: only the boot endpoint
 *   (hw_ep_serve_boot) has an object for it;
 * - a request is checked in full (framing in msg.c, interface in gn_rpc_dispatch) before a handler
 *   runs; a malformed one is answered with BAD_MSG;
 * - the server never waits for a client: a reply goes to a caller that is blocked in its call
 *   (reply_wait answers and waits in one kernel call), or to nobody when the caller went away;
 * - a deferred reply is a reply capability taken from the kernel (reply_cap) in gn_ep_defer; the
 *   token names its record by index and generation, so a token used twice or after gn_ep_destroy
 *   finds nothing;
 * - objects and deferred replies live in fixed tables (MAX_OBJECTS, MAX_DEFERRED).
 * The entrypoint keeps a reference to each object's capability, so its slot cannot be reused for
 * another capability while the object is served.
 */
#include <gneiss/entrypoint.h>
#include <gneiss/string.h>

#include "hw_lib.h"
#include "hw_rt.h"

enum {
	MAX_EPS = 4,
	MAX_OBJECTS = 64,
	MAX_DEFERRED = 16,
	INDEX_BITS = 16,
	DEFER_FAILED = 0xffffffffu, /* the token of a defer the kernel refused */
};

typedef hw_ep_object_t object_t;

typedef struct {
	uint64_t reply_cap; /* kernel slot of the reply capability, 0: unused */
	uint32_t gen;
	object_t const *object; /* the object called, and its generation then */
	uint32_t object_gen;
} deferred_t;

struct gn_ep {
	bool used;
	bool boot;        /* serves the boot endpoint: it must not be dropped */
	uint64_t ep_slot; /* the endpoint (CALL, RECV and, unless boot, OWNER) */
	object_t boot_object;
	object_t *objects; /* own_objects, or the table hw_ep_provide_objects gave */
	unsigned max_objects;
	object_t own_objects[MAX_OBJECTS];
	deferred_t deferred[MAX_DEFERRED];
	bool have_reply;             /* ep->reply answers the call this thread took */
	bool defer_taken;            /* the running handler took a reply capability */
	object_t const *current;     /* the object whose handler runs */
	hw_ep_signal_hook_t signals; /* ep_signal.c's, once it has a signal context */
	gn_ipc_buf_t request;
	gn_ipc_buf_t reply;
};

static gn_ep_t eps[MAX_EPS];

static gn_ep_t *ep_alloc(void)
{
	for (unsigned i = 0; i < MAX_EPS; i++) {
		gn_ep_t *ep = &eps[i];
		if (__atomic_exchange_n(&ep->used, true, __ATOMIC_ACQUIRE))
			continue;
		gn_memset(&ep->boot_object, 0, sizeof(ep->boot_object));
		gn_memset(ep->own_objects, 0, sizeof(ep->own_objects));
		ep->objects = ep->own_objects;
		ep->max_objects = MAX_OBJECTS;
		ep->boot = false;
		ep->have_reply = false;
		ep->signals = (hw_ep_signal_hook_t){NULL, NULL};
		return ep;
	}
	return NULL;
}

gn_err_t gn_ep_create(gn_ep_t **out)
{
	gn_ep_t *ep = ep_alloc();

	if (!ep)
		return GN_ERR_LIMIT;
	int64_t const slot = hw_syscall4(HW_SYS_EP_CREATE, 0, 0, 0, 0);
	if (slot < 0) {
		__atomic_store_n(&ep->used, false, __ATOMIC_RELEASE);
		return slot == -GN_ERR_LIMIT ? GN_ERR_LIMIT : GN_ERR_OUT_OF_CAPS;
	}
	ep->ep_slot = (uint64_t)slot;
	*out = ep;
	return GN_OK;
}

gn_err_t hw_ep_provide_objects(gn_ep_t *ep, hw_ep_object_t *table, size_t count)
{
	if (count > (1u << INDEX_BITS) - 1 || count < 1)
		return GN_ERR_INVALID_ARG;
	for (unsigned i = 0; i < ep->max_objects; i++)
		if (ep->objects[i].obj)
			return GN_ERR_EXISTS;
	gn_memset(table, 0, count * sizeof(*table));
	ep->objects = table;
	ep->max_objects = (unsigned)count;
	return GN_OK;
}

gn_err_t hw_ep_serve_boot(gn_ep_t **out, void *obj, gn_rpc_iface_t const *iface, void const *ops)
{
	int64_t const info = hw_syscall4(HW_SYS_CAP_INFO, HW_CAP_BOOT_EP, 0, 0, 0);

	if (info < 0 || !(info & (HW_RIGHT_RECV << 8)))
		return GN_ERR_DENIED;
	gn_ep_t *ep = ep_alloc();
	if (!ep)
		return GN_ERR_LIMIT;
	ep->boot = true;
	ep->ep_slot = HW_CAP_BOOT_EP;
	ep->boot_object = (object_t){obj, iface, ops, GN_CAP_INVALID, 0};
	*out = ep;
	return GN_OK;
}

static uint64_t badge_of(unsigned index, uint32_t gen)
{
	return (uint64_t)gen << INDEX_BITS | (index + 1);
}

static object_t *object_of_badge(gn_ep_t *ep, uint64_t badge)
{
	if (badge == 0)
		return ep->boot_object.obj ? &ep->boot_object : NULL;
	uint64_t const index = (badge & ((1u << INDEX_BITS) - 1)) - 1;
	if (index >= ep->max_objects)
		return NULL;
	object_t *o = &ep->objects[index];
	return o->obj && badge_of((unsigned)index, o->gen) == badge ? o : NULL;
}

gn_err_t gn_ep_manage(
	gn_ep_t *ep, void *obj, gn_rpc_iface_t const *iface, void const *ops, gn_cap_t *cap)
{
	unsigned index = 0;

	while (index < ep->max_objects && ep->objects[index].obj)
		index++;
	if (index == ep->max_objects || !obj)
		return index == ep->max_objects ? GN_ERR_LIMIT : GN_ERR_INVALID_ARG;
	object_t *o = &ep->objects[index];
	uint32_t const gen = o->gen + 1;
	int64_t const slot =
		hw_syscall4(HW_SYS_CAP_MINT, ep->ep_slot, HW_RIGHT_CALL, badge_of(index, gen), 0);
	if (slot < 0)
		return GN_ERR_OUT_OF_CAPS;
	gn_err_t const err = hw_cap_enter((uint64_t)slot, cap);
	if (err != GN_OK) {
		(void)hw_syscall4(HW_SYS_CAP_DROP, (uint64_t)slot, 0, 0, 0);
		return err;
	}
	*o = (object_t){obj, iface, ops, gn_cap_copy(*cap), gen};
	return GN_OK;
}

static object_t *object_of_cap(gn_ep_t *ep, gn_cap_t cap)
{
	for (unsigned i = 0; i < ep->max_objects && cap != GN_CAP_INVALID; i++)
		if (ep->objects[i].obj && ep->objects[i].cap == cap)
			return &ep->objects[i];
	return NULL;
}

/*
 * The kernel tells the badge of a capability to this entrypoint's endpoint (cap_badge, through
 * the endpoint's receiving capability), NOT_FOUND for anything else: another endpoint, another
 * kind, a revoked copy. The badge names the record only with its generation, so a badge of an
 * object dissolved meanwhile finds nothing even when its record serves a new one.
 */
void *gn_ep_lookup(gn_ep_t *ep, gn_cap_t cap, gn_rpc_iface_t const *iface)
{
	if (!ep || !gn_cap_valid(cap))
		return NULL;
	int64_t const badge = hw_syscall4(HW_SYS_CAP_BADGE, cap, ep->ep_slot, 0, 0);
	if (badge < 0)
		return NULL;
	object_t const *o = object_of_badge(ep, (uint64_t)badge);
	return o && o->iface == iface ? o->obj : NULL;
}

/* Ends the deferred reply d: its caller's call fails (NOT_FOUND, the client sees REVOKED). */
static void drop_deferred(deferred_t *d)
{
	if (d->reply_cap)
		(void)hw_syscall4(HW_SYS_CAP_DROP, d->reply_cap, 0, 0, 0);
	*d = (deferred_t){.gen = d->gen + 1};
}

/* Revokes o: every copy of its capability, its queued calls and the calls it deferred. */
static void dissolve(gn_ep_t *ep, object_t *o)
{
	for (unsigned i = 0; i < MAX_DEFERRED; i++)
		if (ep->deferred[i].reply_cap && ep->deferred[i].object == o &&
			ep->deferred[i].object_gen == o->gen)
			drop_deferred(&ep->deferred[i]);
	(void)hw_syscall4(HW_SYS_EP_REVOKE_BADGE, ep->ep_slot,
		badge_of((unsigned)(o - ep->objects), o->gen), 0, 0);
	gn_cap_drop(o->cap);
	o->obj = NULL;
	o->cap = GN_CAP_INVALID;
}

void gn_ep_dissolve(gn_ep_t *ep, gn_cap_t cap)
{
	object_t *o = object_of_cap(ep, cap);

	if (o)
		dissolve(ep, o);
}

hw_ep_signal_hook_t *hw_ep_signal_hook(gn_ep_t *ep)
{
	return &ep->signals;
}

void gn_ep_destroy(gn_ep_t *ep)
{
	if (ep->signals.end)
		ep->signals.end(ep);
	ep->signals = (hw_ep_signal_hook_t){NULL, NULL};
	for (unsigned i = 0; i < ep->max_objects; i++)
		if (ep->objects[i].obj)
			dissolve(ep, &ep->objects[i]);
	for (unsigned i = 0; i < MAX_DEFERRED; i++)
		drop_deferred(&ep->deferred[i]);
	if (!ep->boot) /* destroys the endpoint: every copy is revoked */
		(void)hw_syscall4(HW_SYS_CAP_DROP, ep->ep_slot, 0, 0, 0);
	ep->boot_object.obj = NULL;
	__atomic_store_n(&ep->used, false, __ATOMIC_RELEASE);
}

gn_rpc_token_t gn_ep_defer(gn_rpc_request_t *req)
{
	gn_ep_t *ep = req->ep;
	gn_rpc_token_t token = {ep, DEFER_FAILED, 0};
	unsigned i = 0;

	while (i < MAX_DEFERRED && ep->deferred[i].reply_cap)
		i++;
	if (i == MAX_DEFERRED || ep->defer_taken)
		return token;
	int64_t const r = hw_syscall4(HW_SYS_REPLY_CAP, 0, 0, 0, 0);
	if (r < 0)
		return token;
	ep->defer_taken = true;
	ep->deferred[i] =
		(deferred_t){(uint64_t)r, ep->deferred[i].gen + 1, ep->current, ep->current->gen};
	return (gn_rpc_token_t){ep, i, ep->deferred[i].gen};
}

static void drop_reply_caps(gn_ipc_buf_t *reply)
{
	for (unsigned i = 0; i < reply->hdr.num_caps; i++)
		gn_cap_drop(reply->caps[i]);
	reply->hdr.num_caps = 0;
}

/*
 * Writes reply into the calling thread's UTCB and returns its info. A reply that cannot go out as
 * it is (a capability no longer valid, a payload beyond the UTCB) goes out as that error.
 */
static uint64_t put_reply(gn_ipc_buf_t *reply, hw_utcb_t *utcb)
{
	uint64_t info;
	gn_err_t const err = hw_msg_put(reply, utcb, &info);

	if (err == GN_OK)
		return info;
	drop_reply_caps(reply);
	reply->hdr = (gn_ipc_header_t){(uint32_t)err, 0, 0, 0};
	return hw_msg_put(reply, utcb, &info) == GN_OK ? info : 0;
}

/*
 * Answers through reply_cap. The kernel checks the message first (a capability that went stale
 * meanwhile: the reply goes out as that error instead) and then consumes the reply capability,
 * also when the caller is gone (NOT_FOUND); only a refused reply leaves it to be dropped here,
 * which fails the call. The reply's references are dropped in the end.
 */
static void reply_through(uint64_t reply_cap, gn_ipc_buf_t *reply)
{
	hw_utcb_t *utcb = hw_tls()->utcb;
	int64_t r = hw_syscall4(HW_SYS_REPLY, reply_cap, put_reply(reply, utcb), 0, 0);

	if (r == -GN_ERR_INVALID_CAP || r == -GN_ERR_REVOKED) {
		drop_reply_caps(reply);
		reply->hdr = (gn_ipc_header_t){(uint32_t)-r, 0, 0, 0};
		r = hw_syscall4(HW_SYS_REPLY, reply_cap, put_reply(reply, utcb), 0, 0);
	}
	drop_reply_caps(reply);
	if (r < 0 && r != -GN_ERR_NOT_FOUND)
		(void)hw_syscall4(HW_SYS_CAP_DROP, reply_cap, 0, 0, 0);
}

void gn_ep_reply(gn_rpc_token_t token, gn_err_t status, void const *res, size_t res_len,
	gn_cap_t const *caps, unsigned num_caps)
{
	gn_ep_t *ep = token.ep;
	deferred_t *d = ep && token.channel < MAX_DEFERRED ? &ep->deferred[token.channel] : NULL;
	gn_ipc_buf_t *reply = gn_ipc_buf();
	bool const fits = res_len <= GN_IPC_PAYLOAD && num_caps <= GN_IPC_CAPS;

	if (!d || !d->reply_cap || d->gen != token.gen) {
		for (unsigned i = 0; i < num_caps; i++)
			gn_cap_drop(caps[i]);
		return;
	}
	if (status == GN_OK && !fits) /* the caller still gets an answer */
		status = GN_ERR_INVALID_ARG;
	bool const ok = status == GN_OK;
	uint64_t const reply_cap = d->reply_cap;
	d->reply_cap = 0;
	reply->hdr = (gn_ipc_header_t){
		(uint32_t)status, ok ? (uint32_t)res_len : 0, ok ? num_caps : 0, 0};
	if (ok)
		gn_memcpy(reply->payload, res, res_len);
	for (unsigned i = 0; i < num_caps; i++) {
		if (ok)
			reply->caps[i] = caps[i];
		else
			gn_cap_drop(caps[i]);
	}
	reply_through(reply_cap, reply);
}

/* Runs the handler of the request in ep->request for o and fills ep->reply (as linux does). */
static void invoke(gn_ep_t *ep, object_t *o, gn_err_t err)
{
	gn_rpc_request_t req = {.ep = ep};

	for (unsigned i = 0; err == GN_OK && i < ep->request.hdr.num_caps; i++)
		req.caps_in[req.num_caps_in++] = ep->request.caps[i];
	ep->reply.hdr = (gn_ipc_header_t){GN_OK, 0, 0, 0};
	ep->defer_taken = false;
	ep->current = o;
	if (err == GN_OK)
		err = gn_rpc_dispatch(o->iface, o->ops, o->obj, &req, &ep->request, &ep->reply);
	for (unsigned i = 0; i < req.num_caps_in; i++)
		gn_cap_drop(req.caps_in[i]);
	if (err == GN_RPC_DEFERRED && ep->defer_taken)
		return; /* answered later through the reply capability */
	if (err == GN_RPC_DEFERRED)
		err = GN_ERR_OUT_OF_CAPS; /* the kernel had no reply capability for it */
	gn_rpc_reply_complete(&req, err, &ep->reply);
	ep->have_reply = true;
}

/* Handles the call that reply_wait returned (info, the badge in the UTCB). */
static void handle(gn_ep_t *ep, hw_utcb_t const *utcb, uint64_t info)
{
	object_t *o = object_of_badge(ep, utcb->badge);
	gn_err_t err = hw_msg_get(info, utcb, &ep->request);

	if (!o) {
		if (err == GN_OK)
			for (unsigned i = 0; i < ep->request.hdr.num_caps; i++)
				gn_cap_drop(ep->request.caps[i]);
		ep->reply.hdr = (gn_ipc_header_t){GN_ERR_INVALID_CAP, 0, 0, 0};
		ep->have_reply = true;
		return;
	}
	invoke(ep, o, err);
}

/*
 * Answers the call taken before (if any) and waits up to timeout_us (0: for ever) for the next,
 * which it handles; its reply stays pending in ep->reply.
 */
static gn_err_t serve(gn_ep_t *ep, uint64_t timeout_us)
{
	hw_utcb_t *utcb = hw_tls()->utcb;
	uint64_t const info = ep->have_reply ? put_reply(&ep->reply, utcb) : 0;
	int64_t r = hw_syscall4(HW_SYS_REPLY_WAIT, ep->ep_slot, info, timeout_us, 0);

	if ((r == -GN_ERR_INVALID_CAP || r == -GN_ERR_REVOKED) && ep->have_reply &&
		ep->reply.hdr.num_caps) {
		/* a capability of the reply went stale: the caller still waits for an answer */
		drop_reply_caps(&ep->reply);
		ep->reply.hdr = (gn_ipc_header_t){(uint32_t)-r, 0, 0, 0};
		r = hw_syscall4(
			HW_SYS_REPLY_WAIT, ep->ep_slot, put_reply(&ep->reply, utcb), timeout_us, 0);
	}
	if (ep->have_reply)
		drop_reply_caps(&ep->reply);
	ep->have_reply = false;
	if (r == -GN_ERR_NOT_FOUND) /* the caller went away before the reply: nothing to do */
		return GN_OK;
	if (r < 0)
		return hw_err(r);
	handle(ep, utcb, (uint64_t)r);
	return GN_OK;
}

/* Sends the pending reply at once, through a reply capability (no waiting). */
static void flush(gn_ep_t *ep)
{
	if (!ep->have_reply)
		return;
	int64_t const reply_cap = hw_syscall4(HW_SYS_REPLY_CAP, 0, 0, 0, 0);
	if (reply_cap >= 0)
		reply_through((uint64_t)reply_cap, &ep->reply);
	drop_reply_caps(&ep->reply); /* the caller went away meanwhile */
	ep->have_reply = false;
}

gn_err_t gn_ep_dispatch(gn_ep_t *ep, int timeout_ms)
{
	uint64_t timeout_us = timeout_ms < 0 ? 0 : (uint64_t)timeout_ms * 1000;

	if (timeout_ms >= 0 && timeout_us == 0)
		timeout_us = 1; /* the kernel has no poll: at most one tick */
	if (timeout_us > HW_SLEEP_MAX_US)
		timeout_us = HW_SLEEP_MAX_US; /* a longer wait returns early, as if nothing came */
	gn_err_t const err = serve(ep, timeout_us);
	flush(ep);
	return err;
}

void gn_ep_run(gn_ep_t *ep)
{
	for (;;) /* each reply goes out with the next wait */
		(void)serve(ep, 0);
}
