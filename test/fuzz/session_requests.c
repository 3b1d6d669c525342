/*
 * libFuzzer target for the server library's reading of its session_requests ROM
 * (gneiss/session_requests.h): the snapshot of the shared dataspace, then the parse of the
 * document into create/upgrade/close requests that lib/base/service.c answers.
 *
 * The first input byte chooses the mode:
 *   bit 0 clear, raw: the rest is the ROM. With bit 1 it starts with the ROM's header (sequence
 *          number and length, as a parent, hostile or broken, left them); without, the header is
 *          a consistent one for the rest. Bit 2 makes the reader's copy buffer small.
 *   bit 0 set, structured: the rest is a list of requests, written as a parent writes them (the
 *          generator, as gn_session_fsm_gen_requests does), some damaged on purpose (no id, an id
 *          out of range or not a number, an unknown node, a missing <args>, a quota that is no
 *          number, names and args longer than the wire allows). Bit 1 leaves the sequence number
 *          odd (the parent is writing): then nothing may be read.
 * The ROM and each copy live in heap blocks of exactly their size, so ASan catches a read past
 * what the header or the length promised. Checked beyond "no crash": the snapshot agrees with a
 * model of its rule; every request handed over has a kind, an id in 1..UINT32_MAX and
 * NUL-terminated strings within their bounds, an incomplete one carries no data, at most one
 * request per node; and a structured document reads back as exactly the requests it was made of.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gneiss/session_requests.h>
#include <gneiss/xml.h>
#include <gneiss/xml_gen.h>

#define CHECK(cond) ((cond) ? (void)0 : abort())

enum {
	REQUESTS_MAX = 1024,
	SMALL_DOC = 64,
	HDR = sizeof(gn_session_requests_hdr_t),
};

typedef struct {
	gn_session_request_t got[REQUESTS_MAX];
	unsigned n;
} seen_t;

static seen_t seen;
static gn_session_request_t want[REQUESTS_MAX];
static char gen_buf[GN_SESSION_REQUESTS_SIZE];

static bool is_empty(gn_session_request_t const *r)
{
	return !r->service[0] && !r->args[0] && !r->ram && !r->caps;
}

/* The invariants every request handed to a server holds. */
static void collect(void *ctx, gn_session_request_t const *r)
{
	seen_t *s = ctx;

	CHECK(r->kind == GN_SESSION_REQUEST_CREATE || r->kind == GN_SESSION_REQUEST_UPGRADE ||
		r->kind == GN_SESSION_REQUEST_CLOSE);
	CHECK(r->id != 0);
	CHECK(strnlen(r->service, sizeof(r->service)) < sizeof(r->service));
	CHECK(strnlen(r->args, sizeof(r->args)) < sizeof(r->args));
	CHECK(r->complete || is_empty(r));
	CHECK(r->kind == GN_SESSION_REQUEST_CREATE || (!r->service[0] && !r->args[0]));
	CHECK(r->kind == GN_SESSION_REQUEST_UPGRADE || (!r->ram && !r->caps));
	CHECK(r->kind != GN_SESSION_REQUEST_CLOSE || r->complete);
	CHECK(s->n < REQUESTS_MAX);
	s->got[s->n++] = *r;
}

/* A heap ROM of exactly rom_size bytes: header (seq, len) then the bytes at data. */
static gn_session_requests_hdr_t *make_rom(
	size_t rom_size, uint64_t seq, uint64_t len, uint8_t const *data, size_t data_len)
{
	uint8_t *rom = malloc(rom_size ? rom_size : 1);
	gn_session_requests_hdr_t const h = {seq, len};

	if (rom_size >= HDR) {
		memcpy(rom, &h, HDR);
		memcpy(rom + HDR, data, data_len);
	} else {
		memcpy(rom, data, rom_size);
	}
	return (gn_session_requests_hdr_t *)rom;
}

/*
 * Snapshots the ROM into an exact copy buffer of doc_size bytes and checks the verdict against
 * the model. Returns the copy (to be freed) or NULL.
 */
static char *snapshot(
	gn_session_requests_hdr_t const *rom, size_t rom_size, size_t doc_size, size_t *len)
{
	char *doc = malloc(doc_size);
	gn_session_requests_hdr_t h = {0, 0};

	if (rom_size >= HDR)
		memcpy(&h, rom, HDR);
	bool const ok =
		rom_size >= HDR && !(h.seq & 1) && h.len <= rom_size - HDR && h.len < doc_size;
	*len = 0;
	CHECK(gn_session_requests_snapshot(rom, rom_size, doc, doc_size, len) == ok);
	if (!ok) {
		free(doc);
		return NULL;
	}
	CHECK(*len == h.len && memcmp(doc, (char const *)rom + HDR, *len) == 0);
	return doc;
}

/* Parses len bytes of doc from an exact heap copy into seen; returns the verdict. */
static gn_err_t parse(char const *doc, size_t len)
{
	char *copy = malloc(len ? len : 1);
	gn_xml_node_t root;

	memcpy(copy, doc, len);
	seen.n = 0;
	gn_err_t const err = gn_session_requests_parse(copy, len, collect, &seen);
	gn_err_t const xml = len ? gn_xml_parse(copy, len, &root, NULL) : GN_ERR_INVALID_ARG;
	CHECK((err == GN_OK) == (xml == GN_OK));
	if (err != GN_OK)
		CHECK(seen.n == 0);
	else
		CHECK(seen.n <= gn_xml_num_sub(&root)); /* at most one request per node */
	free(copy);
	return err;
}

static void fuzz_raw(uint8_t mode, uint8_t const *data, size_t size)
{
	size_t const doc_size = mode & 4 ? SMALL_DOC : GN_SESSION_REQUESTS_SIZE;
	gn_session_requests_hdr_t *rom;
	size_t rom_size, len;

	if (mode & 2) {
		rom_size = size;
		rom = malloc(size ? size : 1);
		memcpy(rom, data, size);
	} else {
		rom_size = HDR + size;
		rom = make_rom(rom_size, 2, size, data, size);
	}
	char *doc = snapshot(rom, rom_size, doc_size, &len);
	if (doc) {
		gn_ignore(parse(doc, len));
		free(doc);
	}
	free(rom);
}

/* ---- structured: the parent's writing, read back ------------------------------------------------ */

typedef struct {
	uint8_t const *p;
	size_t n;
} bytes_t;

static uint8_t take(bytes_t *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint64_t take_n(bytes_t *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v = v << 8 | take(in);
	return v;
}

/* A printable string of len characters (quotes, &, < and > included: the generator escapes). */
static void take_str(bytes_t *in, char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(0x20 + take(in) % 95);
	buf[len] = 0;
}

/*
 * One request from the input, written into g; *w is what the reader must hand over, and the
 * return value whether it must hand over anything.
 */
static bool gen_one(bytes_t *in, gn_xml_gen_t *g, gn_session_request_t *w)
{
	static char const *const types[] = {"foo", "create", "upgrade", "close"};
	char service[256 + 1], args[383 + 1];
	uint8_t const t = take(in);
	unsigned const kind = t & 3, id_mode = (t >> 2) & 3;
	bool const extra = t & 0x10, damage = t & 0x20;
	uint64_t const id = take_n(in, 4);

	*w = (gn_session_request_t){.kind = (gn_session_request_kind_t)kind, .complete = true};
	gn_xml_gen_node_open(g, types[kind]);
	if (id_mode == 0)
		gn_xml_gen_attr_u64(g, "id", id);
	else if (id_mode == 2)
		gn_xml_gen_attr_u64(g, "id", ((uint64_t)1 << 32) + id);
	else if (id_mode == 3)
		gn_xml_gen_attr(g, "id", "seven");
	w->id = (uint32_t)id;
	bool const handed = kind != 0 && id_mode == 0 && id != 0;

	if (kind == GN_SESSION_REQUEST_CREATE) {
		size_t const slen = take(in), alen = take(in) + (t & 0x40 ? 128u : 0u);
		take_str(in, service, slen);
		take_str(in, args, alen);
		gn_xml_gen_attr(g, "service", service);
		gn_xml_gen_attr(g, "label", args);
		if (extra) {
			gn_xml_gen_node_open(g, "affinity");
			gn_xml_gen_attr_u64(g, "xpos", 0);
			gn_xml_gen_node_close(g);
		}
		if (!damage) {
			gn_xml_gen_node_open(g, "args");
			gn_xml_gen_content(g, args);
			gn_xml_gen_node_close(g);
		}
		w->complete = !damage && slen < GN_SERVICE_NAME_MAX && alen < GN_SESSION_ARGS_MAX;
		if (w->complete) {
			strcpy(w->service, service);
			strcpy(w->args, args);
		}
	} else if (kind == GN_SESSION_REQUEST_UPGRADE) {
		uint64_t const ram = take_n(in, 8), caps = take_n(in, 8);
		if (damage)
			gn_xml_gen_attr(g, "ram_quota", "lots");
		else
			gn_xml_gen_attr_u64(g, "ram_quota", ram);
		if (!extra)
			gn_xml_gen_attr_u64(g, "cap_quota", caps);
		w->complete = !damage;
		w->ram = damage ? 0 : ram;
		w->caps = damage || extra ? 0 : caps;
	}
	gn_xml_gen_node_close(g);
	return handed;
}

static void fuzz_structured(uint8_t mode, uint8_t const *data, size_t size)
{
	bytes_t in = {data, size};
	gn_xml_gen_t g;
	unsigned n = 0;
	size_t len;

	gn_xml_gen_init(&g, gen_buf, sizeof(gen_buf));
	gn_xml_gen_node_open(&g, "session_requests");
	while (in.n && n < REQUESTS_MAX)
		if (gen_one(&in, &g, &want[n]))
			n++;
	gn_xml_gen_node_close(&g);
	if (gn_xml_gen_finish(&g, &len) != GN_OK)
		return; /* more than a parent can write */

	size_t const rom_size = HDR + len;
	gn_session_requests_hdr_t *rom =
		make_rom(rom_size, mode & 2 ? 3 : 4, len, (uint8_t const *)gen_buf, len);
	size_t got_len;
	char *doc = snapshot(rom, rom_size, GN_SESSION_REQUESTS_SIZE, &got_len);
	free(rom);
	if (mode & 2) {
		CHECK(!doc);
		return;
	}
	CHECK(doc && got_len == len);
	CHECK(parse(doc, len) == GN_OK);
	free(doc);
	CHECK(seen.n == n);
	for (unsigned i = 0; i < n; i++) {
		gn_session_request_t const *a = &seen.got[i], *b = &want[i];
		CHECK(a->kind == b->kind && a->id == b->id && a->complete == b->complete);
		CHECK(strcmp(a->service, b->service) == 0 && strcmp(a->args, b->args) == 0);
		CHECK(a->ram == b->ram && a->caps == b->caps);
	}
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size);

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		fuzz_structured(data[0], data + 1, size - 1);
	else
		fuzz_raw(data[0], data + 1, size - 1);
	return 0;
}
