/*
 * hw-core-root: the kernel calls for core (milestone 5) as the root uses them (hw_core). The kernel
 * starts it alone (the scenario's hw-start module) and it checks, each result exact: raw console
 * lines (the root only; unknown flags INVALID_ARG), mem_size of memory objects through any
 * capability, cap_badge (which of its endpoint's badged copies a capability is; NOT_FOUND for
 * everything else, DENIED without the receive right), cap_same (one object and one badge),
 * unbound signal contexts (submits count until signal_bind binds them, once; a waiter gets the
 * count at the binding; destroying a receiver with bound contexts, or an unbound context, leaves
 * nothing behind), and that the root has no per-domain limits but the kernel's pools. Then it
 * starts hw-core-child four times from its boot module (lib/spawn.c), each time its fault handler,
 * and serves it (lib/core_test.h): the child's exit arrives as a fault message (HW_FAULT_EXIT, the
 * code as the error) and the domain ends with that code whatever the answer: "resume", a reply
 * capability dropped unused, the first of two exits, an endpoint destroyed with the exit queued.
 * Last it registers an endpoint of its own as its handler and exits: the kernel does not ask it.
 */
#include <gneiss/fmt.h>

#include "core_test.h"
#include "spawn.h"

#define MAP_VA 0x100000000UL  /* 16 MiB for spawn's temporary mappings */
#define WORK_VA 0x200000000UL /* the root's own mappings */

enum {
	PAGE = 4096,
	STACK = 4096,
	PRIO = HW_PRIO_MAX - 1,
	WAIT_US = 1000000,
	CHILD_BADGE = 0xc1,
	FAULT_BADGE = 0xfa00,
	EMPTY = 900, /* a slot the root never fills */
};

static unsigned failed;
static uint8_t stack[STACK] __attribute__((aligned(16)));
static volatile int64_t waiter_result;
static volatile uint64_t waiter_badge;
static bool volatile waiter_done;

static void expect(char const *what, int64_t r, int64_t want)
{
	char hex[24];
	char const *name = result_name(r);

	if (r > 0xff) {
		gn_ignore(gn_fmt(hex, sizeof(hex), NULL, "0x%lx", (uint64_t)r));
		name = hex;
	}
	out("%s: %s%s", what, name, r == want ? "" : " WRONG");
	failed += r != want;
}

static int64_t expect_ok(char const *what, int64_t r)
{
	if (r < 0) {
		out("%s: %s WRONG", what, result_name(r));
		failed++;
	}
	return r;
}

static void raw_print(void)
{
	static char const raw[] = "a raw line of the root\n[core -> child] a label of its own";

	expect("print raw", sys_print_flags(raw, sizeof(raw) - 1, HW_PRINT_RAW), 0);
	expect("print with an unknown flag", sys_print_flags("x", 1, 2), -GN_ERR_INVALID_ARG);
	expect("print with every flag", sys_print_flags("x", 1, ~0ULL), -GN_ERR_INVALID_ARG);
	expect("print raw from the kernel half",
		sys_print_flags((char const *)0xffffffff80000000UL, 8, HW_PRINT_RAW),
		-GN_ERR_DENIED);
}

static void mem_size(void)
{
	int64_t m = expect_ok("a memory object of 3 pages", sys_mem_create(3 * PAGE));
	int64_t ro = sys_cap_mint((uint64_t)m, HW_RIGHT_READ, 0),
		none = sys_cap_mint((uint64_t)m, 0, 0);
	int64_t ep = sys_ep_create();
	hw_boot_module_t const *me = &boot_table.modules[0];

	expect("mem_size of it", sys_mem_size((uint64_t)m), 3 * PAGE);
	expect("mem_size through a read-only copy", sys_mem_size((uint64_t)ro), 3 * PAGE);
	expect("mem_size through a copy without rights", sys_mem_size((uint64_t)none), 3 * PAGE);
	expect("mem_size of my boot module: whole pages", sys_mem_size(me->slot),
		(int64_t)((me->size + PAGE - 1) / PAGE * PAGE));
	expect("mem_size of an endpoint", sys_mem_size((uint64_t)ep), -GN_ERR_INVALID_CAP);
	expect("mem_size of an empty slot", sys_mem_size(EMPTY), -GN_ERR_INVALID_CAP);
	expect("mem_size of slot 1024", sys_mem_size(HW_CAP_SLOTS), -GN_ERR_INVALID_CAP);
	sys_cap_drop((uint64_t)m);
	expect("mem_size through the copy after the drop", sys_mem_size((uint64_t)ro),
		-GN_ERR_REVOKED);
	sys_cap_drop((uint64_t)ro);
	sys_cap_drop((uint64_t)none);
	sys_cap_drop((uint64_t)ep);
}

static void cap_badge(void)
{
	int64_t ep = sys_ep_create(), other = sys_ep_create(), m = sys_mem_create(PAGE);
	int64_t recv = sys_cap_mint((uint64_t)ep, HW_RIGHT_CALL | HW_RIGHT_RECV, 0);
	int64_t b1 = sys_cap_mint((uint64_t)ep, HW_RIGHT_CALL, 0x11);
	int64_t b1c = sys_cap_mint((uint64_t)b1, HW_RIGHT_CALL, 0);
	int64_t b2 = sys_cap_mint((uint64_t)ep, HW_RIGHT_CALL, 0x22);
	int64_t plain = sys_cap_mint((uint64_t)ep, HW_RIGHT_CALL, 0);
	int64_t ob = sys_cap_mint((uint64_t)other, HW_RIGHT_CALL, 0x11), top;
	uint64_t e = (uint64_t)ep;

	expect("cap_badge of the copy badged 0x11", sys_cap_badge((uint64_t)b1, e), 0x11);
	expect("cap_badge of a copy of that copy", sys_cap_badge((uint64_t)b1c, e), 0x11);
	expect("cap_badge of the copy badged 0x22", sys_cap_badge((uint64_t)b2, e), 0x22);
	expect("cap_badge of an unbadged copy", sys_cap_badge((uint64_t)plain, e), 0);
	expect("cap_badge of the endpoint itself", sys_cap_badge(e, e), 0);
	expect("cap_badge of another endpoint's copy badged 0x11", sys_cap_badge((uint64_t)ob, e),
		-GN_ERR_NOT_FOUND);
	expect("cap_badge of a memory object", sys_cap_badge((uint64_t)m, e), -GN_ERR_NOT_FOUND);
	expect("cap_badge of an empty slot", sys_cap_badge(EMPTY, e), -GN_ERR_NOT_FOUND);
	expect("cap_badge of slot 1024", sys_cap_badge(HW_CAP_SLOTS, e), -GN_ERR_INVALID_CAP);
	expect("cap_badge on a copy without the receive right",
		sys_cap_badge((uint64_t)b1, (uint64_t)plain), -GN_ERR_DENIED);
	expect("cap_badge on a memory object", sys_cap_badge((uint64_t)b1, (uint64_t)m),
		-GN_ERR_INVALID_CAP);
	expect("cap_badge on slot -1", sys_cap_badge((uint64_t)b1, ~0ULL), -GN_ERR_INVALID_CAP);
	expect("mint badge 2^63", sys_cap_mint(e, HW_RIGHT_CALL, 1ULL << 63), -GN_ERR_INVALID_ARG);
	top = expect_ok("mint the largest badge", sys_cap_mint(e, HW_RIGHT_CALL, HW_BADGE_MAX));
	expect("cap_badge of it is 2^63 - 1", sys_cap_badge((uint64_t)top, e), INT64_MAX);
	expect("revoke badge 0x22", sys_ep_revoke_badge(e, 0x22), 1);
	expect("cap_badge of the revoked copy", sys_cap_badge((uint64_t)b2, e), -GN_ERR_NOT_FOUND);
	sys_cap_drop(e);
	expect("cap_badge on the destroyed endpoint", sys_cap_badge((uint64_t)b1, (uint64_t)recv),
		-GN_ERR_REVOKED);
	uint64_t const drop[] = {(uint64_t)other, (uint64_t)m, (uint64_t)recv, (uint64_t)b1,
		(uint64_t)b1c, (uint64_t)b2, (uint64_t)plain, (uint64_t)ob, (uint64_t)top};
	for (unsigned i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		sys_cap_drop(drop[i]);
}

static void cap_same(void)
{
	int64_t ep = sys_ep_create(), m = sys_mem_create(PAGE);
	int64_t b1 = sys_cap_mint((uint64_t)ep, HW_RIGHT_CALL, 1);
	int64_t b1c = sys_cap_mint((uint64_t)b1, HW_RIGHT_CALL, 0);
	int64_t b2 = sys_cap_mint((uint64_t)ep, HW_RIGHT_CALL, 2);
	int64_t plain = sys_cap_mint((uint64_t)ep, HW_RIGHT_CALL, 0);
	int64_t ro = sys_cap_mint((uint64_t)m, HW_RIGHT_READ, 0);

	expect("cap_same of two copies with one badge", sys_cap_same((uint64_t)b1, (uint64_t)b1c),
		1);
	expect("cap_same of two badges", sys_cap_same((uint64_t)b1, (uint64_t)b2), 0);
	expect("cap_same of the endpoint and an unbadged copy with fewer rights",
		sys_cap_same((uint64_t)ep, (uint64_t)plain), 1);
	expect("cap_same of the endpoint and a badged copy",
		sys_cap_same((uint64_t)ep, (uint64_t)b1), 0);
	expect("cap_same of a memory object and a read-only copy",
		sys_cap_same((uint64_t)m, (uint64_t)ro), 1);
	expect("cap_same of a memory object and an endpoint",
		sys_cap_same((uint64_t)m, (uint64_t)ep), 0);
	expect("cap_same of a slot and itself", sys_cap_same((uint64_t)b1, (uint64_t)b1), 1);
	expect("cap_same of a capability and an empty slot", sys_cap_same((uint64_t)b1, EMPTY), 0);
	expect("cap_same of two empty slots", sys_cap_same(EMPTY, EMPTY + 1), 0);
	expect("cap_same with slot 1024", sys_cap_same((uint64_t)b1, HW_CAP_SLOTS),
		-GN_ERR_INVALID_CAP);
	expect("cap_same with slot -1", sys_cap_same(~0ULL, (uint64_t)b1), -GN_ERR_INVALID_CAP);
	sys_cap_drop((uint64_t)m);
	expect("cap_same of a stale slot and itself", sys_cap_same((uint64_t)ro, (uint64_t)ro), 0);
	sys_ep_revoke_badge((uint64_t)ep, 1);
	expect("cap_same of two copies revoked by their badge",
		sys_cap_same((uint64_t)b1, (uint64_t)b1c), 0);
	uint64_t const drop[] = {(uint64_t)ep, (uint64_t)b1, (uint64_t)b1c, (uint64_t)b2,
		(uint64_t)plain, (uint64_t)ro};
	for (unsigned i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		sys_cap_drop(drop[i]);
}

static void waiter(uint64_t receiver, hw_utcb_t *utcb)
{
	waiter_result = sys_signal_wait(receiver, 0);
	waiter_badge = utcb->badge;
	waiter_done = true;
}

/* Submits to context n times; returns how many were not accepted. */
static unsigned submit(int64_t context, unsigned n)
{
	unsigned bad = 0;

	for (unsigned i = 0; i < n; i++)
		bad += sys_submit((uint64_t)context) != 0;
	return bad;
}

static void bind(uint64_t r)
{
	int64_t rcopy = sys_cap_mint(r, 0, 0), ep = sys_ep_create(), c, plain, bound, w;

	expect("an unbound context with a badge", sys_signal_context(HW_SIGNAL_UNBOUND, 5),
		-GN_ERR_INVALID_ARG);
	c = expect_ok("an unbound context", sys_signal_context(HW_SIGNAL_UNBOUND, 0));
	expect("cap_info of it", sys_cap_info((uint64_t)c),
		(int64_t)HW_CAP_INFO(HW_OBJ_SIGNAL_CONTEXT, HW_RIGHT_SUBMIT | HW_RIGHT_OWNER));
	expect("submits refused of three while unbound", submit(c, 3), 0);
	expect("bind it to a receiver copy without the receive right",
		sys_signal_bind((uint64_t)c, (uint64_t)rcopy, 0x77), -GN_ERR_DENIED);
	expect("bind it to an endpoint", sys_signal_bind((uint64_t)c, (uint64_t)ep, 0x77),
		-GN_ERR_INVALID_CAP);
	expect("bind a receiver", sys_signal_bind(r, r, 0x77), -GN_ERR_INVALID_CAP);
	expect("bind an empty slot", sys_signal_bind(EMPTY, r, 0x77), -GN_ERR_INVALID_CAP);
	expect("bind slot -1", sys_signal_bind(~0ULL, r, 0x77), -GN_ERR_INVALID_CAP);
	plain = sys_cap_mint((uint64_t)c, 0, 0);
	expect("bind it through a copy without the submit right",
		sys_signal_bind((uint64_t)plain, r, 0x77), 0);
	expect("wait: the submits before the binding", sys_signal_wait(r, 1000), 3);
	out("with badge 0x%lx", main_utcb->badge);
	failed += main_utcb->badge != 0x77;
	expect("bind it again", sys_signal_bind((uint64_t)c, r, 0x78), -GN_ERR_EXISTS);
	bound = sys_signal_context(r, 9);
	expect("bind a context made bound", sys_signal_bind((uint64_t)bound, r, 1), -GN_ERR_EXISTS);
	expect("submit after the binding", sys_submit((uint64_t)c), 0);
	expect("wait", sys_signal_wait(r, 1000), 1);

	w = sys_signal_context(HW_SIGNAL_UNBOUND, 0);
	submit(w, 2);
	waiter_done = false;
	if (sys_thread_create(waiter, r, stack, STACK, HW_PRIO_MAX) < 0)
		failed++;
	sys_sleep(2000); /* it waits on the receiver now */
	expect("bind a context with 2 pending while a thread waits",
		sys_signal_bind((uint64_t)w, r, 0x99), 0);
	for (unsigned i = 0; i < 100 && !waiter_done; i++)
		sys_sleep(1000);
	out("the waiter got %s with badge 0x%lx", result_name(waiter_result), waiter_badge);
	failed += waiter_result != 2 || waiter_badge != 0x99;
	sys_sleep(1000); /* its thread exits */
	uint64_t const drop[] = {(uint64_t)rcopy, (uint64_t)ep, (uint64_t)c, (uint64_t)plain,
		(uint64_t)bound, (uint64_t)w};
	for (unsigned i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		sys_cap_drop(drop[i]);
}

/* Destroying either end with signals pending leaves nothing behind on the receiver r. */
static void teardown(uint64_t r)
{
	int64_t r2 = sys_signal_receiver(), c = sys_signal_context(HW_SIGNAL_UNBOUND, 0), u, copy,
		b;

	sys_signal_bind((uint64_t)c, (uint64_t)r2, 1);
	sys_submit((uint64_t)c);
	expect("drop a receiver with a bound context pending", sys_cap_drop((uint64_t)r2), 0);
	expect("submit to that context", sys_submit((uint64_t)c), -GN_ERR_REVOKED);
	expect("bind it to another receiver", sys_signal_bind((uint64_t)c, r, 1), -GN_ERR_EXISTS);
	u = sys_signal_context(HW_SIGNAL_UNBOUND, 0);
	copy = sys_cap_mint((uint64_t)u, HW_RIGHT_SUBMIT, 0);
	submit(u, 4);
	expect("drop an unbound context with 4 pending", sys_cap_drop((uint64_t)u), 0);
	expect("submit through its copy", sys_submit((uint64_t)copy), -GN_ERR_REVOKED);
	expect("bind its copy", sys_signal_bind((uint64_t)copy, r, 1), -GN_ERR_REVOKED);
	b = sys_signal_context(HW_SIGNAL_UNBOUND, 0);
	sys_signal_bind((uint64_t)b, r, 2);
	sys_submit((uint64_t)b);
	expect("drop a bound context pending on a live receiver", sys_cap_drop((uint64_t)b), 0);
	expect("wait on that receiver: nothing pending", sys_signal_wait(r, 1000), -GN_ERR_TIMEOUT);
	sys_cap_drop((uint64_t)c);
	sys_cap_drop((uint64_t)copy);
}

/*
 * The root has no limit of 32 objects or 32 MiB; its own capability space ends before any pool of
 * the kernel's (each pool holds what all domains together may own, HW_OBJECT_POOL).
 */
static void limits(void)
{
	static int64_t eps[HW_CAP_SLOTS];
	int64_t r, big[3];
	unsigned n = 0;

	while ((r = sys_ep_create()) >= 0)
		eps[n++] = r;
	out("the root made %u endpoints (more than 32), then: %s", n, result_name(r));
	failed += n <= 32 || r != -GN_ERR_OUT_OF_CAPS;
	while (n > 0)
		sys_cap_drop((uint64_t)eps[--n]);
	for (unsigned i = 0; i < 3; i++)
		big[i] = sys_mem_create(16 << 20);
	out("three memory objects of 16 MiB: %s %s %s", result_name(big[0] < 0 ? big[0] : 0),
		result_name(big[1] < 0 ? big[1] : 0), result_name(big[2] < 0 ? big[2] : 0));
	failed += big[0] < 0 || big[1] < 0 || big[2] < 0;
	for (unsigned i = 0; i < 3; i++)
		sys_cap_drop((uint64_t)big[i]);
	expect("a domain named kernel", sys_pd_create(HW_CAP_FACTORY, "kernel", 6),
		-GN_ERR_INVALID_ARG);
}

/* Answers the call taken with info through a reply capability, without waiting for the next. */
static void answer(uint64_t info)
{
	int64_t rc = sys_reply_cap();

	if (rc < 0 || sys_reply((uint64_t)rc, info) != 0)
		failed++;
}

/* Takes the next call on ep, which must come with op and badge. */
static int64_t take(uint64_t ep, uint64_t op, uint64_t badge)
{
	int64_t info = sys_reply_wait(ep, 0, WAIT_US);

	if (info < 0 || main_utcb->msg[0] != op || main_utcb->badge != badge) {
		out("call %lu expected, got %s, op %lu, badge 0x%lx WRONG", op, result_name(info),
			main_utcb->msg[0], main_utcb->badge);
		failed++;
	}
	return info;
}

/* Takes the exit message of a child on fep and checks it; returns its code. */
static uint64_t take_exit(uint64_t fep, uint64_t badge)
{
	uint64_t const *m = main_utcb->msg;
	int64_t info = sys_reply_wait(fep, 0, WAIT_US);
	bool rip = m[HW_FAULT_RIP] >= 0x400000 && m[HW_FAULT_RIP] < 0x800000;
	bool rsp = m[HW_FAULT_RSP] < HW_UTCB_BASE && m[HW_FAULT_RSP] > HW_UTCB_BASE - 0x100000;

	out("exit message: info 0x%lx, badge 0x%lx, thread %lu, vector %lu, error %lu, address "
	    "0x%lx, rip in its program: %s, rsp on its stack: %s",
		(uint64_t)info, main_utcb->badge, m[HW_FAULT_THREAD], m[HW_FAULT_VECTOR],
		m[HW_FAULT_ERROR], m[HW_FAULT_ADDR], rip ? "yes" : "NO", rsp ? "yes" : "NO");
	failed += info != (int64_t)HW_MSG_INFO(HW_FAULT_WORDS, 0) || main_utcb->badge != badge ||
		  m[HW_FAULT_VECTOR] != HW_FAULT_EXIT || m[HW_FAULT_ADDR] != 0 || !rip || !rsp;
	return m[HW_FAULT_ERROR];
}

/* Starts hw-core-child with a copy of ep badged for mode, and fep as its fault handler. */
static bool start_child(unsigned mode, uint64_t ep, uint64_t fep, spawn_t *s)
{
	hw_boot_module_t const *mod = spawn_module("hw-core-child");
	int64_t badged = sys_cap_mint(ep, HW_RIGHT_CALL, CHILD_BADGE + mode), r;
	spawn_gift_t gift = {
		.cap = (uint64_t)badged, .slot = HW_CAP_BOOT_EP, .rights = HW_RIGHT_CALL};
	char const *why = "";

	r = mod ? spawn(mod, PRIO, &gift, 1, MAP_VA, s, &why) : -GN_ERR_NOT_FOUND;
	sys_cap_drop((uint64_t)badged);
	out("started hw-core-child in mode %u: %s %s", mode, result_name(r), r < 0 ? why : "");
	if (r < 0) {
		failed++;
		return false;
	}
	expect("its fault handler", sys_fault_handler(s->pd, fep), 0); /* it runs lower */
	return true;
}

static void wait_gone(spawn_t *s)
{
	for (unsigned ms = 0; ms < 5000 && sys_cap_info(s->pd) >= 0; ms++)
		sys_sleep(1000);
	expect("its domain afterwards", sys_cap_info(s->pd), -GN_ERR_REVOKED);
	spawn_drop(s);
}

/* A memory object of 2 pages whose first word is CORE_DS_WORD, and a read-only copy of it. */
static int64_t dataspace(int64_t *ro)
{
	int64_t ds = sys_mem_create(2 * PAGE);

	sys_mem_map((uint64_t)ds, HW_CAP_PD, WORK_VA, 0, PAGE, HW_MAP_READ | HW_MAP_WRITE);
	*(uint64_t volatile *)WORK_VA = CORE_DS_WORD;
	sys_mem_unmap(HW_CAP_PD, WORK_VA);
	*ro = sys_cap_mint((uint64_t)ds, HW_RIGHT_READ, 0);
	return ds;
}

static void full_child(uint64_t ep, uint64_t fep, uint64_t handler)
{
	int64_t ctx = sys_signal_context(HW_SIGNAL_UNBOUND, 0), ro, ds = dataspace(&ro), obj;
	uint64_t code, badge = CHILD_BADGE + CORE_MODE_FULL;
	spawn_t s;

	obj = sys_cap_mint(ep, HW_RIGHT_CALL, CORE_OBJECT_BADGE);
	if (!start_child(CORE_MODE_FULL, ep, handler, &s))
		return;
	take(ep, CORE_HELLO, badge);
	submit(ctx, 2);
	main_utcb->msg[0] = CORE_MODE_FULL;
	main_utcb->caps[0] = (uint64_t)ctx;
	main_utcb->caps[1] = (uint64_t)obj;
	main_utcb->caps[2] = (uint64_t)ro;
	answer(HW_MSG_INFO(1, 3));
	take(ep, CORE_SUBMIT, badge);
	submit(ctx, 1);
	answer(HW_MSG_INFO(0, 0));
	take(ep, CORE_ECHO_CAP, badge);
	expect("the child's capability is my object's",
		sys_cap_same(main_utcb->caps[0], (uint64_t)obj), 1);
	main_utcb->msg[0] = (uint64_t)sys_cap_badge(main_utcb->caps[0], ep);
	sys_cap_drop(main_utcb->caps[0]);
	answer(HW_MSG_INFO(1, 0));
	code = take_exit(fep, FAULT_BADGE);
	main_utcb->msg[0] = HW_FAULT_RESUME; /* an exit is not resumed */
	answer(HW_MSG_INFO(1, 0));
	out("answered 'resume' to its exit %lu", code);
	wait_gone(&s);
	sys_cap_drop((uint64_t)ctx);
	sys_cap_drop((uint64_t)obj);
	sys_cap_drop((uint64_t)ro);
	sys_cap_drop((uint64_t)ds);
}

static void short_children(uint64_t ep, uint64_t fep, uint64_t handler)
{
	int64_t ep3, fep3;
	spawn_t s;

	if (start_child(CORE_MODE_EXIT, ep, handler, &s)) {
		take(ep, CORE_HELLO, CHILD_BADGE + CORE_MODE_EXIT);
		main_utcb->msg[0] = CORE_MODE_EXIT;
		answer(HW_MSG_INFO(1, 0));
		take_exit(fep, FAULT_BADGE);
		expect("drop the reply capability of its exit unused",
			sys_cap_drop((uint64_t)sys_reply_cap()), 0);
		wait_gone(&s);
	}
	if (start_child(CORE_MODE_TWO, ep, handler, &s)) {
		take(ep, CORE_HELLO, CHILD_BADGE + CORE_MODE_TWO);
		main_utcb->msg[0] = CORE_MODE_TWO;
		answer(HW_MSG_INFO(1, 0));
		take_exit(fep, FAULT_BADGE);
		sys_sleep(20000); /* its second thread exits meanwhile */
		main_utcb->msg[0] = 1;
		answer(HW_MSG_INFO(1, 0));
		wait_gone(&s);
	}
	ep3 = sys_ep_create();
	fep3 = sys_cap_mint((uint64_t)ep3, HW_RIGHT_CALL, FAULT_BADGE + 3);
	if (start_child(CORE_MODE_ORPHAN, ep, (uint64_t)fep3, &s)) {
		take(ep, CORE_HELLO, CHILD_BADGE + CORE_MODE_ORPHAN);
		main_utcb->msg[0] = CORE_MODE_ORPHAN;
		answer(HW_MSG_INFO(1, 0));
		sys_sleep(20000); /* its exit waits on ep3, where nobody receives */
		expect("the child while its exit is queued", sys_cap_info(s.pd) >= 0, 1);
		expect("destroy its handler's endpoint", sys_cap_drop((uint64_t)ep3), 0);
		wait_gone(&s);
	}
	sys_cap_drop((uint64_t)fep3);
}

int main(void)
{
	int64_t r, ep, fep, handler;

	if (!spawn_read_boot_table())
		return 1;
	raw_print();
	mem_size();
	cap_badge();
	cap_same();
	r = sys_signal_receiver();
	bind((uint64_t)r);
	teardown((uint64_t)r);
	sys_cap_drop((uint64_t)r);
	limits();
	ep = sys_ep_create();  /* the children's calls */
	fep = sys_ep_create(); /* their faults and exits */
	handler = sys_cap_mint((uint64_t)fep, HW_RIGHT_CALL, FAULT_BADGE);
	full_child((uint64_t)ep, (uint64_t)fep, (uint64_t)handler);
	short_children((uint64_t)ep, (uint64_t)fep, (uint64_t)handler);
	expect("my own endpoint as my fault handler",
		sys_fault_handler(HW_CAP_PD, (uint64_t)handler), 0);
	out("%u checks failed", failed);
	return failed ? 1 : 0;
}
