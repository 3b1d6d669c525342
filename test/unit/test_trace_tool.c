/*
 * The trace tool (tool/trace): records written with gn_trace_write and read back as the trace
 * monitor reads them are rendered into a run log in the monitor's dump format, among other
 * components' lines and malformed trace lines. Extraction keeps every record exactly once (count,
 * kind, seq, fields, payload, across rounds that dump some records twice) and reports each
 * malformed line with its line number; the Chrome export is well-formed JSON with the spans and
 * instants expected; babeltrace2 reads the CTF export and prints every event; a damaged directory
 * and random lines are reported, never a crash (this test runs under ASan and UBSan).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../tool/trace/trace.h"

enum {
	DATA = GN_TRACE_BUFFER_MIN,
	BYTES = sizeof(gn_trace_buffer_hdr_t) + DATA,
	TSC_PER_MS = 2000000,
	EVENTS_MAX = 16,
	BAD_MAX = 32,
};

#define MONITOR "[init -> trace_monitor] "
/* a log text with everything JSON and CTF must escape: quotes, backslash, newline, a control
 * byte, UTF-8 (u with diaeresis) and a byte that is no UTF-8 */
#define LOG_TEXT "say \"hi\" \\ x\n\x01\xc3\xbc\xff"
#define LOG_JSON "\"text\":\"say \\\"hi\\\" \\\\ x\\n\\u0001\xc3\xbc\\u00ff\""

typedef struct {
	unsigned kind, layout;
	uint64_t seq, tsc, a0, a1;
	char const *payload;
} ev_t;

/* What a subject recorded, in the order the tool must keep it. */
typedef struct {
	uint32_t id;
	char const *label, *thread, *thread_escaped;
	ev_t events[EVENTS_MAX];
	size_t count;
} subject_t;

static subject_t subjects[] = {
	{7, "init -> client", "main", "main",
		{
			{GN_TRACE_RPC_CALL, GN_TRACE_LAYOUT_PAYLOAD, 0, 1000000, 3, 10,
				"Log::write"},
			{GN_TRACE_RPC_RETURNED, GN_TRACE_LAYOUT_ARGS, 1, 1002000, 3, 0, NULL},
			{GN_TRACE_SIGNAL_SUBMIT, GN_TRACE_LAYOUT_ARGS, 2, 1010000, 5, 1, NULL},
			{GN_TRACE_LOG, GN_TRACE_LAYOUT_PAYLOAD, 4, 1020000, 0, 17, LOG_TEXT},
			/* the second round */
			{GN_TRACE_CHECKPOINT, GN_TRACE_LAYOUT_PAYLOAD, 5, 1030000, 42, 0,
				"phase \"one\""},
			{GN_TRACE_RPC_CALL, GN_TRACE_LAYOUT_HEADER, 6, 1040000, 0, 0, NULL},
			{GN_TRACE_RPC_RETURNED, GN_TRACE_LAYOUT_HEADER, 7, 1046000, 0, 0, NULL},
			{GN_TRACE_RPC_CALL, GN_TRACE_LAYOUT_ARGS, 8, 1050000, 9, 0,
				NULL}, /* open */
		},
		8},
	{9, "init -> server", "ep\"1\\2", "ep\\\"1\\\\2",
		{
			{GN_TRACE_RPC_DISPATCH, GN_TRACE_LAYOUT_PAYLOAD, 0, 999000, 3, 10,
				"Log::write"},
			{GN_TRACE_RPC_CALL, GN_TRACE_LAYOUT_PAYLOAD, 1, 999500, 4, 0,
				"Rom::dataspace"},
			{GN_TRACE_RPC_RETURNED, GN_TRACE_LAYOUT_ARGS, 2, 1000500, 4, GN_ERR_DENIED,
				NULL},
			{GN_TRACE_RPC_REPLY, GN_TRACE_LAYOUT_ARGS, 3, 1001000, 3, 0, NULL},
			{GN_TRACE_SIGNAL_RECEIVE, GN_TRACE_LAYOUT_ARGS, 4, 1011000, 5, 1, NULL},
		},
		5},
	{12, "init -> client", "worker", "worker",
		{{GN_TRACE_CHECKPOINT, GN_TRACE_LAYOUT_PAYLOAD, 0, 1100000, 1, 0, "start"}}, 1},
};

enum {
	RECORDS = 14, /* all events of all subjects */
	SPANS = 4,    /* call/returned and dispatch/reply pairs */
};

/* The log being generated, and the lines the tool must report. */
typedef struct {
	FILE *f;
	unsigned line;
	unsigned bad[BAD_MAX];
	unsigned nbad;
} gen_t;

typedef struct {
	char dir[64];
	char log[128], out[128];
	char *err;  /* what extraction reported */
	int status; /* what it returned */
	unsigned bad[BAD_MAX];
	unsigned nbad;
} fixture_t;

static _Alignas(16) uint8_t mem[BYTES];

/* A writer over mem as a new thread's buffer (a prepared header would be continued). */
static void fresh_writer(gn_trace_writer_t *w)
{
	memset(mem, 0, sizeof(mem));
	assert_int_equal(gn_trace_writer_init(w, mem, sizeof(mem), TSC_PER_MS), GN_OK);
}
static _Alignas(16) uint8_t scratch[DATA];

GN_PRINTF(3, 4) static void emit(gen_t *g, bool bad, char const *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(g->f, fmt, ap);
	va_end(ap);
	fputc('\n', g->f);
	g->line++;
	if (bad) {
		assert_true(g->nbad < BAD_MAX);
		g->bad[g->nbad++] = g->line;
	}
}

static void base64(uint8_t const *s, size_t n, char *out)
{
	static char const abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		v |= i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0;
		v |= i + 2 < n ? s[i + 2] : 0;
		*out++ = abc[v >> 18];
		*out++ = abc[(v >> 12) & 63];
		*out++ = i + 1 < n ? abc[(v >> 6) & 63] : '=';
		*out++ = i + 2 < n ? abc[v & 63] : '=';
	}
	*out = 0;
}

static void record_line(
	gen_t *g, char const *label, uint32_t id, void const *rec, size_t n, bool bad)
{
	char b64[2 * TRACE_RECORD_MAX];

	base64(rec, n, b64);
	emit(g, bad, "[%s] trace-record %u %s", label, id, b64);
}

/* Dumps the records of the buffer from *pos on, as the monitor does; returns how many. */
typedef struct {
	gen_t *g;
	uint32_t id;
	unsigned count;
} dump_t;

static void dump_one(void *ctx, gn_trace_event_view_t const *ev)
{
	dump_t *d = ctx;
	uint8_t rec[TRACE_RECORD_MAX];
	size_t const hdr = gn_trace_record_hdr_len(ev->rec.layout);

	memcpy(rec, &ev->rec, hdr);
	memcpy(rec + hdr, ev->payload, ev->rec.payload_len);
	record_line(d->g, "init -> trace_monitor", d->id, rec, hdr + ev->rec.payload_len, false);
	d->count++;
}

static unsigned dump(gen_t *g, uint32_t id, uint64_t *pos)
{
	dump_t d = {g, id, 0};
	uint64_t lost;

	assert_int_equal(gn_trace_buffer_read(mem, sizeof(mem), scratch, sizeof(scratch), pos,
				 &lost, dump_one, &d),
		GN_OK);
	return d.count;
}

static void write_events(gn_trace_writer_t *w, subject_t const *s, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		ev_t const *e = &s->events[i];
		assert_true(gn_trace_write(w, e->kind, e->layout, e->seq, e->tsc, e->a0, e->a1,
			e->payload, e->payload ? strlen(e->payload) : 0));
	}
}

static void subject_line(gen_t *g, subject_t const *s)
{
	emit(g, false, MONITOR "trace-subject %u tsc_per_ms=%u label=\"%s\" thread=\"%s\"", s->id,
		TSC_PER_MS, s->label, s->thread_escaped);
}

/* A valid record of subject 7 in dump form, for the malformed variants. */
static size_t sample_record(uint8_t *rec)
{
	gn_trace_writer_t w;
	gn_trace_event_view_t ev;

	fresh_writer(&w);
	assert_true(gn_trace_write(&w, GN_TRACE_LOG, GN_TRACE_LAYOUT_PAYLOAD, 1, 1, 0, 2, "ab", 2));
	size_t const n = gn_trace_record_hdr_len(GN_TRACE_LAYOUT_PAYLOAD) + 2;
	memcpy(rec, mem + sizeof(gn_trace_buffer_hdr_t), n);
	assert_null(trace_record_check(rec, n, true, &ev));
	return n;
}

/* Subject 7's first round with every kind of malformed record line; returns its line count. */
static unsigned bad_records(gen_t *g)
{
	uint8_t good[TRACE_RECORD_MAX], rec[TRACE_RECORD_MAX];
	size_t const n = sample_record(good);
	gn_trace_record_t *r = (gn_trace_record_t *)rec;

	emit(g, true, MONITOR "trace-record 7 !!!!"); /* no base64 */
	memcpy(rec, good, n);
	r->kind = 12;
	record_line(g, "init -> trace_monitor", 7, rec, n, true);
	memcpy(rec, good, n);
	r->payload_len = 300;
	record_line(g, "init -> trace_monitor", 7, rec, n, true);
	memcpy(rec, good, n);
	r->len += 16;
	record_line(g, "init -> trace_monitor", 7, rec, n, true);
	record_line(g, "init -> trace_monitor", 7, good, 20, true); /* truncated */
	record_line(g, "init -> trace_monitor", 7, good, n, true);  /* seq 1 again: goes back */
	return 6;
}

static void generate(gen_t *g)
{
	gn_trace_writer_t w;
	uint64_t pos = 0, again;
	uint8_t good[TRACE_RECORD_MAX];
	size_t const n = sample_record(good);

	emit(g, false, "gneiss run: booting trace on linux");
	emit(g, false, "[init -> client] hello");
	/* subject 7, round 1: four records, then the malformed lines */
	fresh_writer(&w);
	write_events(&w, &subjects[0], 0, 4);
	subject_line(g, &subjects[0]);
	unsigned lines = dump(g, 7, &pos);
	again = pos - trace_record_len(GN_TRACE_LAYOUT_PAYLOAD, sizeof(LOG_TEXT) - 1);
	lines += bad_records(g);
	emit(g, false, "[init -> client] trace-records are what this component talks about");
	record_line(g, "init -> client", 7, good, n, true); /* not the monitor's */
	emit(g, false, MONITOR "trace-end 7 records=%u lost_bytes=0", lines);

	/* subject 9 in one round; lines of other kinds that are malformed */
	fresh_writer(&w);
	write_events(&w, &subjects[1], 0, subjects[1].count);
	subject_line(g, &subjects[1]);
	pos = 0;
	emit(g, false, MONITOR "trace-end 9 records=%u lost_bytes=0", dump(g, 9, &pos));
	record_line(g, "init -> trace_monitor", 99, good, n, true); /* no such subject */
	emit(g, true, MONITOR "trace-subject x tsc_per_ms=1 label=\"a\" thread=\"b\"");
	emit(g, true, MONITOR "trace-subject 20 tsc_per_ms=5 label=\"unterminated");
	emit(g, true, MONITOR "trace-end 9 records=1 lost_bytes=-1");

	/* subject 7, round 2: the monitor reads again from before the log record (a duplicate) */
	fresh_writer(&w);
	write_events(&w, &subjects[0], 0, subjects[0].count);
	subject_line(g, &subjects[0]);
	pos = again;
	emit(g, false, MONITOR "trace-end 7 records=%u lost_bytes=64", dump(g, 7, &pos));

	fresh_writer(&w);
	write_events(&w, &subjects[2], 0, subjects[2].count);
	subject_line(g, &subjects[2]);
	pos = 0;
	emit(g, false, MONITOR "trace-end 12 records=%u lost_bytes=0", dump(g, 12, &pos));
	emit(g, false, "[core] init exited with 0");
}

static int setup(void **state)
{
	fixture_t *fx = calloc(1, sizeof(*fx));
	gen_t g = {0};
	size_t len = 0;
	char const *tmp = getenv("TMPDIR");

	if (!fx)
		return -1;
	*state = fx;
	snprintf(fx->dir, sizeof(fx->dir), "%s/gneiss-trace-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->log, sizeof(fx->log), "%s/fake.log", fx->dir);
	snprintf(fx->out, sizeof(fx->out), "%s/out", fx->dir);
	g.f = fopen(fx->log, "w");
	if (!g.f)
		return -1;
	generate(&g);
	if (fclose(g.f))
		return -1;
	memcpy(fx->bad, g.bad, sizeof(fx->bad));
	fx->nbad = g.nbad;
	FILE *err = open_memstream(&fx->err, &len);
	if (!err)
		return -1;
	fx->status = trace_extract(fx->log, fx->out, NULL, err);
	return fclose(err);
}

static int rm_one(char const *path, struct stat const *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	fixture_t *fx = *state;

	if (fx && fx->dir[0] && getenv("GNEISS_KEEP_TRACE") == NULL)
		nftw(fx->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	else if (fx)
		fprintf(stderr, "# kept %s\n", fx->dir);
	if (fx)
		free(fx->err);
	free(fx);
	return 0;
}

/* ---- helpers ---------------------------------------------------------------------------------- */

static char *slurp(char const *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	size_t n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long const size = ftell(f);
	assert_true(size >= 0);
	rewind(f);
	data = malloc((size_t)size + 1);
	assert_non_null(data);
	n = fread(data, 1, (size_t)size, f);
	assert_int_equal(n, (size_t)size);
	data[n] = 0;
	fclose(f);
	if (len)
		*len = n;
	return data;
}

static unsigned occurrences(char const *text, char const *s)
{
	unsigned n = 0;

	for (char const *p = strstr(text, s); p; p = strstr(p + 1, s))
		n++;
	return n;
}

/* A JSON checker after RFC 8259: one value, strings of well-formed escapes and UTF-8. */
typedef struct {
	char const *p, *end;
	unsigned depth;
} js_t;

static bool js_value(js_t *j);

static void js_ws(js_t *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool js_lit(js_t *j, char const *s)
{
	size_t const n = strlen(s);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, s, n))
		return false;
	j->p += n;
	return true;
}

static bool js_hex4(js_t *j)
{
	for (int i = 0; i < 4; i++, j->p++)
		if (j->p >= j->end || !strchr("0123456789abcdefABCDEF", *j->p) || !*j->p)
			return false;
	return true;
}

static bool js_string(js_t *j)
{
	if (!js_lit(j, "\""))
		return false;
	while (j->p < j->end) {
		unsigned char c = (unsigned char)*j->p++;
		if (c == '"')
			return true;
		if (c < 0x20)
			return false;
		if (c == '\\') {
			c = j->p < j->end ? (unsigned char)*j->p++ : 0;
			if (c == 'u' ? !js_hex4(j) : !c || !strchr("\"\\/bfnrt", c))
				return false;
		} else if (c >= 0x80) {
			int more = c > 0xf4    ? -1
				   : c >= 0xf0 ? 3
				   : c >= 0xe0 ? 2
				   : c >= 0xc2 ? 1
					       : -1;
			if (more < 0)
				return false;
			while (more--)
				if (j->p >= j->end || (*j->p++ & 0xc0) != 0x80)
					return false;
		}
	}
	return false;
}

static bool js_digits(js_t *j)
{
	char const *start = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > start;
}

static bool js_number(js_t *j)
{
	js_lit(j, "-");
	if (!js_lit(j, "0") && (j->p >= j->end || *j->p < '1' || *j->p > '9' || !js_digits(j)))
		return false;
	if (js_lit(j, ".") && !js_digits(j))
		return false;
	if (js_lit(j, "e") || js_lit(j, "E")) {
		if (!js_lit(j, "+"))
			js_lit(j, "-");
		return js_digits(j);
	}
	return true;
}

/* The members of an object (with keys) or the elements of an array, after the opening bracket. */
static bool js_members(js_t *j, bool keys, char close)
{
	char const end[2] = {close, 0};

	js_ws(j);
	if (js_lit(j, end))
		return true;
	do {
		js_ws(j);
		if (keys && (!js_string(j) || (js_ws(j), !js_lit(j, ":"))))
			return false;
		if (!js_value(j))
			return false;
		js_ws(j);
	} while (js_lit(j, ","));
	return js_lit(j, end);
}

static bool js_value(js_t *j)
{
	bool ok;

	js_ws(j);
	if (j->p >= j->end || ++j->depth > 64)
		return false;
	if (js_lit(j, "{"))
		ok = js_members(j, true, '}');
	else if (js_lit(j, "["))
		ok = js_members(j, false, ']');
	else if (*j->p == '"')
		ok = js_string(j);
	else
		ok = js_lit(j, "true") || js_lit(j, "false") || js_lit(j, "null") || js_number(j);
	j->depth--;
	return ok;
}

static bool json_valid(char const *s, size_t n)
{
	js_t j = {s, s + n, 0};

	if (!js_value(&j))
		return false;
	js_ws(&j);
	return j.p == j.end;
}

/* ---- the tests -------------------------------------------------------------------------------- */

static void json_checker_checks(void **state)
{
	static char const *const good[] = {
		"{}", "[1,-2.5e3,\"a\\u00e9\\n\",true,null]", "{\"a\":{\"b\":[]}}", " [ 0 ] "};
	static char const *const bad[] = {"{", "[1,]", "{\"a\"}", "\"\x01\"", "\"\\x\"", "01",
		"[1] 2", "\"\xff\"", "{\"a\":1,}", "1."};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(json_valid(good[i], strlen(good[i])));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(json_valid(bad[i], strlen(bad[i])));
}

static void base64_is_strict(void **state)
{
	uint8_t out[8];

	(void)state;
	assert_int_equal(trace_base64_decode("QQ==", 4, out, sizeof(out)), 1);
	assert_int_equal(out[0], 'A');
	assert_int_equal(trace_base64_decode("QUJD", 4, out, sizeof(out)), 3);
	assert_int_equal(trace_base64_decode("QUI=", 4, out, sizeof(out)), 2);
	assert_int_equal(trace_base64_decode("QR==", 4, out, sizeof(out)), -1); /* stray bits */
	assert_int_equal(trace_base64_decode("Q===", 4, out, sizeof(out)), -1);
	assert_int_equal(trace_base64_decode("QQ=A", 4, out, sizeof(out)), -1);
	assert_int_equal(trace_base64_decode("QQ==QUJD", 8, out, sizeof(out)), -1);
	assert_int_equal(trace_base64_decode("QUJ", 3, out, sizeof(out)), -1);
	assert_int_equal(trace_base64_decode("", 0, out, sizeof(out)), -1);
	assert_int_equal(trace_base64_decode("QUJDQUJDQUJD", 12, out, sizeof(out)), -1); /* 9 > 8 */
}

static void malformed_lines_are_reported_with_their_numbers(void **state)
{
	fixture_t const *fx = *state;
	char where[160];

	assert_int_equal(fx->status, TRACE_PROBLEMS);
	assert_int_equal(fx->nbad, 11);
	assert_int_equal(occurrences(fx->err, "\n"), fx->nbad); /* one report each, nothing else */
	for (unsigned i = 0; i < fx->nbad; i++) {
		snprintf(where, sizeof(where), "%s:%u: ", fx->log, fx->bad[i]);
		if (!strstr(fx->err, where))
			fail_msg("line %u not reported; the tool said:\n%s", fx->bad[i], fx->err);
	}
	assert_non_null(strstr(fx->err, "bad record: unknown kind"));
	assert_non_null(strstr(fx->err, "not of the monitor [init -> trace_monitor]"));
}

static void every_record_round_trips(void **state)
{
	fixture_t const *fx = *state;
	char path[256];

	snprintf(path, sizeof(path), "%s/subjects.tsv", fx->out);
	char *tsv = slurp(path, NULL);
	assert_string_equal(tsv, "id\ttsc_per_ms\tlabel\tthread\trecords\tlost_bytes\n"
				 "7\t2000000\tinit -> client\tmain\t8\t64\n"
				 "9\t2000000\tinit -> server\tep\"1\\2\t5\t0\n"
				 "12\t2000000\tinit -> client\tworker\t1\t0\n");
	free(tsv);

	for (size_t s = 0; s < sizeof(subjects) / sizeof(subjects[0]); s++) {
		subject_t const *sub = &subjects[s];
		size_t len, off = 0, i = 0;
		snprintf(path, sizeof(path), "%s/%u.records", fx->out, sub->id);
		uint8_t *data = (uint8_t *)slurp(path, &len);
		for (; off < len; i++) {
			gn_trace_record_t r = {0};
			assert_true(len - off >= TRACE_RECORD_MIN);
			memcpy(&r, data + off, TRACE_RECORD_MIN);
			assert_true(i < sub->count);
			ev_t const *e = &sub->events[i];
			unsigned const hdr = gn_trace_record_hdr_len(e->layout);
			size_t const plen = e->payload ? strlen(e->payload) : 0;
			assert_int_equal(r.len, trace_record_len(e->layout, (unsigned)plen));
			assert_true(r.len <= len - off);
			memcpy(&r, data + off, hdr);
			assert_int_equal(r.kind, e->kind);
			assert_int_equal(r.layout, e->layout);
			assert_int_equal(r.seq, e->seq);
			assert_int_equal(r.tsc, e->tsc);
			assert_int_equal(r.a0, e->layout == GN_TRACE_LAYOUT_HEADER ? 0 : e->a0);
			assert_int_equal(r.a1, e->layout == GN_TRACE_LAYOUT_HEADER ? 0 : e->a1);
			assert_int_equal(r.payload_len, plen);
			assert_memory_equal(data + off + hdr, e->payload ? e->payload : "", plen);
			off += r.len;
		}
		assert_int_equal(off, len);
		assert_int_equal(i, sub->count);
		free(data);
	}
}

static void chrome_json_is_well_formed(void **state)
{
	fixture_t const *fx = *state;
	char path[256];
	size_t len;

	snprintf(path, sizeof(path), "%s/trace.json", fx->dir);
	assert_int_equal(trace_chrome(fx->out, path, stderr), TRACE_OK);
	char *json = slurp(path, &len);
	if (!json_valid(json, len))
		fail_msg("not valid JSON:\n%s", json);
	assert_int_equal(strncmp(json, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", 39), 0);
	assert_int_equal(occurrences(json, "\"ph\":\"X\""), SPANS);
	assert_int_equal(occurrences(json, "\"ph\":\"i\""), RECORDS - 2 * SPANS);
	assert_int_equal(occurrences(json, "\"process_name\""), 2);
	assert_int_equal(occurrences(json, "\"thread_name\""), 3);
	assert_int_equal(occurrences(json, "\"args\":{\"name\":\"ep\\\"1\\\\2\"}"), 1);
	assert_int_equal(occurrences(json, LOG_JSON), 1);
	/* the dispatch on subject 9 is the earliest event and lasts 2000 ticks at 2 GHz */
	assert_non_null(strstr(json, "\"pid\":2,\"tid\":9,\"ts\":0.000,\"dur\":1.000,\"cat\":"
				     "\"dispatch\",\"name\":\"Log::write\""));
	assert_non_null(strstr(json, "\"name\":\"Rom::dataspace\",\"args\":{\"seq\":1,\"opcode\":4,"
				     "\"bytes\":0,\"function\":\"Rom::dataspace\",\"end_seq\":2,"
				     "\"status\":6,\"status_name\":\"DENIED\"}"));
	/* the call of subject 7 that never returned */
	assert_non_null(strstr(json, "\"ph\":\"i\",\"pid\":1,\"tid\":7,\"ts\":25.500,\"s\":\"t\","
				     "\"cat\":\"rpc_call\",\"name\":\"rpc_call 9\""));
	free(json);
}

static bool have_babeltrace2(void)
{
	return system("command -v babeltrace2 >/dev/null 2>&1") == 0;
}

static void ctf_is_read_by_babeltrace2(void **state)
{
	fixture_t const *fx = *state;
	char path[256], cmd[320], line[1024];
	unsigned lines = 0, calls = 0, named = 0, subject9 = 0;

	snprintf(path, sizeof(path), "%s/ctf", fx->dir);
	assert_int_equal(trace_ctf(fx->out, path, stderr), TRACE_OK);
	snprintf(cmd, sizeof(cmd), "%s/metadata", path);
	char *metadata = slurp(cmd, NULL);
	assert_int_equal(strncmp(metadata, "/* CTF 1.8 */\n", 14), 0);
	assert_non_null(strstr(metadata, "freq = 2000000000;"));
	free(metadata);
	if (!have_babeltrace2()) {
		print_message("babeltrace2 is not installed (Debian package babeltrace2, listed in "
			      "tool/deps): the CTF export is not checked\n");
		skip();
	}
	snprintf(cmd, sizeof(cmd), "babeltrace2 '%s' 2>&1", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		lines++;
		calls += strstr(line, " rpc_call: ") != NULL;
		named += strstr(line, "payload = \"Log::write\"") != NULL;
		subject9 += strstr(line, "{ subject = 9 }") != NULL;
		print_message("# %s", line);
	}
	assert_int_equal(pclose(p), 0);
	assert_int_equal(lines, RECORDS);
	assert_int_equal(calls, 4);
	assert_int_equal(named, 2);
	assert_int_equal(subject9, subjects[1].count);
}

static void summary_counts(void **state)
{
	fixture_t const *fx = *state;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	assert_int_equal(trace_summary(fx->out, out, stderr), TRACE_OK);
	fclose(out);
	assert_non_null(strstr(text, "subject 7 label=\"init -> client\" thread=\"main\" "
				     "tsc_per_ms=2000000 records=8 lost_bytes=64\n"
				     "  events rpc_call=3 rpc_returned=2 signal_submit=1 log=1 "
				     "checkpoint=1\n"
				     "  rpc calls=3 returned=2 dispatched=0 replied=0\n"
				     "  time first_us=0.500 last_us=25.500"));
	assert_non_null(strstr(text, "subject 9 label=\"init -> server\" thread=\"ep\\\"1\\\\2\""));
	assert_non_null(strstr(text, "total subjects=3 records=14 lost_bytes=64\n"));
	free(text);
}

static void write_text(char const *path, void const *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void damaged_directories_are_reported(void **state)
{
	fixture_t const *fx = *state;
	char dir[128], path[256], *text = NULL;
	size_t len = 0;
	uint8_t rec[TRACE_RECORD_MAX], records[3 * 64] = {0};
	size_t const n = sample_record(rec);
	static char const tsv[] = "id\ttsc_per_ms\tlabel\tthread\trecords\tlost_bytes\n"
				  "7\t2000000\tinit\tmain\t3\t0\n"
				  "not a subject\n"
				  "8\t0\tx\ty\t0\t0\n"
				  "7\t2000000\tinit\tmain\t3\t0\n"
				  "9\t1\tx\ty\t0\t0\n";

	snprintf(dir, sizeof(dir), "%s/damaged", fx->dir);
	assert_int_equal(mkdir(dir, 0777), 0);
	snprintf(path, sizeof(path), "%s/subjects.tsv", dir);
	write_text(path, tsv, sizeof(tsv) - 1);
	for (unsigned i = 0; i < 3; i++)
		memcpy(records + 64 * i, rec, n);
	((gn_trace_record_t *)(records + 128))->kind = 12;
	snprintf(path, sizeof(path), "%s/7.records", dir);
	write_text(path, records, sizeof(records));

	FILE *err = open_memstream(&text, &len);
	FILE *out = fopen("/dev/null", "w");
	assert_int_equal(trace_summary(dir, out, err), TRACE_PROBLEMS);
	fclose(out);
	fclose(err);
	assert_non_null(strstr(text, "7.records: offset 128: unknown kind"));
	assert_non_null(strstr(text, "subjects.tsv:3: not 6 tab-separated fields"));
	assert_non_null(strstr(text, "subjects.tsv:4: bad tsc_per_ms"));
	assert_non_null(strstr(text, "subjects.tsv:5: subject listed twice"));
	assert_non_null(strstr(text, "9.records: cannot read"));
	free(text);

	snprintf(path, sizeof(path), "%s/nothing", fx->dir);
	err = fopen("/dev/null", "w");
	assert_int_equal(trace_chrome(path, "/dev/null", err), TRACE_FATAL);
	fclose(err);
}

/* Random and mutated lines: every one is reported or ignored, none crashes the tool. */
static void random_lines_do_not_crash(void **state)
{
	fixture_t const *fx = *state;
	char log[256], dir[256], b64[2 * TRACE_RECORD_MAX];
	uint8_t bytes[TRACE_RECORD_MAX + 32], good[TRACE_RECORD_MAX];
	size_t const n = sample_record(good);
	uint64_t x = 0x9e3779b97f4a7c15ull;

	snprintf(log, sizeof(log), "%s/random.log", fx->dir);
	snprintf(dir, sizeof(dir), "%s/random", fx->dir);
	FILE *f = fopen(log, "w");
	assert_non_null(f);
	fputs(MONITOR "trace-subject 7 tsc_per_ms=1 label=\"a\" thread=\"b\"\n", f);
	for (unsigned i = 0; i < 4000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		size_t len = (x >> 33) % sizeof(bytes);
		if (i % 2) { /* a valid record with a few bytes changed */
			memcpy(bytes, good, n);
			len = n;
			for (unsigned k = 0; k < 3; k++) {
				x = x * 6364136223846793005ull + 1442695040888963407ull;
				bytes[(x >> 33) % n] = (uint8_t)(x >> 20);
			}
		} else {
			for (size_t k = 0; k < len; k++)
				bytes[k] = (uint8_t)((x >> (k % 56)) ^ k);
		}
		base64(bytes, len, b64);
		if (i % 7 == 0) /* and a broken encoding */
			b64[(x >> 40) % (strlen(b64) + 1)] = (char)(x >> 24);
		fprintf(f, MONITOR "trace-record 7 %s\n", b64);
		if (i % 500 == 0)
			fprintf(f,
				MONITOR
				"trace-subject 7 tsc_per_ms=1 label=\"a\\x%02x\" thread=\"%.*s\"\n",
				(unsigned)(x & 0xff), (int)(x % 5), "\\\"x\\");
	}
	fputs(MONITOR "trace-end 7 records=1 lost_bytes=18446744073709551615\n", f);
	assert_int_equal(fclose(f), 0);

	f = fopen("/dev/null", "w");
	assert_int_equal(trace_extract(log, dir, NULL, f), TRACE_PROBLEMS);
	snprintf(log, sizeof(log), "%s/random.json", fx->dir);
	assert_true(trace_chrome(dir, log, f) != TRACE_FATAL);
	snprintf(log, sizeof(log), "%s/random-ctf", fx->dir);
	assert_true(trace_ctf(dir, log, f) != TRACE_FATAL);
	assert_true(trace_summary(dir, f, f) != TRACE_FATAL);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_checker_checks),
		cmocka_unit_test(base64_is_strict),
		cmocka_unit_test(malformed_lines_are_reported_with_their_numbers),
		cmocka_unit_test(every_record_round_trips),
		cmocka_unit_test(chrome_json_is_well_formed),
		cmocka_unit_test(ctf_is_read_by_babeltrace2),
		cmocka_unit_test(summary_counts),
		cmocka_unit_test(damaged_directories_are_reported),
		cmocka_unit_test(random_lines_do_not_crash),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
