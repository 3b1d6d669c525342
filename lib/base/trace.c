/*
 * The traced thread's side of tracing (gn_trace.h): following the control word, fetching buffer
 * and policy, and recording events as the policy says.
 *
 * Synchronising with the control word happens in the thread itself, at a trace point, and is the
 * only part that makes system calls: it drops the mappings it has, and while the word says
 * enabled asks its CPU session for the buffer and the policy and maps them. A buffer that already
 * holds this thread's records (it was paused and resumed) is continued where it stopped; the
 * thread alone writes it, so it may trust the header it wrote. The policy is read anew for every
 * event, so a tracer's change takes effect at once; a policy that makes no sense drops events,
 * never more.
 */
#include <gneiss/cpu_session.h>
#include <gneiss/dataspace.h>
#include <gneiss/string.h>
#include <gneiss/trace.h>
#include <gn_trace.h>

static uint64_t const zero_word;
gn_trace_thread_t gn_trace_off = {.control = &zero_word};

static gn_cap_t cpu;                          /* the component's CPU session */
static uint64_t const volatile *control_page; /* read-only, GN_TRACE_CONTROL_SLOTS words */

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static void drop_mappings(gn_trace_thread_t *t)
{
	if (t->buffer)
		gn_ds_detach(t->buffer, t->buffer_size);
	if (t->policy)
		gn_ds_detach((void *)t->policy, t->policy_size);
	gn_cap_drop(t->buffer_ds);
	gn_cap_drop(t->policy_ds);
	t->buffer = NULL;
	t->policy = NULL;
	t->buffer_ds = t->policy_ds = GN_CAP_INVALID;
	t->writer = (gn_trace_writer_t){0};
}

/* Acts on a new control word: what the tracer wants now. */
static void sync(gn_trace_thread_t *t, uint64_t word)
{
	gn_cpu_thread_id_t const id = {t->id};
	gn_cpu_trace_buffer_res_t info;
	gn_rpc_void_t none;
	bool writable;
	size_t size = 0;

	drop_mappings(t);
	t->seen = word;
	t->idle = word;
	if (!GN_TRACE_CONTROL_ENABLED(word))
		return;
	gn_err_t err = gn_cpu_session_trace_buffer(cpu, &id, &info, NULL, &t->buffer_ds);
	if (err == GN_OK)
		err = gn_ds_attach(t->buffer_ds, &t->buffer, &t->buffer_size, &writable);
	if (err == GN_OK && !writable)
		err = GN_ERR_DENIED;
	if (err == GN_OK)
		err = gn_trace_writer_init(&t->writer, t->buffer, t->buffer_size, info.tsc_per_ms);
	if (err == GN_OK)
		err = gn_cpu_session_trace_policy(cpu, &id, &none, NULL, &t->policy_ds);
	void *policy = NULL;
	if (err == GN_OK)
		err = gn_ds_attach(t->policy_ds, &policy, &size, &writable);
	if (err == GN_OK && size < GN_TRACE_POLICY_SIZE)
		err = GN_ERR_INVALID_ARG;
	t->policy = policy;
	t->policy_size = size;
	if (err != GN_OK) { /* nothing to record into: wait for the next change */
		drop_mappings(t);
		return;
	}
	t->idle = ~word; /* never equal: every trace point records */
}

static bool is_rpc(unsigned kind)
{
	return kind >= GN_TRACE_RPC_CALL && kind <= GN_TRACE_RPC_REPLY;
}

void gn_trace_event(gn_trace_thread_t *t, unsigned kind, uint64_t a0, uint64_t a1,
	void const *payload, size_t payload_len)
{
	if (t->busy || kind >= GN_TRACE_EVENT_COUNT)
		return;
	t->busy = true;
	uint64_t const word = __atomic_load_n(t->control, __ATOMIC_ACQUIRE);
	if (word != t->seen)
		sync(t, word);
	gn_trace_policy_t const volatile *p = t->policy;
	if (p && t->writer.hdr) {
		gn_trace_rule_t const rule = {
			p->rules[kind].enabled, p->rules[kind].layout, p->rules[kind].payload_max};
		bool const wanted = p->magic == GN_TRACE_POLICY_MAGIC && rule.enabled &&
				    (!is_rpc(kind) || (p->rpc_opcodes & (1ull << (a0 & 63))));
		size_t const len = payload_len < rule.payload_max ? payload_len : rule.payload_max;
		if (wanted)
			gn_ignore(gn_trace_write(&t->writer, kind, rule.layout, t->seq, rdtsc(), a0,
				a1, payload, len));
		t->seq++;
	}
	t->busy = false;
}

gn_err_t gn_trace_main_thread(gn_env_t *env, gn_trace_thread_t *t, int tid)
{
	gn_cpu_trace_control_args_t const args = {tid};
	gn_cpu_trace_control_res_t res;
	gn_cap_t ds;
	void *addr;
	size_t size = 0;
	bool writable;

	*t = gn_trace_off;
	gn_err_t err = gn_cpu_session_trace_control(env->cpu, &args, &res, NULL, &ds);
	if (err != GN_OK)
		return err;
	err = gn_ds_attach(ds, &addr, &size, &writable);
	gn_cap_drop(ds);
	if (err != GN_OK)
		return err;
	if (size < GN_TRACE_CONTROL_SLOTS * sizeof(uint64_t) ||
		res.main_slot >= GN_TRACE_CONTROL_SLOTS) {
		gn_ds_detach(addr, size);
		return GN_ERR_INVALID_ARG;
	}
	cpu = env->cpu;
	control_page = addr;
	*t = (gn_trace_thread_t){.control = &control_page[res.main_slot],
		.id = res.main_id,
		.buffer_ds = GN_CAP_INVALID,
		.policy_ds = GN_CAP_INVALID};
	return GN_OK;
}

void gn_trace_new_thread(gn_trace_thread_t *t, uint32_t id, uint32_t slot, int tid)
{
	gn_cpu_thread_started_args_t const args = {id, tid};
	gn_rpc_void_t none;

	*t = gn_trace_off;
	if (!control_page || !id || slot >= GN_TRACE_CONTROL_SLOTS)
		return; /* no subject: not a component's, or no record at core (a platform's thread) */
	*t = (gn_trace_thread_t){.control = &control_page[slot],
		.id = id,
		.buffer_ds = GN_CAP_INVALID,
		.policy_ds = GN_CAP_INVALID};
	gn_ignore(gn_cpu_session_thread_started(cpu, &args, &none, NULL, NULL));
}

void gn_trace_thread_exit(gn_trace_thread_t *t)
{
	t->busy = true; /* nothing more is recorded */
	drop_mappings(t);
}

void gn_trace_checkpoint(char const *name, uint64_t value)
{
	gn_trace(GN_TRACE_CHECKPOINT, value, 0, name, name ? gn_strlen(name) : 0);
}
