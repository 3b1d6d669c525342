/*
 * The rpc scenario's client: calls, big payloads, capabilities passed and returned, identity of a
 * capability that comes back to its owner, revocation, malformed requests, and the session's
 * donation coming back at close. As the victim of test/attack/ it also logs the mean round trip
 * of a call at its start and at its end, so a log shows what its neighbours cost it; no test
 * judges the times.
 */
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gneiss/pd_session.h>
#include <gneiss/time.h>

#include "test_check.h"
#include "test_rpc.h"

gn_env_t *test_env;

static gn_pd_quota_res_t quota(void)
{
	gn_pd_quota_res_t q;
	gn_rpc_void_t none = {0};

	TEST_OK(gn_pd_session_quota(test_env->pd, &none, &q, NULL, NULL));
	return q;
}

enum {
	ROUND_TRIPS = 1000
};

/* Logs the mean time of ROUND_TRIPS calls. */
static void round_trip(gn_cap_t session, char const *when)
{
	test_rpc_add_res_t sum;
	uint64_t const start = gn_time_now_ns();

	for (int64_t i = 0; i < ROUND_TRIPS; i++)
		TEST_OK(test_rpc_session_add(
			session, &(test_rpc_add_args_t){i, 1}, &sum, NULL, NULL));
	gn_log("round trip %s: %llu ns (mean of %u calls)", when,
		(unsigned long long)((gn_time_now_ns() - start) / ROUND_TRIPS),
		(unsigned)ROUND_TRIPS);
}

static void calls(gn_cap_t session)
{
	test_rpc_add_res_t sum;
	static test_rpc_big_t big, back;

	TEST_OK(test_rpc_session_add(session, &(test_rpc_add_args_t){40, 2}, &sum, NULL, NULL));
	TEST_CHECK(sum.sum == 42);
	for (int64_t i = 0; i < 10000; i++) {
		TEST_OK(test_rpc_session_add(
			session, &(test_rpc_add_args_t){i, -2 * i}, &sum, NULL, NULL));
		TEST_CHECK(sum.sum == -i);
	}
	for (unsigned i = 0; i < TEST_RPC_BIG; i++)
		big.bytes[i] = (uint8_t)(i * 7);
	TEST_OK(test_rpc_session_echo_big(session, &big, &back, NULL, NULL));
	for (unsigned i = 0; i < TEST_RPC_BIG; i++)
		TEST_CHECK(back.bytes[i] == (uint8_t) ~(i * 7));
	gn_log("calls: 10001 adds and a %u-byte echo answered correctly", (unsigned)TEST_RPC_BIG);
}

static void capabilities(gn_cap_t session)
{
	gn_rpc_void_t none = {0};
	gn_cap_t c1, c2, back, sig;
	test_rpc_value_t v;

	TEST_OK(test_rpc_session_create_counter(session, &none, &none, NULL, &c1));
	TEST_OK(test_rpc_session_create_counter(session, &none, &none, NULL, &c2));
	TEST_CHECK(!gn_cap_same(c1, c2));
	for (unsigned i = 1; i <= 3; i++) {
		TEST_OK(test_rpc_counter_increment(c1, &none, &v, NULL, NULL));
		TEST_CHECK(v.value == i);
	}
	TEST_OK(test_rpc_session_counter_value(session, &none, &v, &c1, NULL));
	TEST_CHECK(v.value == 3);
	TEST_OK(test_rpc_session_counter_value(session, &none, &v, &c2, NULL));
	TEST_CHECK(v.value == 0);
	gn_log("capabilities: the server recognises its counters when they come back");

	TEST_OK(test_rpc_session_echo_cap(session, &none, &none, &c2, &back));
	TEST_CHECK(gn_cap_same(back, c2) && !gn_cap_same(back, c1));
	gn_cap_drop(back);
	TEST_OK(gn_pd_session_alloc_signal(test_env->pd, &none, &none, NULL, &sig));
	TEST_OK(test_rpc_session_echo_cap(session, &none, &none, &sig, &back));
	TEST_CHECK(gn_cap_same(back, sig));
	gn_cap_drop(back);
	gn_log("capabilities: a returned capability is recognised as the one sent");

	gn_cap_t const four[4] = {c1, sig, c2, session};
	TEST_OK(test_rpc_session_kinds(session, &none, &v, four, NULL));
	TEST_CHECK(v.value == 0x5);
	TEST_EXPECT(
		test_rpc_session_counter_value(session, &none, &v, &sig, NULL), GN_ERR_INVALID_CAP);
	gn_log("capabilities: four in one message, and a foreign one is refused");

	TEST_OK(test_rpc_session_destroy_counter(session, &none, &none, &c1, NULL));
	TEST_EXPECT(test_rpc_counter_increment(c1, &none, &v, NULL, NULL), GN_ERR_REVOKED);
	TEST_OK(test_rpc_counter_increment(c2, &none, &v, NULL, NULL));
	TEST_CHECK(v.value == 1);
	gn_log("revocation: calls to the destroyed counter fail with REVOKED, others still work");
	gn_cap_drop(c1);
	gn_cap_drop(c2);
	TEST_OK(gn_pd_session_free_signal(test_env->pd, &none, &none, &sig, NULL));
	gn_cap_drop(sig);
}

static void malformed(gn_cap_t session)
{
	uint8_t junk[3] = {1, 2, 3};
	test_rpc_add_res_t sum;

	TEST_EXPECT(gn_rpc_call(session, test_rpc_session_OP_add, junk, sizeof(junk), 0, NULL, &sum,
			    sizeof(sum), 0, NULL),
		GN_ERR_BAD_MSG);
	TEST_EXPECT(gn_rpc_call(session, 99, NULL, 0, 0, NULL, NULL, 0, 0, NULL), GN_ERR_BAD_MSG);
	TEST_EXPECT(
		gn_rpc_call(session, test_rpc_session_OP_add, &(test_rpc_add_args_t){1, 2},
			sizeof(test_rpc_add_args_t), 1, &test_env->log, &sum, sizeof(sum), 0, NULL),
		GN_ERR_BAD_MSG);
	TEST_OK(test_rpc_session_add(session, &(test_rpc_add_args_t){1, 2}, &sum, NULL, NULL));
	TEST_CHECK(sum.sum == 3);
	gn_log("malformed: wrong length, unknown opcode and extra capability get BAD_MSG, the "
	       "server goes on");
}

void gn_component_construct(gn_env_t *env)
{
	gn_cap_t session, other;
	uint32_t id, other_id;

	test_env = env;
	gn_pd_quota_res_t const before = quota();
	TEST_OK(gn_session(env, "Test", "ram_quota=16K, cap_quota=3, label=\"\"", &session, &id));
	gn_pd_quota_res_t const open = quota();
	TEST_CHECK(open.ram_quota == before.ram_quota - 16 * 1024);
	TEST_CHECK(open.cap_quota == before.cap_quota - 3);
	gn_log("session: donated 16K and 3 caps");

	round_trip(session, "before");
	calls(session);
	capabilities(session);
	malformed(session);

	TEST_EXPECT(gn_session(env, "Nope", "label=\"\"", &other, &other_id), GN_ERR_UNROUTABLE);
	TEST_EXPECT(gn_session(env, "Test", "ram_quota=1024G, label=\"greedy\"", &other, &other_id),
		GN_ERR_INSUFFICIENT_RAM);
	TEST_CHECK(quota().ram_quota == open.ram_quota);
	gn_log("routing: an unknown service is unroutable, a donation beyond the quota refused");
	round_trip(session, "after");

	gn_session_close(env, id, session);
	gn_pd_quota_res_t const after = quota();
	TEST_CHECK(after.ram_quota == before.ram_quota && after.cap_quota == before.cap_quota);
	/* used as while open: the library's session signal (made with the first request) stays */
	TEST_CHECK(after.ram_used == open.ram_used && after.cap_used == open.cap_used);
	gn_log("session: closed, the donation came back exactly");
	gn_exit(env, 0);
}
