/*
 * The subjects the monitor knows: which it traces, what it read of their buffers, what it reports.
 *
 * Each round lists the TRACE session's subjects, starts tracing those a <trace> rule wants (or
 * restarts them with another policy), stops those no rule wants any more, and reads the buffer of
 * every traced one from where it stopped. A buffer is a traced component's own writing, so it is
 * read with gn_trace_buffer_read(), which hands out only intact records. The round's summary line
 * per subject gives its events by kind, its RPCs, its CPU time and what its ring overwrote before
 * the monitor read it; with dump="yes" each record also goes to the log in the format tool/trace
 * reads (README.md).
 */
#include <gneiss/dataspace.h>
#include <gneiss/fmt.h>
#include <gneiss/log.h>
#include <gneiss/string.h>
#include <gneiss/trace_buffer.h>

#include "monitor.h"

enum {
	SCRATCH = 256 * 1024, /* the largest buffer the monitor reads */
	SUMMARY_MAX = 400,
};

typedef struct {
	uint32_t id; /* 0: unused */
	char label[GN_TRACE_LABEL_MAX];
	char thread[GN_THREAD_NAME_MAX];
	bool listed;
	bool traced;
	bool paused;
	unsigned policy; /* config index it is traced with */
	uint32_t policy_id;
	void const *buffer; /* attached read-only */
	size_t buffer_size;
	uint64_t pos;  /* where reading continues */
	bool seen_any; /* last_seq is valid */
	uint64_t last_seq;
	bool announced; /* its trace-subject line was dumped */
	/* this round */
	uint64_t events[GN_TRACE_EVENT_COUNT];
	uint64_t lost, out_of_order;
	uint64_t dumped;
} subject_t;

static subject_t subjects[MAX_SUBJECTS];
static _Alignas(16) uint8_t scratch[SCRATCH];
static config_t const *round_cfg;

static subject_t *subject_of(uint32_t id)
{
	subject_t *free = NULL;

	for (unsigned i = 0; i < MAX_SUBJECTS; i++) {
		if (subjects[i].id == id)
			return &subjects[i];
		if (!subjects[i].id && !free)
			free = &subjects[i];
	}
	if (free)
		*free = (subject_t){.id = id};
	return free;
}

static void unmap(subject_t *s)
{
	if (s->buffer)
		gn_ds_detach((void *)s->buffer, s->buffer_size);
	s->buffer = NULL;
}

static bool map(subject_t *s)
{
	gn_trace_subject_args_t const args = {s->id};
	gn_rpc_void_t none;
	gn_cap_t ds;
	void *addr;
	bool writable;

	if (gn_trace_session_buffer(monitor_trace.cap, &args, &none, NULL, &ds) != GN_OK)
		return false;
	gn_err_t const err = gn_ds_attach(ds, &addr, &s->buffer_size, &writable);
	gn_cap_drop(ds);
	if (err != GN_OK)
		return false;
	s->buffer = addr;
	s->pos = 0;
	s->seen_any = false;
	return true;
}

static void start(subject_t *s, rule_t const *r, config_t const *cfg)
{
	gn_trace_trace_args_t const args = {s->id, cfg->policies[r->policy].id, r->buffer};
	gn_rpc_void_t none;

	unmap(s);
	gn_err_t const err = gn_trace_session_trace(monitor_trace.cap, &args, &none, NULL, NULL);
	if (err != GN_OK) {
		gn_error("cannot trace \"%s\" %s: %s", s->label, s->thread, gn_err_name(err));
		return;
	}
	s->traced = map(s);
	s->paused = false;
	s->policy = r->policy;
	s->policy_id = args.policy;
	gn_log("tracing \"%s\" %s with policy %s, %llu bytes", s->label, s->thread,
		cfg->policies[r->policy].name, (unsigned long long)r->buffer);
}

/* Pauses or resumes s: its thread keeps its buffer and, resumed, goes on writing where it stopped. */
static void set_paused(subject_t *s, bool paused)
{
	gn_trace_subject_args_t const args = {s->id};
	gn_rpc_void_t none;

	gn_err_t const err =
		paused ? gn_trace_session_pause(monitor_trace.cap, &args, &none, NULL, NULL)
		       : gn_trace_session_resume(monitor_trace.cap, &args, &none, NULL, NULL);
	if (err != GN_OK) {
		gn_error("cannot %s \"%s\" %s: %s", paused ? "pause" : "resume", s->label,
			s->thread, gn_err_name(err));
		return;
	}
	s->paused = paused;
	gn_log("%s tracing \"%s\" %s", paused ? "paused" : "resumed", s->label, s->thread);
}

static void stop(subject_t *s)
{
	gn_trace_subject_args_t const args = {s->id};
	gn_rpc_void_t none;

	unmap(s);
	gn_ignore(gn_trace_session_free_subject(monitor_trace.cap, &args, &none, NULL, NULL));
	if (s->traced)
		gn_log("stopped tracing \"%s\" %s", s->label, s->thread);
	s->traced = false;
}

/* ---- dumping, for tool/trace ------------------------------------------------------------------- */

static void base64(uint8_t const *in, size_t len, char *out)
{
	static char const digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t const v = (uint32_t)in[i] << 16 |
				   (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0) |
				   (i + 2 < len ? in[i + 2] : 0);
		out[o++] = digits[(v >> 18) & 63];
		out[o++] = digits[(v >> 12) & 63];
		out[o++] = i + 1 < len ? digits[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? digits[v & 63] : '=';
	}
	out[o] = 0;
}

/* A label for the dump: '"' and '\' escaped. */
static void quoted(char const *in, char *out, size_t size)
{
	size_t o = 0;

	for (; *in && o + 3 < size; in++) {
		if (*in == '"' || *in == '\\')
			out[o++] = '\\';
		out[o++] = *in;
	}
	out[o] = 0;
}

static void dump(subject_t *s, gn_trace_event_view_t const *ev)
{
	uint8_t record[sizeof(gn_trace_record_t) + GN_TRACE_PAYLOAD_MAX];
	char text[((sizeof(record) + 2) / 3) * 4 + 1];
	uint32_t const hdr_len = gn_trace_record_hdr_len(ev->rec.layout);

	if (!s->announced) {
		char label[GN_TRACE_LABEL_MAX * 2], thread[GN_THREAD_NAME_MAX * 2];
		quoted(s->label, label, sizeof(label));
		quoted(s->thread, thread, sizeof(thread));
		gn_log("trace-subject %u tsc_per_ms=%llu label=\"%s\" thread=\"%s\"", s->id,
			(unsigned long long)((gn_trace_buffer_hdr_t const *)s->buffer)->tsc_per_ms,
			label, thread);
		s->announced = true;
	}
	gn_memcpy(record, &ev->rec, hdr_len);
	gn_memcpy(record + hdr_len, ev->payload, ev->rec.payload_len);
	base64(record, hdr_len + ev->rec.payload_len, text);
	gn_log("trace-record %u %s", s->id, text);
	s->dumped++;
}

static void count(void *ctx, gn_trace_event_view_t const *ev)
{
	subject_t *s = ctx;

	s->events[ev->rec.kind]++;
	if (s->seen_any && ev->rec.seq <= s->last_seq)
		s->out_of_order++;
	s->seen_any = true;
	s->last_seq = ev->rec.seq;
	if (round_cfg->dump)
		dump(s, ev);
}

static void read_buffer(subject_t *s)
{
	uint64_t lost = 0;

	gn_memset(s->events, 0, sizeof(s->events));
	s->lost = s->out_of_order = 0;
	s->dumped = 0;
	s->announced = false;
	if (!s->buffer)
		return;
	gn_err_t const err = gn_trace_buffer_read(
		s->buffer, s->buffer_size, scratch, sizeof(scratch), &s->pos, &lost, count, s);
	s->lost = lost;
	if (err == GN_ERR_BAD_MSG)
		gn_error("\"%s\" %s: malformed record at %llu, reading stops there", s->label,
			s->thread, (unsigned long long)s->pos);
	if (s->dumped)
		gn_log("trace-end %u records=%llu lost_bytes=%llu", s->id,
			(unsigned long long)s->dumped, (unsigned long long)lost);
}

static void summary(subject_t const *s, gn_trace_subject_info_t const *info)
{
	char text[SUMMARY_MAX];
	gn_fmt_buf_t b;
	uint64_t total = 0;

	for (unsigned k = 1; k < GN_TRACE_EVENT_COUNT; k++)
		total += s->events[k];
	gn_fmt_buf_init(&b, text, sizeof(text));
	gn_ignore(gn_fmt_buf_append(
		&b, "\"%s\" %s: %llu events", s->label, s->thread, (unsigned long long)total));
	for (unsigned k = 1; k < GN_TRACE_EVENT_COUNT; k++)
		if (s->events[k])
			gn_ignore(gn_fmt_buf_append(&b, ", %s %llu", gn_trace_event_name(k),
				(unsigned long long)s->events[k]));
	gn_ignore(gn_fmt_buf_append(&b, "; %llu RPCs, %llu us executed, %llu bytes lost%s",
		(unsigned long long)s->events[GN_TRACE_RPC_CALL],
		(unsigned long long)(info->execution_ns / 1000), (unsigned long long)s->lost,
		s->out_of_order ? ", records out of order" : ""));
	gn_log("%s", text);
}

/* ---- a round ----------------------------------------------------------------------------------- */

static void visit(config_t const *cfg, uint32_t id)
{
	gn_trace_subject_args_t const args = {id};
	gn_trace_subject_info_t info;

	if (gn_trace_session_subject_info(monitor_trace.cap, &args, &info, NULL, NULL) != GN_OK)
		return;
	subject_t *s = subject_of(id);
	if (!s)
		return;
	gn_ignore(gn_strlcpy(s->label, info.label, sizeof(s->label)));
	gn_ignore(gn_strlcpy(s->thread, info.thread, sizeof(s->thread)));
	if (cfg->list && !s->listed)
		gn_log("subject %u \"%s\" thread %s", id, s->label, s->thread);
	s->listed = true;
	rule_t const *r =
		info.state == GN_TRACE_DEAD ? NULL : config_rule_for(cfg, s->label, s->thread);
	if (r && (!s->traced || s->policy != r->policy))
		start(s, r, cfg);
	if (!s->traced)
		return;
	if (r && r->paused != s->paused)
		set_paused(s, r->paused);
	read_buffer(s);
	summary(s, &info);
	if (!r) /* no rule wants it any more, or its thread ended: what it wrote was read */
		stop(s);
}

void subjects_round(config_t const *cfg, uint64_t round)
{
	gn_trace_subjects_args_t args = {0};
	gn_trace_subjects_res_t res;

	(void)round;
	round_cfg = cfg;
	for (;;) {
		if (gn_trace_session_subjects(monitor_trace.cap, &args, &res, NULL, NULL) != GN_OK)
			return;
		for (uint32_t i = 0; i < res.count && i < GN_TRACE_SUBJECTS_MAX; i++)
			visit(cfg, res.ids[i]);
		if (!res.count || args.first + res.count >= res.total)
			break;
		args.first += res.count;
	}
	/* subjects core no longer lists are gone with their threads */
}
