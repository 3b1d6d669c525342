/*
 * Signal handlers of an entrypoint on hw.
 *
 * The kernel lets a thread wait either on an endpoint or on a signal receiver, not on both, so
 * (as in Genode's base-hw) each entrypoint with signal contexts has a receiver of its own and a
 * proxy thread that waits on it. The proxy adds each delivery's count to the context's record,
 * wakes the threads that wait for a record (`recorded`, a futex word) and rings the doorbell: a
 * call on an object of the entrypoint, whose handler, on the entrypoint's own thread, runs the
 * handlers of every record with a count. So signal handlers run on the entrypoint's thread,
 * between RPCs, like on linux.
 *
 * gn_ep_dispatch_signals and gn_ep_wait_signal run on the entrypoint's thread without serving
 * RPC: they wait on the receiver themselves, which is free while the proxy's doorbell call waits
 * for the entrypoint; when the proxy waits there instead (EXISTS), they wait until it records a
 * delivery. A proxy that finds the entrypoint's thread on the receiver waits a tick and tries
 * again. Records are guarded by a mutex that no handler runs under.
 *
 * Contexts come from hw_ep_signal_context (no PD session hands them out on hw yet): a context
 * bound to the entrypoint's receiver whose badge names its record (generation << 8 | index + 1),
 * so a stale delivery never reaches a reused record. The record holds a reference to the context;
 * gn_ep_sigh_dissolve drops it, and the last reference destroys the context.
 */
#include <gneiss/entrypoint.h>
#include <gneiss/lock.h>
#include <gneiss/thread.h>
#include <gneiss/time.h>
#include <gn_platform.h>

#include "hw_lib.h"
#include "hw_rt.h"

enum {
	MAX_EPS = 4, /* as entrypoint.c */
	MAX_SIGNALS = 32,
	INDEX_BITS = 8,
	PROXY_STACK = 16 * 1024,
	PROXY_AREA = PROXY_STACK + 3 * 4096, /* gn_platform_thread_area(PROXY_STACK) and more */
	TICK_US = 1000,
};

typedef struct {
	gn_cap_t sig; /* the record's reference to the context; GN_CAP_INVALID: unused */
	uint32_t gen;
	gn_signal_fn_t fn; /* NULL: no handler yet, counts wait */
	void *ctx;
	uint64_t pending;
} record_t;

struct hw_ep_signals {
	gn_ep_t *ep;
	hw_signal_receiver_t receiver;
	gn_cap_t doorbell;
	gn_thread_t proxy;
	gn_mutex_t lock;
	uint32_t recorded; /* counts record() calls: what waiters without the receiver wait on */
	record_t records[MAX_SIGNALS];
};

typedef struct {
	uint8_t unused;
} ring_t;

#define HW_EP_DOORBELL_RPCS(X, P) X(P, ring, 1, ring_t, ring_t, 0, 0)
GN_RPC_CLIENT(hw_ep_doorbell, HW_EP_DOORBELL_RPCS)
GN_RPC_SERVER(hw_ep_doorbell, HW_EP_DOORBELL_RPCS)

static hw_ep_signals_t states[MAX_EPS];
static uint8_t proxy_areas[MAX_EPS][PROXY_AREA] __attribute__((aligned(4096)));

static uint64_t badge_of(unsigned index, uint32_t gen)
{
	return (uint64_t)gen << INDEX_BITS | (index + 1);
}

/* Adds count to the record badge names, if it is still the one the badge was made for. */
static void record(hw_ep_signals_t *s, uint64_t badge, uint64_t count)
{
	uint64_t const index = (badge & ((1u << INDEX_BITS) - 1)) - 1;

	gn_mutex_lock(&s->lock);
	if (index < MAX_SIGNALS && s->records[index].sig != GN_CAP_INVALID &&
		badge_of((unsigned)index, s->records[index].gen) == badge)
		s->records[index].pending += count;
	__atomic_fetch_add(&s->recorded, 1, __ATOMIC_RELEASE);
	gn_mutex_unlock(&s->lock);
	gn_platform_wake(&s->recorded, ~0u);
}

/* Runs the handler of every record with a count; returns how many ran. Entrypoint thread only. */
static unsigned dispatch_pending(hw_ep_signals_t *s)
{
	unsigned ran = 0;

	gn_mutex_lock(&s->lock);
	for (unsigned i = 0; i < MAX_SIGNALS; i++) {
		record_t *r = &s->records[i];
		if (r->sig == GN_CAP_INVALID || !r->fn || !r->pending)
			continue;
		uint64_t const count = r->pending;
		gn_signal_fn_t const fn = r->fn;
		void *const ctx = r->ctx;
		gn_cap_t const sig = r->sig;
		r->pending = 0;
		gn_mutex_unlock(&s->lock); /* the handler may change the records */
		gn_trace(GN_TRACE_SIGNAL_RECEIVE, sig, count, NULL, 0);
		fn(ctx, count);
		ran++;
		gn_mutex_lock(&s->lock);
	}
	gn_mutex_unlock(&s->lock);
	return ran;
}

static gn_err_t ring(void *obj, gn_rpc_request_t *req, ring_t const *args, ring_t *res)
{
	(void)req, (void)args, (void)res;
	(void)dispatch_pending(obj);
	return GN_OK;
}

static hw_ep_doorbell_ops_t const doorbell_ops = {ring};

/* The proxy thread: until the receiver or the doorbell is revoked. */
static void proxy(void *arg)
{
	hw_ep_signals_t *s = arg;
	ring_t const none = {0};
	ring_t res;

	for (;;) {
		uint64_t count, badge;
		gn_err_t err = hw_signal_wait(&s->receiver, 0, &count, &badge);
		if (err == GN_ERR_EXISTS) { /* the entrypoint's thread waits there itself */
			(void)hw_syscall4(HW_SYS_SLEEP, TICK_US, 0, 0, 0);
			continue;
		}
		if (err != GN_OK)
			return;
		record(s, badge, count);
		if (hw_ep_doorbell_ring(s->doorbell, &none, &res, NULL, NULL) != GN_OK)
			return;
	}
}

/* gn_ep_destroy's first step: the proxy ends, then every context and the receiver go. */
static void end(gn_ep_t *ep)
{
	hw_ep_signals_t *s = hw_ep_signal_hook(ep)->state;

	hw_signal_receiver_destroy(&s->receiver); /* the proxy's wait fails */
	gn_ep_dissolve(ep, s->doorbell);          /* and so does its doorbell call */
	gn_cap_drop(s->doorbell);
	gn_platform_thread_wait(&s->proxy);
	for (unsigned i = 0; i < MAX_SIGNALS; i++)
		if (s->records[i].sig != GN_CAP_INVALID)
			gn_cap_drop(s->records[i].sig);
	s->ep = NULL;
}

/* Sets up ep's receiver, doorbell and proxy on its first signal context. */
static gn_err_t start(gn_ep_t *ep, hw_ep_signals_t **out)
{
	hw_ep_signal_hook_t *hook = hw_ep_signal_hook(ep);
	unsigned i = 0;

	if (hook->state) {
		*out = hook->state;
		return GN_OK;
	}
	while (i < MAX_EPS && __atomic_load_n(&states[i].ep, __ATOMIC_ACQUIRE))
		i++;
	if (i == MAX_EPS)
		return GN_ERR_LIMIT;
	hw_ep_signals_t *s = &states[i];
	*s = (hw_ep_signals_t){.ep = ep, .lock = GN_MUTEX_INIT};
	for (unsigned j = 0; j < MAX_SIGNALS; j++)
		s->records[j].sig = GN_CAP_INVALID;
	s->proxy = (gn_thread_t){.entry = proxy, .arg = s, .cpu = GN_CPU_ANY};
	s->proxy.base = proxy_areas[i];
	s->proxy.size = gn_platform_thread_area(PROXY_STACK);
	gn_err_t err = hw_signal_receiver_create(&s->receiver);
	if (err == GN_OK) {
		err = gn_ep_manage(ep, s, &hw_ep_doorbell_iface, &doorbell_ops, &s->doorbell);
		if (err != GN_OK)
			hw_signal_receiver_destroy(&s->receiver);
	}
	if (err == GN_OK) {
		err = gn_platform_thread_start(&s->proxy);
		if (err != GN_OK) {
			hw_signal_receiver_destroy(&s->receiver);
			gn_ep_dissolve(ep, s->doorbell);
			gn_cap_drop(s->doorbell);
		}
	}
	if (err != GN_OK) {
		__atomic_store_n(&s->ep, NULL, __ATOMIC_RELEASE);
		return err;
	}
	*hook = (hw_ep_signal_hook_t){s, end};
	*out = s;
	return GN_OK;
}

gn_err_t hw_ep_signal_context(gn_ep_t *ep, gn_cap_t *sig)
{
	hw_ep_signals_t *s;
	gn_err_t err = start(ep, &s);

	if (err != GN_OK)
		return err;
	gn_mutex_lock(&s->lock);
	unsigned i = 0;
	while (i < MAX_SIGNALS && s->records[i].sig != GN_CAP_INVALID)
		i++;
	record_t *r = i < MAX_SIGNALS ? &s->records[i] : NULL;
	err = r ? hw_signal_context_create(&s->receiver, badge_of(i, r->gen + 1), sig)
		: GN_ERR_LIMIT;
	if (err == GN_OK)
		*r = (record_t){gn_cap_copy(*sig), r->gen + 1, NULL, NULL, 0};
	gn_mutex_unlock(&s->lock);
	return err;
}

static record_t *record_of(hw_ep_signals_t *s, gn_cap_t sig)
{
	for (unsigned i = 0; s && i < MAX_SIGNALS && sig != GN_CAP_INVALID; i++)
		if (s->records[i].sig == sig)
			return &s->records[i];
	return NULL;
}

gn_err_t gn_ep_sigh(gn_ep_t *ep, gn_cap_t sig, gn_signal_fn_t fn, void *ctx)
{
	hw_ep_signals_t *s = hw_ep_signal_hook(ep)->state;

	if (!s || !fn)
		return GN_ERR_INVALID_CAP;
	gn_mutex_lock(&s->lock);
	record_t *r = record_of(s, sig);
	if (r) {
		r->fn = fn;
		r->ctx = ctx;
	}
	gn_mutex_unlock(&s->lock);
	return r ? GN_OK : GN_ERR_INVALID_CAP;
}

void gn_ep_sigh_dissolve(gn_ep_t *ep, gn_cap_t sig)
{
	hw_ep_signals_t *s = hw_ep_signal_hook(ep)->state;
	gn_cap_t dropped = GN_CAP_INVALID;

	if (!s)
		return;
	gn_mutex_lock(&s->lock);
	record_t *r = record_of(s, sig);
	if (r) {
		dropped = r->sig;
		*r = (record_t){.sig = GN_CAP_INVALID, .gen = r->gen};
	}
	gn_mutex_unlock(&s->lock);
	gn_cap_drop(dropped);
}

/*
 * How long one wait of a loop that started at start_us may take for timeout_ms (-1: for ever) in
 * the kernel's terms (0: for ever, at most HW_SLEEP_MAX_US, a tick at least); false when the time
 * is up.
 */
static bool next_wait(uint64_t start_us, int timeout_ms, uint64_t *wait_us)
{
	uint64_t const spent = gn_time_now_us() - start_us, limit = (uint64_t)timeout_ms * 1000;

	if (timeout_ms < 0) {
		*wait_us = 0;
		return true;
	}
	if (spent > limit)
		return false;
	*wait_us = limit - spent > HW_SLEEP_MAX_US ? HW_SLEEP_MAX_US : limit - spent;
	*wait_us = *wait_us ? *wait_us : 1; /* no poll in the kernel: at most a tick */
	return true;
}

/*
 * Waits up to wait_us (0: for ever) for a delivery. With take_deliveries (the entrypoint's thread)
 * on s's receiver, when the proxy does not wait there itself; otherwise until record() ran after
 * seen, the value of s->recorded before the caller looked at the records.
 */
static void wait_once(hw_ep_signals_t *s, uint64_t wait_us, uint32_t seen, bool take_deliveries)
{
	uint64_t count, badge;
	gn_err_t const err = take_deliveries ? hw_signal_wait(&s->receiver, wait_us, &count, &badge)
					     : GN_ERR_EXISTS;

	if (err == GN_OK)
		record(s, badge, count);
	else if (err == GN_ERR_EXISTS && wait_us == 0)
		gn_platform_wait(&s->recorded, seen);
	else if (err == GN_ERR_EXISTS)
		(void)gn_platform_wait_timeout(&s->recorded, seen, wait_us);
}

gn_err_t gn_ep_dispatch_signals(gn_ep_t *ep, int timeout_ms)
{
	hw_ep_signals_t *s = hw_ep_signal_hook(ep)->state;
	uint64_t const start_us = gn_time_now_us();
	uint64_t wait_us;

	while (next_wait(start_us, timeout_ms, &wait_us)) {
		if (!s) { /* no context: nothing can come */
			(void)hw_syscall4(
				HW_SYS_SLEEP, wait_us ? wait_us : HW_SLEEP_MAX_US, 0, 0, 0);
			continue;
		}
		uint32_t const seen = __atomic_load_n(&s->recorded, __ATOMIC_ACQUIRE);
		if (dispatch_pending(s)) /* recorded by the proxy, its doorbell not answered yet */
			return GN_OK;
		wait_once(s, wait_us, seen, true);
		if (dispatch_pending(s))
			return GN_OK;
	}
	return GN_ERR_TIMEOUT;
}

/* Takes the count of sig's record if it has one; false when there is none (or no such record). */
static bool take(hw_ep_signals_t *s, gn_cap_t sig, bool *gone)
{
	gn_mutex_lock(&s->lock);
	record_t *r = record_of(s, sig);
	bool const taken = r && r->pending;
	if (taken)
		r->pending = 0;
	*gone = !r;
	gn_mutex_unlock(&s->lock);
	return taken;
}

/*
 * sig must be a context of an entrypoint (hw_ep_signal_context) without a handler: its counts stay
 * in its record until taken here. With ep (the calling thread's), this thread takes deliveries
 * itself and dispatches ep's other signals meanwhile. Without, the entrypoint whose context it is
 * is found and this thread waits until the proxy records a delivery: so the count arrives once
 * that entrypoint's thread answers the proxy's doorbell of the one before.
 */
gn_err_t gn_ep_wait_signal(gn_ep_t *ep, gn_cap_t sig, int timeout_ms)
{
	hw_ep_signals_t *s = ep ? hw_ep_signal_hook(ep)->state : NULL;
	uint64_t const start_us = gn_time_now_us();
	uint64_t wait_us;
	bool gone = false, usable = false;

	for (unsigned i = 0; !ep && !s && i < MAX_EPS; i++)
		if (__atomic_load_n(&states[i].ep, __ATOMIC_ACQUIRE) && record_of(&states[i], sig))
			s = &states[i];
	if (s) {
		gn_mutex_lock(&s->lock);
		record_t const *r = record_of(s, sig);
		usable = r && !r->fn;
		gn_mutex_unlock(&s->lock);
	}
	if (!usable)
		return GN_ERR_INVALID_CAP;
	while (next_wait(start_us, timeout_ms, &wait_us)) {
		uint32_t const seen = __atomic_load_n(&s->recorded, __ATOMIC_ACQUIRE);
		if (take(s, sig, &gone))
			return GN_OK;
		if (gone) /* dissolved by a handler meanwhile */
			return GN_ERR_INVALID_CAP;
		wait_once(s, wait_us, seen, ep != NULL);
		if (take(s, sig, &gone)) /* the awaited signal first */
			return GN_OK;
		if (ep)
			(void)dispatch_pending(s);
	}
	return GN_ERR_TIMEOUT;
}
