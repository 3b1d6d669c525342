/*
 * The server side of the session protocol: reads the session_requests ROM and answers it.
 *
 * The ROM is a dataspace the parent rewrites under a sequence number (odd while writing); a copy
 * is taken only when the number was even and unchanged across the copy. Every request stays in the
 * document until answered, so answering is idempotent: a create whose id is already served, or a
 * close of an id not served, is skipped.
 */
#include <gneiss/dataspace.h>
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gneiss/pd_session.h>
#include <gneiss/service.h>
#include <gneiss/string.h>
#include <gneiss/xml.h>

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

static void respond(uint32_t id, gn_session_response_t response)
{
	gn_parent_response_args_t const args = {id, (uint32_t)response};
	gn_rpc_void_t res;

	gn_ignore(gn_parent_session_response(env->parent, &args, &res, NULL, NULL));
}

static gn_session_response_t response_of(gn_err_t err)
{
	if (err == GN_ERR_INSUFFICIENT_RAM || err == GN_ERR_OUT_OF_RAM)
		return GN_SESSION_INSUFFICIENT_RAM;
	if (err == GN_ERR_INSUFFICIENT_CAPS || err == GN_ERR_OUT_OF_CAPS)
		return GN_SESSION_INSUFFICIENT_CAPS;
	return GN_SESSION_DENIED;
}

static void create(gn_xml_node_t const *req, uint32_t id)
{
	char name[GN_SERVICE_NAME_MAX], args[GN_SESSION_ARGS_MAX];
	gn_xml_node_t args_node;
	served_t *slot = NULL;

	if (served_id(id))
		return; /* answered already, the parent has not caught up */
	service_t *s = gn_xml_attr_str(req, "service", name, sizeof(name)) == GN_OK
			       ? service_named(name)
			       : NULL;
	if (!s || !gn_xml_first_sub_type(req, "args", &args_node) ||
		gn_xml_content_str(&args_node, args, sizeof(args)) != GN_OK) {
		respond(id, GN_SESSION_DENIED);
		return;
	}
	for (unsigned i = 0; i < GN_SERVICE_SESSIONS_MAX && !slot; i++)
		if (!served[i].id)
			slot = &served[i];
	gn_cap_t cap = GN_CAP_INVALID;
	gn_err_t err = slot ? s->ops->create(s->ctx, args, &cap) : GN_ERR_LIMIT;
	if (err != GN_OK) {
		respond(id, response_of(err));
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

static void upgrade(gn_xml_node_t const *req, uint32_t id)
{
	served_t *s = served_id(id);
	uint64_t ram = 0, caps = 0;

	if (s && s->service->ops->upgrade && gn_xml_attr_u64(req, "ram_quota", 0, &ram) == GN_OK &&
		gn_xml_attr_u64(req, "cap_quota", 0, &caps) == GN_OK)
		s->service->ops->upgrade(s->service->ctx, s->cap, ram, caps);
	respond(id, GN_SESSION_UPGRADED);
}

static void close(uint32_t id)
{
	served_t *s = served_id(id);

	if (s) {
		s->service->ops->close(s->service->ctx, s->cap);
		gn_cap_drop(s->cap);
		*s = (served_t){0};
	}
	respond(id, GN_SESSION_CLOSED);
}

/* Copies a consistent snapshot of the document; false when the parent is writing right now. */
static bool snapshot(size_t *len)
{
	uint64_t const seq = __atomic_load_n(&rom->seq, __ATOMIC_ACQUIRE);
	uint64_t const n = rom->len;

	if (seq & 1 || n > rom_size - sizeof(*rom) || n >= sizeof(doc))
		return false;
	gn_memcpy(doc, (char const *)rom + sizeof(*rom), n);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	*len = n;
	return __atomic_load_n(&rom->seq, __ATOMIC_ACQUIRE) == seq;
}

static void requests_changed(void *ctx, uint64_t count)
{
	size_t len = 0;
	gn_xml_node_t root, req;

	(void)ctx;
	(void)count;
	/* the parent's rewrite is a few microseconds of copying; a parent stuck in it signals again */
	unsigned tries = 0;
	while (!snapshot(&len))
		if (++tries == 100000)
			return;
	if (len == 0 || gn_xml_parse(doc, len, &root, NULL) != GN_OK)
		return;
	for (bool more = gn_xml_first_sub(&root, &req); more; more = gn_xml_next(&req, &req)) {
		uint64_t id = 0;
		if (gn_xml_attr_u64(&req, "id", 0, &id) != GN_OK || id == 0 || id > UINT32_MAX)
			continue;
		if (gn_xml_has_type(&req, "create"))
			create(&req, (uint32_t)id);
		else if (gn_xml_has_type(&req, "upgrade"))
			upgrade(&req, (uint32_t)id);
		else if (gn_xml_has_type(&req, "close"))
			close((uint32_t)id);
	}
}

static gn_err_t fetch_requests(gn_env_t *e)
{
	gn_rpc_void_t none = {0};
	gn_cap_t sig, ds;
	void *addr;
	bool writable;

	gn_err_t err = gn_pd_session_alloc_signal(e->pd, &none, &none, NULL, &sig);
	if (err != GN_OK)
		return err;
	err = gn_ep_sigh(e->ep, sig, requests_changed, NULL);
	if (err == GN_OK)
		err = gn_parent_session_requests(e->parent, &none, &none, &sig, &ds);
	if (err == GN_OK) {
		err = gn_ds_attach(ds, &addr, &rom_size, &writable);
		gn_cap_drop(ds);
	}
	gn_cap_drop(sig); /* the entrypoint and the parent hold their own references */
	if (err != GN_OK)
		return err;
	if (rom_size < sizeof(*rom))
		return GN_ERR_INVALID_ARG;
	rom = addr;
	env = e;
	return GN_OK;
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
