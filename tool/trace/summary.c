/*
 * `trace summary DIR`: for each subject its name, its events by kind, its RPCs and the time of its
 * first and last event (microseconds since the earliest event of all subjects, and raw TSC), then
 * a total. One `key=value` per fact, so tests and scripts can grep it.
 */
#include <string.h>

#include "trace.h"

static void quoted(FILE *out, char const *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void time_us(FILE *out, char const *key, uint64_t ns)
{
	fprintf(out, " %s=%llu.%03llu", key, (unsigned long long)(ns / 1000),
		(unsigned long long)(ns % 1000));
}

static void subject(FILE *out, trace_set_t const *set, trace_subject_t const *s)
{
	uint64_t by_kind[GN_TRACE_EVENT_COUNT] = {0};

	fprintf(out, "subject %u label=", s->id);
	quoted(out, s->label);
	fputs(" thread=", out);
	quoted(out, s->thread);
	fprintf(out, " tsc_per_ms=%llu records=%zu lost_bytes=%llu\n",
		(unsigned long long)s->tsc_per_ms, s->count, (unsigned long long)s->lost_bytes);
	for (size_t i = 0; i < s->count; i++)
		by_kind[s->events[i].rec.kind]++;
	fputs("  events", out);
	for (unsigned k = 1; k < GN_TRACE_EVENT_COUNT; k++)
		if (by_kind[k])
			fprintf(out, " %s=%llu", gn_trace_event_name(k),
				(unsigned long long)by_kind[k]);
	fprintf(out, "\n  rpc calls=%llu returned=%llu dispatched=%llu replied=%llu\n",
		(unsigned long long)by_kind[GN_TRACE_RPC_CALL],
		(unsigned long long)by_kind[GN_TRACE_RPC_RETURNED],
		(unsigned long long)by_kind[GN_TRACE_RPC_DISPATCH],
		(unsigned long long)by_kind[GN_TRACE_RPC_REPLY]);
	if (!s->count)
		return;
	gn_trace_record_t const *first = &s->events[0].rec, *last = &s->events[s->count - 1].rec;
	fputs("  time", out);
	time_us(out, "first_us", trace_ns(s, first->tsc) - set->base_ns);
	time_us(out, "last_us", trace_ns(s, last->tsc) - set->base_ns);
	fprintf(out, " first_tsc=%llu last_tsc=%llu first_seq=%llu last_seq=%llu\n",
		(unsigned long long)first->tsc, (unsigned long long)last->tsc,
		(unsigned long long)first->seq, (unsigned long long)last->seq);
}

int trace_summary(char const *dir, FILE *out, FILE *err)
{
	trace_set_t set;
	int const status = trace_load(dir, &set, err);
	uint64_t records = 0, lost = 0;

	if (status == TRACE_FATAL)
		return status;
	for (size_t i = 0; i < set.count; i++) {
		subject(out, &set, &set.subjects[i]);
		records += set.subjects[i].count;
		lost += set.subjects[i].lost_bytes;
	}
	fprintf(out, "total subjects=%zu records=%llu lost_bytes=%llu\n", set.count,
		(unsigned long long)records, (unsigned long long)lost);
	trace_free(&set);
	return status;
}
