/*
 * Trace buffers: records read back exactly as written, in every layout; a ring that wrapped many
 * times hands out exactly the newest records, contiguous and intact, and says how much was lost; a
 * reader continues where it stopped; records overwritten while a reader copied are not handed
 * out; every kind of corruption is refused without reading outside the buffer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gneiss/trace_buffer.h>

enum {
	DATA = GN_TRACE_BUFFER_MIN,
	BYTES = sizeof(gn_trace_buffer_hdr_t) + DATA
};

static _Alignas(16) uint8_t mem[BYTES];
static _Alignas(16) uint8_t scratch[DATA];

typedef struct {
	unsigned count;
	uint64_t first_seq, last_seq;
	bool contiguous;
	gn_trace_event_view_t last;
	char payload[GN_TRACE_PAYLOAD_MAX + 1];
} seen_t;

static void collect(void *ctx, gn_trace_event_view_t const *ev)
{
	seen_t *s = ctx;

	if (s->count == 0)
		s->first_seq = ev->rec.seq;
	else if (ev->rec.seq != s->last_seq + 1)
		s->contiguous = false;
	s->last_seq = ev->rec.seq;
	s->last = *ev;
	memcpy(s->payload, ev->payload, ev->rec.payload_len);
	s->payload[ev->rec.payload_len] = 0;
	s->count++;
}

static gn_trace_writer_t fresh(void)
{
	gn_trace_writer_t w;

	memset(mem, 0xee, sizeof(mem));
	assert_int_equal(gn_trace_writer_init(&w, mem, sizeof(mem), 1000), GN_OK);
	return w;
}

static gn_err_t read_all(uint64_t *pos, uint64_t *lost, seen_t *s)
{
	*s = (seen_t){.contiguous = true};
	return gn_trace_buffer_read(
		mem, sizeof(mem), scratch, sizeof(scratch), pos, lost, collect, s);
}

static void every_layout_round_trips(void **state)
{
	gn_trace_writer_t w = fresh();
	uint64_t pos = 0, lost = 1;
	seen_t s;

	(void)state;
	assert_true(gn_trace_write(
		&w, GN_TRACE_RPC_CALL, GN_TRACE_LAYOUT_HEADER, 0, 11, 5, 6, NULL, 0));
	assert_int_equal(read_all(&pos, &lost, &s), GN_OK);
	assert_int_equal(s.count, 1);
	assert_int_equal(s.last.rec.kind, GN_TRACE_RPC_CALL);
	assert_int_equal(s.last.rec.tsc, 11);
	assert_int_equal(s.last.rec.a0, 0); /* not recorded in this layout */
	assert_int_equal(lost, 0);

	assert_true(
		gn_trace_write(&w, GN_TRACE_RPC_REPLY, GN_TRACE_LAYOUT_ARGS, 1, 12, 5, 6, "x", 1));
	assert_int_equal(read_all(&pos, &lost, &s), GN_OK);
	assert_int_equal(s.count, 1);
	assert_int_equal(s.last.rec.a0, 5);
	assert_int_equal(s.last.rec.a1, 6);
	assert_int_equal(s.last.rec.payload_len, 0); /* no payload in this layout */

	assert_true(
		gn_trace_write(&w, GN_TRACE_LOG, GN_TRACE_LAYOUT_PAYLOAD, 2, 13, 0, 5, "hello", 5));
	assert_int_equal(read_all(&pos, &lost, &s), GN_OK);
	assert_int_equal(s.count, 1);
	assert_string_equal(s.payload, "hello");
	assert_int_equal(pos, __atomic_load_n(&((gn_trace_buffer_hdr_t *)mem)->head, 0));

	/* a payload is cut to GN_TRACE_PAYLOAD_MAX */
	char big[GN_TRACE_PAYLOAD_MAX * 2];
	memset(big, 'a', sizeof(big));
	assert_true(gn_trace_write(
		&w, GN_TRACE_LOG, GN_TRACE_LAYOUT_PAYLOAD, 3, 14, 0, 0, big, sizeof(big)));
	assert_int_equal(read_all(&pos, &lost, &s), GN_OK);
	assert_int_equal(s.last.rec.payload_len, GN_TRACE_PAYLOAD_MAX);
}

/* A writer prepared again over its own buffer (paused, resumed) continues, the header untouched. */
static void a_prepared_buffer_is_continued(void **state)
{
	gn_trace_writer_t w = fresh(), again;
	uint64_t pos = 0, lost = 0;
	seen_t s;

	(void)state;
	for (uint64_t i = 0; i < 3; i++)
		assert_true(gn_trace_write(
			&w, GN_TRACE_LOG, GN_TRACE_LAYOUT_ARGS, i, i, 0, 0, NULL, 0));
	uint64_t const head = w.head;
	assert_int_equal(read_all(&pos, &lost, &s), GN_OK);
	assert_int_equal(gn_trace_writer_init(&again, mem, sizeof(mem), 1000), GN_OK);
	assert_int_equal(again.head, head);
	assert_int_equal(((gn_trace_buffer_hdr_t *)mem)->head, head);
	assert_true(
		gn_trace_write(&again, GN_TRACE_LOG, GN_TRACE_LAYOUT_ARGS, 3, 3, 0, 0, NULL, 0));
	assert_int_equal(read_all(&pos, &lost, &s), GN_OK);
	assert_int_equal(s.count, 1);
	assert_int_equal(s.first_seq, 3);

	/* a header of another size is no buffer of this writer's: it starts afresh */
	((gn_trace_buffer_hdr_t *)mem)->size = DATA - GN_TRACE_ALIGN;
	assert_int_equal(gn_trace_writer_init(&again, mem, sizeof(mem), 1000), GN_OK);
	assert_int_equal(again.head, 0);
	assert_int_equal(((gn_trace_buffer_hdr_t *)mem)->size, DATA);
}

static void invalid_writes_are_refused(void **state)
{
	gn_trace_writer_t w = fresh(), none = {0};

	(void)state;
	assert_false(gn_trace_write(&w, GN_TRACE_PAD, GN_TRACE_LAYOUT_ARGS, 0, 0, 0, 0, NULL, 0));
	assert_false(gn_trace_write(&w, GN_TRACE_EVENT_COUNT, 0, 0, 0, 0, 0, NULL, 0));
	assert_false(gn_trace_write(&w, GN_TRACE_LOG, GN_TRACE_LAYOUT_COUNT, 0, 0, 0, 0, NULL, 0));
	assert_false(gn_trace_write(&none, GN_TRACE_LOG, 0, 0, 0, 0, 0, NULL, 0));
	assert_int_equal(gn_trace_writer_init(&w, mem + 8, sizeof(mem) - 8, 0), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_trace_writer_init(&w, mem, BYTES - 16, 0), GN_ERR_INVALID_ARG);
}

/* Many laps: exactly the newest records are read, contiguous, and the rest counted as lost. */
static void wrapping_keeps_the_newest_intact(void **state)
{
	gn_trace_writer_t w = fresh();
	uint64_t pos = 0, lost = 0;
	seen_t s;
	char text[40];

	(void)state;
	for (uint64_t i = 0; i < 5000; i++) {
		size_t const n =
			(size_t)snprintf(text, sizeof(text), "event %llu", (unsigned long long)i);
		assert_true(gn_trace_write(&w, GN_TRACE_CHECKPOINT, GN_TRACE_LAYOUT_PAYLOAD, i, i,
			i, 0, text, i % 3 ? n : 0));
	}
	assert_int_equal(read_all(&pos, &lost, &s), GN_OK);
	assert_true(s.contiguous);
	assert_int_equal(s.last_seq, 4999);
	assert_true(s.count > 50 && s.count < 5000);
	assert_true(lost > 0);
	assert_int_equal(s.last.rec.a0, 4999);
	assert_string_equal(s.payload, "event 4999");

	/* the reader continues exactly where it stopped */
	assert_true(gn_trace_write(
		&w, GN_TRACE_CHECKPOINT, GN_TRACE_LAYOUT_ARGS, 5000, 0, 0, 0, NULL, 0));
	assert_int_equal(read_all(&pos, &lost, &s), GN_OK);
	assert_int_equal(s.count, 1);
	assert_int_equal(s.first_seq, 5000);
	assert_int_equal(lost, 0);
}

/*
 * A writer that ran while the reader copied: the walk gets a second head beyond the first. Records
 * the writer may have overwritten meanwhile are not handed out, though the copy still shows them.
 */
static void records_overwritten_during_the_copy_are_skipped(void **state)
{
	gn_trace_writer_t w = fresh();
	uint64_t pos = 0, lost = 0;
	seen_t s = {.contiguous = true};

	(void)state;
	for (uint64_t i = 0; i < 50; i++) /* 50 records of 48 bytes: within the first lap */
		assert_true(gn_trace_write(
			&w, GN_TRACE_SIGNAL_SUBMIT, GN_TRACE_LAYOUT_ARGS, i, i, 1, 1, NULL, 0));
	uint8_t const *data = mem + sizeof(gn_trace_buffer_hdr_t);
	uint64_t const h1 = w.head, h2 = DATA + 1000; /* the writer reached 1000 bytes into lap 2 */
	assert_int_equal(gn_trace_buffer_walk(data, DATA, h1, h2, &pos, &lost, collect, &s), GN_OK);
	assert_int_equal(s.first_seq, 21); /* 1000 / 48 = 20.8: records 0..20 may be torn */
	assert_int_equal(s.last_seq, 49);
	assert_true(s.contiguous);
	assert_int_equal(lost, 21 * 48);
	assert_int_equal(pos, h1);

	/* nothing is intact when the writer lapped the whole copy */
	pos = 0;
	s = (seen_t){.contiguous = true};
	assert_int_equal(
		gn_trace_buffer_walk(data, DATA, h1, h1 + DATA, &pos, &lost, collect, &s), GN_OK);
	assert_int_equal(s.count, 0);
	assert_int_equal(lost, h1);
}

static void corruption_is_refused(void **state)
{
	gn_trace_writer_t w = fresh();
	uint64_t pos = 0, lost = 0;
	seen_t s;

	(void)state;
	for (uint64_t i = 0; i < 10; i++)
		assert_true(gn_trace_write(
			&w, GN_TRACE_RPC_CALL, GN_TRACE_LAYOUT_ARGS, i, i, 1, 1, NULL, 0));
	gn_trace_record_t *third =
		(gn_trace_record_t *)(mem + sizeof(gn_trace_buffer_hdr_t) + 2 * 48);
	third->len = 1 << 30;
	assert_int_equal(read_all(&pos, &lost, &s), GN_ERR_BAD_MSG);
	assert_int_equal(s.count, 2); /* the records before it were handed out */
	assert_int_equal(pos, 2 * 48);

	third->len = 48;
	third->kind = 200;
	pos = 0;
	assert_int_equal(read_all(&pos, &lost, &s), GN_ERR_BAD_MSG);
	third->kind = GN_TRACE_RPC_CALL;
	third->payload_len = 5; /* payload in an ARGS record */
	pos = 0;
	assert_int_equal(read_all(&pos, &lost, &s), GN_ERR_BAD_MSG);
	third->payload_len = 0;
	pos = 0;
	assert_int_equal(read_all(&pos, &lost, &s), GN_OK);
	assert_int_equal(s.count, 10);

	/* a header that lies about the size or the head, a reader position beyond the head */
	gn_trace_buffer_hdr_t *h = (gn_trace_buffer_hdr_t *)mem;
	h->size = DATA * 2;
	pos = 0;
	assert_int_equal(read_all(&pos, &lost, &s), GN_ERR_INVALID_ARG);
	h->size = DATA;
	pos = w.head + 16;
	assert_int_equal(read_all(&pos, &lost, &s), GN_ERR_BAD_MSG);
	h->magic = 0;
	pos = 0;
	assert_int_equal(read_all(&pos, &lost, &s), GN_ERR_INVALID_ARG);
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(every_layout_round_trips),
		cmocka_unit_test(a_prepared_buffer_is_continued),
		cmocka_unit_test(invalid_writes_are_refused),
		cmocka_unit_test(wrapping_keeps_the_newest_intact),
		cmocka_unit_test(records_overwritten_during_the_copy_are_skipped),
		cmocka_unit_test(corruption_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
