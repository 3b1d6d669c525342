/*
 * hw-rt-client: the calculator's client on the component runtime: looks the session up at the
 * root, calls it with payloads and capabilities, sends malformed requests, sees a dissolved object
 * revoked, submits signals, and shares a mutex and a semaphore with a second thread, which waits
 * for a deferred reply.
 */
#include <gneiss/ipc.h>
#include <gneiss/lock.h>
#include <gneiss/log.h>
#include <gneiss/signal.h>
#include <gneiss/string.h>
#include <gneiss/thread.h>
#include <gn_platform.h>
#include <hw_syscall.h>

#include "hw_lib.h" /* frames(): the runtime's own message layout */
#include "hw_rt.h"
#include "rt_test.h"

enum {
	STACK = 16 * 1024,
	ROUNDS = 2000,
	LATER_VALUE = 21,
	LOOKUP_TRIES = 200,
};

static gn_cap_t session;
static gn_cap_t ep_sig;   /* a context of the server's entrypoint */
static gn_cap_t wake_sig; /* one without handler: gn_ep_wait_signal */
static gn_mutex_t mutex = GN_MUTEX_INIT;
static gn_semaphore_t answered;
static uint64_t shared_count;
static uint64_t later_result;
static gn_err_t later_err;
static unsigned failed;
static uint8_t helper_area[STACK + 3 * 4096] __attribute__((aligned(4096))); /* one at a time */

static void check(bool ok, char const *what)
{
	if (!ok) {
		failed++;
		gn_error("WRONG: %s", what);
	}
}

static void count_under_mutex(void)
{
	for (unsigned i = 0; i < ROUNDS; i++) {
		gn_mutex_lock(&mutex);
		uint64_t const v = shared_count;
		if (i % 64 == 0) /* hold the lock across a reschedule now and then */
			(void)hw_syscall4(HW_SYS_YIELD, 0, 0, 0, 0);
		shared_count = v + 1;
		gn_mutex_unlock(&mutex);
	}
}

/* The second thread: its share of the counting, then a call whose reply the server defers. */
static void helper(void *arg)
{
	rt_value_t const args = {LATER_VALUE};
	rt_value_t res = {0};

	(void)arg;
	count_under_mutex();
	gn_err_t err = gn_signal_submit(ep_sig, 3);
	if (err == GN_OK)
		err = gn_signal_submit(wake_sig, 1);
	check(err == GN_OK, "submit from the helper");
	later_err = rt_calc_later(session, &args, &res, NULL, NULL);
	later_result = res.value;
	gn_semaphore_up(&answered);
}

static gn_cap_t lookup(void)
{
	rt_name_t const name = {RT_NAME_CALC};
	gn_rpc_void_t none;
	gn_cap_t cap = GN_CAP_INVALID;

	for (unsigned i = 0; i < LOOKUP_TRIES; i++) {
		gn_err_t err = rt_root_lookup(hw_rt_boot_ep(), &name, &none, NULL, &cap);
		if (err == GN_OK)
			return cap;
		(void)hw_syscall4(HW_SYS_SLEEP, 1000, 0, 0, 0);
	}
	return GN_CAP_INVALID;
}

static void calls(void)
{
	rt_add_args_t const a = {40, 2};
	rt_add_res_t sum = {0};
	static rt_big_t big, big_res;

	gn_err_t err = rt_calc_add(session, &a, &sum, NULL, NULL);
	gn_log("add(40, 2): %s, %ld", gn_err_name(err), sum.sum);
	check(err == GN_OK && sum.sum == 42, "add");
	for (unsigned i = 0; i < RT_BIG; i++)
		big.bytes[i] = (uint8_t)i;
	err = rt_calc_echo_big(session, &big, &big_res, NULL, NULL);
	bool same = err == GN_OK;
	for (unsigned i = 0; same && i < RT_BIG; i++)
		same = big_res.bytes[i] == (uint8_t)(i + 1);
	gn_log("echo of %d bytes: %s", RT_BIG, same ? "ok" : "WRONG");
	check(same, "echo_big");
}

/* Requests that do not fit the interface: the server answers BAD_MSG without running a handler. */
static void malformed(void)
{
	gn_ipc_buf_t *buf = gn_ipc_buf();

	buf->hdr = (gn_ipc_header_t){rt_calc_OP_add, 3, 0, 0}; /* 3 bytes instead of 16 */
	gn_err_t err = gn_ipc_call(session, buf);
	gn_log("add with 3 bytes: %s, status %s", gn_err_name(err),
		gn_err_name((gn_err_t)buf->hdr.word));
	check(err == GN_OK && buf->hdr.word == GN_ERR_BAD_MSG, "short add");
	buf->hdr = (gn_ipc_header_t){77, 0, 0, 0};
	err = gn_ipc_call(session, buf);
	gn_log("unknown opcode: %s, status %s", gn_err_name(err),
		gn_err_name((gn_err_t)buf->hdr.word));
	check(err == GN_OK && buf->hdr.word == GN_ERR_BAD_MSG, "unknown opcode");
	buf->hdr = (gn_ipc_header_t){rt_calc_OP_add, 4090, 0, 0};
	err = gn_ipc_call(session, buf);
	gn_log("a payload beyond the UTCB: %s", gn_err_name(err));
	check(err == GN_ERR_INVALID_ARG, "oversize");
}

/*
 * Frames that lie about themselves, sent with the kernel's call directly (the runtime would not
 * build them): the server's transport refuses each with BAD_MSG before any interface check, drops
 * a capability that came unannounced, and keeps serving.
 */
static void frames(void)
{
	struct {
		char const *what;
		uint64_t head, info;
		bool with_cap;
	} const bad[] = {
		{"a length longer than the words sent", rt_calc_OP_add | 16ul << 32,
			HW_MSG_INFO(2, 0)},
		{"a length shorter than the words sent", rt_calc_OP_add | 8ul << 32,
			HW_MSG_INFO(3, 0)},
		{"a capability claimed but not sent", rt_calc_OP_echo_cap | 1ul << 48,
			HW_MSG_INFO(1, 0)},
		{"a capability sent but not claimed", rt_calc_OP_add | 16ul << 32,
			HW_MSG_INFO(3, 1), true},
		{"reserved bits set", rt_calc_OP_add | 16ul << 32 | 1ul << 60, HW_MSG_INFO(3, 0)},
		{"no header word", 0, HW_MSG_INFO(0, 0)},
	};
	hw_utcb_t *utcb = hw_tls()->utcb;
	gn_ipc_buf_t *buf = gn_ipc_buf();
	unsigned refused = 0;

	for (unsigned i = 0; i < GN_ARRAY_SIZE(bad); i++) {
		utcb->msg[0] = bad[i].head;
		utcb->msg[1] = 40;
		utcb->msg[2] = 2;
		utcb->caps[0] = session;
		int64_t const r = hw_syscall4(HW_SYS_CALL, session, bad[i].info, 0, 0);
		gn_err_t const err = r < 0 ? hw_err(r) : hw_msg_get((uint64_t)r, utcb, buf);
		bool const ok = err == GN_OK && buf->hdr.word == GN_ERR_BAD_MSG;
		if (!ok)
			gn_error("WRONG: %s: %s, status %u", bad[i].what, gn_err_name(err),
				buf->hdr.word);
		refused += ok;
	}
	gn_log("%u of %u lying frames answered BAD_MSG", refused, (unsigned)GN_ARRAY_SIZE(bad));
	check(refused == GN_ARRAY_SIZE(bad), "frames");
}

/* What the server's entrypoint finds each capability to be (gn_ep_lookup, gn_cap_same). */
static void identify(gn_cap_t counter, gn_cap_t back)
{
	gn_cap_t const caps[] = {session, counter, back, hw_rt_boot_ep()};
	uint64_t const want[] = {RT_ID_SESSION | RT_ID_SAME_SESSION,
		RT_ID_COUNTER | RT_ID_SAME_COUNTER, RT_ID_COUNTER | RT_ID_SAME_COUNTER, RT_ID_NONE};
	gn_rpc_void_t none = {0};
	rt_value_t got[4] = {0};
	gn_err_t err = GN_OK;
	bool right = true;

	for (unsigned i = 0; i < GN_ARRAY_SIZE(caps) && err == GN_OK; i++) {
		gn_cap_t cap = caps[i];
		err = rt_calc_identify(session, &none, &got[i], &cap, NULL);
		right = right && got[i].value == want[i];
	}
	gn_log("identified: %s: session 0x%lx, counter 0x%lx, its returned copy 0x%lx, the root's "
	       "endpoint 0x%lx",
		gn_err_name(err), got[0].value, got[1].value, got[2].value, got[3].value);
	check(err == GN_OK && right, "identify");
}

static gn_cap_t held_counter;
static gn_err_t held_err;
static gn_semaphore_t held_ended;

/* Calls hold on the counter: the server defers it and never answers. */
static void holder(void *arg)
{
	gn_rpc_void_t none = {0};

	(void)arg;
	held_err = rt_counter_hold(held_counter, &none, &none, NULL, NULL);
	gn_semaphore_up(&held_ended);
}

/* A counter: used, passed to the server and back, dissolved, and a new one. */
static void counters(void)
{
	gn_rpc_void_t none = {0};
	rt_value_t v = {0};
	gn_cap_t counter, back, second;

	gn_err_t err = rt_calc_counter_create(session, &none, &none, NULL, &counter);
	gn_ignore(rt_counter_increment(counter, &none, &v, NULL, NULL));
	err = err == GN_OK ? rt_counter_increment(counter, &none, &v, NULL, NULL) : err;
	gn_log("counter: %s, value %lu", gn_err_name(err), v.value);
	check(err == GN_OK && v.value == 2, "counter");
	err = rt_calc_echo_cap(session, &none, &none, &counter, &back);
	gn_log("counter passed and returned: %s, kind %d", gn_err_name(err),
		(int)gn_cap_kind(back));
	err = err == GN_OK ? rt_counter_increment(back, &none, &v, NULL, NULL) : err;
	gn_log("increment through the returned capability: %s, value %lu", gn_err_name(err),
		v.value);
	check(err == GN_OK && v.value == 3, "returned counter");
	identify(counter, back);
	gn_thread_t t = {.entry = holder, .cpu = GN_CPU_ANY, .base = helper_area};
	t.size = gn_platform_thread_area(STACK);
	held_counter = back;
	gn_semaphore_init(&held_ended, 0);
	err = gn_platform_thread_start(&t);
	check(err == GN_OK && !gn_semaphore_down_timeout(&held_ended, 20000), "hold");
	err = rt_calc_counter_destroy(session, &none, &none, &counter, NULL);
	gn_log("counter dissolved: %s", gn_err_name(err));
	bool const ended = gn_semaphore_down_timeout(&held_ended, 2000000);
	gn_log("the call it held: %s", ended ? gn_err_name(held_err) : "still waiting");
	check(ended && held_err == GN_ERR_REVOKED, "held call");
	gn_platform_thread_wait(&t);
	err = rt_counter_increment(counter, &none, &v, NULL, NULL);
	gn_err_t const err2 = rt_counter_increment(back, &none, &v, NULL, NULL);
	gn_log("increment after dissolve: %s, through the returned copy: %s", gn_err_name(err),
		gn_err_name(err2));
	check(err == GN_ERR_REVOKED && err2 == GN_ERR_REVOKED, "dissolved counter");
	err = rt_calc_counter_create(session, &none, &none, NULL, &second);
	err = err == GN_OK ? rt_counter_increment(second, &none, &v, NULL, NULL) : err;
	gn_err_t const stale = rt_counter_increment(counter, &none, &v, NULL, NULL);
	gn_log("a new counter: %s; the old capability still: %s", gn_err_name(err),
		gn_err_name(stale));
	check(err == GN_OK && stale == GN_ERR_REVOKED, "new counter");
	err = rt_calc_counter_destroy(session, &none, &none, &second, NULL);
	check(err == GN_OK, "second destroy");
	gn_cap_drop(counter);
	gn_cap_drop(back);
	gn_cap_drop(second);
}

static void signals(void)
{
	gn_rpc_void_t none = {0};
	gn_cap_t sig = GN_CAP_INVALID;

	gn_err_t err = rt_calc_signal(session, &none, &none, NULL, &sig);
	if (err == GN_OK)
		err = gn_signal_submit(sig, 2);
	if (err == GN_OK)
		err = gn_signal_submit(sig, 3);
	gn_log("submitted 5 signals: %s", gn_err_name(err));
	check(err == GN_OK && gn_cap_kind(sig) == GN_CAP_KIND_SIGNAL, "signals");
	gn_cap_drop(sig);
}

/*
 * Contexts of the root's the server bound to its entrypoint: submits to the one with a handler
 * (the root submitted one before it was bound), and to the one the server waits for.
 */
static void foreign(void)
{
	gn_rpc_void_t none = {0};
	gn_cap_t sig = GN_CAP_INVALID, wait_sig = GN_CAP_INVALID;
	rt_value_t const three = {3}, long_wait = {2000}, short_wait = {50};
	rt_value_t handled = {0}, woken = {0}, again = {0};

	gn_err_t err = rt_calc_foreign_signal(session, &none, &none, NULL, &sig);
	if (err == GN_OK)
		err = gn_signal_submit(sig, 2);
	if (err == GN_OK)
		err = rt_calc_await_foreign(session, &three, &handled, NULL, NULL);
	gn_log("the root's context, bound by the server: %s, %lu signals handled", gn_err_name(err),
		handled.value);
	check(err == GN_OK && handled.value == 3, "foreign context");
	err = rt_calc_foreign_wait(session, &none, &none, NULL, &wait_sig);
	if (err == GN_OK)
		err = gn_signal_submit(wait_sig, 1);
	if (err == GN_OK)
		err = rt_calc_await_foreign_wait(session, &long_wait, &woken, NULL, NULL);
	if (err == GN_OK)
		err = rt_calc_await_foreign_wait(session, &short_wait, &again, NULL, NULL);
	gn_log("the server waited for another of the root's: %s, and again: %s",
		gn_err_name((gn_err_t)woken.value), gn_err_name((gn_err_t)again.value));
	check(err == GN_OK && woken.value == GN_OK && again.value == GN_ERR_TIMEOUT,
		"foreign wait");
	gn_cap_drop(sig);
	gn_cap_drop(wait_sig);
}

/* The mutex and the semaphore, shared with the helper thread; its call is answered late. */
static void threads(void)
{
	gn_thread_t t = {.entry = helper, .cpu = GN_CPU_ANY, .base = helper_area};
	gn_rpc_void_t none = {0};

	gn_semaphore_init(&answered, 0);
	gn_err_t err = rt_calc_ep_signal(session, &none, &none, NULL, &ep_sig);
	if (err == GN_OK)
		err = rt_calc_wake_signal(session, &none, &none, NULL, &wake_sig);
	if (err == GN_OK)
		err = gn_signal_submit(ep_sig, 2);
	gn_log("2 signals to the server's entrypoint: %s", gn_err_name(err));
	t.size = gn_platform_thread_area(STACK);
	err = gn_platform_thread_start(&t);
	gn_log("helper thread: %s", gn_err_name(err));
	check(err == GN_OK, "thread start");
	if (err != GN_OK)
		return;
	count_under_mutex();
	rt_value_t const five = {5};
	rt_value_t handled = {0};
	err = rt_calc_await_signals(session, &five, &handled, NULL, NULL);
	gn_log("the server's entrypoint handled %lu signals: %s", handled.value, gn_err_name(err));
	check(err == GN_OK && handled.value == 5, "entrypoint signals");
	rt_value_t const long_wait = {2000}, short_wait = {50};
	rt_value_t woken = {0}, again = {0};
	err = rt_calc_await_wake(session, &long_wait, &woken, NULL, NULL);
	if (err == GN_OK)
		err = rt_calc_await_wake(session, &short_wait, &again, NULL, NULL);
	gn_log("the server waited for the wake signal: %s, and again: %s",
		gn_err_name((gn_err_t)woken.value), gn_err_name((gn_err_t)again.value));
	check(err == GN_OK && woken.value == GN_OK && again.value == GN_ERR_TIMEOUT, "wait signal");
	bool const early = gn_semaphore_down_timeout(&answered, 20000);
	check(!early, "the deferred reply came before the release");
	err = rt_calc_release(session, &none, &none, NULL, NULL);
	gn_semaphore_down(&answered);
	gn_log("release: %s; later(%d) answered %s with %lu", gn_err_name(err), LATER_VALUE,
		gn_err_name(later_err), later_result);
	check(err == GN_OK && later_err == GN_OK && later_result == 2 * LATER_VALUE, "deferred");
	gn_platform_thread_wait(&t);
	gn_log("two threads counted %lu under the mutex", shared_count);
	check(shared_count == 2 * ROUNDS, "mutex");
	gn_cap_drop(ep_sig);
	gn_cap_drop(wake_sig);
}

int main(void)
{
	gn_rpc_void_t none = {0};

	session = lookup();
	gn_log("looked the session up at the root: kind %d", (int)gn_cap_kind(session));
	if (!gn_cap_valid(session))
		return 1;
	calls();
	malformed();
	frames();
	counters();
	signals();
	foreign();
	threads();
	gn_err_t const err = rt_calc_bye(session, &none, &none, NULL, NULL);
	check(err == GN_OK, "bye");
	gn_cap_drop(session);
	gn_log("%u checks failed, %u capabilities left", failed, gn_cap_count() - 1);
	return failed ? 1 : 0;
}
