/*
 * `trace chrome DIR OUT.json`: Chrome trace-event JSON, which chrome://tracing, Perfetto's UI and
 * trace_processor read. A component (label) is a process, a subject one of its threads (tid = the
 * subject id). An RPC call and the returned with the same opcode on the same thread become one
 * complete event ("X"), as do a dispatch and its reply; calls nest (a server calls out while it
 * dispatches), so a returned closes the innermost open call of its opcode and calls left open
 * inside it become instants. Everything else, and whatever stays unmatched, is an instant ("i").
 * Timestamps are microseconds since the earliest event of all subjects.
 *
 * Strings come from untrusted payloads: every byte that is not well-formed UTF-8 is written as the
 * code point of its value (\u00HH), so the output is valid JSON whatever the input.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <gneiss/error.h>

#include "trace.h"

typedef struct {
	FILE *f;
	trace_set_t const *set;
	trace_subject_t const *s;
	unsigned pid;
	bool comma; /* an event was written: the next one needs a comma */
} out_t;

static void json_string(FILE *f, uint8_t const *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n;) {
		uint8_t const c = s[i];
		size_t const u = c >= 0x80 ? trace_utf8_len(s + i, n - i) : 0;
		if (u) {
			fwrite(s + i, 1, u, f);
			i += u;
			continue;
		}
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
		i++;
	}
	fputc('"', f);
}

static void json_cstring(FILE *f, char const *s)
{
	json_string(f, (uint8_t const *)s, strlen(s));
}

/* Microseconds with nanosecond digits since the earliest event. */
static void json_time(FILE *f, uint64_t ns)
{
	fprintf(f, "%llu.%03llu", (unsigned long long)(ns / 1000), (unsigned long long)(ns % 1000));
}

static uint64_t rel_ns(out_t const *o, gn_trace_event_view_t const *ev)
{
	return trace_ns(o->s, ev->rec.tsc) - o->set->base_ns;
}

static void event_start(out_t *o, gn_trace_event_view_t const *ev, char const *ph)
{
	fprintf(o->f, "%s\n{\"ph\":\"%s\",\"pid\":%u,\"tid\":%u,\"ts\":", o->comma ? "," : "", ph,
		o->pid, o->s->id);
	json_time(o->f, rel_ns(o, ev));
	o->comma = true;
}

static bool has_args(gn_trace_event_view_t const *ev)
{
	return ev->rec.layout != GN_TRACE_LAYOUT_HEADER;
}

static void status(FILE *f, uint64_t v)
{
	fprintf(f, ",\"status\":%llu", (unsigned long long)v);
	if (v < GN_ERR_INTERFACE_BASE)
		fprintf(f, ",\"status_name\":\"%s\"", gn_err_name((gn_err_t)v));
}

/* The arguments of ev after its seq, as the kind defines them (trace_format.h). */
static void kind_args(FILE *f, gn_trace_event_view_t const *ev)
{
	gn_trace_record_t const *r = &ev->rec;
	static char const *const text_name[GN_TRACE_EVENT_COUNT] = {
		[GN_TRACE_RPC_CALL] = "function",
		[GN_TRACE_RPC_DISPATCH] = "function",
		[GN_TRACE_LOG] = "text",
		[GN_TRACE_CHECKPOINT] = "name"};

	if (has_args(ev)) {
		switch (r->kind) {
		case GN_TRACE_RPC_CALL:
		case GN_TRACE_RPC_DISPATCH:
			fprintf(f, ",\"opcode\":%llu,\"bytes\":%llu", (unsigned long long)r->a0,
				(unsigned long long)r->a1);
			break;
		case GN_TRACE_RPC_RETURNED:
		case GN_TRACE_RPC_REPLY:
			fprintf(f, ",\"opcode\":%llu", (unsigned long long)r->a0);
			status(f, r->a1);
			break;
		case GN_TRACE_SIGNAL_SUBMIT:
		case GN_TRACE_SIGNAL_RECEIVE:
			fprintf(f, ",\"context\":%llu,\"count\":%llu", (unsigned long long)r->a0,
				(unsigned long long)r->a1);
			break;
		case GN_TRACE_LOG: fprintf(f, ",\"bytes\":%llu", (unsigned long long)r->a1); break;
		default: fprintf(f, ",\"value\":%llu", (unsigned long long)r->a0); break;
		}
	}
	if (r->payload_len) {
		fprintf(f, ",\"%s\":", text_name[r->kind] ? text_name[r->kind] : "payload");
		json_string(f, ev->payload, r->payload_len);
	}
}

/* A span's or instant's name: the payload where it names something, else the kind. */
static void event_name(FILE *f, gn_trace_event_view_t const *ev)
{
	gn_trace_record_t const *r = &ev->rec;
	bool const rpc = r->kind == GN_TRACE_RPC_CALL || r->kind == GN_TRACE_RPC_DISPATCH;

	fputs(",\"name\":", f);
	if ((rpc || r->kind == GN_TRACE_CHECKPOINT) && r->payload_len)
		json_string(f, ev->payload, r->payload_len);
	else if (rpc && has_args(ev))
		fprintf(f, "\"%s %llu\"", gn_trace_event_name(r->kind), (unsigned long long)r->a0);
	else
		fprintf(f, "\"%s\"", gn_trace_event_name(r->kind));
}

static void instant(out_t *o, gn_trace_event_view_t const *ev)
{
	event_start(o, ev, "i");
	fprintf(o->f, ",\"s\":\"t\",\"cat\":\"%s\"", gn_trace_event_name(ev->rec.kind));
	event_name(o->f, ev);
	fprintf(o->f, ",\"args\":{\"seq\":%llu", (unsigned long long)ev->rec.seq);
	kind_args(o->f, ev);
	fputs("}}", o->f);
}

static void complete(out_t *o, gn_trace_event_view_t const *begin, gn_trace_event_view_t const *end)
{
	uint64_t const t0 = rel_ns(o, begin), t1 = rel_ns(o, end);

	event_start(o, begin, "X");
	fputs(",\"dur\":", o->f);
	json_time(o->f, t1 > t0 ? t1 - t0 : 0);
	fprintf(o->f, ",\"cat\":\"%s\"", begin->rec.kind == GN_TRACE_RPC_CALL ? "rpc" : "dispatch");
	event_name(o->f, begin);
	fprintf(o->f, ",\"args\":{\"seq\":%llu", (unsigned long long)begin->rec.seq);
	kind_args(o->f, begin);
	fprintf(o->f, ",\"end_seq\":%llu", (unsigned long long)end->rec.seq);
	if (has_args(end))
		status(o->f, end->rec.a1);
	fputs("}}", o->f);
}

/* end closes the innermost open span of its opcode on stack, or is an instant. */
static void close_span(out_t *o, size_t *stack, size_t *depth, gn_trace_event_view_t const *end)
{
	gn_trace_event_view_t const *ev = o->s->events;
	size_t i = *depth;

	while (i > 0 && ev[stack[i - 1]].rec.a0 != end->rec.a0)
		i--;
	if (i == 0) {
		instant(o, end);
		return;
	}
	for (size_t j = i; j < *depth; j++)
		instant(o, &ev[stack[j]]);
	complete(o, &ev[stack[i - 1]], end);
	*depth = i - 1;
}

static bool subject_events(out_t *o)
{
	trace_subject_t const *s = o->s;
	size_t *calls = malloc((s->count + 1) * sizeof(size_t));
	size_t *dispatches = malloc((s->count + 1) * sizeof(size_t));
	size_t nc = 0, nd = 0;

	if (!calls || !dispatches) {
		free(calls);
		free(dispatches);
		return false;
	}
	for (size_t i = 0; i < s->count; i++) {
		gn_trace_event_view_t const *ev = &s->events[i];
		switch (ev->rec.kind) {
		case GN_TRACE_RPC_CALL: calls[nc++] = i; break;
		case GN_TRACE_RPC_DISPATCH: dispatches[nd++] = i; break;
		case GN_TRACE_RPC_RETURNED: close_span(o, calls, &nc, ev); break;
		case GN_TRACE_RPC_REPLY: close_span(o, dispatches, &nd, ev); break;
		default: instant(o, ev); break;
		}
	}
	for (size_t i = 0; i < nc; i++)
		instant(o, &s->events[calls[i]]);
	for (size_t i = 0; i < nd; i++)
		instant(o, &s->events[dispatches[i]]);
	free(calls);
	free(dispatches);
	return true;
}

static void metadata(out_t *o, char const *what, unsigned tid, char const *name)
{
	fprintf(o->f, "%s\n{\"ph\":\"M\",\"name\":\"%s\",\"pid\":%u,\"tid\":%u,\"args\":{\"name\":",
		o->comma ? "," : "", what, o->pid, tid);
	json_cstring(o->f, name);
	fputs("}}", o->f);
	o->comma = true;
}

/* Writes set to f; false when out of memory. */
static bool write_json(FILE *f, trace_set_t const *set)
{
	out_t o = {.f = f, .set = set};
	unsigned *pids = calloc(set->count + 1, sizeof(unsigned));
	unsigned next = 1;
	bool ok = pids != NULL;

	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", f);
	for (size_t i = 0; ok && i < set->count; i++) {
		o.s = &set->subjects[i];
		for (size_t j = 0; j < i && !pids[i]; j++)
			pids[i] = strcmp(set->subjects[j].label, o.s->label) ? 0 : pids[j];
		bool const new_process = !pids[i];
		o.pid = new_process ? (pids[i] = next++) : pids[i];
		if (new_process)
			metadata(&o, "process_name", 0, o.s->label);
		metadata(&o, "thread_name", o.s->id, o.s->thread);
		ok = subject_events(&o);
	}
	fputs("\n]}\n", f);
	free(pids);
	return ok;
}

int trace_chrome(char const *dir, char const *out, FILE *err)
{
	trace_set_t set;
	int status = trace_load(dir, &set, err);

	if (status == TRACE_FATAL)
		return status;
	FILE *f = fopen(out, "w");
	if (!f) {
		fprintf(err, "%s: cannot write: %s\n", out, strerror(errno));
		trace_free(&set);
		return TRACE_FATAL;
	}
	bool const ok = write_json(f, &set);
	if (fclose(f) || !ok) {
		fprintf(err, "%s: cannot write%s\n", out, ok ? "" : ": out of memory");
		status = TRACE_FATAL;
	}
	trace_free(&set);
	return status;
}
