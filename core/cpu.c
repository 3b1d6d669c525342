/*
 * CPU sessions: the record of every thread of a PD (name, id), each charged one capability to the
 * PD, and the PD's exception signal handler, which core signals when the program crashes.
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
} cpu_session_t;

typedef struct {
	cpu_session_t *session; /* NULL: unused */
	char name[GN_THREAD_NAME_MAX];
} thread_t;

static cpu_session_t cpus[MAX_CPUS];
static thread_t threads[MAX_THREADS];

GN_RPC_SERVER(gn_cpu_session, GN_CPU_RPCS)

static gn_err_t create_thread(void *obj, gn_rpc_request_t *req,
	gn_cpu_create_thread_args_t const *args, gn_cpu_thread_id_t *res)
{
	cpu_session_t *s = obj;

	(void)req;
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
		res->id = i + 1;
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
	if (s->pd->exception_sigh)
		gn_cap_drop(s->pd->exception_sigh);
	s->pd->exception_sigh = gn_cap_copy(req->caps_in[0]);
	return GN_OK;
}

static gn_cpu_session_ops_t const ops = {create_thread, kill_thread, exception_sigh};

gn_err_t core_cpu_create(char const *label, core_pd_t *pd, gn_cap_t *cap)
{
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		cpu_session_t *s = &cpus[i];
		if (s->used)
			continue;
		gn_ignore(gn_strlcpy(s->label, label, sizeof(s->label)));
		s->pd = pd;
		gn_err_t err = gn_ep_manage(core_ep(), s, &gn_cpu_session_iface, &ops, cap);
		s->used = err == GN_OK;
		return err;
	}
	return GN_ERR_LIMIT;
}

void core_cpu_bind(gn_cap_t cap, core_pd_t *pd)
{
	cpu_session_t *s = gn_ep_lookup(core_ep(), cap);

	for (unsigned i = 0; s && i < MAX_CPUS; i++)
		if (&cpus[i] == s) /* the object may be a session of another kind */
			s->pd = pd;
}
