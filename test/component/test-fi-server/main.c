/*
 * The fault_injection scenario's server: provides "Fi" and injects faults into itself, as the
 * config plans them (test_fi.h):
 *   <config seed="7" crash_permille="10" hang_permille="8" create_permille="30"/>
 * A compute call faults with crash_permille + hang_permille in 1000, a session request with
 * create_permille in 1000 (a crash or a hang in the same proportion), each kind of crash and of
 * hang in turn (the tally counts them across restarts). Before each fault the server logs
 * what it injects and tells the tally; then it crashes (a write to NULL, a system call the sandbox
 * denies, or exit_group without telling init) or hangs (spinning, or blocked for good, in the
 * entrypoint, so that it answers no heartbeat either). Detecting and restarting it is init's job.
 *
 * Like the attackers, this component includes lx_syscall.h, for the two faults no library function
 * makes: a denied system call and an exit the parent is not told about.
 */
#include <gneiss/env.h>
#include <gneiss/label.h>
#include <gneiss/lock.h>
#include <gneiss/log.h>
#include <gneiss/service.h>
#include <gneiss/string.h>
#include <lx_syscall.h>

#include "test_check.h"
#include "test_fi.h"

gn_env_t *test_env;

static struct {
	uint64_t seed;
	uint32_t crash_permille, hang_permille, create_permille;
	gn_cap_t tally;
	test_tally_up_res_t so_far;
} fi;

static int session_object;
GN_RPC_SERVER(test_fi, TEST_FI_RPCS)

static GN_NORETURN void spin(void)
{
	uint64_t volatile spins = 0;

	for (;;)
		spins = spins + 1;
}

static GN_NORETURN void inject(test_fi_kind_t kind)
{
	static gn_semaphore_t never;
	/* both volatile: the compiler may neither know the address nor drop the store */
	int volatile *volatile nowhere = NULL;
	gn_rpc_void_t none;

	/* the tally hears of it first: whatever happens next, the fault is on record */
	TEST_OK(test_tally_injecting(
		fi.tally, &(test_tally_fault_args_t){kind}, &none, NULL, NULL));
	if (kind == TEST_FI_NULL_WRITE)
		*nowhere = 1;
	else if (kind == TEST_FI_SYSCALL)
		(void)lx_syscall4(__NR_openat, -100, "/etc/passwd", 0, 0);
	else if (kind == TEST_FI_EXIT)
		(void)lx_syscall1(__NR_exit_group, 1);
	else if (kind == TEST_FI_BUSY)
		spin();
	gn_semaphore_down(&never); /* TEST_FI_BLOCKED */
	gn_error("fault %s did not end the server", test_fi_kind_name(kind));
	gn_exit(test_env, 1);
}

static gn_err_t compute(void *obj, gn_rpc_request_t *req, test_fi_compute_args_t const *args,
	test_fi_compute_res_t *res)
{
	test_fi_kind_t const kind =
		test_fi_plan(test_fi_call_draw(fi.seed, args->client, args->attempt),
			fi.crash_permille, fi.hang_permille, &fi.so_far);

	(void)obj;
	(void)req;
	if (kind != TEST_FI_NONE) {
		gn_log("injecting %s in call %u of client %u", test_fi_kind_name(kind),
			args->attempt, args->client);
		inject(kind);
	}
	res->value = test_fi_answer(args->client, args->attempt, args->a, args->b);
	return GN_OK;
}

static test_fi_ops_t const fi_ops = {compute};

static gn_err_t create(void *ctx, char const *args, gn_cap_t *cap)
{
	char label[GN_LABEL_MAX];

	(void)ctx;
	if (gn_args_get_label(args, label, sizeof(label)) != GN_OK)
		return GN_ERR_DENIED;
	uint64_t const draw = test_fi_label_draw(fi.seed, label);
	if (draw % 1000 < fi.create_permille) {
		/* a crash or a hang in the proportion of the calls' faults (a hang when both are 0) */
		uint32_t const all = fi.crash_permille + fi.hang_permille;
		uint64_t const r = all ? (draw >> 32) % all : 0;
		test_fi_kind_t const kind =
			test_fi_plan(r, fi.crash_permille, all ? fi.hang_permille : 1, &fi.so_far);
		gn_log("injecting %s in the session request of \"%s\"", test_fi_kind_name(kind),
			label);
		inject(kind);
	}
	return gn_ep_manage(test_env->ep, &session_object, &test_fi_iface, &fi_ops, cap);
}

static void close(void *ctx, gn_cap_t session)
{
	(void)ctx;
	gn_ep_dissolve(test_env->ep, session);
}

static gn_service_ops_t const ops = {create, NULL, close};

void gn_component_construct(gn_env_t *env)
{
	gn_rpc_void_t none = {0};
	uint32_t id;

	test_env = env;
	gn_xml_node_t const config = test_fi_config(env);
	fi.seed = test_fi_attr(&config, "seed", 1);
	fi.crash_permille = (uint32_t)test_fi_attr(&config, "crash_permille", 0);
	fi.hang_permille = (uint32_t)test_fi_attr(&config, "hang_permille", 0);
	fi.create_permille = (uint32_t)test_fi_attr(&config, "create_permille", 0);
	TEST_OK(gn_session(
		env, "Tally", "ram_quota=4K, cap_quota=2, label=\"server\"", &fi.tally, &id));
	TEST_OK(test_tally_server_up(fi.tally, &none, &fi.so_far, NULL, NULL));
	TEST_OK(gn_service_announce(env, "Fi", &ops, NULL));
}
