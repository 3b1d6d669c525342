/*
 * Core as a parent: the parent interface core serves to its only child, init.
 *
 * Core's services answer at once, so here `session` creates the session synchronously and
 * `session_cap` hands it out. The label is prefixed with the child's name; the donation named in
 * the arguments (ram_quota, cap_quota) is charged to the child's PD up front and refunded at close.
 * A PD session's donation becomes the new PD's quota, with the child's PD as its reference account.
 *
 * Every session costs at least SESSION_PRICE_CAPS of the donation: core's records of sessions and
 * PDs are finite and shared by everyone, so no child may fill them for free (a PD session keeps
 * the price for the record; the rest becomes the new PD's quota).
 */
#include <gneiss/label.h>
#include <gneiss/string.h>

#include "core.h"

enum {
	MAX_SESSIONS = CORE_MAX_SESSIONS,
	SESSION_PRICE_CAPS = 1,
};

typedef enum {
	SVC_NONE,
	SVC_PD,
	SVC_CPU,
	SVC_LOG,
	SVC_ROM,
	SVC_TRACE,
	SVC_IO_PORT,
	SVC_IRQ,
	SVC_IO_MEM,
	SVC_RM
} service_t;

typedef struct {
	core_pd_t *child_pd;
	char name[CORE_LABEL_MAX];
	gn_cap_t cap;
} parent_t;

typedef struct {
	parent_t *parent; /* NULL: unused */
	uint32_t id;
	service_t service;
	gn_cap_t cap;
	uint64_t ram, caps; /* donated by the child, for every service but PD */
	core_pd_t *pd;      /* for SVC_PD */
} session_t;

static parent_t the_parent;
static session_t sessions[MAX_SESSIONS];
static unsigned sessions_high_water;

GN_RPC_SERVER(gn_parent, GN_PARENT_RPCS)

static session_t *find(parent_t *p, uint32_t id)
{
	for (unsigned i = 0; i < sessions_high_water; i++)
		if (sessions[i].parent == p && sessions[i].id == id)
			return &sessions[i];
	return NULL;
}

static service_t service_of(char const *name)
{
	static struct {
		char const *name;
		service_t service;
	} const table[] = {{"PD", SVC_PD}, {"CPU", SVC_CPU}, {"LOG", SVC_LOG}, {"ROM", SVC_ROM},
		{"TRACE", SVC_TRACE}, {"IO_PORT", SVC_IO_PORT}, {"IRQ", SVC_IRQ},
		{"IO_MEM", SVC_IO_MEM}, {"RM", SVC_RM}};

	for (unsigned i = 0; i < GN_ARRAY_SIZE(table); i++)
		if (gn_strcmp(name, table[i].name) == 0)
			return table[i].service;
	return SVC_NONE;
}

/*
 * IO_PORT, IRQ and IO_MEM sessions: the device's arguments (Genode's names) are required, but for
 * IO_MEM's wc (write-combining: "yes", "true" or 1; absent: no).
 */
static gn_err_t create_device(session_t *s, char const *args)
{
	uint64_t base, size, line, wc = 0;
	char flag[8];

	if (s->service == SVC_IO_MEM) {
		if (gn_args_get_string(args, "wc", flag, sizeof(flag)) == GN_OK)
			wc = gn_strcmp(flag, "yes") == 0 || gn_strcmp(flag, "true") == 0 ||
			     gn_strcmp(flag, "1") == 0;
		return gn_args_get_num(args, "base", &base) == GN_OK &&
				       gn_args_get_num(args, "size", &size) == GN_OK
			       ? core_io_mem_create(base, size, wc != 0, s->caps, &s->cap)
			       : GN_ERR_INVALID_ARG;
	}
	if (s->service == SVC_IRQ)
		return gn_args_get_num(args, "irq_number", &line) == GN_OK
			       ? core_irq_create(line, s->caps, &s->cap)
			       : GN_ERR_INVALID_ARG;
	if (gn_args_get_num(args, "io_port_base", &base) != GN_OK ||
		gn_args_get_num(args, "io_port_size", &size) != GN_OK)
		return GN_ERR_INVALID_ARG;
	return core_io_port_create(base, size, s->caps, &s->cap);
}

static gn_err_t create(parent_t *p, session_t *s, char const *label, char const *args)
{
	gn_err_t err;
	uint64_t priority = 0;

	if (s->service == SVC_PD) {
		err = core_pd_charge(p->child_pd, 0, SESSION_PRICE_CAPS);
		if (err == GN_OK) {
			err = core_pd_create(
				label, s->ram, s->caps - SESSION_PRICE_CAPS, p->child_pd, &s->pd);
			if (err != GN_OK)
				core_pd_refund(p->child_pd, 0, SESSION_PRICE_CAPS);
		}
		if (err == GN_OK)
			s->cap = gn_cap_copy(s->pd->cap);
	} else
		err = core_pd_charge(p->child_pd, s->ram, s->caps);
	if (err == GN_ERR_OUT_OF_RAM || err == GN_ERR_OUT_OF_CAPS)
		return err == GN_ERR_OUT_OF_RAM ? GN_ERR_INSUFFICIENT_RAM
						: GN_ERR_INSUFFICIENT_CAPS;
	if (err != GN_OK || s->service == SVC_PD)
		return err;
	if (s->service == SVC_CPU) {
		uint64_t first = 0, count = 0;
		if (gn_args_get_num(args, "priority", &priority) != GN_OK)
			priority = 0;
		if (gn_args_get_num(args, "affinity_offset", &first) != GN_OK)
			first = 0;
		if (gn_args_get_num(args, "affinity_count", &count) != GN_OK)
			count = 0;
		err = core_cpu_create(label, p->child_pd, priority, first, count, &s->cap);
		if (err == GN_OK)
			core_cpu_donate(s->cap, s->caps - SESSION_PRICE_CAPS);
	} else if (s->service == SVC_LOG)
		err = core_log_create(label, &s->cap);
	else if (s->service == SVC_TRACE) {
		uint64_t levels = 0;
		if (gn_args_get_num(args, "parent_levels", &levels) != GN_OK)
			levels = 0;
		err = core_trace_create(label, s->ram, levels, &s->cap);
	} else if (s->service == SVC_IO_PORT || s->service == SVC_IRQ || s->service == SVC_IO_MEM)
		err = create_device(s, args);
	else if (s->service == SVC_RM)
		err = core_rm_create(s->ram, s->caps - SESSION_PRICE_CAPS, &s->cap);
	else
		err = core_rom_create(label, &s->cap);
	if (err != GN_OK)
		core_pd_refund(p->child_pd, s->ram, s->caps);
	return err;
}

static gn_err_t session(
	void *obj, gn_rpc_request_t *req, gn_parent_session_args_t const *args, gn_rpc_void_t *res)
{
	parent_t *p = obj;
	char service[GN_SERVICE_NAME_MAX], raw[GN_SESSION_ARGS_MAX];
	char client_label[CORE_LABEL_MAX], label[CORE_LABEL_MAX];
	session_t *s = NULL;

	(void)req;
	(void)res;
	if (gn_strlcpy(service, args->service, sizeof(service)) != GN_OK ||
		gn_strlcpy(raw, args->args, sizeof(raw)) != GN_OK || gn_args_check(raw) != GN_OK ||
		args->id < GN_PARENT_FIRST_ID || find(p, args->id))
		return GN_ERR_INVALID_ARG;
	service_t const svc = service_of(service);
	if (svc == SVC_NONE)
		return GN_ERR_UNROUTABLE;
	if (gn_args_get_label(raw, client_label, sizeof(client_label)) != GN_OK ||
		gn_label_prefix(label, sizeof(label), p->name, client_label) != GN_OK)
		return GN_ERR_INVALID_ARG;
	for (unsigned i = 0; i < MAX_SESSIONS && !s; i++)
		if (!sessions[i].parent) {
			s = &sessions[i];
			core_table_used(&sessions_high_water, i);
		}
	if (!s)
		return GN_ERR_LIMIT;
	*s = (session_t){.id = args->id, .service = svc};
	if (gn_args_get_num(raw, "ram_quota", &s->ram) != GN_OK)
		s->ram = 0;
	if (gn_args_get_num(raw, "cap_quota", &s->caps) != GN_OK)
		s->caps = 0;
	if (s->caps < SESSION_PRICE_CAPS)
		return GN_ERR_INSUFFICIENT_CAPS;
	gn_err_t err = create(p, s, label, raw);
	if (err == GN_OK)
		s->parent = p;
	return err;
}

static gn_err_t session_cap(
	void *obj, gn_rpc_request_t *req, gn_parent_id_args_t const *args, gn_rpc_void_t *res)
{
	session_t *s = find(obj, args->id);

	(void)res;
	if (!s)
		return GN_ERR_INVALID_ARG;
	req->caps_out[0] = gn_cap_copy(s->cap);
	req->num_caps_out = 1;
	return GN_OK;
}

static gn_err_t close(
	void *obj, gn_rpc_request_t *req, gn_parent_id_args_t const *args, gn_rpc_void_t *res)
{
	parent_t *p = obj;
	session_t *s = find(p, args->id);

	(void)req;
	(void)res;
	if (!s)
		return GN_ERR_INVALID_ARG;
	if (s->service == SVC_PD) {
		core_pd_destroy(s->pd);
		core_pd_refund(p->child_pd, 0, SESSION_PRICE_CAPS);
	} else {
		if (s->service == SVC_CPU)
			core_cpu_destroy(s->cap);
		else if (s->service == SVC_LOG)
			core_log_destroy(s->cap);
		else if (s->service == SVC_TRACE)
			core_trace_destroy(s->cap);
		else if (s->service == SVC_IO_PORT)
			core_io_port_destroy(s->cap);
		else if (s->service == SVC_IRQ)
			core_irq_destroy(s->cap);
		else if (s->service == SVC_IO_MEM)
			core_io_mem_destroy(s->cap);
		else if (s->service == SVC_RM)
			core_rm_destroy(s->cap);
		else
			core_rom_destroy(s->cap);
		core_pd_refund(p->child_pd, s->ram, s->caps);
	}
	gn_cap_drop(s->cap);
	s->parent = NULL;
	return GN_OK;
}

static gn_err_t exit(
	void *obj, gn_rpc_request_t *req, gn_parent_exit_args_t const *args, gn_rpc_void_t *res)
{
	parent_t *p = obj;

	(void)req;
	(void)res;
	core_log("%s exited with exit value %d", p->name, (int)args->value);
	core_pd_program_ended(p->child_pd, args->value, 0, NULL);
	return GN_OK;
}

/* Core's only child is init, and nothing above core could use a service init provides. */
static gn_err_t announce(
	void *obj, gn_rpc_request_t *req, gn_parent_announce_args_t const *args, gn_rpc_void_t *res)
{
	(void)obj;
	(void)req;
	(void)args;
	(void)res;
	return GN_ERR_DENIED;
}

/* Core's services answer at once, so init never waits for a session signal from core. */
static gn_err_t session_sigh(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	(void)obj;
	(void)args;
	(void)res;
	return gn_cap_kind(req->caps_in[0]) == GN_CAP_KIND_SIGNAL ? GN_OK : GN_ERR_INVALID_CAP;
}

/* More donation for a session of core's: charged to the child like the first. */
static gn_err_t upgrade(
	void *obj, gn_rpc_request_t *req, gn_parent_upgrade_args_t const *args, gn_rpc_void_t *res)
{
	parent_t *p = obj;
	session_t *s = find(p, args->id);
	char raw[GN_SESSION_ARGS_MAX];
	uint64_t ram = 0, caps = 0;

	(void)req;
	(void)res;
	if (!s || gn_strlcpy(raw, args->args, sizeof(raw)) != GN_OK || gn_args_check(raw) != GN_OK)
		return GN_ERR_INVALID_ARG;
	if (gn_args_get_num(raw, "ram_quota", &ram) != GN_OK)
		ram = 0;
	if (gn_args_get_num(raw, "cap_quota", &caps) != GN_OK)
		caps = 0;
	if (s->service == SVC_PD)
		return GN_ERR_DENIED; /* a PD's quota grows by transfer, not by upgrade */
	gn_err_t err = core_pd_charge(p->child_pd, ram, caps);
	if (err != GN_OK)
		return err == GN_ERR_OUT_OF_RAM ? GN_ERR_INSUFFICIENT_RAM
						: GN_ERR_INSUFFICIENT_CAPS;
	s->ram += ram;
	s->caps += caps;
	if (s->service == SVC_TRACE)
		core_trace_upgrade(s->cap, ram);
	if (s->service == SVC_CPU)
		core_cpu_donate(s->cap, caps);
	if (s->service == SVC_RM)
		core_rm_upgrade(s->cap, ram, caps);
	return GN_OK;
}

/* Nothing is served through core's parent interface but core's own services. */
static gn_err_t session_requests(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	(void)obj;
	(void)req;
	(void)args;
	(void)res;
	return GN_ERR_DENIED;
}

static gn_err_t deliver_session_cap(
	void *obj, gn_rpc_request_t *req, gn_parent_id_args_t const *args, gn_rpc_void_t *res)
{
	(void)obj;
	(void)req;
	(void)args;
	(void)res;
	return GN_ERR_DENIED;
}

static gn_err_t session_response(
	void *obj, gn_rpc_request_t *req, gn_parent_response_args_t const *args, gn_rpc_void_t *res)
{
	(void)obj;
	(void)req;
	(void)args;
	(void)res;
	return GN_ERR_DENIED;
}

/* Core does not monitor init's heartbeat. */
static gn_err_t heartbeat_sigh(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	(void)obj;
	(void)args;
	(void)res;
	return gn_cap_kind(req->caps_in[0]) == GN_CAP_KIND_SIGNAL ? GN_OK : GN_ERR_INVALID_CAP;
}

static gn_err_t heartbeat_response(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	(void)obj;
	(void)req;
	(void)args;
	(void)res;
	return GN_OK;
}

/* Core hands init everything at boot: there is nothing more to give. */
static gn_err_t resource_request(
	void *obj, gn_rpc_request_t *req, gn_parent_resource_args_t const *args, gn_rpc_void_t *res)
{
	(void)obj;
	(void)req;
	(void)args;
	(void)res;
	return GN_ERR_DENIED;
}

/* Core never asks init to yield. */
static gn_err_t yield_sigh(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	return heartbeat_sigh(obj, req, args, res);
}

static gn_err_t yield_request(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_parent_resource_args_t *res)
{
	(void)obj;
	(void)req;
	(void)args;
	*res = (gn_parent_resource_args_t){0, 0};
	return GN_OK;
}

static gn_parent_ops_t const ops = {session, session_cap, close, exit, announce, session_sigh,
	upgrade, session_requests, deliver_session_cap, session_response, heartbeat_sigh,
	heartbeat_response, resource_request, yield_sigh, yield_request, heartbeat_response};

gn_err_t core_parent_create(core_pd_t *child_pd, char const *child_name, gn_cap_t *cap)
{
	parent_t *p = &the_parent;

	if (p->child_pd)
		return GN_ERR_LIMIT; /* core has exactly one child */
	p->child_pd = child_pd;
	gn_ignore(gn_strlcpy(p->name, child_name, sizeof(p->name)));
	gn_err_t err = gn_ep_manage(core_ep(), p, &gn_parent_iface, &ops, &p->cap);
	if (err == GN_OK)
		*cap = gn_cap_copy(p->cap);
	return err;
}
