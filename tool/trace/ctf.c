/*
 * `trace ctf DIR OUTDIR`: Common Trace Format 1.8, as babeltrace2 and Trace Compass read it.
 *
 * OUTDIR/metadata is the TSDL text: a little-endian trace, one clock `tsc` counting TSC ticks at
 * tsc_per_ms * 1000 Hz, and one stream class. Each subject with events is one stream instance,
 * the file OUTDIR/stream_<id>: packets of at most PACKET_BODY bytes of events, each packet with a
 * header (magic, stream class, the subject id as stream_instance_id) and a context (first and last
 * timestamp, sizes, sequence number, subject: babeltrace2 prints the subject with each event).
 * Every event has the header id (its kind, which is also the event class id) and timestamp, and
 * the fields seq, a0, a1
 * (0 in the HEADER layout) and payload, a string (escaped as the run tool escapes log lines, so
 * any bytes fit). The labels and threads of the subjects go into the trace's environment as
 * subject_<id>_label and subject_<id>_thread.
 *
 * CTF readers need each stream's timestamps not to go back; a record whose tsc is older than its
 * predecessor's (which the traced thread cannot produce, but a file can) keeps the predecessor's
 * time and is reported.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

enum {
	CTF_MAGIC = 0xc1fc1fc1,
	PACKET_BODY = 64 * 1024,      /* bytes of events after which a packet is closed */
	PACKET_HEAD = 16 + 5 * 8 + 4, /* packet header and context, as the metadata declares */
};

static char const metadata_head[] =
	"/* CTF 1.8 */\n"
	"\n"
	"typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
	"typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n"
	"\n"
	"trace {\n"
	"\tmajor = 1;\n"
	"\tminor = 8;\n"
	"\tbyte_order = le;\n"
	"\tpacket.header := struct {\n"
	"\t\tuint32_t magic;\n"
	"\t\tuint32_t stream_id;\n"
	"\t\tuint64_t stream_instance_id;\n"
	"\t};\n"
	"};\n"
	"\n";

static char const metadata_stream[] =
	"typealias integer { size = 64; align = 8; signed = false; map = clock.tsc.value; } := "
	"tsc_t;\n"
	"\n"
	"stream {\n"
	"\tid = 0;\n"
	"\tpacket.context := struct {\n"
	"\t\ttsc_t timestamp_begin;\n"
	"\t\ttsc_t timestamp_end;\n"
	"\t\tuint64_t content_size;\n"
	"\t\tuint64_t packet_size;\n"
	"\t\tuint64_t packet_seq_num;\n"
	"\t\tuint32_t subject;\n"
	"\t};\n"
	"\tevent.header := struct {\n"
	"\t\tuint32_t id;\n"
	"\t\ttsc_t timestamp;\n"
	"\t};\n"
	"};\n";

/* A TSDL string literal: the names hold no control bytes (load.c), so `"` and `\` are all. */
static void tsdl_string(FILE *f, char const *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static bool write_metadata(FILE *f, trace_set_t const *set, uint64_t freq)
{
	fputs(metadata_head, f);
	fputs("env {\n\tdomain = \"gneiss\";\n\ttracer_name = \"gneiss\";\n", f);
	for (size_t i = 0; i < set->count; i++) {
		trace_subject_t const *s = &set->subjects[i];
		fprintf(f, "\tsubject_%u_label = ", s->id);
		tsdl_string(f, s->label);
		fprintf(f, ";\n\tsubject_%u_thread = ", s->id);
		tsdl_string(f, s->thread);
		fprintf(f, ";\n\tsubject_%u_lost_bytes = %llu;\n", s->id,
			(unsigned long long)(s->lost_bytes > INT64_MAX ? INT64_MAX
								       : s->lost_bytes));
	}
	fprintf(f,
		"};\n\nclock {\n\tname = tsc;\n\tdescription = \"time stamp counter\";\n"
		"\tfreq = %llu;\n};\n\n",
		(unsigned long long)freq);
	fputs(metadata_stream, f);
	for (unsigned k = 1; k < GN_TRACE_EVENT_COUNT; k++)
		fprintf(f,
			"\nevent {\n\tname = \"%s\";\n\tid = %u;\n\tstream_id = 0;\n"
			"\tfields := struct {\n\t\tuint64_t seq;\n\t\tuint64_t a0;\n"
			"\t\tuint64_t a1;\n\t\tstring payload;\n\t};\n};\n",
			gn_trace_event_name(k), k);
	return !ferror(f);
}

/* ---- stream files ----------------------------------------------------------------------------- */

typedef struct {
	uint8_t *data;
	size_t len, cap;
	bool failed; /* out of memory: the stream is incomplete */
} buf_t;

static void put(buf_t *b, void const *p, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : PACKET_BODY + 2 * TRACE_TEXT_MAX;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *more = realloc(b->data, cap);
		if (!more) {
			b->failed = true;
			return;
		}
		b->data = more;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void put_u32(buf_t *b, uint32_t v)
{
	uint8_t le[4];

	for (unsigned i = 0; i < 4; i++)
		le[i] = (uint8_t)(v >> (8 * i));
	put(b, le, sizeof(le));
}

static void put_u64(buf_t *b, uint64_t v)
{
	put_u32(b, (uint32_t)v);
	put_u32(b, (uint32_t)(v >> 32));
}

typedef struct {
	FILE *f;
	trace_subject_t const *s;
	buf_t body;           /* the events of the open packet */
	uint64_t begin, last; /* timestamps of its first and last event */
	uint64_t seq_num;     /* packets written */
	bool ok;
} stream_t;

static void flush_packet(stream_t *st)
{
	buf_t head = {0};
	uint64_t const bits = (uint64_t)(PACKET_HEAD + st->body.len) * 8;

	put_u32(&head, CTF_MAGIC);
	put_u32(&head, 0);
	put_u64(&head, st->s->id);
	put_u64(&head, st->begin);
	put_u64(&head, st->last);
	put_u64(&head, bits);
	put_u64(&head, bits);
	put_u64(&head, st->seq_num++);
	put_u32(&head, st->s->id);
	if (head.failed || st->body.failed || head.len != PACKET_HEAD ||
		fwrite(head.data, 1, head.len, st->f) != head.len ||
		fwrite(st->body.data, 1, st->body.len, st->f) != st->body.len)
		st->ok = false;
	free(head.data);
	st->body.len = 0;
}

static void put_event(stream_t *st, gn_trace_event_view_t const *ev, uint64_t ts)
{
	char text[TRACE_TEXT_MAX];

	if (st->body.len == 0)
		st->begin = ts;
	st->last = ts;
	put_u32(&st->body, ev->rec.kind);
	put_u64(&st->body, ts);
	put_u64(&st->body, ev->rec.seq);
	put_u64(&st->body, ev->rec.a0);
	put_u64(&st->body, ev->rec.a1);
	trace_escape_text(ev->payload, ev->rec.payload_len, text, sizeof(text));
	put(&st->body, text, strlen(text) + 1);
	if (st->body.len >= PACKET_BODY)
		flush_packet(st);
}

/* Writes the stream of s; false when it could not be written. *back counts timestamps clamped. */
static bool write_stream(char const *outdir, trace_subject_t const *s, size_t *back, FILE *err)
{
	char path[4096];
	stream_t st = {.s = s, .ok = true};
	uint64_t ts = 0;

	snprintf(path, sizeof(path), "%s/stream_%u", outdir, s->id);
	st.f = fopen(path, "wb");
	if (!st.f) {
		fprintf(err, "%s: cannot write: %s\n", path, strerror(errno));
		return false;
	}
	for (size_t i = 0; i < s->count; i++) {
		uint64_t const tsc = s->events[i].rec.tsc;
		*back += i > 0 && tsc < ts;
		ts = i > 0 && tsc < ts ? ts : tsc;
		put_event(&st, &s->events[i], ts);
	}
	if (st.body.len)
		flush_packet(&st);
	free(st.body.data);
	if (fclose(st.f) || !st.ok) {
		fprintf(err, "%s: cannot write\n", path);
		return false;
	}
	return true;
}

static int write_ctf(trace_set_t const *set, char const *outdir, FILE *err)
{
	char path[4096];
	int status = TRACE_OK;
	uint64_t const tsc_per_ms = set->count ? set->subjects[0].tsc_per_ms : 1;

	for (size_t i = 0; i < set->count; i++) {
		if (set->subjects[i].tsc_per_ms != tsc_per_ms) {
			fprintf(err,
				"subject %u: tsc_per_ms %llu, but the clock counts %llu per ms\n",
				set->subjects[i].id,
				(unsigned long long)set->subjects[i].tsc_per_ms,
				(unsigned long long)tsc_per_ms);
			status = TRACE_PROBLEMS;
		}
	}
	if (tsc_per_ms > UINT64_MAX / 1000) {
		fprintf(err, "tsc_per_ms %llu: the clock frequency does not fit 64 bits\n",
			(unsigned long long)tsc_per_ms);
		return TRACE_FATAL;
	}
	if (!trace_mkdir(outdir, err))
		return TRACE_FATAL;
	snprintf(path, sizeof(path), "%s/metadata", outdir);
	FILE *f = fopen(path, "w");
	bool const ok = f && write_metadata(f, set, tsc_per_ms * 1000);
	if (!f || fclose(f) || !ok) {
		fprintf(err, "%s: cannot write\n", path);
		return TRACE_FATAL;
	}
	for (size_t i = 0; i < set->count; i++) {
		size_t back = 0;
		if (!set->subjects[i].count)
			continue;
		if (!write_stream(outdir, &set->subjects[i], &back, err))
			return TRACE_FATAL;
		if (back) {
			fprintf(err,
				"subject %u: %zu timestamps went back; each keeps the one before\n",
				set->subjects[i].id, back);
			status = TRACE_PROBLEMS;
		}
	}
	return status;
}

int trace_ctf(char const *dir, char const *outdir, FILE *err)
{
	trace_set_t set;
	int status = trace_load(dir, &set, err);

	if (status == TRACE_FATAL)
		return status;
	int const written = write_ctf(&set, outdir, err);
	trace_free(&set);
	return written > status ? written : status;
}
