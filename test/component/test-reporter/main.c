/*
 * The report_rom scenario's reporter: publishes the report "state" TEST_REPORT_LAST times with an
 * increasing counter and size (test_report.h), the first TEST_REPORT_LOCKSTEP each after the
 * reader acknowledged the one before (it reads the reader's report "ack" as a ROM), the rest at
 * once. Also: the Report session's price (the library raises a too small donation), a report
 * beyond the buffer refused, and the donations coming back at close.
 */
#include <gneiss/dataspace.h>
#include <gneiss/env.h>
#include <gneiss/fmt.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/report_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/string.h>
#include <gneiss/xml.h>

#include "test_check.h"
#include "test_report.h"

gn_env_t *test_env;

static gn_pd_quota_res_t quota(void)
{
	gn_pd_quota_res_t q;
	gn_rpc_void_t none = {0};

	TEST_OK(gn_pd_session_quota(test_env->pd, &none, &q, NULL, NULL));
	return q;
}

/* The k the reader acknowledged last in its "ack" report, or -1 before its first. */
static int64_t acked(gn_cap_t rom)
{
	gn_rpc_void_t none = {0};
	gn_rom_dataspace_res_t info;
	gn_cap_t ds;
	void *addr;
	size_t mapped;
	bool writable;
	gn_xml_node_t node;
	uint64_t seen = 0;
	int64_t result = -1;

	TEST_OK(gn_rom_session_dataspace(rom, &none, &info, NULL, &ds));
	TEST_OK(gn_ds_attach(ds, &addr, &mapped, &writable));
	TEST_CHECK(info.size < mapped);
	if (info.size) {
		TEST_OK(gn_xml_parse(addr, info.size, &node, NULL));
		TEST_CHECK(gn_xml_has_type(&node, "ack"));
		TEST_OK(gn_xml_attr_u64(&node, "seen", 0, &seen));
		TEST_CHECK(seen <= TEST_REPORT_LAST);
		result = (int64_t)seen;
	}
	gn_ds_detach(addr, mapped);
	gn_cap_drop(ds);
	return result;
}

/* Waits until the reader acknowledged report k (0: it is ready). */
static void await_ack(gn_cap_t rom, gn_cap_t sig, int64_t k)
{
	while (acked(rom) < k)
		TEST_OK(gn_ep_wait_signal(test_env->ep, sig, 5000));
}

/* Writes report k into buffer; returns its length. */
static uint64_t compose(char *buffer, unsigned k)
{
	static char const tail[] = "</state>";
	uint64_t const len = TEST_REPORT_BYTES(k);
	size_t head;

	TEST_OK(gn_fmt(buffer, TEST_REPORT_BUFFER, &head, "<state counter=\"%u\" bytes=\"%llu\">",
		k, (unsigned long long)len));
	TEST_CHECK(head + sizeof(tail) - 1 <= len && len <= TEST_REPORT_BUFFER);
	gn_memset(buffer + head, TEST_REPORT_FILL(k), len - head - (sizeof(tail) - 1));
	gn_memcpy(buffer + len - (sizeof(tail) - 1), tail, sizeof(tail) - 1);
	return len;
}

static void submit(gn_cap_t report, uint64_t len)
{
	gn_rpc_void_t none = {0};

	TEST_OK(gn_report_session_submit(
		report, &(gn_report_submit_args_t){len}, &none, NULL, NULL));
}

void gn_component_construct(gn_env_t *env)
{
	gn_rpc_void_t none = {0};
	gn_cap_t ack_rom, ack_sig, report, ds;
	uint32_t ack_id, report_id;
	gn_report_dataspace_res_t info;
	void *addr;
	size_t mapped;
	bool writable;

	test_env = env;
	gn_pd_quota_res_t const before = quota();
	TEST_OK(gn_session(
		env, "ROM", "ram_quota=4K, cap_quota=2, label=\"ack\"", &ack_rom, &ack_id));
	TEST_OK(gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &ack_sig));
	TEST_OK(gn_rom_session_sigh(ack_rom, &none, &none, &ack_sig, NULL));

	/* 8K cannot pay a 16K buffer and its copy: the library doubles the donation until it can */
	gn_pd_quota_res_t const rom_open = quota();
	TEST_OK(gn_session(env, "Report",
		"ram_quota=8K, cap_quota=3, buffer_size=16K, label=\"state\"", &report,
		&report_id));
	uint64_t const donated = rom_open.ram_quota - quota().ram_quota;
	TEST_CHECK(donated == gn_report_session_ram(TEST_REPORT_BUFFER));
	TEST_OK(gn_report_session_dataspace(report, &none, &info, NULL, &ds));
	TEST_OK(gn_ds_attach(ds, &addr, &mapped, &writable));
	TEST_CHECK(writable && info.size == TEST_REPORT_BUFFER && mapped >= TEST_REPORT_BUFFER);
	gn_log("state: a %llu-byte buffer, the donation raised to %llu bytes",
		(unsigned long long)info.size, (unsigned long long)donated);

	await_ack(ack_rom, ack_sig, 0);
	gn_memset(addr, 'x', TEST_REPORT_BUFFER);
	TEST_EXPECT(gn_report_session_submit(report,
			    &(gn_report_submit_args_t){TEST_REPORT_BUFFER + 1}, &none, NULL, NULL),
		GN_ERR_INVALID_ARG);
	TEST_EXPECT(gn_report_session_submit(
			    report, &(gn_report_submit_args_t){UINT64_MAX}, &none, NULL, NULL),
		GN_ERR_INVALID_ARG);
	gn_log("state: reports beyond the buffer refused");

	for (unsigned k = 1; k <= TEST_REPORT_LAST; k++) {
		submit(report, compose(addr, k));
		/* the buffer is ours again at once: scribbling must not reach any reader */
		gn_memset(addr, '#', TEST_REPORT_BUFFER);
		if (k <= TEST_REPORT_LOCKSTEP)
			await_ack(ack_rom, ack_sig, k);
	}
	gn_log("state: %u reports submitted", (unsigned)TEST_REPORT_LAST);
	await_ack(ack_rom, ack_sig, TEST_REPORT_LAST);

	gn_ds_detach(addr, mapped);
	gn_cap_drop(ds);
	gn_session_close(env, report_id, report);
	gn_session_close(env, ack_id, ack_rom);
	gn_pd_quota_res_t const after = quota();
	TEST_CHECK(after.ram_quota == before.ram_quota && after.cap_quota == before.cap_quota);
	gn_log("all donations came back");
	gn_exit(env, 0);
}
