/*
 * CPU sessions: the record of every thread of a PD (name, id, CPU), each charged one capability to
 * the PD, and the PD's exception signal handler, which core signals when the program crashes.
 *
 * Every session sees the same affinity space: the CPUs core itself may run on, numbered densely
 * from 0 (core_platform_cpu_count/core_platform_cpu). create_thread checks the requested index
 * before it charges anything; kill_thread refunds exactly the one capability.
 */
#include <gneiss/cpu_session.h>
#include <gneiss/string.h>

#include "core.h"

enum {
	MAX_CPUS = CORE_MAX_PDS * 2,
	MAX_THREADS = 4096
};

typedef struct {
	bool used;
	char label[CORE_LABEL_MAX];
	core_pd_t *pd;
	bool bound; /* pd is the PD whose program this session runs, not the one that paid for it */
	uint32_t priority;       /* 0 (highest) .. GN_CPU_PRIORITY_LIMIT - 1 */
	gn_cap_t exception_sigh; /* kept until bound: a parent registers it before the start */
} cpu_session_t;

typedef struct {
	cpu_session_t *session; /* NULL: unused */
	char name[GN_THREAD_NAME_MAX];
	uint32_t cpu; /* platform CPU number or GN_CPU_ANY */
} thread_t;

static cpu_session_t cpus[MAX_CPUS];
static thread_t threads[MAX_THREADS];

GN_RPC_SERVER(gn_cpu_session, GN_CPU_RPCS)

static gn_err_t create_thread(void *obj, gn_rpc_request_t *req,
	gn_cpu_create_thread_args_t const *args, gn_cpu_create_thread_res_t *res)
{
	cpu_session_t *s = obj;

	(void)req;
	if (args->affinity != GN_CPU_ANY && args->affinity >= core_platform_cpu_count())
		return GN_ERR_INVALID_ARG;
	for (uint32_t i = 0; i < MAX_THREADS; i++) {
		thread_t *t = &threads[i];
		if (t->session)
			continue;
		gn_err_t err = core_pd_charge(s->pd, 0, 1);
		if (err != GN_OK)
			return err;
		t->session = s;
		size_t const len = gn_strnlen(args->name, sizeof(t->name) - 1);
		gn_memcpy(t->name, args->name, len);
		t->name[len] = 0;
		t->cpu = args->affinity == GN_CPU_ANY ? GN_CPU_ANY
						      : core_platform_cpu(args->affinity);
		res->id = i + 1;
		res->cpu = t->cpu;
		return GN_OK;
	}
	return GN_ERR_LIMIT;
}

static gn_err_t kill_thread(
	void *obj, gn_rpc_request_t *req, gn_cpu_thread_id_t const *args, gn_rpc_void_t *res)
{
	cpu_session_t *s = obj;

	(void)req;
	(void)res;
	if (args->id == 0 || args->id > MAX_THREADS || threads[args->id - 1].session != s)
		return GN_ERR_INVALID_ARG;
	threads[args->id - 1].session = NULL;
	core_pd_refund(s->pd, 0, 1);
	return GN_OK;
}

static gn_err_t exception_sigh(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	cpu_session_t *s = obj;

	(void)args;
	(void)res;
	if (gn_cap_kind(req->caps_in[0]) != GN_CAP_KIND_SIGNAL)
		return GN_ERR_INVALID_CAP;
	gn_cap_drop(s->exception_sigh);
	s->exception_sigh = gn_cap_copy(req->caps_in[0]);
	if (s->bound) {
		gn_cap_drop(s->pd->exception_sigh);
		s->pd->exception_sigh = gn_cap_copy(s->exception_sigh);
	}
	return GN_OK;
}

static gn_err_t affinity_space(void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args,
	gn_cpu_affinity_space_res_t *res)
{
	(void)obj;
	(void)req;
	(void)args;
	res->count = core_platform_cpu_count();
	return GN_OK;
}

static gn_cpu_session_ops_t const ops = {
	create_thread, kill_thread, exception_sigh, affinity_space};

gn_err_t core_cpu_create(char const *label, core_pd_t *pd, uint64_t priority, gn_cap_t *cap)
{
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		cpu_session_t *s = &cpus[i];
		if (s->used)
			continue;
		*s = (cpu_session_t){.pd = pd,
			.priority = priority < GN_CPU_PRIORITY_LIMIT ? (uint32_t)priority
								     : GN_CPU_PRIORITY_LIMIT - 1};
		gn_ignore(gn_strlcpy(s->label, label, sizeof(s->label)));
		gn_err_t err = gn_ep_manage(core_ep(), s, &gn_cpu_session_iface, &ops, cap);
		s->used = err == GN_OK;
		return err;
	}
	return GN_ERR_LIMIT;
}

static cpu_session_t *cpu_session(gn_cap_t cap)
{
	cpu_session_t *s = gn_ep_lookup(core_ep(), cap);

	for (unsigned i = 0; s && i < MAX_CPUS; i++)
		if (&cpus[i] == s && s->used) /* the object may be a session of another kind */
			return s;
	return NULL;
}

uint32_t core_cpu_priority(gn_cap_t cap)
{
	cpu_session_t const *s = cpu_session(cap);

	return s ? s->priority : 0;
}

void core_cpu_bind(gn_cap_t cap, core_pd_t *pd)
{
	cpu_session_t *s = cpu_session(cap);

	if (!s)
		return;
	s->pd = pd;
	s->bound = true;
	gn_cap_drop(pd->exception_sigh);
	pd->exception_sigh = gn_cap_copy(s->exception_sigh);
}

void core_cpu_destroy(gn_cap_t cap)
{
	cpu_session_t *s = cpu_session(cap);

	if (!s)
		return;
	for (unsigned t = 0; t < MAX_THREADS; t++)
		if (threads[t].session == s) {
			threads[t].session = NULL;
			core_pd_refund(s->pd, 0, 1);
		}
	gn_ep_dissolve(core_ep(), cap);
	gn_cap_drop(s->exception_sigh);
	*s = (cpu_session_t){.used = false};
}
