/*
 * `trace extract LOG DIR`: the records the trace monitor dumped to its LOG, out of a run log.
 *
 * A line counts when it is `[LABEL] trace-subject ...`, `trace-record ...` or `trace-end ...` and
 * LABEL is the monitor's; every other line is someone else's output and ignored. A subject's
 * lines come in rounds: trace-subject opens one, trace-record lines carry its records, trace-end
 * closes it with the count the monitor dumped and the bytes it lost. Records of later rounds
 * continue the subject's sequence: one whose seq is not beyond what an earlier round gave is a
 * duplicate and dropped silently; within a round seq must increase.
 *
 * Every line is checked whole before it changes anything; a malformed one is reported as
 * `LOG:LINE: what` and skipped. Records are kept in memory as stored records (16-aligned, zero
 * padded) and written when the log is read.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

typedef struct {
	uint32_t id;
	uint64_t tsc_per_ms;
	char label[TRACE_NAME_MAX];
	char thread[TRACE_NAME_MAX];
	uint64_t lost_bytes;
	uint64_t records;
	uint64_t last_seq; /* of the newest record kept, when records > 0 */
	uint8_t *buf;      /* the stored records */
	size_t len, cap;
	/* the open round */
	bool open, discard; /* discard: its trace-subject line was refused */
	size_t open_line;
	uint64_t lines;     /* trace-record lines in it */
	uint64_t seq_start; /* last_seq when it opened: anything up to it is a duplicate */
	bool any_at_start;
} subject_t;

typedef struct {
	char const *log;
	FILE *err;
	size_t line;
	unsigned problems;
	char monitor[TRACE_NAME_MAX];
	bool have_monitor;
	subject_t *subjects;
	size_t count, cap;
} extract_t;

/* Reports a problem of the current line; false, so that a handler can return it. */
GN_PRINTF(2, 3) static bool report(extract_t *x, char const *fmt, ...)
{
	va_list ap;

	fprintf(x->err, "%s:%zu: ", x->log, x->line);
	va_start(ap, fmt);
	vfprintf(x->err, fmt, ap);
	va_end(ap);
	fputc('\n', x->err);
	x->problems++;
	return false;
}

static subject_t *find(extract_t *x, uint32_t id)
{
	for (size_t i = 0; i < x->count; i++)
		if (x->subjects[i].id == id)
			return &x->subjects[i];
	return NULL;
}

/* ---- parsing a line: a cursor over its text --------------------------------------------------- */

typedef struct {
	char const *p;
} cur_t;

static bool literal(cur_t *c, char const *s)
{
	size_t const n = strlen(s);

	if (strncmp(c->p, s, n))
		return false;
	c->p += n;
	return true;
}

static bool number(cur_t *c, uint64_t max, uint64_t *v)
{
	size_t n = strspn(c->p, "0123456789");

	if (!trace_parse_u64(c->p, n, max, v))
		return false;
	c->p += n;
	return true;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/*
 * A quoted name: `\"` and `\\` are the monitor's escapes, `\xHH` the run tool's for a byte it
 * would not echo. The result must be printable (no control byte), as it goes into a TSV file.
 */
static char const *quoted(cur_t *c, char *out)
{
	size_t n = 0;

	if (*c->p++ != '"')
		return "expected '\"'";
	while (*c->p != '"') {
		int ch = (unsigned char)*c->p++;
		if (ch == 0)
			return "unterminated string";
		if (ch == '\\') {
			ch = (unsigned char)*c->p++;
			if (ch == 'x') {
				int const hi = hex_digit(c->p[0]),
					  lo = hi < 0 ? -1 : hex_digit(c->p[1]);
				if (lo < 0)
					return "bad \\x escape";
				ch = hi << 4 | lo;
				c->p += 2;
			} else if (ch != '"' && ch != '\\') {
				return "bad escape";
			}
		}
		if (ch < 0x20 || ch == 0x7f)
			return "control byte in a name";
		if (n + 1 >= TRACE_NAME_MAX)
			return "name too long";
		out[n++] = (char)ch;
	}
	c->p++;
	out[n] = 0;
	return NULL;
}

/* ---- the three kinds of line ------------------------------------------------------------------ */

static bool subject_line(extract_t *x, cur_t c)
{
	uint64_t id, tsc_per_ms;
	char label[TRACE_NAME_MAX], thread[TRACE_NAME_MAX];
	char const *why = NULL;

	if (!number(&c, UINT32_MAX, &id) || !literal(&c, " tsc_per_ms=") ||
		!number(&c, UINT64_MAX, &tsc_per_ms) || !literal(&c, " label="))
		return report(x, "malformed trace-subject line");
	if ((why = quoted(&c, label)) || !literal(&c, " thread=") || (why = quoted(&c, thread)) ||
		*c.p)
		return report(x, "malformed trace-subject line: %s", why ? why : "trailing text");
	if (tsc_per_ms == 0)
		return report(x, "subject %u: tsc_per_ms=0", (unsigned)id);

	subject_t *s = find(x, (uint32_t)id);
	if (s && s->open) /* the round never ended: what it gave is kept */
		report(x, "subject %u: trace-subject again before the trace-end of line %zu", s->id,
			s->open_line);
	if (!s) {
		if (x->count == x->cap) {
			size_t const cap = x->cap ? 2 * x->cap : 16;
			subject_t *more = realloc(x->subjects, cap * sizeof(*more));
			if (!more)
				return report(x, "out of memory");
			x->subjects = more;
			x->cap = cap;
		}
		s = &x->subjects[x->count++];
		*s = (subject_t){.id = (uint32_t)id, .tsc_per_ms = tsc_per_ms};
		strcpy(s->label, label);
		strcpy(s->thread, thread);
	}
	bool const same = s->tsc_per_ms == tsc_per_ms && !strcmp(s->label, label) &&
			  !strcmp(s->thread, thread);
	if (!same)
		report(x,
			"subject %u: tsc_per_ms, label or thread differ from an earlier round; "
			"its records are dropped",
			s->id);
	s->open = true;
	s->discard = !same;
	s->open_line = x->line;
	s->lines = 0;
	s->seq_start = s->last_seq;
	s->any_at_start = s->records > 0;
	return true;
}

/* Appends the record as a stored one: its bytes, zero-padded to its len. */
static bool store(subject_t *s, uint8_t const *rec, size_t n, uint32_t len)
{
	if (s->len + len > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 4096;
		while (cap < s->len + len)
			cap *= 2;
		uint8_t *more = realloc(s->buf, cap);
		if (!more)
			return false;
		s->buf = more;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, rec, n);
	memset(s->buf + s->len + n, 0, len - n);
	s->len += len;
	return true;
}

static bool record_line(extract_t *x, cur_t c)
{
	uint64_t id;
	uint8_t rec[TRACE_RECORD_MAX];
	gn_trace_event_view_t ev;

	if (!number(&c, UINT32_MAX, &id) || !literal(&c, " "))
		return report(x, "malformed trace-record line");
	subject_t *s = find(x, (uint32_t)id);
	if (!s || !s->open)
		return report(x,
			"trace-record of subject %u outside its trace-subject and trace-end",
			(unsigned)id);
	s->lines++;
	long const n = trace_base64_decode(c.p, strlen(c.p), rec, sizeof(rec));
	if (n < 0)
		return report(x, "subject %u: bad base64 (or longer than any record)", s->id);
	char const *why = trace_record_check(rec, (size_t)n, true, &ev);
	if (why)
		return report(x, "subject %u: bad record: %s", s->id, why);
	if (s->discard)
		return true;
	uint64_t const seq = ev.rec.seq;
	if (s->any_at_start && seq <= s->seq_start)
		return true; /* an earlier round gave it */
	if (s->records > 0 && seq <= s->last_seq)
		return report(x, "subject %u: seq %llu not after %llu", s->id,
			(unsigned long long)seq, (unsigned long long)s->last_seq);
	if (!store(s, rec, (size_t)n, ev.rec.len))
		return report(x, "out of memory");
	s->records++;
	s->last_seq = seq;
	return true;
}

static bool end_line(extract_t *x, cur_t c)
{
	uint64_t id, records, lost;

	if (!number(&c, UINT32_MAX, &id) || !literal(&c, " records=") ||
		!number(&c, UINT64_MAX, &records) || !literal(&c, " lost_bytes=") ||
		!number(&c, UINT64_MAX, &lost) || *c.p)
		return report(x, "malformed trace-end line");
	subject_t *s = find(x, (uint32_t)id);
	if (!s || !s->open)
		return report(x, "trace-end of subject %u without its trace-subject", (unsigned)id);
	if (records != s->lines)
		report(x, "subject %u: records=%llu but %llu trace-record lines since line %zu",
			s->id, (unsigned long long)records, (unsigned long long)s->lines,
			s->open_line);
	s->open = false;
	if (!s->discard)
		s->lost_bytes =
			lost > UINT64_MAX - s->lost_bytes ? UINT64_MAX : s->lost_bytes + lost;
	return true;
}

static bool line(extract_t *x, char *text, size_t len)
{
	static struct {
		char const *word;
		bool (*fn)(extract_t *x, cur_t c);
	} const kinds[] = {
		{"trace-subject ", subject_line},
		{"trace-record ", record_line},
		{"trace-end ", end_line},
	};

	if (len && text[len - 1] == '\n')
		text[--len] = 0;
	if (len && text[len - 1] == '\r')
		text[--len] = 0;
	char *close = len && text[0] == '[' ? strstr(text, "] ") : NULL;
	if (!close)
		return true;
	char const *rest = close + 2;
	size_t k = 0;
	while (k < GN_ARRAY_SIZE(kinds) && strncmp(rest, kinds[k].word, strlen(kinds[k].word)))
		k++;
	if (k == GN_ARRAY_SIZE(kinds))
		return true;
	if (strlen(text) != len)
		return report(x, "NUL byte in a trace line");
	size_t const label_len = (size_t)(close - text - 1);
	if (label_len >= TRACE_NAME_MAX)
		return report(x, "label of a trace line too long");
	if (!x->have_monitor) {
		memcpy(x->monitor, text + 1, label_len);
		x->monitor[label_len] = 0;
		x->have_monitor = true;
	}
	if (strlen(x->monitor) != label_len || memcmp(x->monitor, text + 1, label_len))
		return report(x, "trace line of [%.*s], not of the monitor [%s]", (int)label_len,
			text + 1, x->monitor);
	return kinds[k].fn(x, (cur_t){rest + strlen(kinds[k].word)});
}

/* ---- output ----------------------------------------------------------------------------------- */

static int by_id(void const *a, void const *b)
{
	uint32_t const x = ((subject_t const *)a)->id, y = ((subject_t const *)b)->id;

	return (x > y) - (x < y);
}

static bool write_file(char const *path, void const *data, size_t n, FILE *err)
{
	FILE *f = fopen(path, "wb");

	if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f)) {
		fprintf(err, "%s: cannot write: %s\n", path, strerror(errno));
		return false;
	}
	return true;
}

static int write_dir(extract_t *x, char const *dir)
{
	char path[4096];

	if (!trace_mkdir(dir, x->err))
		return TRACE_FATAL;
	qsort(x->subjects, x->count, sizeof(*x->subjects), by_id);
	snprintf(path, sizeof(path), "%s/subjects.tsv", dir);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(x->err, "%s: cannot write: %s\n", path, strerror(errno));
		return TRACE_FATAL;
	}
	fprintf(f, "id\ttsc_per_ms\tlabel\tthread\trecords\tlost_bytes\n");
	for (size_t i = 0; i < x->count; i++) {
		subject_t const *s = &x->subjects[i];
		fprintf(f, "%u\t%llu\t%s\t%s\t%llu\t%llu\n", s->id,
			(unsigned long long)s->tsc_per_ms, s->label, s->thread,
			(unsigned long long)s->records, (unsigned long long)s->lost_bytes);
	}
	if (fclose(f)) {
		fprintf(x->err, "%s: cannot write: %s\n", path, strerror(errno));
		return TRACE_FATAL;
	}
	for (size_t i = 0; i < x->count; i++) {
		snprintf(path, sizeof(path), "%s/%u.records", dir, x->subjects[i].id);
		if (!write_file(path, x->subjects[i].buf, x->subjects[i].len, x->err))
			return TRACE_FATAL;
	}
	return x->problems ? TRACE_PROBLEMS : TRACE_OK;
}

int trace_extract(char const *log, char const *dir, char const *monitor, FILE *err)
{
	extract_t x = {.log = log, .err = err};
	char *text = NULL;
	size_t size = 0;
	ssize_t n;
	int status;

	if (monitor) {
		if (strlen(monitor) >= TRACE_NAME_MAX) {
			fprintf(err, "trace extract: monitor label too long\n");
			return TRACE_FATAL;
		}
		strcpy(x.monitor, monitor);
		x.have_monitor = true;
	}
	FILE *f = fopen(log, "r");
	if (!f) {
		fprintf(err, "%s: cannot read: %s\n", log, strerror(errno));
		return TRACE_FATAL;
	}
	while ((n = getline(&text, &size, f)) >= 0) {
		x.line++;
		(void)line(&x, text, (size_t)n);
	}
	bool const failed = ferror(f);
	fclose(f);
	free(text);
	for (size_t i = 0; i < x.count; i++) {
		if (x.subjects[i].open) {
			x.line = x.subjects[i].open_line;
			report(&x, "subject %u: trace-subject without trace-end", x.subjects[i].id);
		}
	}
	if (failed) {
		fprintf(err, "%s: read error\n", log);
		status = TRACE_FATAL;
	} else {
		status = write_dir(&x, dir);
	}
	for (size_t i = 0; i < x.count; i++)
		free(x.subjects[i].buf);
	free(x.subjects);
	return status;
}
