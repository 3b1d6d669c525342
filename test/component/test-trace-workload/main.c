/*
 * A traced workload for the tracing scenarios: for `rounds` rounds (0: forever) every `period_ms`,
 * the main thread makes `calls` RPCs to its Timer session, submits a signal to itself (which its
 * entrypoint receives), logs a line and passes a checkpoint; a second thread, "worker", passes a
 * checkpoint of its own each round. It logs when it is done and exits.
 */
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/lock.h>
#include <gneiss/pd_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/signal.h>
#include <gneiss/thread.h>
#include <gneiss/timer_session.h>
#include <gneiss/trace.h>
#include <gneiss/xml.h>
#include <gneiss/dataspace.h>

#include "test_check.h"

gn_env_t *test_env;

static uint64_t rounds = 20, period_ms = 50, calls = 3;
static uint64_t received;
static gn_semaphore_t worker_go, worker_done;
static bool finished;

static void read_config(void)
{
	gn_rpc_void_t none = {0};
	gn_rom_dataspace_res_t info;
	gn_cap_t rom, ds;
	uint32_t id;
	void *addr;
	size_t size;
	bool writable;
	gn_xml_node_t config;

	TEST_OK(gn_session(
		test_env, "ROM", "ram_quota=8K, cap_quota=2, label=\"config\"", &rom, &id));
	TEST_OK(gn_rom_session_dataspace(rom, &none, &info, NULL, &ds));
	TEST_OK(gn_ds_attach(ds, &addr, &size, &writable));
	if (gn_xml_parse(addr, info.size < size ? info.size : size, &config, NULL) == GN_OK) {
		TEST_OK(gn_xml_attr_u64(&config, "rounds", rounds, &rounds));
		TEST_OK(gn_xml_attr_u64(&config, "period_ms", period_ms, &period_ms));
		TEST_OK(gn_xml_attr_u64(&config, "calls", calls, &calls));
	}
	gn_ds_detach(addr, size);
	gn_cap_drop(ds);
	gn_session_close(test_env, id, rom);
}

static void on_signal(void *ctx, uint64_t count)
{
	(void)ctx;
	received += count;
}

static void worker(void *arg)
{
	(void)arg;
	for (uint64_t i = 0;; i++) {
		gn_semaphore_down(&worker_go);
		if (__atomic_load_n(&finished, __ATOMIC_ACQUIRE))
			return;
		gn_trace_checkpoint("worker round", i);
		gn_semaphore_up(&worker_done);
	}
}

void gn_component_construct(gn_env_t *env)
{
	gn_rpc_void_t none = {0};
	gn_timer_elapsed_res_t now;
	gn_timer_t timer;
	gn_thread_t thread;
	gn_cap_t sig;

	test_env = env;
	read_config();
	TEST_OK(gn_timer_open(env, "workload", &timer));
	TEST_OK(gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &sig));
	TEST_OK(gn_ep_sigh(env->ep, sig, on_signal, NULL));
	gn_semaphore_init(&worker_go, 0);
	gn_semaphore_init(&worker_done, 0);
	TEST_OK(gn_thread_create(env, "worker", 0, worker, NULL, &thread));
	for (uint64_t r = 0; !rounds || r < rounds; r++) {
		for (uint64_t c = 0; c < calls; c++)
			TEST_OK(gn_timer_session_elapsed_us(
				timer.session.cap, &none, &now, NULL, NULL));
		TEST_OK(gn_signal_submit(sig, 1));
		gn_log("round %llu", (unsigned long long)r);
		gn_trace_checkpoint("round", r);
		gn_semaphore_up(&worker_go);
		gn_semaphore_down(&worker_done);
		TEST_OK(gn_timer_sleep_ms(&timer, period_ms)); /* the signal arrives meanwhile */
	}
	__atomic_store_n(&finished, true, __ATOMIC_RELEASE);
	gn_semaphore_up(&worker_go);
	TEST_OK(gn_thread_join(&thread));
	gn_log("done: %llu rounds, %llu signals received", (unsigned long long)rounds,
		(unsigned long long)received);
	gn_exit(env, 0);
}
