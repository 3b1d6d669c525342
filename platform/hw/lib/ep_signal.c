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
 * Contexts and records: every context a record stands for is bound to the entrypoint's receiver
 * with a badge that names the record (generation << 8 | index + 1), so a stale delivery never
 * reaches a reused record. Two kinds:
 * - the entrypoint's own (hw_ep_signal_context, for programs without core): created bound; the
 *   record holds a reference to it, gn_ep_sigh_dissolve drops it, and the last reference destroys
 *   the context;
 * - a context someone else made, unbound (a PD session's, gn_pd_session_alloc_signal: core
 *   creates it with HW_SIGNAL_UNBOUND and keeps it): gn_ep_sigh, or gn_ep_wait_signal, binds it
 *   to the receiver (signal_bind, once for ever: the kernel refuses a second binding with EXISTS)
 *   and the record keeps a kernel copy of its own outside the capability table, by which it
 *   recognises the context in whatever slot it comes again (cap_same), also after gn_ep_sigh_
 *   dissolve, so a second gn_ep_sigh finds it; while a handler is registered the record holds a
 *   table reference as well (the entrypoint keeps its own reference, gneiss/entrypoint.h). When
 *   its owner destroys the context the copy goes stale, and the record is reclaimed the next time
 *   the records are full.
 * A context bound to another entrypoint's receiver (or a program's own receiver) is refused with
 * INVALID_CAP.
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
	KICK_BADGE = 0, /* names no record (record() ignores it) */
};

typedef struct {
	gn_cap_t sig; /* the record's reference to the context in the table; GN_CAP_INVALID: none */
	uint64_t kept; /* a context bound here by signal_bind: a kernel copy outside the table; 0 */
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
	uint64_t kick;     /* a context of the receiver with KICK_BADGE (kernel slot, own) */
	uint32_t ep_waits; /* the entrypoint's thread waits on the receiver (wait_once) */
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

static bool used(record_t const *r)
{
	return r->sig != GN_CAP_INVALID || r->kept;
}

/* Adds count to the record badge names, if it is still the one the badge was made for. */
static void record(hw_ep_signals_t *s, uint64_t badge, uint64_t count)
{
	uint64_t const index = (badge & ((1u << INDEX_BITS) - 1)) - 1;

	gn_mutex_lock(&s->lock);
	if (index < MAX_SIGNALS && used(&s->records[index]) &&
		badge_of((unsigned)index, s->records[index].gen) == badge)
		s->records[index].pending += count;
	__atomic_fetch_add(&s->recorded, 1, __ATOMIC_SEQ_CST);
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
		if (!used(r) || !r->fn || !r->pending)
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

/*
 * The proxy waits for this answer, not on the receiver: what arrived since it rang is taken first
 * (without blocking), so a burst of submits while the entrypoint was busy is one delivery, as on
 * linux. Bounded: a sender that never stops cannot keep the entrypoint here.
 */
static gn_err_t ring(void *obj, gn_rpc_request_t *req, ring_t const *args, ring_t *res)
{
	hw_ep_signals_t *s = obj;
	uint64_t count, badge;

	(void)req, (void)args, (void)res;
	for (unsigned i = 0; i < MAX_SIGNALS &&
			     hw_signal_wait(&s->receiver, HW_SIGNAL_POLL, &count, &badge) == GN_OK;
		i++)
		record(s, badge, count);
	(void)dispatch_pending(s);
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
		if (badge != KICK_BADGE && __atomic_load_n(&s->ep_waits, __ATOMIC_SEQ_CST))
			(void)hw_syscall4(HW_SYS_SUBMIT, s->kick, 0, 0, 0); /* see wait_once */
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
	(void)hw_syscall4(HW_SYS_CAP_DROP, s->kick, 0, 0, 0);
	for (unsigned i = 0; i < MAX_SIGNALS; i++) {
		gn_cap_drop(s->records[i].sig);
		if (s->records[i].kept)
			(void)hw_syscall4(HW_SYS_CAP_DROP, s->records[i].kept, 0, 0, 0);
	}
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
	s->proxy = (gn_thread_t){.entry = proxy, .arg = s, .cpu = GN_CPU_ANY};
	s->proxy.base = proxy_areas[i];
	s->proxy.size = gn_platform_thread_area(PROXY_STACK);
	gn_err_t err = hw_signal_receiver_create(&s->receiver);
	if (err != GN_OK)
		goto error;
	int64_t const kick = hw_syscall4(HW_SYS_SIGNAL_CONTEXT, s->receiver.slot, KICK_BADGE, 0, 0);
	err = kick < 0 ? hw_err(kick) : GN_OK;
	if (err != GN_OK)
		goto no_kick;
	s->kick = (uint64_t)kick;
	err = gn_ep_manage(ep, s, &hw_ep_doorbell_iface, &doorbell_ops, &s->doorbell);
	if (err != GN_OK)
		goto no_doorbell;
	err = gn_platform_thread_start(&s->proxy);
	if (err != GN_OK)
		goto no_proxy;
	*hook = (hw_ep_signal_hook_t){s, end};
	*out = s;
	return GN_OK;

no_proxy:
	gn_ep_dissolve(ep, s->doorbell);
	gn_cap_drop(s->doorbell);
no_doorbell:
	(void)hw_syscall4(HW_SYS_CAP_DROP, s->kick, 0, 0, 0);
no_kick:
	hw_signal_receiver_destroy(&s->receiver);
error:
	__atomic_store_n(&s->ep, NULL, __ATOMIC_RELEASE);
	return err;
}

/*
 * A free record, reclaiming those of bound contexts whose owner destroyed them (their kept copy
 * went stale) when there is none. NULL: all in use.
 */
static record_t *free_record(hw_ep_signals_t *s)
{
	for (unsigned i = 0; i < MAX_SIGNALS; i++)
		if (!used(&s->records[i]))
			return &s->records[i];
	record_t *found = NULL;
	for (unsigned i = 0; i < MAX_SIGNALS; i++) {
		record_t *r = &s->records[i];
		if (r->sig != GN_CAP_INVALID || hw_syscall4(HW_SYS_CAP_INFO, r->kept, 0, 0, 0) >= 0)
			continue;
		(void)hw_syscall4(HW_SYS_CAP_DROP, r->kept, 0, 0, 0);
		*r = (record_t){.sig = GN_CAP_INVALID, .gen = r->gen};
		found = found ? found : r;
	}
	return found;
}

gn_err_t hw_ep_signal_context(gn_ep_t *ep, gn_cap_t *sig)
{
	hw_ep_signals_t *s;
	gn_err_t err = start(ep, &s);

	if (err != GN_OK)
		return err;
	gn_mutex_lock(&s->lock);
	record_t *r = free_record(s);
	unsigned const i = r ? (unsigned)(r - s->records) : 0;
	err = r ? hw_signal_context_create(&s->receiver, badge_of(i, r->gen + 1), sig)
		: GN_ERR_LIMIT;
	if (err == GN_OK)
		*r = (record_t){gn_cap_copy(*sig), 0, r->gen + 1, NULL, NULL, 0};
	gn_mutex_unlock(&s->lock);
	return err;
}

/*
 * The record of sig in s: the one holding that very slot, else the one whose context the kernel
 * finds sig to be (the same context received again in another slot). Under s->lock.
 */
static record_t *record_of(hw_ep_signals_t *s, gn_cap_t sig)
{
	if (!s || sig == GN_CAP_INVALID)
		return NULL;
	for (unsigned i = 0; i < MAX_SIGNALS; i++)
		if (s->records[i].sig == sig)
			return &s->records[i];
	for (unsigned i = 0; i < MAX_SIGNALS; i++) {
		record_t *r = &s->records[i];
		uint64_t const known = r->kept ? r->kept : r->sig;
		if (known && hw_syscall4(HW_SYS_CAP_SAME, sig, known, 0, 0) == 1)
			return r;
	}
	return NULL;
}

/*
 * Binds sig, a context of someone else's that is bound to no receiver yet, to s's receiver with a
 * new record (without a handler). Under s->lock. Errors: INVALID_CAP (bound elsewhere already, or
 * not a live context), LIMIT (no record), OUT_OF_CAPS (no slot for the kept copy).
 */
static gn_err_t adopt(hw_ep_signals_t *s, gn_cap_t sig, record_t **out)
{
	record_t *r = free_record(s);

	if (!r)
		return GN_ERR_LIMIT;
	int64_t const kept = hw_syscall4(HW_SYS_CAP_MINT, sig, HW_RIGHTS_ALL, 0, 0);
	if (kept < 0)
		return kept == -GN_ERR_OUT_OF_CAPS ? GN_ERR_OUT_OF_CAPS : GN_ERR_INVALID_CAP;
	uint32_t const gen = r->gen + 1;
	int64_t const bound = hw_syscall4(HW_SYS_SIGNAL_BIND, sig, s->receiver.slot,
		badge_of((unsigned)(r - s->records), gen), 0);
	if (bound < 0) {
		(void)hw_syscall4(HW_SYS_CAP_DROP, (uint64_t)kept, 0, 0, 0);
		return GN_ERR_INVALID_CAP;
	}
	*r = (record_t){GN_CAP_INVALID, (uint64_t)kept, gen, NULL, NULL, 0};
	*out = r;
	return GN_OK;
}

/* The record of sig in s, binding sig to s's receiver when it has none. Under s->lock. */
static gn_err_t find_or_adopt(hw_ep_signals_t *s, gn_cap_t sig, record_t **out)
{
	*out = record_of(s, sig);
	return *out ? GN_OK : adopt(s, sig, out);
}

gn_err_t gn_ep_sigh(gn_ep_t *ep, gn_cap_t sig, gn_signal_fn_t fn, void *ctx)
{
	hw_ep_signals_t *s;
	record_t *r;

	if (!fn || gn_cap_kind(sig) != GN_CAP_KIND_SIGNAL)
		return GN_ERR_INVALID_CAP;
	gn_err_t err = start(ep, &s);
	if (err != GN_OK)
		return err;
	gn_mutex_lock(&s->lock);
	err = find_or_adopt(s, sig, &r);
	if (err == GN_OK) {
		if (r->sig == GN_CAP_INVALID)
			r->sig = gn_cap_copy(sig);
		r->fn = fn;
		r->ctx = ctx;
	}
	gn_mutex_unlock(&s->lock);
	return err;
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
		/* a bound context stays bound: its record keeps counting, for a later gn_ep_sigh */
		*r = (record_t){
			GN_CAP_INVALID, r->kept, r->gen, NULL, NULL, r->kept ? r->pending : 0};
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
 * seen, the value of s->recorded before the caller looked at the records. The proxy may have
 * taken a delivery it has not recorded yet when this thread finds the receiver free: it then
 * records it and, seeing ep_waits, submits the kick context, which ends this thread's wait (or,
 * when this thread saw the record first and did not wait, leaves one delivery that names no
 * record: a spurious wake-up later). Every caller checks the records again after a wait.
 */
static void wait_once(hw_ep_signals_t *s, uint64_t wait_us, uint32_t seen, bool take_deliveries)
{
	uint64_t count, badge;
	gn_err_t err = GN_ERR_EXISTS;

	if (take_deliveries) {
		__atomic_store_n(&s->ep_waits, 1, __ATOMIC_SEQ_CST);
		err = __atomic_load_n(&s->recorded, __ATOMIC_SEQ_CST) != seen
			      ? GN_ERR_AGAIN /* recorded meanwhile: look again */
			      : hw_signal_wait(&s->receiver, wait_us, &count, &badge);
		__atomic_store_n(&s->ep_waits, 0, __ATOMIC_SEQ_CST);
	}
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

/*
 * Takes the count of the record at index if it has one; *gone when the record no longer stands
 * for the context it stood for with gen.
 */
static bool take(hw_ep_signals_t *s, unsigned index, uint32_t gen, bool *gone)
{
	record_t *r = &s->records[index];

	gn_mutex_lock(&s->lock);
	*gone = !used(r) || r->gen != gen;
	bool const taken = !*gone && r->pending;
	if (taken)
		r->pending = 0;
	gn_mutex_unlock(&s->lock);
	return taken;
}

/*
 * The record of sig for gn_ep_wait_signal: with ep among ep's records, else among those of the
 * entrypoint that has it. A context bound nowhere yet (a PD session's) is bound to ep's receiver,
 * or without ep to the first entrypoint's with signal handlers: in a component the main
 * entrypoint, whose heartbeat context is the first. NULL: none, or it has a handler.
 */
static hw_ep_signals_t *waitable(gn_ep_t *ep, gn_cap_t sig, unsigned *index, uint32_t *gen)
{
	hw_ep_signals_t *s = NULL, *first = NULL;
	record_t *r = NULL;

	if (ep && start(ep, &s) != GN_OK)
		return NULL;
	for (unsigned i = 0; !ep && !r && i < MAX_EPS; i++) {
		if (!__atomic_load_n(&states[i].ep, __ATOMIC_ACQUIRE))
			continue;
		first = first ? first : &states[i];
		gn_mutex_lock(&states[i].lock);
		r = record_of(&states[i], sig);
		gn_mutex_unlock(&states[i].lock);
		s = r ? &states[i] : NULL;
	}
	s = s ? s : first;
	if (!s)
		return NULL;
	gn_mutex_lock(&s->lock);
	gn_err_t const err = find_or_adopt(s, sig, &r);
	bool const usable = err == GN_OK && !r->fn;
	if (usable) {
		*index = (unsigned)(r - s->records);
		*gen = r->gen;
	}
	gn_mutex_unlock(&s->lock);
	return usable ? s : NULL;
}

/*
 * sig must be a context without a handler: one of an entrypoint (hw_ep_signal_context), or one a
 * PD session handed out, which is bound here on its first wait (waitable). Its counts stay in its
 * record until taken here. With ep (the calling thread's), this thread takes deliveries itself and
 * dispatches ep's other signals meanwhile. Without, this thread waits until the proxy of the
 * entrypoint whose record it is records a delivery: so the count arrives once that entrypoint's
 * thread answers the proxy's doorbell of the one before.
 */
gn_err_t gn_ep_wait_signal(gn_ep_t *ep, gn_cap_t sig, int timeout_ms)
{
	uint64_t const start_us = gn_time_now_us();
	uint64_t wait_us;
	unsigned index = 0;
	uint32_t gen = 0;
	bool gone = false;

	if (gn_cap_kind(sig) != GN_CAP_KIND_SIGNAL)
		return GN_ERR_INVALID_CAP;
	hw_ep_signals_t *s = waitable(ep, sig, &index, &gen);
	if (!s)
		return GN_ERR_INVALID_CAP;
	while (next_wait(start_us, timeout_ms, &wait_us)) {
		uint32_t const seen = __atomic_load_n(&s->recorded, __ATOMIC_ACQUIRE);
		if (take(s, index, gen, &gone))
			return GN_OK;
		if (gone) /* dissolved by a handler meanwhile */
			return GN_ERR_INVALID_CAP;
		wait_once(s, wait_us, seen, ep != NULL);
		if (take(s, index, gen, &gone)) /* the awaited signal first */
			return GN_OK;
		if (ep)
			(void)dispatch_pending(s);
	}
	return GN_ERR_TIMEOUT;
}
