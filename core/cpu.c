/*
 * CPU sessions: the record of every thread of a PD (name, id, CPU), each charged one capability to
 * the PD, and the PD's exception signal handler, which core signals when the program crashes.
 *
 * Every thread is a trace subject (core/trace.c), the main thread included once the component
 * asked for its trace-control page. The page, one 64-bit word per thread, is core's bookkeeping
 * (like the records): allocated when first needed, written by core alone, mapped read-only by the
 * component (handed out once). A subject's id is the record's index plus one, with the record's
 * generation above it, so an id never names a later thread that reuses the record.
 *
 * What a component's threads touch without asking must outlive their use of it: on hw, freeing a
 * memory object unmaps it from every domain at once, and the next touch is a fault that ends the
 * component. Core therefore keeps the control page (its capability and its mapping) as long as
 * the session, and each thread record keeps a reference to the trace buffer and policy last handed
 * to its thread, so they last after their tracer freed them, until the thread shows it dropped
 * them: it asks for new ones (which it does only after dropping its mappings) or has ended
 * (kill_thread, once it is joined). A session that ends while the program bound to it may still
 * run (its parent closes the CPU session before the PD) is closing: its threads are no subjects
 * and its capability is refunded at once, but the page and the references stay until that
 * program is gone, which core notices when the next CPU session comes, goes or is bound. On linux
 * this only keeps a descriptor a little longer: a mapped memfd lives on anyway.
 *
 * Who pays for a thread: the PD whose program the session runs (bound at the start of a
 * program), or, before that, the session's own donation, never the PD that opened the session:
 * core's only client is init, so a CPU session that a component asks for through init would bill
 * init for every thread of that component.
 *
 * A session's affinity space is a range of the CPUs core itself may run on (numbered densely from
 * 0: core_platform_cpu_count/core_platform_cpu), all of them unless its arguments said otherwise;
 * the program bound to it runs on that range only. create_thread checks the requested index
 * before it charges anything; kill_thread refunds exactly the one capability.
 */
#include <gneiss/cpu_session.h>
#include <gneiss/dataspace.h>
#include <gneiss/string.h>
#include <gneiss/trace_format.h>

#include "core.h"

enum {
	MAX_CPUS = CORE_MAX_SESSIONS,
	/* each costs its PD a capability (main threads excepted): quota runs out first */
	MAX_THREADS = CORE_CAPS + CORE_MAX_PDS,
	SUBJECT_INDEX_BITS = 20, /* of a subject id; the generation has the rest */
};

typedef struct {
	bool used;
	char label[CORE_LABEL_MAX];
	core_pd_t *pd;
	bool bound; /* pd is the PD whose program this session runs, not the one that paid for it */
	uint32_t priority;             /* 0 (highest) .. GN_CPU_PRIORITY_LIMIT - 1 */
	uint32_t cpu_first, cpu_count; /* its affinity space: indices of core's */
	gn_cap_t exception_sigh;    /* kept until bound: a parent registers it before the start */
	gn_cap_t control_ds;        /* the trace-control page, GN_CAP_INVALID: none yet */
	uint64_t volatile *control; /* core's mapping of it */
	bool control_given;         /* the component has it (trace_control) */
	bool closing;               /* ended, waiting for its program's end (above) */
	uint64_t slots_used[GN_TRACE_CONTROL_SLOTS / 64];
	uint32_t main_id;                /* the main thread's subject id, 0: not known yet */
	uint64_t donated, donation_used; /* caps: what pays for threads while unbound */
} cpu_session_t;

typedef struct {
	cpu_session_t *session; /* NULL: unused */
	char name[GN_THREAD_NAME_MAX];
	uint32_t cpu;     /* platform CPU number or GN_CPU_ANY */
	uint32_t slot;    /* its word in the session's trace-control page */
	uint32_t gen;     /* generations of the record: part of the subject id */
	uint32_t version; /* of its control word */
	int tid;          /* as the component reported it; 0: unknown */
	bool is_main;     /* the main thread: no capability was charged for it */
	bool on_donation; /* its capability came out of the session's donation */
	gn_cap_t buffer;  /* owning references to what its thread may have mapped (above) */
	gn_cap_t policy;
} thread_t;

static cpu_session_t cpus[MAX_CPUS];
static thread_t threads[MAX_THREADS];
static unsigned cpus_high_water, threads_high_water;

_Static_assert(MAX_THREADS < 1u << SUBJECT_INDEX_BITS, "subject ids hold thread indices");

GN_RPC_SERVER(gn_cpu_session, GN_CPU_RPCS)

static uint32_t subject_id(thread_t const *t)
{
	return (t->gen << SUBJECT_INDEX_BITS) | (uint32_t)(t - threads + 1);
}

/* The live thread of subject id (of session s, unless NULL). */
static thread_t *thread_of(uint32_t id, cpu_session_t const *s)
{
	uint32_t const index = (id & ((1u << SUBJECT_INDEX_BITS) - 1)) - 1;

	if (index >= MAX_THREADS || !threads[index].session || threads[index].session->closing ||
		subject_id(&threads[index]) != id || (s && threads[index].session != s))
		return NULL;
	return &threads[index];
}

/* Its thread dropped (or never had) the trace buffer and policy core handed it: they may go. */
static void forget_handed(thread_t *t)
{
	gn_cap_drop(t->buffer);
	gn_cap_drop(t->policy);
	t->buffer = t->policy = GN_CAP_INVALID;
}

/* A record for a new thread of s with a free trace slot, or NULL. */
static thread_t *new_thread(cpu_session_t *s, char const *name, uint32_t cpu, bool is_main)
{
	uint32_t slot = GN_TRACE_CONTROL_SLOTS;

	for (uint32_t i = 0; i < GN_TRACE_CONTROL_SLOTS && slot == GN_TRACE_CONTROL_SLOTS; i++)
		if (!(s->slots_used[i / 64] & (1ull << (i % 64))))
			slot = i;
	for (uint32_t i = 0; i < MAX_THREADS && slot < GN_TRACE_CONTROL_SLOTS; i++) {
		thread_t *t = &threads[i];
		if (t->session)
			continue;
		*t = (thread_t){
			.session = s, .cpu = cpu, .slot = slot, .gen = t->gen, .is_main = is_main};
		size_t const len = gn_strnlen(name, sizeof(t->name) - 1);
		gn_memcpy(t->name, name, len);
		t->name[len] = 0;
		s->slots_used[slot / 64] |= 1ull << (slot % 64);
		core_table_used(&threads_high_water, i);
		if (s->control)
			s->control[slot] = 0;
		return t;
	}
	return NULL;
}

/* t's subject goes (a tracer keeps its buffer), its capability is refunded; the record stays. */
static void end_subject(thread_t *t)
{
	cpu_session_t *s = t->session;

	core_trace_subject_gone(subject_id(t));
	s->slots_used[t->slot / 64] &= ~(1ull << (t->slot % 64));
	if (t->on_donation)
		s->donation_used--;
	else if (!t->is_main)
		core_pd_refund(s->pd, 0, 1);
	if (s->main_id == subject_id(t))
		s->main_id = 0;
}

/* Frees t's record, whose thread is gone: what it was handed may go. */
static void clear_thread(thread_t *t)
{
	forget_handed(t);
	*t = (thread_t){.gen = (t->gen + 1) & ((1u << (32 - SUBJECT_INDEX_BITS)) - 1)};
}

static gn_err_t create_thread(void *obj, gn_rpc_request_t *req,
	gn_cpu_create_thread_args_t const *args, gn_cpu_create_thread_res_t *res)
{
	cpu_session_t *s = obj;

	(void)req;
	if (args->affinity != GN_CPU_ANY && args->affinity >= s->cpu_count)
		return GN_ERR_INVALID_ARG;
	uint32_t const cpu = args->affinity == GN_CPU_ANY
				     ? GN_CPU_ANY
				     : core_platform_cpu(s->cpu_first + args->affinity);
	bool const on_donation = !s->bound;
	if (on_donation && s->donation_used >= s->donated)
		return GN_ERR_OUT_OF_CAPS;
	gn_err_t err = on_donation ? GN_OK : core_pd_charge(s->pd, 0, 1);
	if (err != GN_OK)
		return err;
	thread_t *t = new_thread(s, args->name, cpu, false);
	if (!t) {
		if (!on_donation)
			core_pd_refund(s->pd, 0, 1);
		return GN_ERR_LIMIT;
	}
	t->on_donation = on_donation;
	s->donation_used += on_donation;
	res->id = subject_id(t);
	res->cpu = t->cpu;
	res->trace_slot = t->slot;
	return GN_OK;
}

static gn_err_t kill_thread(
	void *obj, gn_rpc_request_t *req, gn_cpu_thread_id_t const *args, gn_rpc_void_t *res)
{
	cpu_session_t *s = obj;

	(void)req;
	(void)res;
	thread_t *t = thread_of(args->id, s);
	if (!t || t->is_main)
		return GN_ERR_INVALID_ARG;
	end_subject(t);
	clear_thread(t);
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
	cpu_session_t const *s = obj;

	(void)req;
	(void)args;
	res->count = s->cpu_count;
	return GN_OK;
}

/* The session's trace-control page, made when first needed. */
static gn_err_t control_page(cpu_session_t *s)
{
	void *addr;
	size_t size;
	bool writable;

	if (s->control)
		return GN_OK;
	gn_err_t err = core_platform_ram_alloc(CORE_PAGE, &s->control_ds);
	if (err != GN_OK)
		return err;
	err = gn_ds_attach(s->control_ds, &addr, &size, &writable);
	if (err != GN_OK) {
		core_platform_ram_free(s->control_ds);
		gn_cap_drop(s->control_ds);
		s->control_ds = GN_CAP_INVALID;
		return err;
	}
	s->control = addr;
	for (unsigned i = 0; i < threads_high_water; i++)
		if (threads[i].session == s)
			s->control[threads[i].slot] = GN_TRACE_CONTROL(threads[i].version, false);
	return GN_OK;
}

static gn_err_t trace_control(void *obj, gn_rpc_request_t *req,
	gn_cpu_trace_control_args_t const *args, gn_cpu_trace_control_res_t *res)
{
	cpu_session_t *s = obj;
	thread_t *main = s->main_id ? thread_of(s->main_id, s) : NULL;

	gn_cap_t ro;

	gn_err_t err = control_page(s);
	if (err == GN_OK && s->control_given)
		err = GN_ERR_DENIED; /* handed out before: a component asks once */
	if (err == GN_OK && !main && !(main = new_thread(s, "main", GN_CPU_ANY, true)))
		err = GN_ERR_LIMIT;
	if (err == GN_OK)
		err = core_platform_ds_readonly(s->control_ds, &ro);
	if (err != GN_OK)
		return err;
	s->control_given = true;
	s->main_id = subject_id(main);
	main->tid = args->tid;
	res->main_id = s->main_id;
	res->main_slot = main->slot;
	req->caps_out[0] = ro; /* the reply consumes it */
	req->num_caps_out = 1;
	return GN_OK;
}

static gn_err_t thread_started(void *obj, gn_rpc_request_t *req,
	gn_cpu_thread_started_args_t const *args, gn_rpc_void_t *res)
{
	thread_t *t = thread_of(args->id, obj);

	(void)req;
	(void)res;
	if (!t)
		return GN_ERR_INVALID_ARG;
	t->tid = args->tid;
	return GN_OK;
}

/*
 * The thread's buffer. Its thread asks after dropping what it had mapped (lib/base/trace.c), so
 * the buffer and policy handed to it before may go now.
 */
static gn_err_t trace_buffer(void *obj, gn_rpc_request_t *req, gn_cpu_thread_id_t const *args,
	gn_cpu_trace_buffer_res_t *res)
{
	thread_t *t = thread_of(args->id, obj);
	gn_cap_t ds;

	if (!t)
		return GN_ERR_INVALID_ARG;
	forget_handed(t);
	gn_err_t const err = core_trace_buffer_of(args->id, &ds);
	if (err != GN_OK)
		return err;
	res->tsc_per_ms = core_platform_tsc_per_ms();
	t->buffer = gn_cap_copy(ds);
	req->caps_out[0] = gn_cap_copy(ds);
	req->num_caps_out = 1;
	return GN_OK;
}

/* The thread's policy, as a read-only view of the tracer's. */
static gn_err_t trace_policy(
	void *obj, gn_rpc_request_t *req, gn_cpu_thread_id_t const *args, gn_rpc_void_t *res)
{
	thread_t *t = thread_of(args->id, obj);
	gn_cap_t ds, ro;

	(void)res;
	if (!t)
		return GN_ERR_INVALID_ARG;
	gn_err_t err = core_trace_policy_of(args->id, &ds);
	if (err == GN_OK)
		err = core_platform_ds_readonly(ds, &ro);
	if (err != GN_OK)
		return err;
	gn_cap_drop(t->policy); /* a thread asks once after each buffer: only the last counts */
	t->policy = gn_cap_copy(ds);
	req->caps_out[0] = ro; /* the reply consumes it */
	req->num_caps_out = 1;
	return GN_OK;
}

static gn_cpu_session_ops_t const ops = {create_thread, kill_thread, exception_sigh, affinity_space,
	trace_control, thread_started, trace_buffer, trace_policy};

/* Whether the program of s's PD may still run and touch what core gave its threads. */
static bool program_may_run(cpu_session_t const *s)
{
	return s->bound && s->pd->used && s->pd->started;
}

/* The rest of an ended session: its thread records, the objects they kept, its control page. */
static void finish(cpu_session_t *s)
{
	for (unsigned t = 0; t < threads_high_water; t++)
		if (threads[t].session == s)
			clear_thread(&threads[t]);
	if (s->control)
		gn_ds_detach((void *)s->control, CORE_PAGE);
	gn_cap_drop(s->control_ds); /* not truncated: the last mapping, core's or not, frees it */
	*s = (cpu_session_t){.used = false};
}

/* Finishes the closing sessions whose program is gone (or, with pd, whose PD runs a new one). */
static void reap_closing(core_pd_t const *pd)
{
	for (unsigned i = 0; i < cpus_high_water; i++) {
		cpu_session_t *s = &cpus[i];
		if (s->used && s->closing && (s->pd == pd || !program_may_run(s)))
			finish(s);
	}
}

gn_err_t core_cpu_create(char const *label, core_pd_t *pd, uint64_t priority, uint64_t cpu_first,
	uint64_t cpu_count, gn_cap_t *cap)
{
	reap_closing(NULL);
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		cpu_session_t *s = &cpus[i];
		if (s->used)
			continue;
		unsigned const all = core_platform_cpu_count();
		if (cpu_first >= all)
			cpu_first = all - 1;
		if (cpu_count == 0 || cpu_count > all - cpu_first)
			cpu_count = all - cpu_first;
		*s = (cpu_session_t){.pd = pd,
			.cpu_first = (uint32_t)cpu_first,
			.cpu_count = (uint32_t)cpu_count,
			.priority = priority < GN_CPU_PRIORITY_LIMIT ? (uint32_t)priority
								     : GN_CPU_PRIORITY_LIMIT - 1};
		gn_ignore(gn_strlcpy(s->label, label, sizeof(s->label)));
		gn_err_t err = gn_ep_manage(core_ep(), s, &gn_cpu_session_iface, &ops, cap);
		s->used = err == GN_OK;
		if (s->used)
			core_table_used(&cpus_high_water, i);
		return err;
	}
	return GN_ERR_LIMIT;
}

static cpu_session_t *cpu_session(gn_cap_t cap)
{
	cpu_session_t *s = gn_ep_lookup(core_ep(), cap, &gn_cpu_session_iface);

	for (unsigned i = 0; s && i < cpus_high_water; i++)
		if (&cpus[i] == s && s->used && !s->closing) /* may be a session of another kind */
			return s;
	return NULL;
}

void core_cpu_affinity(gn_cap_t cap, uint32_t *first, uint32_t *count)
{
	cpu_session_t const *s = cpu_session(cap);

	*first = s ? s->cpu_first : 0;
	*count = s ? s->cpu_count : core_platform_cpu_count();
}

uint32_t core_cpu_priority(gn_cap_t cap)
{
	cpu_session_t const *s = cpu_session(cap);

	return s ? s->priority : 0;
}

void core_cpu_donate(gn_cap_t cap, uint64_t caps)
{
	cpu_session_t *s = cpu_session(cap);

	if (s)
		s->donated += caps;
}

void core_cpu_bind(gn_cap_t cap, core_pd_t *pd)
{
	cpu_session_t *s = cpu_session(cap);

	reap_closing(pd); /* a PD runs one program: one that ran in the record before is gone */
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

	reap_closing(NULL);
	if (!s)
		return;
	for (unsigned t = 0; t < threads_high_water; t++)
		if (threads[t].session == s)
			end_subject(&threads[t]);
	gn_ep_dissolve(core_ep(), cap);
	gn_cap_drop(s->exception_sigh);
	s->exception_sigh = GN_CAP_INVALID;
	if (program_may_run(s))
		s->closing = true; /* finished by reap_closing */
	else
		finish(s);
}

/* ---- trace subjects, for core/trace.c ------------------------------------------------------ */

unsigned core_cpu_subject_slots(void)
{
	return threads_high_water;
}

uint32_t core_cpu_subject_at(unsigned index)
{
	thread_t const *t = index < MAX_THREADS ? &threads[index] : NULL;

	return t && t->session && !t->session->closing ? subject_id(t) : 0;
}

bool core_cpu_subject(uint32_t id, core_subject_t *out)
{
	thread_t const *t = thread_of(id, NULL);

	if (!t)
		return false;
	*out = (core_subject_t){t->session->label, t->name, t->cpu, t->session->pd, t->tid};
	return true;
}

gn_err_t core_cpu_trace_control(uint32_t id, bool enabled)
{
	thread_t *t = thread_of(id, NULL);

	if (!t)
		return GN_ERR_INVALID_ARG;
	gn_err_t const err = control_page(t->session);
	if (err != GN_OK)
		return err;
	t->version++;
	__atomic_store_n(&t->session->control[t->slot], GN_TRACE_CONTROL(t->version, enabled),
		__ATOMIC_RELEASE);
	return GN_OK;
}
