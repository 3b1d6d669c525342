/*
 * The report_rom scenario's reader: reads the ROM "state" (test-reporter's report) and logs each
 * content it sees, checking that it is whole, until it saw the last report; acknowledges each one
 * through its own report "ack", which the reporter reads as a ROM, so that the first reports come
 * in lockstep. Also: a second ROM of the same report is signalled and gets the same content; a ROM
 * without a policy is refused; a report outgrowing the ROM session's donation is answered with
 * OUT_OF_RAM until the session is upgraded; when the reporter closes its session the ROM is empty
 * again; every donation comes back.
 */
#include <gneiss/dataspace.h>
#include <gneiss/env.h>
#include <gneiss/fmt.h>
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gneiss/pd_session.h>
#include <gneiss/report_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/string.h>
#include <gneiss/xml.h>

#include "test_check.h"
#include "../test-reporter/test_report.h"

typedef struct {
	char const *name;
	uint32_t id;
	gn_cap_t session, sig, ds;
	uint64_t donated; /* what this component gave, upgrades included */
	char *addr;       /* the attached content, NUL-terminated */
	size_t mapped;
	bool writable; /* components cannot seal a dataspace: ROMs of servers are writable */
} rom_t;

gn_env_t *test_env;
static gn_cap_t pause_sig; /* never submitted: waiting on it is a pause */

static gn_pd_quota_res_t quota(void)
{
	gn_pd_quota_res_t q;
	gn_rpc_void_t none = {0};

	TEST_OK(gn_pd_session_quota(test_env->pd, &none, &q, NULL, NULL));
	return q;
}

static void rom_open(rom_t *r, char const *name, uint64_t ram)
{
	gn_rpc_void_t none = {0};
	char args[GN_SESSION_ARGS_MAX];

	*r = (rom_t){.name = name, .donated = ram};
	TEST_OK(gn_fmt(args, sizeof(args), NULL, "ram_quota=%llu, cap_quota=2, label=\"%s\"",
		(unsigned long long)ram, name));
	TEST_OK(gn_session(test_env, "ROM", args, &r->session, &r->id));
	TEST_OK(gn_pd_session_alloc_signal(test_env->pd, &none, &none, NULL, &r->sig));
	TEST_OK(gn_rom_session_sigh(r->session, &none, &none, &r->sig, NULL));
}

static void rom_detach(rom_t *r)
{
	if (r->addr)
		gn_ds_detach(r->addr, r->mapped);
	gn_cap_drop(r->ds);
	r->addr = NULL;
	r->ds = GN_CAP_INVALID;
}

/*
 * Fetches the ROM's current content (the old dataspace is no longer used once asked again). When
 * report_rom answers OUT_OF_RAM, doubles the donation and asks again until report_rom has taken
 * the upgrade in (it learns of it asynchronously, from its parent).
 */
static uint64_t rom_read(rom_t *r)
{
	gn_rpc_void_t none = {0};
	gn_rom_dataspace_res_t info;
	gn_err_t err;

	rom_detach(r);
	unsigned waited = 0;
	while ((err = gn_rom_session_dataspace(r->session, &none, &info, NULL, &r->ds)) ==
		GN_ERR_OUT_OF_RAM) {
		if (waited == 0) {
			TEST_OK(gn_session_upgrade(test_env, r->id, r->donated, 0));
			r->donated *= 2;
			gn_log("%s: the report outgrew the session's donation, upgraded it to %llu "
			       "bytes",
				r->name, (unsigned long long)r->donated);
		}
		TEST_CHECK(++waited < 500);
		gn_ignore(gn_ep_wait_signal(test_env->ep, pause_sig, 10));
	}
	TEST_OK(err);
	void *addr;
	TEST_OK(gn_ds_attach(r->ds, &addr, &r->mapped, &r->writable));
	r->addr = addr;
	TEST_CHECK(info.size < r->mapped && r->addr[info.size] == 0);
	return info.size;
}

/* Checks that the len bytes of content are report k as test-reporter writes it; returns k. */
static unsigned check_report(char const *content, uint64_t len)
{
	gn_xml_node_t node;
	uint64_t k = 0, bytes = 0;
	char const *text;
	size_t text_len;

	TEST_OK(gn_xml_parse(content, len, &node, NULL));
	TEST_CHECK(gn_xml_has_type(&node, "state"));
	TEST_OK(gn_xml_attr_u64(&node, "counter", 0, &k));
	TEST_OK(gn_xml_attr_u64(&node, "bytes", 0, &bytes));
	TEST_CHECK(k >= 1 && k <= TEST_REPORT_LAST && bytes == len && len == TEST_REPORT_BYTES(k));
	gn_xml_content(&node, &text, &text_len);
	for (size_t i = 0; i < text_len; i++)
		TEST_CHECK(text[i] == TEST_REPORT_FILL(k));
	return (unsigned)k;
}

static void ack(char *buffer, gn_cap_t report, unsigned k)
{
	gn_rpc_void_t none = {0};
	size_t len;

	TEST_OK(gn_fmt(buffer, TEST_REPORT_ACK_BUFFER, &len, "<ack seen=\"%u\"/>", k));
	TEST_OK(gn_report_session_submit(
		report, &(gn_report_submit_args_t){len}, &none, NULL, NULL));
}

/* Waits for the next signal of r (the reporter is not slow: 5 s means it is stuck). */
static void await(rom_t const *r)
{
	TEST_OK(gn_ep_wait_signal(test_env->ep, r->sig, 5000));
}

/* Reads every report of "state" until the last; returns its size. */
static uint64_t follow(rom_t *state, char *ack_buffer, gn_cap_t ack_report)
{
	unsigned seen = 0;

	for (;;) {
		await(state);
		uint64_t const len = rom_read(state);
		if (len == 0)
			continue; /* not yet */
		unsigned const k = check_report(state->addr, len);
		if (k == seen)
			continue; /* seen already: a signal can come after its content was read */
		TEST_CHECK(k > seen && (k > TEST_REPORT_LOCKSTEP || k == seen + 1));
		gn_log("state: report %u of %llu bytes, whole", k, (unsigned long long)len);
		seen = k;
		if (k == TEST_REPORT_LAST)
			return len;
		ack(ack_buffer, ack_report, k);
	}
}

void gn_component_construct(gn_env_t *env)
{
	gn_rpc_void_t none = {0};
	rom_t state, mirror;
	gn_cap_t other, ack_report, ack_ds;
	uint32_t other_id, ack_id;
	gn_report_dataspace_res_t ack_info;
	void *ack_addr;
	size_t ack_mapped;
	bool writable;

	test_env = env;
	TEST_OK(gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &pause_sig));
	gn_pd_quota_res_t const before = quota();

	/* registered before the first read: no report can slip in between unsignalled */
	rom_open(&state, "state", 4096);
	rom_open(&mirror, "mirror", 16384);
	TEST_CHECK(rom_read(&state) == 0 && rom_read(&mirror) == 0);
	gn_log("state: empty (0 bytes) before the first report");

	TEST_EXPECT(gn_session(env, "ROM", "ram_quota=4K, cap_quota=2, label=\"secret\"", &other,
			    &other_id),
		GN_ERR_DENIED);
	gn_log("secret: refused, no policy selects it");

	TEST_OK(gn_session(env, "Report",
		"ram_quota=8K, cap_quota=3, buffer_size=256, label=\"ack\"", &ack_report, &ack_id));
	TEST_OK(gn_report_session_dataspace(ack_report, &none, &ack_info, NULL, &ack_ds));
	TEST_OK(gn_ds_attach(ack_ds, &ack_addr, &ack_mapped, &writable));
	TEST_CHECK(writable && ack_info.size == TEST_REPORT_ACK_BUFFER &&
		   ack_mapped >= TEST_REPORT_ACK_BUFFER);
	ack(ack_addr, ack_report, 0); /* the reporter starts now */

	uint64_t const len = follow(&state, ack_addr, ack_report);

	/* every submit signalled the mirror too; it must have the same last report */
	await(&mirror);
	TEST_CHECK(rom_read(&mirror) == len && gn_memcmp(mirror.addr, state.addr, len) == 0);
	gn_log("mirror: signalled as well, the same report %u", (unsigned)TEST_REPORT_LAST);
	if (state.writable) /* a reader may spoil its own copy, but no other reader's */
		gn_memset(state.addr, '#', len);
	TEST_CHECK(rom_read(&mirror) == len && check_report(mirror.addr, len) == TEST_REPORT_LAST);
	gn_log("mirror: still whole, whatever the reader wrote into its state dataspace");
	ack(ack_addr, ack_report, TEST_REPORT_LAST);

	/* the reporter closes its session once it saw the last ack: the report goes with it */
	do
		await(&state);
	while (rom_read(&state) != 0);
	gn_log("state: empty again after the reporter closed its session");

	gn_ds_detach(ack_addr, ack_mapped);
	gn_cap_drop(ack_ds);
	gn_session_close(env, ack_id, ack_report);
	rom_detach(&state);
	rom_detach(&mirror);
	gn_session_close(env, state.id, state.session);
	gn_session_close(env, mirror.id, mirror.session);
	gn_pd_quota_res_t const after = quota();
	TEST_CHECK(after.ram_quota == before.ram_quota && after.cap_quota == before.cap_quota);
	gn_log("all donations came back");
	gn_exit(env, 0);
}
