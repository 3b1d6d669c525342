/*
 * hw-rt-server: the calculator of rt_test.h on the component runtime: an entrypoint on its own
 * endpoint, its session announced at the root, a counter object it manages, recognises when it
 * comes back (gn_ep_lookup, gn_cap_same) and dissolves on request, a deferred reply, a signal
 * receiver whose signals a second thread counts (on a stack in a dataspace), and contexts the
 * root made unbound, bound to its entrypoint. Before it announces itself it tests dataspaces and
 * the region map on memory objects of the root's.
 */
#include <gneiss/dataspace.h>
#include <gneiss/lock.h>
#include <gneiss/log.h>
#include <gneiss/region_map.h>
#include <gneiss/string.h>
#include <gneiss/thread.h>
#include <gn_platform.h>
#include <hw_component.h>

#include "hw_lib.h" /* hw_cap_enter: a memory object of its own into the capability table */
#include "hw_rt.h"
#include "rt_test.h"

GN_RPC_SERVER(rt_calc, RT_CALC_RPCS)
GN_RPC_SERVER(rt_counter, RT_COUNTER_RPCS)

enum {
	STACK = 16 * 1024,
	SIGNALS_EXPECTED = 5,
	PAGE = 4096,
	DS_PAGES = 2,
	FOREIGN_SUBMITS = 1, /* by the root, before the context is bound */
};

#define FIXED_AT (HW_RM_BASE + 64 * GN_MIB) /* inside the region map's window, off first fit's */

typedef struct calc calc_t;

typedef struct {
	calc_t *calc;
} counter_t;

struct calc {
	gn_ep_t *ep;
	uint64_t counter_value;
	counter_t counter_obj;
	gn_cap_t counter;
	gn_rpc_token_t hold; /* a call on the counter, never answered */
	gn_cap_t sig;
	gn_cap_t ep_sig;   /* a context of the entrypoint's own */
	gn_cap_t wake_sig; /* one without a handler, for gn_ep_wait_signal */
	uint64_t handled;
	gn_rpc_token_t later;
	uint64_t later_value;
	bool later_pending;
	gn_cap_t foreign;      /* the root's unbound context, bound here with a handler */
	gn_cap_t foreign_wait; /* another, for gn_ep_wait_signal */
	uint64_t foreign_handled;
};

static calc_t calc;
static hw_signal_receiver_t receiver;

static unsigned failed;

static void check(bool ok, char const *what)
{
	if (!ok) {
		failed++;
		gn_error("WRONG: %s", what);
	}
}

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
	calc_t *c = ((counter_t *)obj)->calc;

	(void)req, (void)args;
	res->value = ++c->counter_value;
	return GN_OK;
}

static gn_err_t hold(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	calc_t *c = ((counter_t *)obj)->calc;

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
	c->counter_obj.calc = c;
	gn_err_t err =
		gn_ep_manage(c->ep, &c->counter_obj, &rt_counter_iface, &counter_ops, &c->counter);
	if (err != GN_OK)
		return err;
	c->counter_value = 0;
	req->caps_out[0] = gn_cap_copy(c->counter);
	req->num_caps_out = 1;
	gn_log("counter managed in slot %u", c->counter);
	return GN_OK;
}

/* The client passes the counter back: the entrypoint recognises it (gn_ep_lookup). */
static gn_err_t counter_destroy(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	calc_t *c = obj;

	(void)args, (void)res;
	if (!gn_cap_valid(c->counter) ||
		gn_ep_lookup(c->ep, req->caps_in[0], &rt_counter_iface) != &c->counter_obj)
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

static gn_err_t identify(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, rt_value_t *res)
{
	calc_t *c = obj;
	gn_cap_t const cap = req->caps_in[0];

	(void)args;
	res->value = gn_ep_lookup(c->ep, cap, &rt_calc_iface) == c ? RT_ID_SESSION
		     : gn_ep_lookup(c->ep, cap, &rt_counter_iface) == &c->counter_obj
			     ? RT_ID_COUNTER
			     : 0;
	if (gn_cap_same(req->caps_in[0], session))
		res->value |= RT_ID_SAME_SESSION;
	if (gn_cap_same(req->caps_in[0], c->counter))
		res->value |= RT_ID_SAME_COUNTER;
	return GN_OK;
}

/* The handler of the root's context: runs on the entrypoint's thread like any other. */
static void on_foreign(void *ctx, uint64_t count)
{
	calc_t *c = ctx;

	c->foreign_handled += count;
	gn_log("handler of the root's context: %lu more, %lu in all", count, c->foreign_handled);
}

static gn_err_t foreign_signal(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	calc_t *c = obj;

	(void)args, (void)res;
	req->caps_out[0] = gn_cap_copy(c->foreign);
	req->num_caps_out = 1;
	return GN_OK;
}

static gn_err_t await_foreign(
	void *obj, gn_rpc_request_t *req, rt_value_t const *args, rt_value_t *res)
{
	calc_t *c = obj;
	unsigned rounds = 0;

	(void)req;
	while (c->foreign_handled < args->value && rounds++ < 100)
		gn_ignore(gn_ep_dispatch_signals(c->ep, 100));
	res->value = c->foreign_handled;
	return GN_OK;
}

static gn_err_t foreign_wait(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	calc_t *c = obj;

	(void)args, (void)res;
	req->caps_out[0] = gn_cap_copy(c->foreign_wait);
	req->num_caps_out = 1;
	return GN_OK;
}

static gn_err_t await_foreign_wait(
	void *obj, gn_rpc_request_t *req, rt_value_t const *args, rt_value_t *res)
{
	calc_t *c = obj;

	(void)req;
	res->value = gn_ep_wait_signal(c->ep, c->foreign_wait, (int)args->value);
	return GN_OK;
}

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
	gn_cap_drop(c->foreign);
	gn_cap_drop(c->foreign_wait);
	gn_cap_drop(session);
	gn_cap_drop(c->sig);
	hw_signal_receiver_destroy(&receiver);
	gn_ds_detach(thread.base, thread.size);
	gn_cap_drop(thread.ds);
	gn_log("exiting, %u checks failed, %u capabilities left, %u regions", failed,
		gn_cap_count() - 1 /* the boot endpoint */, gn_rm_count());
	gn_platform_exit(failed ? 1 : 0);
}

static rt_calc_ops_t const calc_ops = {add, echo_big, echo_cap, counter_create, counter_destroy,
	signal, later, release, bye, ep_signal, await_signals, wake_signal, await_wake, identify,
	foreign_signal, await_foreign, foreign_wait, await_foreign_wait};

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

/* A dataspace from the root: attached, its size learnt, read and written, and a second window. */
static gn_err_t attach_and_use(gn_cap_t ds)
{
	char text[RT_PATTERN_LEN] = "";
	size_t ds_size = 0, size = 0;
	bool writable = false;
	uint8_t *addr = NULL;

	gn_err_t err = gn_ds_size(ds, &ds_size);
	if (err == GN_OK)
		err = gn_ds_attach(ds, (void **)&addr, &size, &writable);
	bool const placed = (uintptr_t)addr >= HW_RM_BASE && (uintptr_t)addr + size <= HW_RM_END;
	gn_log("dataspace of %lu bytes attached: %s, %lu bytes, %s, in the window: %s", ds_size,
		gn_err_name(err), size, writable ? "writable" : "read-only", placed ? "yes" : "no");
	check(err == GN_OK && ds_size == DS_PAGES * PAGE && size == ds_size && writable && placed,
		"attach");
	if (err != GN_OK)
		return err;
	err = gn_ds_read(text, addr, sizeof(text));
	gn_log("read the root's words: %s, '%s'", gn_err_name(err), text);
	check(err == GN_OK && !gn_memcmp(text, RT_PATTERN, RT_PATTERN_LEN), "read");
	err = gn_ds_fill(addr + PAGE, 0x5a, PAGE);
	if (err == GN_OK)
		err = gn_ds_write(addr + PAGE, "second page", 12);
	check(err == GN_OK, "fill and write");

	/* the second page again, read-only at a fixed address: the same memory */
	gn_rm_attach_args_t const fixed = {PAGE, PAGE, (void *)FIXED_AT, false};
	uint8_t *at = NULL;
	void *start = NULL;
	err = gn_rm_attach(ds, &fixed, (void **)&at);
	bool const same = err == GN_OK && at == (void *)FIXED_AT &&
			  !gn_memcmp(at, "second page", 12) && at[PAGE - 1] == 0x5a;
	gn_log("second page at 0x%lx: %s, same bytes: %s", (unsigned long)FIXED_AT,
		gn_err_name(err), same ? "yes" : "no");
	check(same, "fixed attach");
	gn_rm_attach_args_t over = {0, 2 * PAGE, (void *)(FIXED_AT - PAGE), false};
	gn_err_t const overlap = gn_rm_attach(ds, &over, &start);
	over = (gn_rm_attach_args_t){0, 0, (void *)(FIXED_AT + 100), false};
	gn_err_t const unaligned = gn_rm_attach(ds, &over, &start);
	over = (gn_rm_attach_args_t){2 * PAGE, PAGE, NULL, false};
	gn_err_t const beyond = gn_rm_attach(ds, &over, &start);
	gn_log("overlapping: %s, unaligned: %s, beyond the end: %s", gn_err_name(overlap),
		gn_err_name(unaligned), gn_err_name(beyond));
	check(overlap == GN_ERR_EXISTS && unaligned == GN_ERR_INVALID_ARG &&
			beyond == GN_ERR_INVALID_ARG,
		"refusals");
	size_t found_size = 0;
	err = gn_rm_lookup(at + 10, &start, &found_size, &writable);
	check(err == GN_OK && start == at && found_size == PAGE && !writable, "lookup");
	check(gn_rm_lookup(addr - 1, &start, &found_size, &writable) == GN_ERR_NOT_FOUND, "guard");
	check(gn_rm_count() == 2, "two regions");
	check(gn_rm_detach(at) == GN_OK && gn_rm_detach(at) == GN_ERR_NOT_FOUND, "detach");
	gn_ds_detach(addr, size);
	return GN_OK;
}

/* A read-only copy: attached read-only, a writable attach DENIED. */
static void read_only(void)
{
	rt_memory_args_t const args = {DS_PAGES, 1};
	gn_rm_attach_args_t const rw = {0, 0, NULL, true};
	rt_value_t id;
	gn_cap_t ds = GN_CAP_INVALID;
	char text[RT_PATTERN_LEN] = "";
	uint8_t *addr = NULL;
	size_t size = 0;
	bool writable = true;
	void *start;

	gn_err_t err = rt_root_memory(hw_rt_boot_ep(), &args, &id, NULL, &ds);
	if (err == GN_OK)
		err = gn_ds_attach(ds, (void **)&addr, &size, &writable);
	gn_err_t const denied = err == GN_OK ? gn_rm_attach(ds, &rw, &start) : err;
	if (err == GN_OK)
		err = gn_ds_read(text, addr, sizeof(text));
	gn_log("read-only copy: %s, %s, '%s'; writable: %s", gn_err_name(err),
		writable ? "writable" : "read-only", text, gn_err_name(denied));
	check(err == GN_OK && !writable && denied == GN_ERR_DENIED &&
			!gn_memcmp(text, RT_PATTERN, RT_PATTERN_LEN),
		"read-only");
	if (addr)
		gn_ds_detach(addr, size);
	gn_cap_drop(ds);
}

/* The root destroys the object while it is attached: every access answers REVOKED. */
static void revoked(gn_cap_t ds, uint64_t id)
{
	rt_value_t const which = {id};
	gn_rpc_void_t none;
	uint8_t *addr = NULL;
	size_t size = 0, ds_size = 0;
	bool writable;
	char text[RT_PATTERN_LEN];

	gn_err_t err = gn_ds_attach(ds, (void **)&addr, &size, &writable);
	if (err == GN_OK)
		err = rt_root_free_memory(hw_rt_boot_ep(), &which, &none, NULL, NULL);
	gn_log("the root destroyed the dataspace: %s", gn_err_name(err));
	if (err != GN_OK)
		return;
	gn_err_t const read = gn_ds_read(text, addr, sizeof(text));
	gn_err_t const write = gn_ds_write(addr + PAGE, "x", 1);
	gn_err_t const fill = gn_ds_fill(addr, 0, size);
	gn_err_t const sized = gn_ds_size(ds, &ds_size);
	gn_log("after its end: read %s, write %s, fill %s, size %s", gn_err_name(read),
		gn_err_name(write), gn_err_name(fill), gn_err_name(sized));
	check(read == GN_ERR_REVOKED && write == GN_ERR_REVOKED && fill == GN_ERR_REVOKED &&
			sized == GN_ERR_INVALID_CAP,
		"revoked");
	gn_ds_detach(addr, size);
}

static void dataspaces(void)
{
	rt_memory_args_t const args = {DS_PAGES, 0};
	rt_value_t id = {0};
	gn_cap_t ds = GN_CAP_INVALID;

	gn_err_t err = rt_root_memory(hw_rt_boot_ep(), &args, &id, NULL, &ds);
	check(err == GN_OK && gn_cap_kind(ds) == GN_CAP_KIND_DATASPACE, "memory from the root");
	if (err == GN_OK)
		err = attach_and_use(ds);
	read_only();
	if (err == GN_OK)
		revoked(ds, id.value);
	gn_cap_drop(ds);
	gn_log("dataspaces: %u checks failed, %u regions left", failed, gn_rm_count());
}

/*
 * Contexts made by the root bound to no receiver, as a PD session hands them out: one gets a
 * handler (bound by gn_ep_sigh; the root's submit before counts), the other is waited for.
 */
static gn_err_t foreign_contexts(void)
{
	rt_value_t const submits = {FOREIGN_SUBMITS}, none_submitted = {0};
	gn_rpc_void_t none;

	gn_err_t err =
		rt_root_unbound_signal(hw_rt_boot_ep(), &submits, &none, NULL, &calc.foreign);
	if (err == GN_OK)
		err = gn_ep_sigh(calc.ep, calc.foreign, on_foreign, &calc);
	gn_log("a context of the root's bound to the entrypoint: %s", gn_err_name(err));
	if (err != GN_OK)
		return err;
	gn_ep_sigh_dissolve(calc.ep, calc.foreign);
	err = gn_ep_sigh(calc.ep, calc.foreign, on_foreign, &calc);
	gn_err_t const elsewhere = gn_ep_sigh(calc.ep, calc.sig, on_foreign, &calc);
	gn_log("again after dissolving: %s; one bound to another receiver: %s", gn_err_name(err),
		gn_err_name(elsewhere));
	check(err == GN_OK && elsewhere == GN_ERR_INVALID_CAP, "sigh again");
	if (err == GN_OK)
		err = rt_root_unbound_signal(
			hw_rt_boot_ep(), &none_submitted, &none, NULL, &calc.foreign_wait);
	return err;
}

/* The signal thread's stack: a memory object of its own, attached like lib/base's threads. */
static gn_err_t stack_dataspace(gn_thread_t *t)
{
	size_t const area = gn_platform_thread_area(STACK);
	int64_t const slot = hw_syscall4(HW_SYS_MEM_CREATE, area, 0, 0, 0);
	bool writable;

	if (slot < 0)
		return hw_err(slot);
	gn_err_t err = hw_cap_enter((uint64_t)slot, &t->ds);
	if (err == GN_OK)
		err = gn_ds_attach(t->ds, &t->base, &t->size, &writable);
	return err;
}

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
	if (err == GN_OK)
		err = foreign_contexts();
	if (err != GN_OK) {
		gn_error("setting up: %s", gn_err_name(err));
		return 1;
	}
	dataspaces();
	thread = (gn_thread_t){.entry = signal_thread, .cpu = GN_CPU_ANY};
	err = stack_dataspace(&thread);
	if (err == GN_OK)
		err = gn_platform_thread_start(&thread);
	gn_log("signal thread: %s", gn_err_name(err));
	err = rt_root_announce(hw_rt_boot_ep(), &name, &none, &session, NULL);
	gn_log("announced the session at the root: %s", gn_err_name(err));
	gn_ep_run(calc.ep);
}
