/*
 * hw-rt-server: the calculator of rt_test.h on the component runtime: an entrypoint on its own
 * endpoint, its session announced at the root, a counter object it manages and dissolves on
 * request, a deferred reply, and a signal receiver whose signals a second thread counts.
 */
#include <gneiss/lock.h>
#include <gneiss/log.h>
#include <gneiss/string.h>
#include <gneiss/thread.h>
#include <gn_platform.h>

#include "hw_rt.h"
#include "rt_test.h"

GN_RPC_SERVER(rt_calc, RT_CALC_RPCS)
GN_RPC_SERVER(rt_counter, RT_COUNTER_RPCS)

enum {
	STACK = 16 * 1024,
	SIGNALS_EXPECTED = 5,
};

typedef struct {
	gn_ep_t *ep;
	uint64_t counter_value;
	gn_cap_t counter;
	gn_rpc_token_t hold; /* a call on the counter, never answered */
	gn_cap_t sig;
	gn_cap_t ep_sig;   /* a context of the entrypoint's own */
	gn_cap_t wake_sig; /* one without a handler, for gn_ep_wait_signal */
	uint64_t handled;
	gn_rpc_token_t later;
	uint64_t later_value;
	bool later_pending;
} calc_t;

static calc_t calc;
static hw_signal_receiver_t receiver;

static gn_err_t add(void *obj, gn_rpc_request_t *req, rt_add_args_t const *args, rt_add_res_t *res)
{
	(void)obj, (void)req;
	res->sum = args->a + args->b;
	return GN_OK;
}

static gn_err_t echo_big(void *obj, gn_rpc_request_t *req, rt_big_t const *args, rt_big_t *res)
{
	(void)obj, (void)req;
	for (unsigned i = 0; i < RT_BIG; i++)
		res->bytes[i] = (uint8_t)(args->bytes[i] + 1);
	return GN_OK;
}

static gn_err_t echo_cap(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	(void)obj, (void)args, (void)res;
	req->caps_out[0] = gn_cap_copy(req->caps_in[0]);
	req->num_caps_out = 1;
	return GN_OK;
}

static gn_err_t increment(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, rt_value_t *res)
{
	calc_t *c = obj;

	(void)req, (void)args;
	res->value = ++c->counter_value;
	return GN_OK;
}

static gn_err_t hold(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	calc_t *c = obj;

	(void)args, (void)res;
	c->hold = gn_ep_defer(req);
	gn_log("holding a call on the counter");
	return GN_RPC_DEFERRED;
}

static rt_counter_ops_t const counter_ops = {increment, hold};

static gn_err_t counter_create(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	calc_t *c = obj;

	(void)args, (void)res;
	if (gn_cap_valid(c->counter))
		return GN_ERR_EXISTS;
	gn_err_t err = gn_ep_manage(c->ep, c, &rt_counter_iface, &counter_ops, &c->counter);
	if (err != GN_OK)
		return err;
	c->counter_value = 0;
	req->caps_out[0] = gn_cap_copy(c->counter);
	req->num_caps_out = 1;
	gn_log("counter managed in slot %u", c->counter);
	return GN_OK;
}

/* The client passes the counter back; the server cannot tell it apart (no gn_ep_lookup yet). */
static gn_err_t counter_destroy(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	calc_t *c = obj;

	(void)req, (void)args, (void)res;
	if (!gn_cap_valid(c->counter))
		return GN_ERR_NOT_FOUND;
	gn_ep_dissolve(c->ep, c->counter);
	gn_cap_drop(c->counter);
	c->counter = GN_CAP_INVALID;
	/* the held call ended with the counter: its token finds nothing any more */
	if (c->hold.ep)
		gn_ep_reply(c->hold, GN_OK, res, sizeof(*res), NULL, 0);
	c->hold = (gn_rpc_token_t){0};
	gn_log("counter dissolved");
	return GN_OK;
}

static gn_err_t signal(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	calc_t *c = obj;

	(void)args, (void)res;
	req->caps_out[0] = gn_cap_copy(c->sig);
	req->num_caps_out = 1;
	return GN_OK;
}

static gn_err_t later(void *obj, gn_rpc_request_t *req, rt_value_t const *args, rt_value_t *res)
{
	calc_t *c = obj;

	(void)res;
	if (c->later_pending)
		return GN_ERR_EXISTS;
	c->later = gn_ep_defer(req);
	c->later_value = args->value;
	c->later_pending = true;
	gn_log("deferring the reply to later(%lu)", args->value);
	return GN_RPC_DEFERRED;
}

static gn_err_t release(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	calc_t *c = obj;
	rt_value_t const v = {2 * c->later_value};

	(void)req, (void)args, (void)res;
	if (!c->later_pending)
		return GN_ERR_NOT_FOUND;
	c->later_pending = false;
	gn_ep_reply(c->later, GN_OK, &v, sizeof(v), NULL, 0);
	/* a token answered once finds nothing the second time */
	gn_ep_reply(c->later, GN_ERR_DENIED, NULL, 0, NULL, 0);
	gn_log("answered later(%lu) with %lu", c->later_value, v.value);
	return GN_OK;
}

/* The entrypoint's signal handler: runs on the entrypoint's thread. */
static void on_signal(void *ctx, uint64_t count)
{
	calc_t *c = ctx;

	c->handled += count;
	gn_log("entrypoint signal handler: %lu more, %lu in all", count, c->handled);
}

static gn_err_t ep_signal(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	calc_t *c = obj;

	(void)args, (void)res;
	req->caps_out[0] = gn_cap_copy(c->ep_sig);
	req->num_caps_out = 1;
	return GN_OK;
}

/* Serves no RPC meanwhile: the signals come through gn_ep_dispatch_signals. */
static gn_err_t await_signals(
	void *obj, gn_rpc_request_t *req, rt_value_t const *args, rt_value_t *res)
{
	calc_t *c = obj;
	unsigned rounds = 0;

	(void)req;
	while (c->handled < args->value && rounds++ < 100)
		gn_ignore(gn_ep_dispatch_signals(c->ep, 100));
	gn_log("awaited %lu signals: %lu handled", args->value, c->handled);
	res->value = c->handled;
	return GN_OK;
}

static gn_err_t wake_signal(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	calc_t *c = obj;

	(void)args, (void)res;
	req->caps_out[0] = gn_cap_copy(c->wake_sig);
	req->num_caps_out = 1;
	return GN_OK;
}

static gn_err_t await_wake(
	void *obj, gn_rpc_request_t *req, rt_value_t const *args, rt_value_t *res)
{
	calc_t *c = obj;

	(void)req;
	res->value = gn_ep_wait_signal(c->ep, c->wake_sig, (int)args->value);
	gn_log("waited for the wake signal: %s", gn_err_name((gn_err_t)res->value));
	return GN_OK;
}

static gn_thread_t thread;
static gn_cap_t session;

/*
 * The last call: answered at once through a deferred reply (gn_ep_run never returns), then the
 * server cleans up and exits from the handler.
 */
static gn_err_t bye(void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	calc_t *c = obj;
	gn_rpc_token_t const token = gn_ep_defer(req);

	(void)args;
	gn_ep_reply(token, GN_OK, res, sizeof(*res), NULL, 0);
	gn_platform_thread_wait(&thread);
	gn_ep_sigh_dissolve(c->ep, c->ep_sig);
	gn_ep_sigh_dissolve(c->ep, c->wake_sig);
	gn_ep_destroy(c->ep);
	gn_cap_drop(c->ep_sig);
	gn_cap_drop(c->wake_sig);
	gn_cap_drop(session);
	gn_cap_drop(c->sig);
	hw_signal_receiver_destroy(&receiver);
	gn_log("exiting, %u capabilities left", gn_cap_count() - 1 /* the boot endpoint */);
	gn_platform_exit(0);
}

static rt_calc_ops_t const calc_ops = {add, echo_big, echo_cap, counter_create, counter_destroy,
	signal, later, release, bye, ep_signal, await_signals, wake_signal, await_wake};

static void signal_thread(void *arg)
{
	uint64_t total = 0, deliveries = 0;

	(void)arg;
	while (total < SIGNALS_EXPECTED) {
		uint64_t count, badge;
		gn_err_t err = hw_signal_wait(&receiver, 0, &count, &badge);
		if (err != GN_OK) {
			gn_error("signal wait: %s", gn_err_name(err));
			return;
		}
		total += count;
		deliveries++;
		if (badge != RT_SIGNAL_BADGE)
			gn_error("signal with badge 0x%lx", badge);
	}
	gn_log("received %lu signals in %lu deliveries, badge 0x%x", total, deliveries,
		RT_SIGNAL_BADGE);
}

static uint8_t signal_area[STACK + 3 * 4096] __attribute__((aligned(4096)));

int main(void)
{
	rt_name_t const name = {RT_NAME_CALC};
	gn_rpc_void_t none;

	gn_err_t err = gn_ep_create(&calc.ep);
	if (err == GN_OK)
		err = hw_signal_receiver_create(&receiver);
	if (err == GN_OK)
		err = hw_signal_context_create(&receiver, RT_SIGNAL_BADGE, &calc.sig);
	if (err == GN_OK)
		err = hw_ep_signal_context(calc.ep, &calc.ep_sig);
	if (err == GN_OK)
		err = gn_ep_sigh(calc.ep, calc.ep_sig, on_signal, &calc);
	if (err == GN_OK)
		err = hw_ep_signal_context(calc.ep, &calc.wake_sig);
	if (err == GN_OK)
		err = gn_ep_manage(calc.ep, &calc, &rt_calc_iface, &calc_ops, &session);
	if (err != GN_OK) {
		gn_error("setting up: %s", gn_err_name(err));
		return 1;
	}
	thread = (gn_thread_t){.entry = signal_thread, .cpu = GN_CPU_ANY, .base = signal_area};
	thread.size = gn_platform_thread_area(STACK);
	err = gn_platform_thread_start(&thread);
	gn_log("signal thread: %s", gn_err_name(err));
	err = rt_root_announce(hw_rt_boot_ep(), &name, &none, &session, NULL);
	gn_log("announced the session at the root: %s", gn_err_name(err));
	gn_ep_run(calc.ep);
}
