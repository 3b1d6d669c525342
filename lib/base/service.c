/*
 * The server side of the session protocol: reads the session_requests ROM and answers it.
 *
 * The ROM is a dataspace the parent rewrites under a sequence number (odd while writing); a copy
 * is taken only when the number was even and unchanged across the copy, and parsed from the copy
 * (gneiss/session_requests.h). Every request stays in the document until answered, so answering is
 * idempotent: a create whose id is already served, or a close of an id not served, is skipped.
 */
#include <gneiss/dataspace.h>
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gneiss/pd_session.h>
#include <gneiss/service.h>
#include <gneiss/session_requests.h>
#include <gneiss/string.h>

typedef struct {
	char name[GN_SERVICE_NAME_MAX]; /* empty: unused */
	gn_service_ops_t const *ops;
	void *ctx;
} service_t;

typedef struct {
	uint32_t id; /* the parent's; 0: unused */
	service_t *service;
	gn_cap_t cap;
} served_t;

static gn_env_t *env;
static service_t services[GN_SERVICES_MAX];
static served_t served[GN_SERVICE_SESSIONS_MAX];
static gn_session_requests_hdr_t const volatile *rom;
static size_t rom_size;
static char doc[GN_SESSION_REQUESTS_SIZE];

static service_t *service_named(char const *name)
{
	for (unsigned i = 0; i < GN_SERVICES_MAX; i++)
		if (services[i].name[0] && gn_strcmp(services[i].name, name) == 0)
			return &services[i];
	return NULL;
}

static served_t *served_id(uint32_t id)
{
	for (unsigned i = 0; i < GN_SERVICE_SESSIONS_MAX; i++)
		if (id && served[i].id == id)
			return &served[i];
	return NULL;
}

void gn_session_respond(gn_env_t *e, uint32_t id, gn_session_response_t response)
{
	gn_parent_response_args_t const args = {id, (uint32_t)response};
	gn_rpc_void_t res;

	gn_ignore(gn_parent_session_response(e->parent, &args, &res, NULL, NULL));
}

gn_session_response_t gn_session_response_of(gn_err_t err)
{
	if (err == GN_ERR_INSUFFICIENT_RAM || err == GN_ERR_OUT_OF_RAM)
		return GN_SESSION_INSUFFICIENT_RAM;
	if (err == GN_ERR_INSUFFICIENT_CAPS || err == GN_ERR_OUT_OF_CAPS)
		return GN_SESSION_INSUFFICIENT_CAPS;
	return GN_SESSION_DENIED;
}

static void create(gn_session_request_t const *req)
{
	uint32_t const id = req->id;
	served_t *slot = NULL;

	if (served_id(id))
		return; /* answered already, the parent has not caught up */
	service_t *s = req->complete ? service_named(req->service) : NULL;
	if (!s) {
		gn_session_respond(env, id, GN_SESSION_DENIED);
		return;
	}
	for (unsigned i = 0; i < GN_SERVICE_SESSIONS_MAX && !slot; i++)
		if (!served[i].id)
			slot = &served[i];
	gn_cap_t cap = GN_CAP_INVALID;
	gn_err_t err = slot ? s->ops->create(s->ctx, req->args, &cap) : GN_ERR_LIMIT;
	if (err != GN_OK) {
		gn_session_respond(env, id, gn_session_response_of(err));
		return;
	}
	gn_parent_id_args_t const deliver = {id};
	gn_rpc_void_t res;
	*slot = (served_t){id, s, cap};
	if (gn_parent_deliver_session_cap(env->parent, &deliver, &res, &cap, NULL) != GN_OK) {
		s->ops->close(s->ctx, cap); /* the parent no longer wants it */
		gn_cap_drop(cap);
		*slot = (served_t){0};
	}
}

static void upgrade(gn_session_request_t const *req)
{
	served_t *s = served_id(req->id);

	if (s && s->service->ops->upgrade && req->complete)
		s->service->ops->upgrade(s->service->ctx, s->cap, req->ram, req->caps);
	gn_session_respond(env, req->id, GN_SESSION_UPGRADED);
}

static void close(uint32_t id)
{
	served_t *s = served_id(id);

	if (s) {
		s->service->ops->close(s->service->ctx, s->cap);
		gn_cap_drop(s->cap);
		*s = (served_t){0};
	}
	gn_session_respond(env, id, GN_SESSION_CLOSED);
}

static void answer(void *ctx, gn_session_request_t const *req)
{
	(void)ctx;
	switch (req->kind) {
	case GN_SESSION_REQUEST_CREATE: create(req); break;
	case GN_SESSION_REQUEST_UPGRADE: upgrade(req); break;
	case GN_SESSION_REQUEST_CLOSE: close(req->id); break;
	}
}

static void requests_changed(void *ctx, uint64_t count)
{
	size_t len = 0;

	(void)ctx;
	(void)count;
	/* the parent's rewrite is a few microseconds of copying; a parent stuck in it signals again */
	unsigned tries = 0;
	while (!gn_session_requests_snapshot(rom, rom_size, doc, sizeof(doc), &len))
		if (++tries == 100000)
			return;
	gn_ignore(gn_session_requests_parse(doc, len, answer, NULL)); /* malformed: nothing to do */
}

gn_err_t gn_session_requests_fetch(gn_env_t *e, gn_signal_fn_t changed, void *ctx,
	gn_session_requests_hdr_t const volatile **out, size_t *size)
{
	gn_rpc_void_t none = {0};
	gn_cap_t sig, ds;
	void *addr;
	bool writable;

	gn_err_t err = gn_pd_session_alloc_signal(e->pd, &none, &none, NULL, &sig);
	if (err != GN_OK)
		return err;
	err = gn_ep_sigh(e->ep, sig, changed, ctx);
	if (err == GN_OK)
		err = gn_parent_session_requests(e->parent, &none, &none, &sig, &ds);
	if (err == GN_OK) {
		err = gn_ds_attach(ds, &addr, size, &writable);
		gn_cap_drop(ds);
	}
	gn_cap_drop(sig); /* the entrypoint and the parent hold their own references */
	if (err != GN_OK)
		return err;
	if (*size < sizeof(**out)) {
		gn_ds_detach(addr, *size);
		return GN_ERR_INVALID_ARG;
	}
	*out = addr;
	return GN_OK;
}

static gn_err_t fetch_requests(gn_env_t *e)
{
	gn_err_t const err = gn_session_requests_fetch(e, requests_changed, NULL, &rom, &rom_size);

	if (err == GN_OK)
		env = e;
	return err;
}

gn_err_t gn_service_announce(gn_env_t *e, char const *name, gn_service_ops_t const *ops, void *ctx)
{
	gn_parent_announce_args_t args = {{0}};
	service_t *s = NULL;
	gn_rpc_void_t res;

	if (gn_strlcpy(args.service, name, sizeof(args.service)) != GN_OK || !name[0])
		return GN_ERR_INVALID_ARG;
	if (service_named(name))
		return GN_ERR_EXISTS;
	for (unsigned i = 0; i < GN_SERVICES_MAX && !s; i++)
		if (!services[i].name[0])
			s = &services[i];
	if (!s)
		return GN_ERR_LIMIT;
	gn_err_t err = rom ? GN_OK : fetch_requests(e);
	if (err != GN_OK)
		return err;
	*s = (service_t){.ops = ops, .ctx = ctx};
	gn_memcpy(s->name, args.service, sizeof(s->name));
	err = gn_parent_announce(e->parent, &args, &res, NULL, NULL);
	if (err != GN_OK)
		*s = (service_t){0};
	else
		requests_changed(NULL, 0); /* requests may be waiting already */
	return err;
}
