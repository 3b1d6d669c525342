/*
 * libFuzzer target for the trace-buffer reader (gn_trace_buffer_read, gn_trace_buffer_walk): a
 * traced component writes its own buffer, so a monitor reads whatever a hostile one left there.
 *
 * The input is a whole buffer (header and data) read as is, and again as data walked with heads
 * and a start position taken from its first 24 bytes. Beyond "no crash": every record handed out
 * lies inside the data with its payload inside the record, positions only grow, and a walk that
 * succeeds stops exactly at the first head.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gneiss/trace_buffer.h>

#define CHECK(cond) ((cond) ? (void)0 : abort())

enum {
	DATA_MAX = 64 * 1024
};

static _Alignas(16) uint8_t buf[sizeof(gn_trace_buffer_hdr_t) + DATA_MAX];
static _Alignas(16) uint8_t scratch[DATA_MAX];

typedef struct {
	uint8_t const *data;
	uint32_t size;
	uint64_t last_pos;
	unsigned count;
} walk_t;

static void check_event(void *ctx, gn_trace_event_view_t const *ev)
{
	walk_t *w = ctx;

	CHECK(ev->rec.kind != GN_TRACE_PAD && ev->rec.kind < GN_TRACE_EVENT_COUNT);
	CHECK(ev->rec.len % GN_TRACE_ALIGN == 0 && (!w->data || ev->rec.len <= w->size));
	CHECK(w->count == 0 || ev->rec.pos > w->last_pos);
	if (w->data) {
		uint8_t const *rec = w->data + ev->rec.pos % w->size;
		CHECK(ev->payload >= rec && ev->payload + ev->rec.payload_len <= rec + ev->rec.len);
		CHECK(rec + ev->rec.len <= w->data + w->size);
	}
	w->last_pos = ev->rec.pos;
	w->count++;
}

int LLVMFuzzerTestOneInput(uint8_t const *in, size_t len)
{
	uint64_t pos = 0, lost = 0, h1, h2;
	walk_t w = {0};

	if (len > sizeof(buf))
		len = sizeof(buf);
	memset(buf, 0, sizeof(buf));
	memcpy(buf, in, len);
	gn_err_t err = gn_trace_buffer_read(
		buf, len, scratch, sizeof(scratch), &pos, &lost, check_event, &w);
	CHECK(err == GN_OK || err == GN_ERR_INVALID_ARG || err == GN_ERR_BAD_MSG);

	if (len < 24 + GN_TRACE_BUFFER_MIN)
		return 0;
	memcpy(&h1, in, 8);
	memcpy(&h2, in + 8, 8);
	memcpy(&pos, in + 16, 8);
	uint32_t const size = (uint32_t)((len - 24) & ~(size_t)(GN_TRACE_ALIGN - 1));
	memcpy(scratch, in + 24, size);
	w = (walk_t){.data = scratch, .size = size};
	uint64_t const start = pos;
	err = gn_trace_buffer_walk(scratch, size, h1, h2, &pos, &lost, check_event, &w);
	CHECK(err == GN_OK || err == GN_ERR_INVALID_ARG || err == GN_ERR_BAD_MSG);
	if (err == GN_OK)
		CHECK(pos == h1 && pos >= start);
	return 0;
}
