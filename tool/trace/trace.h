/*
 * trace: the host side of Gneiss tracing. The trace monitor dumps the records it read to its LOG
 * (format in tool/trace/README.md); `trace extract` turns a run log into a directory of records,
 * and the other commands convert that directory for existing tools (Chrome/Perfetto JSON, CTF) or
 * summarise it.
 *
 * Everything the tool reads is untrusted: the log is written by components, and a directory may be
 * edited by anyone. Every record is checked by trace_record_check() wherever it is read, every
 * problem is reported as `FILE:LINE: what` (or `FILE: what`) on the error stream and the
 * offending line or the rest of the file is skipped; nothing the input says can make the tool read
 * or write outside its buffers.
 *
 * Exit status of every command (TRACE_*): 0 clean, 1 problems were reported (the output is still
 * written from what was valid), 2 bad usage or a file that cannot be read or written.
 */
#ifndef GNEISS_TOOL_TRACE_H
#define GNEISS_TOOL_TRACE_H

#include <stdio.h>

#include <gneiss/trace_buffer.h>

enum {
	TRACE_OK = 0,
	TRACE_PROBLEMS = 1,
	TRACE_FATAL = 2,
};

enum {
	TRACE_NAME_MAX = 256, /* bytes of a label or thread name, NUL included */
	/* the largest record: full header and the largest payload (a multiple of 16) */
	TRACE_RECORD_MAX = sizeof(gn_trace_record_t) + GN_TRACE_PAYLOAD_MAX,
	/* the first bytes of every record: len, kind, layout, payload_len, pos, seq, tsc */
	TRACE_RECORD_MIN = __builtin_offsetof(gn_trace_record_t, a0),
	TRACE_TEXT_MAX = 4 * GN_TRACE_PAYLOAD_MAX + 1, /* a payload escaped, with its NUL */
};

/* One subject and its records as `trace extract` left them in a directory. */
typedef struct {
	uint32_t id;
	uint64_t tsc_per_ms;
	char label[TRACE_NAME_MAX];
	char thread[TRACE_NAME_MAX];
	uint64_t lost_bytes;           /* what the monitor lost to overwriting, over all rounds */
	size_t count;                  /* events */
	gn_trace_event_view_t *events; /* oldest first; payloads point into data */
	uint8_t *data;                 /* the contents of <id>.records */
} trace_subject_t;

typedef struct {
	trace_subject_t *subjects; /* ascending id */
	size_t count;
	uint64_t base_ns; /* the earliest event's time over all subjects */
} trace_set_t;

/* ---- record.c: the pieces every command shares ------------------------------------------------ */

/*
 * Checks the n bytes at b as one record and fills ev (payload pointing into b). With exact, the
 * bytes are a record as the monitor dumps it: exactly its header by layout and its payload. Else
 * they are a stored record followed by anything: the record's len bytes must fit. Returns NULL for
 * a valid record, else what is wrong. A PAD is not valid: it is no event.
 */
char const *trace_record_check(uint8_t const *b, size_t n, bool exact, gn_trace_event_view_t *ev);

/* The bytes of a record with layout and payload_len, 16-aligned. */
uint32_t trace_record_len(unsigned layout, unsigned payload_len);

/*
 * Decodes the n characters of standard base64 (with `=` padding) at s into out. Returns the bytes
 * decoded, or -1 when s is no valid base64 or does not fit out_size.
 */
long trace_base64_decode(char const *s, size_t n, uint8_t *out, size_t out_size);

/* Whether the n characters at s are a decimal number that fits max; its value in *v. */
bool trace_parse_u64(char const *s, size_t n, uint64_t max, uint64_t *v);

/* Length of the well-formed UTF-8 sequence of a non-ASCII character at s, or 0. */
size_t trace_utf8_len(uint8_t const *s, size_t n);

/*
 * Writes the n bytes at s NUL-terminated to out (out_size >= 4 * n + 1 always suffices) with the
 * run tool's escaping: control bytes, DEL and bytes outside well-formed UTF-8 become `\xHH`.
 */
void trace_escape_text(uint8_t const *s, size_t n, char *out, size_t out_size);

/* Creates dir and its missing parents; false (reported to err) when it cannot. */
bool trace_mkdir(char const *dir, FILE *err);

/* Nanoseconds since the counter started of tsc ticks of subject s (saturated). */
uint64_t trace_ns(trace_subject_t const *s, uint64_t tsc);

/* ---- the commands ---------------------------------------------------------------------------- */

/*
 * Parses the run log at log and writes dir/subjects.tsv and dir/<id>.records (dir is created when
 * missing). Only lines of the monitor count: the one labelled monitor, or when NULL the label of
 * the first trace line. Problems go to err.
 */
int trace_extract(char const *log, char const *dir, char const *monitor, FILE *err);

/*
 * Loads what trace_extract wrote into dir. Returns TRACE_OK, TRACE_PROBLEMS (reported to err; the
 * valid part is loaded) or TRACE_FATAL (nothing loaded). The caller frees set with trace_free().
 */
int trace_load(char const *dir, trace_set_t *set, FILE *err);
void trace_free(trace_set_t *set);

/* Writes dir as Chrome/Perfetto trace-event JSON to the file out. */
int trace_chrome(char const *dir, char const *out, FILE *err);

/* Writes dir as CTF 1.8 into outdir (created when missing): metadata and stream_<id> files. */
int trace_ctf(char const *dir, char const *outdir, FILE *err);

/* Writes a per-subject summary of dir to out. */
int trace_summary(char const *dir, FILE *out, FILE *err);

#endif
