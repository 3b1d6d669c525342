/*
 * Trace buffers: the writer of the traced thread and the reader of everyone else.
 *
 * Positions count bytes written since the buffer began; a record at position p lies at offset
 * p % size. The writer fills a lap with records and a PAD to its end, so every lap starts with a
 * record at offset 0, and publishes the new head only after the record is complete. A reader
 * copies the data between two reads of the head (h1 before, h2 after): a record is intact when it
 * ends at or before h1 and starts at or after h2 - size (nothing written during the copy reached
 * it). The oldest intact record is found by its stored position: from offset (h2 - size) % size
 * on, the first 16-byte step whose record claims exactly that position starts the walk.
 */
#include <gneiss/string.h>
#include <gneiss/trace_buffer.h>

static uint32_t align_up(size_t n)
{
	return (uint32_t)((n + GN_TRACE_ALIGN - 1) & ~(size_t)(GN_TRACE_ALIGN - 1));
}

gn_err_t gn_trace_writer_init(gn_trace_writer_t *w, void *mem, size_t bytes, uint64_t tsc_per_ms)
{
	*w = (gn_trace_writer_t){0};
	if (!mem || ((uintptr_t)mem & (GN_TRACE_ALIGN - 1)) ||
		bytes < sizeof(gn_trace_buffer_hdr_t))
		return GN_ERR_INVALID_ARG;
	size_t const data = (bytes - sizeof(gn_trace_buffer_hdr_t)) & ~(size_t)(GN_TRACE_ALIGN - 1);
	if (data < GN_TRACE_BUFFER_MIN || data > GN_TRACE_BUFFER_MAX)
		return GN_ERR_INVALID_ARG;
	gn_trace_buffer_hdr_t *h = mem;
	uint64_t const head = h->head;
	/* a buffer of this size that a writer prepared before (paused and resumed): continue it */
	if (__atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) == GN_TRACE_BUFFER_MAGIC &&
		h->size == data && head % GN_TRACE_ALIGN == 0) {
		*w = (gn_trace_writer_t){h, (uint8_t *)mem + sizeof(*h), (uint32_t)data, head};
		return GN_OK;
	}
	*h = (gn_trace_buffer_hdr_t){.size = (uint32_t)data, .tsc_per_ms = tsc_per_ms};
	__atomic_store_n(&h->magic, GN_TRACE_BUFFER_MAGIC, __ATOMIC_RELEASE);
	*w = (gn_trace_writer_t){h, (uint8_t *)mem + sizeof(*h), (uint32_t)data, 0};
	return GN_OK;
}

bool gn_trace_write(gn_trace_writer_t *w, unsigned kind, unsigned layout, uint64_t seq,
	uint64_t tsc, uint64_t a0, uint64_t a1, void const *payload, size_t payload_len)
{
	if (!w->hdr || kind == GN_TRACE_PAD || kind >= GN_TRACE_EVENT_COUNT ||
		layout >= GN_TRACE_LAYOUT_COUNT)
		return false;
	if (layout != GN_TRACE_LAYOUT_PAYLOAD || !payload)
		payload_len = 0;
	if (payload_len > GN_TRACE_PAYLOAD_MAX)
		payload_len = GN_TRACE_PAYLOAD_MAX;
	uint32_t const hdr_len = gn_trace_record_hdr_len(layout);
	uint32_t const len = align_up(hdr_len + payload_len);
	uint32_t off = (uint32_t)(w->head % w->size);

	if (off + len > w->size) { /* the rest of the lap is a PAD, the record starts the next */
		gn_trace_record_t *pad = (gn_trace_record_t *)(w->data + off);
		pad->len = w->size - off;
		pad->kind = GN_TRACE_PAD;
		pad->layout = 0;
		pad->payload_len = 0;
		pad->pos = w->head;
		w->head += w->size - off;
		off = 0;
	}
	gn_trace_record_t *r = (gn_trace_record_t *)(w->data + off);
	r->len = len;
	r->kind = (uint8_t)kind;
	r->layout = (uint8_t)layout;
	r->payload_len = (uint16_t)payload_len;
	r->pos = w->head;
	r->seq = seq;
	r->tsc = tsc;
	if (layout != GN_TRACE_LAYOUT_HEADER) {
		r->a0 = a0;
		r->a1 = a1;
	}
	if (payload_len)
		gn_memcpy((uint8_t *)r + hdr_len, payload, payload_len);
	w->head += len;
	__atomic_store_n(&w->hdr->head, w->head, __ATOMIC_RELEASE);
	return true;
}

/* Whether the record at position p (offset off of the copied data) is well-formed. */
static bool record_valid(gn_trace_record_t const *r, uint64_t p, uint32_t off, uint32_t size)
{
	if (r->pos != p || r->len < GN_TRACE_ALIGN || r->len % GN_TRACE_ALIGN ||
		r->len > size - off)
		return false;
	if (r->kind == GN_TRACE_PAD)
		return off + r->len == size;
	if (r->kind >= GN_TRACE_EVENT_COUNT || r->layout >= GN_TRACE_LAYOUT_COUNT)
		return false;
	uint32_t const hdr_len = gn_trace_record_hdr_len(r->layout);
	return hdr_len <= r->len && r->payload_len <= r->len - hdr_len &&
	       r->payload_len <= GN_TRACE_PAYLOAD_MAX &&
	       (r->layout == GN_TRACE_LAYOUT_PAYLOAD || r->payload_len == 0);
}

/* The first record boundary at or after position low, found by its stored position. */
static uint64_t first_intact(uint8_t const *data, uint32_t size, uint64_t low, uint64_t end)
{
	uint64_t p = (low + GN_TRACE_ALIGN - 1) & ~(uint64_t)(GN_TRACE_ALIGN - 1);

	for (; p < end; p += GN_TRACE_ALIGN) {
		uint32_t const off = (uint32_t)(p % size);
		if (off == 0 || record_valid((gn_trace_record_t const *)(data + off), p, off, size))
			return p; /* a lap starts with a record */
	}
	return end;
}

gn_err_t gn_trace_buffer_walk(uint8_t const *data, uint32_t size, uint64_t h1, uint64_t h2,
	uint64_t *pos, uint64_t *lost, gn_trace_read_fn_t fn, void *ctx)
{
	if (lost)
		*lost = 0;
	if (size < GN_TRACE_BUFFER_MIN || size % GN_TRACE_ALIGN || size > GN_TRACE_BUFFER_MAX ||
		((uintptr_t)data & (GN_TRACE_ALIGN - 1)))
		return GN_ERR_INVALID_ARG;
	if (h2 < h1 || *pos > h1) /* the writer went back, or the reader's position is not one */
		return GN_ERR_BAD_MSG;
	uint64_t const low = h2 > size ? h2 - size : 0;
	uint64_t p = *pos;
	if (p < low) {
		p = first_intact(data, size, low, h1);
		if (lost)
			*lost = p - *pos;
	}
	while (p < h1) {
		uint32_t const off = (uint32_t)(p % size);
		gn_trace_record_t const *r = (gn_trace_record_t const *)(data + off);
		if (!record_valid(r, p, off, size) || p + r->len > h1) {
			*pos = p;
			return GN_ERR_BAD_MSG;
		}
		if (r->kind != GN_TRACE_PAD) {
			gn_trace_event_view_t ev = {
				.payload = (uint8_t const *)r + gn_trace_record_hdr_len(r->layout)};
			gn_memcpy(&ev.rec, r, gn_trace_record_hdr_len(r->layout));
			fn(ctx, &ev);
		}
		p += r->len;
	}
	*pos = p;
	return GN_OK;
}

gn_err_t gn_trace_buffer_read(void const volatile *buf, size_t mapped, void *scratch,
	size_t scratch_size, uint64_t *pos, uint64_t *lost, gn_trace_read_fn_t fn, void *ctx)
{
	gn_trace_buffer_hdr_t const volatile *h = buf;

	if (lost)
		*lost = 0;
	if (mapped < sizeof(*h) ||
		__atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != GN_TRACE_BUFFER_MAGIC)
		return GN_ERR_INVALID_ARG;
	uint32_t const size = h->size;
	if (size > mapped - sizeof(*h) || size > scratch_size)
		return GN_ERR_INVALID_ARG;
	uint64_t const h1 = __atomic_load_n(&h->head, __ATOMIC_ACQUIRE);
	gn_memcpy(scratch, (uint8_t const *)buf + sizeof(*h), size);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	uint64_t const h2 = __atomic_load_n(&h->head, __ATOMIC_ACQUIRE);
	return gn_trace_buffer_walk(scratch, size, h1, h2, pos, lost, fn, ctx);
}

char const *gn_trace_event_name(unsigned kind)
{
	static char const *const names[GN_TRACE_EVENT_COUNT] = {"pad", "rpc_call", "rpc_returned",
		"rpc_dispatch", "rpc_reply", "signal_submit", "signal_receive", "log",
		"checkpoint"};

	return kind < GN_TRACE_EVENT_COUNT ? names[kind] : "?";
}
