/*
 * The fault_injection scenario's witness: provides "Tally", where the faulty server records each
 * start and each fault just before injecting it, and each client its figures when done.
 *   <config clients="3"/>
 * A fault counts as detected when a new server incarnation starts after it (init noticed the
 * crash or hang and restarted the server); an incarnation that starts with no fault pending is a
 * spurious restart. Once every client is done it logs the summary and exits: with 0 when every
 * fault was detected and no client suffered more than a failed call, else with an error.
 */
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/service.h>
#include <gneiss/signal.h>

#include "test_check.h"
#include "test_fi.h"

gn_env_t *test_env;

static struct {
	uint32_t clients, done;
	uint32_t incarnations, pending, detected, spurious;
	uint32_t injected[TEST_FI_KINDS];
	test_tally_done_args_t sum;
	gn_cap_t all_done; /* submitted to itself: the summary comes after the last reply */
} t;

static int tally_object;
GN_RPC_SERVER(test_tally, TEST_TALLY_RPCS)

static gn_err_t server_up(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, test_tally_up_res_t *res)
{
	uint32_t const *n = t.injected;

	(void)obj;
	(void)req;
	(void)args;
	*res = (test_tally_up_res_t){t.incarnations,
		n[TEST_FI_NULL_WRITE] + n[TEST_FI_SYSCALL] + n[TEST_FI_EXIT],
		n[TEST_FI_BUSY] + n[TEST_FI_BLOCKED]};
	if (t.incarnations++ == 0)
		return GN_OK;
	if (t.pending) {
		t.pending--;
		t.detected++;
	} else {
		t.spurious++;
		gn_warning("server restarted with no fault pending");
	}
	return GN_OK;
}

static gn_err_t injecting(
	void *obj, gn_rpc_request_t *req, test_tally_fault_args_t const *args, gn_rpc_void_t *res)
{
	(void)obj;
	(void)req;
	(void)res;
	if (args->kind == TEST_FI_NONE || args->kind >= TEST_FI_KINDS)
		return GN_ERR_INVALID_ARG;
	t.injected[args->kind]++;
	t.pending++;
	return GN_OK;
}

static void summary(void *ctx, uint64_t count)
{
	uint32_t const *n = t.injected;
	uint32_t const crashes = n[TEST_FI_NULL_WRITE] + n[TEST_FI_SYSCALL] + n[TEST_FI_EXIT];
	uint32_t const hangs = n[TEST_FI_BUSY] + n[TEST_FI_BLOCKED];
	uint32_t const collateral = t.sum.wrong + t.sum.unexpected;

	(void)ctx;
	(void)count;

	gn_log("summary: injected %u faults: %u crashes (%u null write, %u denied system call, %u "
	       "exit), %u hangs (%u busy, %u blocked)",
		crashes + hangs, crashes, n[TEST_FI_NULL_WRITE], n[TEST_FI_SYSCALL],
		n[TEST_FI_EXIT], hangs, n[TEST_FI_BUSY], n[TEST_FI_BLOCKED]);
	gn_log("summary: detected %u, undetected %u, restarts %u (%u spurious)", t.detected,
		t.pending, t.incarnations - 1, t.spurious);
	gn_log("summary: %u calls answered right in %u, client-visible errors %u, reopens %u, "
	       "churn reopens %u, refused requests %u",
		t.sum.calls, t.sum.attempts, t.sum.errors, t.sum.reopens, t.sum.churns,
		t.sum.refused);
	gn_log("summary: collateral failures %u (%u wrong answers, %u unexpected errors)",
		collateral, t.sum.wrong, t.sum.unexpected);
	if (t.pending || collateral || crashes + hangs == 0) {
		gn_error("fault injection failed: %u undetected, %u collateral, %u injected",
			t.pending, collateral, crashes + hangs);
		gn_exit(test_env, 1);
	}
	gn_exit(test_env, 0);
}

static gn_err_t client_done(
	void *obj, gn_rpc_request_t *req, test_tally_done_args_t const *args, gn_rpc_void_t *res)
{
	(void)obj;
	(void)req;
	(void)res;
	t.sum.calls += args->calls;
	t.sum.attempts += args->attempts;
	t.sum.errors += args->errors;
	t.sum.reopens += args->reopens;
	t.sum.churns += args->churns;
	t.sum.refused += args->refused;
	t.sum.unexpected += args->unexpected;
	t.sum.wrong += args->wrong;
	if (++t.done == t.clients)
		TEST_OK(gn_signal_submit(t.all_done, 1));
	return GN_OK;
}

static test_tally_ops_t const tally_ops = {server_up, injecting, client_done};

static gn_err_t create(void *ctx, char const *args, gn_cap_t *cap)
{
	(void)ctx;
	(void)args;
	return gn_ep_manage(test_env->ep, &tally_object, &test_tally_iface, &tally_ops, cap);
}

static void close(void *ctx, gn_cap_t session)
{
	(void)ctx;
	gn_ep_dissolve(test_env->ep, session);
}

static gn_service_ops_t const ops = {create, NULL, close};

void gn_component_construct(gn_env_t *env)
{
	test_env = env;
	gn_xml_node_t const config = test_fi_config(env);
	gn_rpc_void_t none = {0};

	t.clients = (uint32_t)test_fi_attr(&config, "clients", 1);
	TEST_OK(gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &t.all_done));
	TEST_OK(gn_ep_sigh(env->ep, t.all_done, summary, NULL));
	TEST_OK(gn_service_announce(env, "Tally", &ops, NULL));
}
