/*
 * TRACE sessions (gneiss/trace_session.h): a tracer's view of the threads under its label, their
 * policies and buffers.
 *
 * A traced subject is a record here: the session that traces it, its policy, its buffer (a RAM
 * dataspace charged to the session's quota: writable for the traced thread, read-only for the
 * tracer) and a copy of its names, so it outlives its thread as DEAD until the tracer frees it.
 * One session at a time traces a subject. Starting, pausing, resuming or changing the tracing of
 * a subject changes its control word (core/cpu.c), which its thread notices at its next trace
 * point and asks its CPU session for the buffer and policy.
 *
 * Freeing refunds the session at once, but the memory of a buffer or policy the traced thread may
 * have mapped lasts until it dropped the mapping: the CPU session keeps a reference to what it
 * handed to the thread (core/cpu.c), so the order in which the tracer frees things never matters to
 * the traced thread, also on hw, where freeing a memory object unmaps it everywhere at once.
 */
#include <gneiss/string.h>
#include <gneiss/trace_format.h>
#include <gneiss/trace_session.h>

#include "core.h"

enum {
	MAX_SESSIONS = 32,
	MAX_POLICIES = 128,
	MAX_TRACED = 1024,
};

typedef struct {
	bool used;
	char filter[CORE_LABEL_MAX]; /* the label prefix of what it sees */
	uint64_t ram_quota, ram_used;
} session_t;

typedef struct {
	session_t *session; /* NULL: unused */
	uint32_t gen;
	gn_cap_t ds; /* writable, the tracer's; the CPU session makes read-only views of it */
	unsigned users;
} policy_t;

typedef struct {
	session_t *session; /* NULL: unused */
	uint32_t subject;
	policy_t *policy;
	gn_cap_t buffer, buffer_ro;
	uint64_t size;
	gn_trace_state_t state;
	char label[GN_TRACE_LABEL_MAX];
	char thread[GN_THREAD_NAME_MAX];
	uint64_t execution_ns; /* when it became DEAD */
} traced_t;

static session_t sessions[MAX_SESSIONS];
static policy_t policies[MAX_POLICIES];
static traced_t traced[MAX_TRACED];

GN_RPC_SERVER(gn_trace_session, GN_TRACE_RPCS)

/* ---- lookup ------------------------------------------------------------------------------------ */

static bool under_filter(session_t const *s, char const *label)
{
	size_t const n = gn_strlen(s->filter);

	return n == 0 || (gn_strncmp(label, s->filter, n) == 0 &&
				 (label[n] == 0 || gn_strncmp(label + n, " -> ", 4) == 0));
}

static traced_t *traced_of(uint32_t subject)
{
	for (unsigned i = 0; i < MAX_TRACED; i++)
		if (traced[i].session && traced[i].subject == subject)
			return &traced[i];
	return NULL;
}

/* Whether s sees subject: a live thread under its filter, or one it traced that died. */
static bool sees(session_t const *s, uint32_t subject)
{
	core_subject_t info;
	traced_t const *t = traced_of(subject);

	if (t && t->state == GN_TRACE_DEAD)
		return t->session == s;
	return core_cpu_subject(subject, &info) && under_filter(s, info.label);
}

static uint32_t policy_id(policy_t const *p)
{
	return (p->gen << 8) | (uint32_t)(p - policies + 1);
}

static policy_t *policy_of(session_t const *s, uint32_t id)
{
	uint32_t const index = (id & 0xff) - 1;

	if (index >= MAX_POLICIES || policies[index].session != s ||
		policy_id(&policies[index]) != id)
		return NULL;
	return &policies[index];
}

/* ---- quota ------------------------------------------------------------------------------------- */

/* RAM of size bytes charged to s, and (unless ro is NULL) a read-only view of it. */
static gn_err_t alloc(session_t *s, uint64_t size, gn_cap_t *ds, gn_cap_t *ro)
{
	if (size > s->ram_quota - s->ram_used)
		return GN_ERR_OUT_OF_RAM;
	gn_err_t err = core_platform_ram_alloc(size, ds);
	if (err != GN_OK)
		return err;
	err = ro ? core_platform_ds_readonly(*ds, ro) : GN_OK;
	if (err != GN_OK) {
		core_platform_ram_free(*ds);
		gn_cap_drop(*ds);
		return err;
	}
	s->ram_used += size;
	return GN_OK;
}

/*
 * Not truncated, unlike other RAM: a traced thread may be writing into its buffer right now (it
 * checked its control word just before), and must not fault for it. The memory goes with the last
 * reference: the CPU session's, if it handed it to a thread (above), or this one.
 */
static void release(session_t *s, uint64_t size, gn_cap_t *ds, gn_cap_t *ro)
{
	gn_cap_drop(*ds);
	*ds = GN_CAP_INVALID;
	if (ro) {
		gn_cap_drop(*ro);
		*ro = GN_CAP_INVALID;
	}
	s->ram_used -= size;
}

/* Stops tracing t and frees its buffer. */
static void untrace(traced_t *t)
{
	if (t->state != GN_TRACE_DEAD)
		gn_ignore(core_cpu_trace_control(t->subject, false));
	release(t->session, t->size, &t->buffer, &t->buffer_ro);
	t->policy->users--;
	*t = (traced_t){0};
}

/* ---- the session's RPCs ------------------------------------------------------------------------ */

static gn_err_t subjects(void *obj, gn_rpc_request_t *req, gn_trace_subjects_args_t const *args,
	gn_trace_subjects_res_t *res)
{
	session_t *s = obj;
	uint32_t pos = 0;

	(void)req;
	res->count = 0;
	for (unsigned i = 0; i < core_cpu_subject_slots(); i++) {
		uint32_t const id = core_cpu_subject_at(i);
		if (!id || !sees(s, id))
			continue;
		if (pos++ >= args->first && res->count < GN_TRACE_SUBJECTS_MAX)
			res->ids[res->count++] = id;
	}
	for (unsigned i = 0; i < MAX_TRACED; i++) {
		if (traced[i].session != s || traced[i].state != GN_TRACE_DEAD)
			continue;
		if (pos++ >= args->first && res->count < GN_TRACE_SUBJECTS_MAX)
			res->ids[res->count++] = traced[i].subject;
	}
	res->total = pos;
	return GN_OK;
}

static gn_err_t subject_info(void *obj, gn_rpc_request_t *req, gn_trace_subject_args_t const *args,
	gn_trace_subject_info_t *res)
{
	session_t *s = obj;
	traced_t const *t = traced_of(args->id);
	core_subject_t info;

	(void)req;
	if (!sees(s, args->id))
		return GN_ERR_INVALID_ARG;
	*res = (gn_trace_subject_info_t){.state = GN_TRACE_UNTRACED, .cpu = GN_CPU_ANY};
	if (t && t->state == GN_TRACE_DEAD) {
		gn_ignore(gn_strlcpy(res->label, t->label, sizeof(res->label)));
		gn_ignore(gn_strlcpy(res->thread, t->thread, sizeof(res->thread)));
		res->execution_ns = t->execution_ns;
	} else if (core_cpu_subject(args->id, &info)) {
		gn_ignore(gn_strlcpy(res->label, info.label, sizeof(res->label)));
		gn_ignore(gn_strlcpy(res->thread, info.thread, sizeof(res->thread)));
		res->cpu = info.cpu;
		res->execution_ns = core_platform_thread_time_ns(info.pd, info.tid);
	}
	if (t && t->session == s) {
		res->state = t->state;
		res->policy = policy_id(t->policy);
		res->buffer_size = t->size;
	}
	return GN_OK;
}

static gn_err_t alloc_policy(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_trace_policy_id_t *res)
{
	session_t *s = obj;
	policy_t *p = NULL;

	(void)args;
	for (unsigned i = 0; i < MAX_POLICIES && !p; i++)
		if (!policies[i].session)
			p = &policies[i];
	if (!p)
		return GN_ERR_LIMIT;
	gn_err_t const err = alloc(s, GN_TRACE_POLICY_SIZE, &p->ds, NULL);
	if (err != GN_OK)
		return err;
	p->session = s;
	p->users = 0;
	res->id = policy_id(p);
	req->caps_out[0] = gn_cap_copy(p->ds);
	req->num_caps_out = 1;
	return GN_OK;
}

static gn_err_t free_policy(
	void *obj, gn_rpc_request_t *req, gn_trace_policy_id_t const *args, gn_rpc_void_t *res)
{
	policy_t *p = policy_of(obj, args->id);

	(void)req;
	(void)res;
	if (!p)
		return GN_ERR_INVALID_ARG;
	if (p->users)
		return GN_ERR_DENIED;
	release(p->session, GN_TRACE_POLICY_SIZE, &p->ds, NULL);
	*p = (policy_t){.gen = (p->gen + 1) & 0xffffff};
	return GN_OK;
}

static gn_err_t trace(
	void *obj, gn_rpc_request_t *req, gn_trace_trace_args_t const *args, gn_rpc_void_t *res)
{
	session_t *s = obj;
	policy_t *p = policy_of(s, args->policy);
	traced_t *t = traced_of(args->subject);
	core_subject_t info;

	(void)req;
	(void)res;
	uint64_t const size = (args->buffer_size + CORE_PAGE - 1) & ~(uint64_t)(CORE_PAGE - 1);
	if (!p || !core_cpu_subject(args->subject, &info) || !under_filter(s, info.label) ||
		size < sizeof(gn_trace_buffer_hdr_t) + GN_TRACE_BUFFER_MIN ||
		size > sizeof(gn_trace_buffer_hdr_t) + GN_TRACE_BUFFER_MAX)
		return GN_ERR_INVALID_ARG;
	if (t && t->session != s)
		return GN_ERR_DENIED; /* another tracer has it */
	if (t)                        /* a new policy or buffer: the thread starts over */
		untrace(t);
	else
		for (unsigned i = 0; i < MAX_TRACED && !t; i++)
			if (!traced[i].session)
				t = &traced[i];
	if (!t)
		return GN_ERR_LIMIT;
	*t = (traced_t){
		.subject = args->subject, .policy = p, .size = size, .state = GN_TRACE_TRACED};
	gn_err_t err = alloc(s, size, &t->buffer, &t->buffer_ro);
	if (err == GN_OK) {
		t->session = s;
		p->users++;
		gn_ignore(gn_strlcpy(t->label, info.label, sizeof(t->label)));
		gn_ignore(gn_strlcpy(t->thread, info.thread, sizeof(t->thread)));
		err = core_cpu_trace_control(args->subject, true);
		if (err != GN_OK)
			untrace(t);
	}
	return err;
}

/* The session's traced subject id, when it is not DEAD. */
static traced_t *own(session_t const *s, uint32_t subject)
{
	traced_t *t = traced_of(subject);

	return t && t->session == s && t->state != GN_TRACE_DEAD ? t : NULL;
}

/* Pauses (or resumes) the session's subject id: its buffer stays, its thread stops recording. */
static gn_err_t set_running(session_t const *s, uint32_t id, bool running)
{
	traced_t *t = own(s, id);

	if (!t)
		return GN_ERR_INVALID_ARG;
	t->state = running ? GN_TRACE_TRACED : GN_TRACE_PAUSED;
	return core_cpu_trace_control(t->subject, running);
}

static gn_err_t pause(
	void *obj, gn_rpc_request_t *req, gn_trace_subject_args_t const *args, gn_rpc_void_t *res)
{
	(void)req;
	(void)res;
	return set_running(obj, args->id, false);
}

static gn_err_t resume(
	void *obj, gn_rpc_request_t *req, gn_trace_subject_args_t const *args, gn_rpc_void_t *res)
{
	(void)req;
	(void)res;
	return set_running(obj, args->id, true);
}

static gn_err_t buffer(
	void *obj, gn_rpc_request_t *req, gn_trace_subject_args_t const *args, gn_rpc_void_t *res)
{
	traced_t *t = traced_of(args->id);

	(void)res;
	if (!t || t->session != obj)
		return GN_ERR_INVALID_ARG;
	req->caps_out[0] = gn_cap_copy(t->buffer_ro);
	req->num_caps_out = 1;
	return GN_OK;
}

static gn_err_t free_subject(
	void *obj, gn_rpc_request_t *req, gn_trace_subject_args_t const *args, gn_rpc_void_t *res)
{
	traced_t *t = traced_of(args->id);

	(void)req;
	(void)res;
	if (!t || t->session != obj)
		return GN_ERR_INVALID_ARG;
	untrace(t);
	return GN_OK;
}

static gn_trace_session_ops_t const ops = {subjects, subject_info, alloc_policy, free_policy, trace,
	pause, resume, buffer, free_subject};

/* ---- core's side ------------------------------------------------------------------------------- */

/* label without its last levels elements (" -> " separated); empty when it has no more. */
static void strip_levels(char *label, uint64_t levels)
{
	for (; levels; levels--) {
		char *cut = NULL;
		for (char *p = label; *p; p++)
			if (gn_strncmp(p, " -> ", 4) == 0)
				cut = p;
		if (!cut) {
			label[0] = 0;
			return;
		}
		*cut = 0;
	}
}

gn_err_t core_trace_create(char const *label, uint64_t ram, uint64_t parent_levels, gn_cap_t *cap)
{
	for (unsigned i = 0; i < MAX_SESSIONS; i++) {
		session_t *s = &sessions[i];
		if (s->used)
			continue;
		*s = (session_t){.ram_quota = ram};
		gn_ignore(gn_strlcpy(s->filter, label, sizeof(s->filter)));
		strip_levels(s->filter, parent_levels);
		gn_err_t const err = gn_ep_manage(core_ep(), s, &gn_trace_session_iface, &ops, cap);
		s->used = err == GN_OK;
		return err;
	}
	return GN_ERR_LIMIT;
}

static session_t *session_of(gn_cap_t cap)
{
	session_t *s = gn_ep_lookup(core_ep(), cap, &gn_trace_session_iface);

	for (unsigned i = 0; s && i < MAX_SESSIONS; i++)
		if (&sessions[i] == s && s->used) /* the object may be a session of another kind */
			return s;
	return NULL;
}

void core_trace_upgrade(gn_cap_t cap, uint64_t ram)
{
	session_t *s = session_of(cap);

	if (s)
		s->ram_quota += ram;
}

void core_trace_destroy(gn_cap_t cap)
{
	session_t *s = session_of(cap);

	if (!s)
		return;
	for (unsigned i = 0; i < MAX_TRACED; i++)
		if (traced[i].session == s)
			untrace(&traced[i]);
	for (unsigned i = 0; i < MAX_POLICIES; i++)
		if (policies[i].session == s) {
			release(s, GN_TRACE_POLICY_SIZE, &policies[i].ds, NULL);
			policies[i] = (policy_t){.gen = (policies[i].gen + 1) & 0xffffff};
		}
	gn_ep_dissolve(core_ep(), cap);
	*s = (session_t){0};
}

gn_err_t core_trace_buffer_of(uint32_t subject, gn_cap_t *ds)
{
	traced_t const *t = traced_of(subject);

	if (!t || t->state != GN_TRACE_TRACED)
		return GN_ERR_NOT_FOUND;
	*ds = t->buffer;
	return GN_OK;
}

gn_err_t core_trace_policy_of(uint32_t subject, gn_cap_t *ds)
{
	traced_t const *t = traced_of(subject);

	if (!t || t->state != GN_TRACE_TRACED)
		return GN_ERR_NOT_FOUND;
	*ds = t->policy->ds; /* the CPU session hands out a read-only view */
	return GN_OK;
}

void core_trace_subject_gone(uint32_t subject)
{
	traced_t *t = traced_of(subject);
	core_subject_t info;

	if (!t)
		return;
	if (core_cpu_subject(subject, &info))
		t->execution_ns = core_platform_thread_time_ns(info.pd, info.tid);
	t->state = GN_TRACE_DEAD;
}
