/*
 * Loading a directory that `trace extract` wrote: subjects.tsv and one <id>.records per subject.
 * Both are read as untrusted: a malformed line of subjects.tsv is reported and skipped, a records
 * file is read up to its first malformed record (reported), and a count that differs from the
 * one in subjects.tsv is reported. Events point into the file's bytes, which the subject owns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trace.h"

enum {
	FILE_MAX = 1024 * 1024 * 1024, /* bytes of a records file: far beyond any real trace */
};

static char const header[] = "id\ttsc_per_ms\tlabel\tthread\trecords\tlost_bytes";

/* Splits line at tabs into exactly n fields (pointers into line). */
static bool fields(char *line, char **field, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		field[i] = line;
		char *tab = strchr(line, '\t');
		if ((tab != NULL) != (i + 1 < n))
			return false;
		if (tab) {
			*tab = 0;
			line = tab + 1;
		}
	}
	return true;
}

static bool name(char const *s, char *out)
{
	size_t const n = strlen(s);

	if (n >= TRACE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	memcpy(out, s, n + 1);
	return true;
}

/* One line of subjects.tsv into s (records is its count there); NULL or what is wrong. */
static char const *subject(char *line, trace_subject_t *s, uint64_t *records)
{
	char *f[6];
	uint64_t id;

	if (!fields(line, f, 6))
		return "not 6 tab-separated fields";
	if (!trace_parse_u64(f[0], strlen(f[0]), UINT32_MAX, &id))
		return "bad id";
	*s = (trace_subject_t){.id = (uint32_t)id};
	if (!trace_parse_u64(f[1], strlen(f[1]), UINT64_MAX, &s->tsc_per_ms) || !s->tsc_per_ms)
		return "bad tsc_per_ms";
	if (!name(f[2], s->label) || !name(f[3], s->thread))
		return "bad label or thread";
	if (!trace_parse_u64(f[4], strlen(f[4]), UINT64_MAX, records) ||
		!trace_parse_u64(f[5], strlen(f[5]), UINT64_MAX, &s->lost_bytes))
		return "bad records or lost_bytes";
	return NULL;
}

static uint8_t *read_file(char const *path, size_t *n, FILE *err)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *data = NULL;

	if (!f || fstat(fileno(f), &st) || st.st_size > FILE_MAX) {
		fprintf(err, "%s: cannot read: %s\n", path, f ? "too large" : strerror(errno));
		goto error;
	}
	/* aligned, so that records lie as in a buffer; one more byte so that 0 bytes is no NULL */
	data = aligned_alloc(GN_TRACE_ALIGN,
		((size_t)st.st_size + GN_TRACE_ALIGN) & ~(size_t)(GN_TRACE_ALIGN - 1));
	*n = data ? fread(data, 1, (size_t)st.st_size, f) : 0;
	if (!data || *n != (size_t)st.st_size) {
		fprintf(err, "%s: cannot read\n", path);
		goto error;
	}
	fclose(f);
	return data;
error:
	free(data);
	if (f)
		fclose(f);
	return NULL;
}

/* Reads the records of s from dir; false when something was reported. */
static bool records(char const *dir, trace_subject_t *s, uint64_t expected, FILE *err)
{
	char path[4096];
	size_t n = 0, off = 0;

	snprintf(path, sizeof(path), "%s/%u.records", dir, s->id);
	s->data = read_file(path, &n, err);
	if (!s->data)
		return false;
	s->events = malloc((n / GN_TRACE_ALIGN + 1) * sizeof(*s->events));
	if (!s->events) {
		fprintf(err, "%s: out of memory\n", path);
		return false;
	}
	while (off < n) {
		char const *why =
			trace_record_check(s->data + off, n - off, false, &s->events[s->count]);
		if (why) {
			fprintf(err, "%s: offset %zu: %s; the rest is skipped\n", path, off, why);
			return false;
		}
		off += s->events[s->count++].rec.len;
	}
	if (s->count != expected) {
		fprintf(err, "%s: %zu records, subjects.tsv says %llu\n", path, s->count,
			(unsigned long long)expected);
		return false;
	}
	return true;
}

static int by_id(void const *a, void const *b)
{
	uint32_t const x = ((trace_subject_t const *)a)->id, y = ((trace_subject_t const *)b)->id;

	return (x > y) - (x < y);
}

static bool add(trace_set_t *set, trace_subject_t const *s, size_t *cap)
{
	if (set->count == *cap) {
		size_t const more = *cap ? 2 * *cap : 16;
		trace_subject_t *p = realloc(set->subjects, more * sizeof(*p));
		if (!p)
			return false;
		set->subjects = p;
		*cap = more;
	}
	set->subjects[set->count++] = *s;
	return true;
}

int trace_load(char const *dir, trace_set_t *set, FILE *err)
{
	char path[4096];
	char *line = NULL;
	size_t size = 0, cap = 0, lineno = 0;
	ssize_t n;
	bool ok = true;

	*set = (trace_set_t){0};
	snprintf(path, sizeof(path), "%s/subjects.tsv", dir);
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(err, "%s: cannot read: %s\n", path, strerror(errno));
		return TRACE_FATAL;
	}
	while ((n = getline(&line, &size, f)) >= 0) {
		trace_subject_t s;
		uint64_t count;
		char const *why;
		lineno++;
		if (n && line[n - 1] == '\n')
			line[--n] = 0;
		if (strlen(line) != (size_t)n)
			why = "NUL byte";
		else if (lineno == 1)
			why = strcmp(line, header) ? "not the header of subjects.tsv" : NULL;
		else
			why = subject(line, &s, &count);
		if (!why && lineno > 1) {
			for (size_t i = 0; i < set->count; i++)
				why = set->subjects[i].id == s.id ? "subject listed twice" : why;
		}
		if (!why && lineno > 1) {
			ok = records(dir, &s, count, err) && ok;
			why = add(set, &s, &cap) ? NULL : "out of memory";
			if (why) {
				free(s.events);
				free(s.data);
			}
		}
		if (why) {
			fprintf(err, "%s:%zu: %s\n", path, lineno, why);
			ok = false;
		}
	}
	if (lineno == 0) {
		fprintf(err, "%s: empty\n", path);
		ok = false;
	}
	free(line);
	fclose(f);
	qsort(set->subjects, set->count, sizeof(*set->subjects), by_id);
	set->base_ns = UINT64_MAX;
	for (size_t i = 0; i < set->count; i++) {
		trace_subject_t const *s = &set->subjects[i];
		for (size_t j = 0; j < s->count; j++) {
			uint64_t const ns = trace_ns(s, s->events[j].rec.tsc);
			set->base_ns = ns < set->base_ns ? ns : set->base_ns;
		}
	}
	if (set->base_ns == UINT64_MAX)
		set->base_ns = 0;
	return ok ? TRACE_OK : TRACE_PROBLEMS;
}

void trace_free(trace_set_t *set)
{
	for (size_t i = 0; i < set->count; i++) {
		free(set->subjects[i].events);
		free(set->subjects[i].data);
	}
	free(set->subjects);
	*set = (trace_set_t){0};
}
