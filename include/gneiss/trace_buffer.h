/*
 * Writing and reading trace buffers (the layout is in gneiss/trace_format.h). Pure functions over
 * memory: the traced thread writes through a gn_trace_writer_t, the trace monitor and the host tool
 * read with gn_trace_buffer_read().
 *
 * The writer keeps its own position and size: the shared header only tells readers, so nobody
 * else who maps the buffer can make the writer write outside it. The reader trusts nothing it
 * reads: every record is checked (position, length, kind, layout, payload length) before it is
 * handed out, and a reader racing the writer gets only records that were complete and not
 * overwritten while it copied.
 */
#ifndef GNEISS_TRACE_BUFFER_H
#define GNEISS_TRACE_BUFFER_H

#include <gneiss/error.h>
#include <gneiss/trace_format.h>

typedef struct {
	gn_trace_buffer_hdr_t *hdr; /* NULL: no buffer */
	uint8_t *data;
	uint32_t size;
	uint64_t head;
} gn_trace_writer_t;

/*
 * Prepares the buffer of `bytes` bytes at mem (header and data) for writing and readers: the data
 * is what fits, rounded down to GN_TRACE_ALIGN. A buffer that already holds a header of that size
 * (the same thread wrote it before a pause) is continued where it stopped, its header untouched,
 * so readers never see the head go back. Errors: INVALID_ARG when mem is misaligned or less than
 * GN_TRACE_BUFFER_MIN bytes of data fit, or more than GN_TRACE_BUFFER_MAX.
 */
gn_err_t gn_trace_writer_init(
	gn_trace_writer_t *w, void *mem, size_t bytes, uint64_t tsc_per_ms) GN_MUST_CHECK;

/*
 * Appends one record of kind with layout, its sequence number, timestamp and arguments, and (with
 * GN_TRACE_LAYOUT_PAYLOAD) payload_len bytes of payload, cut to GN_TRACE_PAYLOAD_MAX. Overwrites
 * the oldest records as needed. False when the writer has no buffer or the kind or layout is
 * invalid.
 */
bool gn_trace_write(gn_trace_writer_t *w, unsigned kind, unsigned layout, uint64_t seq,
	uint64_t tsc, uint64_t a0, uint64_t a1, void const *payload, size_t payload_len);

/* A record handed to a reader: the header fields by layout (absent ones 0), and its payload. */
typedef struct {
	gn_trace_record_t rec;
	uint8_t const *payload;
} gn_trace_event_view_t;

typedef void (*gn_trace_read_fn_t)(void *ctx, gn_trace_event_view_t const *ev);

/*
 * Reads the buffer mapped at buf (mapped bytes, header included), copying its data into scratch
 * (scratch_size bytes, at least the buffer's data size) first. Calls fn for every valid record at
 * or after position *pos, oldest first; records overwritten before they were read are skipped,
 * and *lost (if not NULL) tells how many bytes of records were. On return *pos is where the next
 * read continues. Errors: INVALID_ARG when the header is no trace buffer's or does not fit mapped
 * or scratch; BAD_MSG when a record is malformed (those before it were handed out, *pos stops at
 * it).
 */
gn_err_t gn_trace_buffer_read(void const volatile *buf, size_t mapped, void *scratch,
	size_t scratch_size, uint64_t *pos, uint64_t *lost, gn_trace_read_fn_t fn,
	void *ctx) GN_MUST_CHECK;

/*
 * The walk of gn_trace_buffer_read() over data, size bytes copied from a buffer between reading
 * its head h1 (before) and h2 (after the copy): for readers that copy by other means.
 */
gn_err_t gn_trace_buffer_walk(uint8_t const *data, uint32_t size, uint64_t h1, uint64_t h2,
	uint64_t *pos, uint64_t *lost, gn_trace_read_fn_t fn, void *ctx) GN_MUST_CHECK;

/* The name of an event kind ("rpc_call", ...), "?" for none. */
char const *gn_trace_event_name(unsigned kind);

#endif
