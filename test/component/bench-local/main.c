/*
 * The benchmarks within one component (figures in the format of bench.h):
 *
 *   signal          from gn_signal_submit in one thread to the handler running in another
 *                   thread's entrypoint: the submitter (first CPU of the affinity space) stores the
 *                   time-stamp counter and submits, the handler (on the last CPU) reads the counter
 *                   and acknowledges with a second signal, which the submitter waits for, so
 *                   deliveries never merge; BENCH_CALL_SAMPLES of them, with percentiles
 *   ds_attach_SIZE  a RAM dataspace allocated at core (PD session) and attached (populated), for
 *                   the sizes of BENCH_DS_SIZES; detach and free after each sample are not timed;
 *                   ds_alloc_SIZE and ds_map_SIZE: the two steps alone
 *   copy_SIZE       one copy (the library's memcpy) of SIZE bytes into an attached dataspace from
 *                   another one, both populated: BENCH_COPY_SIZES
 *
 * A run pinned to one CPU takes all of them (signal on the same core), a run on two CPUs only the
 * signal figure (across cores).
 */
#include <gneiss/dataspace.h>
#include <gneiss/env.h>
#include <gneiss/fmt.h>
#include <gneiss/lock.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/signal.h>
#include <gneiss/string.h>
#include <gneiss/thread.h>

#include "bench.h"

enum {
	SIGNAL_WARM_UP = 100,
	ACK_TIMEOUT_MS = 5000,
};

static gn_env_t *env;

/* ---- signal latency ----------------------------------------------------------------------------- */

typedef struct {
	gn_cap_t sig, ack;
	gn_thread_t receiver, submitter;
	gn_blockade_t ready;
	gn_err_t err;
	volatile uint64_t sent; /* tsc at the submit */
	bool volatile stop;
	unsigned received;
	uint64_t samples[BENCH_CALL_SAMPLES];
} latency_t;

static void on_signal(void *ctx, uint64_t count)
{
	latency_t *l = ctx;
	uint64_t const now = bench_tsc();

	(void)count;
	if (l->stop)
		return;
	if (l->received >= SIGNAL_WARM_UP && l->received < SIGNAL_WARM_UP + BENCH_CALL_SAMPLES)
		l->samples[l->received - SIGNAL_WARM_UP] = now - l->sent;
	l->received++;
	if (gn_signal_submit(l->ack, 1) != GN_OK)
		l->err = GN_ERR_INVALID_CAP;
}

static void receive(void *arg)
{
	latency_t *l = arg;
	gn_ep_t *ep;

	l->err = gn_ep_create(&ep);
	if (l->err == GN_OK)
		l->err = gn_ep_sigh(ep, l->sig, on_signal, l);
	gn_blockade_wakeup(&l->ready);
	if (l->err != GN_OK)
		return;
	while (!l->stop)
		(void)gn_ep_dispatch(ep, -1);
	gn_ep_sigh_dissolve(ep, l->sig);
	gn_ep_destroy(ep);
}

static void submit(void *arg)
{
	latency_t *l = arg;

	gn_blockade_block(&l->ready);
	for (unsigned i = 0; i < SIGNAL_WARM_UP + BENCH_CALL_SAMPLES && l->err == GN_OK; i++) {
		l->sent = bench_tsc();
		if (gn_signal_submit(l->sig, 1) != GN_OK ||
			gn_ep_wait_signal(NULL, l->ack, ACK_TIMEOUT_MS) != GN_OK)
			l->err = GN_ERR_TIMEOUT;
	}
	l->stop = true;
	gn_ignore(gn_signal_submit(l->sig, 1)); /* lets the receiver see stop */
}

static gn_err_t measure_signal(uint32_t cpus)
{
	static latency_t l = {.ready = GN_BLOCKADE_INIT};
	gn_rpc_void_t none = {0};
	gn_err_t err = gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &l.sig);

	if (err == GN_OK)
		err = gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &l.ack);
	if (err != GN_OK)
		return err;
	bench_clock_t const clock = bench_clock_start();
	err = gn_thread_create_on(env, "bench-receiver", 0, cpus - 1, receive, &l, &l.receiver);
	if (err == GN_OK) {
		err = gn_thread_create_on(env, "bench-submitter", 0, 0, submit, &l, &l.submitter);
		if (err != GN_OK) { /* the receiver must still end */
			l.stop = true;
			gn_blockade_block(&l.ready);
			gn_ignore(gn_signal_submit(l.sig, 1));
		} else
			gn_ignore(gn_thread_join(&l.submitter));
		gn_ignore(gn_thread_join(&l.receiver));
	}
	if (err == GN_OK)
		err = l.err;
	if (err == GN_OK && l.received != SIGNAL_WARM_UP + BENCH_CALL_SAMPLES)
		err = GN_ERR_BAD_MSG;
	if (err != GN_OK)
		return err;
	bench_clock_to_ns(&clock, l.samples, BENCH_CALL_SAMPLES);
	bench_report("signal", l.samples, BENCH_CALL_SAMPLES, 1);
	bench_quantiles("signal", l.samples, BENCH_CALL_SAMPLES);
	return GN_OK;
}

/* ---- dataspaces --------------------------------------------------------------------------------- */

typedef struct {
	gn_cap_t ds;
	void *addr;
	size_t size;
} attached_t;

static gn_err_t alloc_attach(uint64_t size, attached_t *a)
{
	gn_pd_alloc_ram_res_t res;
	bool writable;
	gn_err_t err = gn_pd_session_alloc_ram(
		env->pd, &(gn_pd_alloc_ram_args_t){size}, &res, NULL, &a->ds);

	if (err != GN_OK)
		return err;
	err = gn_ds_attach(a->ds, &a->addr, &a->size, &writable);
	if (err == GN_OK && !writable)
		err = GN_ERR_DENIED;
	return err;
}

static void detach_free(attached_t *a)
{
	gn_rpc_void_t none = {0};

	if (a->addr)
		gn_ds_detach(a->addr, a->size);
	gn_ignore(gn_pd_session_free_ram(env->pd, &none, &none, &a->ds, NULL));
	gn_cap_drop(a->ds);
	*a = (attached_t){0};
}

/*
 * ds_attach_NAME: allocate + attach; ds_alloc_NAME and ds_map_NAME: the two steps of the same
 * samples alone (the allocation RPC to core; the local attach, which maps it populated)
 */
static gn_err_t attach_figure(char const *size_name, uint64_t size, unsigned n)
{
	static uint64_t total[256], alloc[256], map[256];
	bench_clock_t const clock = bench_clock_start();
	char fig[32];

	for (unsigned i = 0; i < n + 1; i++) { /* the first one warms up */
		gn_pd_alloc_ram_res_t res;
		attached_t a = {0};
		bool writable;
		uint64_t const t0 = bench_tsc();
		gn_err_t err = gn_pd_session_alloc_ram(
			env->pd, &(gn_pd_alloc_ram_args_t){size}, &res, NULL, &a.ds);
		uint64_t const t1 = bench_tsc();
		if (err == GN_OK)
			err = gn_ds_attach(a.ds, &a.addr, &a.size, &writable);
		uint64_t const t2 = bench_tsc();
		if (err != GN_OK)
			return err;
		detach_free(&a);
		if (i > 0) {
			total[i - 1] = t2 - t0;
			alloc[i - 1] = t1 - t0;
			map[i - 1] = t2 - t1;
		}
	}
	bench_clock_to_ns(&clock, total, n);
	bench_clock_to_ns(&clock, alloc, n);
	bench_clock_to_ns(&clock, map, n);
	gn_ignore(gn_fmt(fig, sizeof(fig), NULL, "ds_attach_%s", size_name));
	bench_report(fig, total, n, 1);
	gn_ignore(gn_fmt(fig, sizeof(fig), NULL, "ds_alloc_%s", size_name));
	bench_report(fig, alloc, n, 1);
	gn_ignore(gn_fmt(fig, sizeof(fig), NULL, "ds_map_%s", size_name));
	bench_report(fig, map, n, 1);
	return GN_OK;
}

static gn_err_t copy_figure(char const *name, uint64_t size, unsigned n)
{
	static uint64_t samples[256];
	attached_t src = {0}, dst = {0};
	gn_err_t err = alloc_attach(size, &src);

	if (err == GN_OK)
		err = alloc_attach(size, &dst);
	if (err == GN_OK) {
		gn_memset(src.addr, 0x5a, size);
		gn_memcpy(dst.addr, src.addr, size); /* warm-up */
		bench_clock_t const clock = bench_clock_start();
		for (unsigned i = 0; i < n; i++) {
			uint64_t const t0 = bench_tsc();
			gn_memcpy(dst.addr, src.addr, size);
			samples[i] = bench_tsc() - t0;
		}
		bench_clock_to_ns(&clock, samples, n);
		bench_report(name, samples, n, 1);
	}
	if (gn_cap_valid(dst.ds))
		detach_free(&dst);
	if (gn_cap_valid(src.ds))
		detach_free(&src);
	return err;
}

static gn_err_t measure_memory(void)
{
	gn_err_t err = GN_OK;

#define ATTACH(NAME, SIZE, N) \
	if (err == GN_OK)     \
		err = attach_figure(#NAME, SIZE, N);
	BENCH_DS_SIZES(ATTACH)
#undef ATTACH
#define COPY(NAME, SIZE, N) \
	if (err == GN_OK)   \
		err = copy_figure("copy_" #NAME, SIZE, N);
	BENCH_COPY_SIZES(COPY)
#undef COPY
	return err;
}

void gn_component_construct(gn_env_t *e)
{
	uint32_t cpus = 1;
	gn_err_t err;

	env = e;
	err = gn_thread_affinity_space(env, &cpus);
	if (err == GN_OK)
		err = measure_signal(cpus);
	if (err == GN_OK && cpus == 1)
		err = measure_memory();
	if (err != GN_OK) {
		gn_error("benchmark failed: %s", gn_err_name(err));
		gn_exit(env, 1);
	}
	gn_log("bench: done on %u CPU%s", cpus, cpus == 1 ? "" : "s");
	gn_exit(env, 0);
}
