/* A server's reading of its session_requests ROM (gneiss/session_requests.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <gneiss/session_requests.h>

typedef struct {
	gn_session_request_t req[8];
	unsigned n;
} seen_t;

static void collect(void *ctx, gn_session_request_t const *req)
{
	seen_t *s = ctx;

	assert_true(s->n < 8);
	s->req[s->n++] = *req;
}

static gn_err_t parse(char const *doc, seen_t *s)
{
	memset(s, 0, sizeof(*s));
	return gn_session_requests_parse(doc, strlen(doc), collect, s);
}

static void reads_each_kind_in_order(void **state)
{
	seen_t s;

	(void)state;
	assert_int_equal(parse("<session_requests>"
			       " <create id=\"17\" service=\"Timer\" label=\"a -> b\">"
			       "  <args>ram_quota=8K, label=\"a -&gt; b\"</args>"
			       "  <affinity xpos=\"0\"/>"
			       " </create>"
			       " <upgrade id=\"18\" ram_quota=\"4096\" cap_quota=\"2\"/>"
			       " <close id=\"4294967295\"/>"
			       "</session_requests>",
				 &s),
		GN_OK);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.req[0].kind, GN_SESSION_REQUEST_CREATE);
	assert_int_equal(s.req[0].id, 17);
	assert_true(s.req[0].complete);
	assert_string_equal(s.req[0].service, "Timer");
	assert_string_equal(s.req[0].args, "ram_quota=8K, label=\"a -> b\"");
	assert_int_equal(s.req[1].kind, GN_SESSION_REQUEST_UPGRADE);
	assert_int_equal(s.req[1].id, 18);
	assert_true(s.req[1].complete);
	assert_int_equal(s.req[1].ram, 4096);
	assert_int_equal(s.req[1].caps, 2);
	assert_int_equal(s.req[2].kind, GN_SESSION_REQUEST_CLOSE);
	assert_int_equal(s.req[2].id, UINT32_MAX);
}

static void skips_nodes_without_a_usable_id_or_known_type(void **state)
{
	seen_t s;

	(void)state;
	assert_int_equal(
		parse("<session_requests>"
		      "<close id=\"0\"/><close id=\"4294967296\"/><close id=\"x\"/><close/>"
		      "<destroy id=\"3\"/><close id=\"5\"/>"
		      "</session_requests>",
			&s),
		GN_OK);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.req[0].id, 5);
	assert_int_equal(parse("<session_requests/>", &s), GN_OK);
	assert_int_equal(s.n, 0);
}

static void incomplete_requests_carry_no_data(void **state)
{
	char doc[512];
	seen_t s;

	(void)state;
	/* no args, a service name one too long, args one too long, a quota that is no number */
	snprintf(doc, sizeof(doc),
		"<session_requests><create id=\"1\" service=\"LOG\"/>"
		"<create id=\"2\" service=\"%0*d\"><args>x</args></create>"
		"<create id=\"3\" service=\"LOG\"><args>%0*d</args></create>"
		"<upgrade id=\"4\" ram_quota=\"lots\" cap_quota=\"1\"/>"
		"<upgrade id=\"5\" ram_quota=\"7\"/></session_requests>",
		GN_SERVICE_NAME_MAX, 0, GN_SESSION_ARGS_MAX, 0);
	assert_int_equal(parse(doc, &s), GN_OK);
	assert_int_equal(s.n, 5);
	for (unsigned i = 0; i < 4; i++) {
		assert_false(s.req[i].complete);
		assert_string_equal(s.req[i].service, "");
		assert_string_equal(s.req[i].args, "");
		assert_int_equal(s.req[i].ram, 0);
		assert_int_equal(s.req[i].caps, 0);
	}
	/* an absent quota counts as 0 */
	assert_true(s.req[4].complete);
	assert_int_equal(s.req[4].ram, 7);
	assert_int_equal(s.req[4].caps, 0);
}

static void malformed_documents_yield_nothing(void **state)
{
	seen_t s;

	(void)state;
	assert_int_not_equal(parse("", &s), GN_OK);
	assert_int_not_equal(parse("<session_requests><close id=\"1\"/>", &s), GN_OK);
	assert_int_not_equal(parse("<a/><b/>", &s), GN_OK);
	assert_int_equal(s.n, 0);
}

static void snapshot_trusts_no_header(void **state)
{
	union {
		gn_session_requests_hdr_t hdr;
		char bytes[64];
	} rom;
	char doc[32];
	size_t len = 99;

	(void)state;
	memset(&rom, 0, sizeof(rom));
	memcpy(rom.bytes + sizeof(rom.hdr), "<x/>", 4);
	rom.hdr = (gn_session_requests_hdr_t){2, 4};
	assert_true(gn_session_requests_snapshot(&rom.hdr, sizeof(rom), doc, sizeof(doc), &len));
	assert_int_equal(len, 4);
	assert_memory_equal(doc, "<x/>", 4);

	rom.hdr.seq = 3; /* the parent is writing */
	assert_false(gn_session_requests_snapshot(&rom.hdr, sizeof(rom), doc, sizeof(doc), &len));
	rom.hdr = (gn_session_requests_hdr_t){2, sizeof(rom) - sizeof(rom.hdr) + 1};
	assert_false(gn_session_requests_snapshot(&rom.hdr, sizeof(rom), doc, sizeof(doc), &len));
	rom.hdr = (gn_session_requests_hdr_t){2, sizeof(doc)}; /* no room for a NUL */
	assert_false(gn_session_requests_snapshot(&rom.hdr, sizeof(rom), doc, sizeof(doc), &len));
	rom.hdr = (gn_session_requests_hdr_t){2, UINT64_MAX};
	assert_false(gn_session_requests_snapshot(&rom.hdr, sizeof(rom), doc, sizeof(doc), &len));
	rom.hdr = (gn_session_requests_hdr_t){2, 0};
	assert_false(gn_session_requests_snapshot(&rom.hdr, sizeof(rom.hdr) - 1, doc, 1, &len));
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(reads_each_kind_in_order),
		cmocka_unit_test(skips_nodes_without_a_usable_id_or_known_type),
		cmocka_unit_test(incomplete_requests_carry_no_data),
		cmocka_unit_test(malformed_documents_yield_nothing),
		cmocka_unit_test(snapshot_trusts_no_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
