/*
 * hw-mem-attack: the adversarial test of milestone 4's kernel calls and of mem_size (hw_mem), run
 * as the root so that it holds the domain factory and the boot modules. Each attempt prints "what:
 * result" and
 * is compared with the exact result the ABI documents ("WRONG, expected ..." otherwise): memory
 * objects (sizes, mappings unaligned, outside the user range, over a UTCB or the stack, over its
 * own program, W+X, rights it lacks, a domain it may not manage, overlaps, the mapping table
 * limit, destruction unmapping everywhere), per-thread FS bases, badges (forged, re-badged,
 * revoked as a group), deferred replies (used twice, caller timed out, dropped unused, answered
 * from another thread) and domain management (factory, names, entry, priority, slots). Threads of
 * its own stand in for clients. hw-witness runs beside it.
 */
#include <gneiss/fmt.h>

#include "user.h"

#define VA 0x100000000UL /* a free area of the user half */

enum {
	PAGE = 4096,
	STACK = 4096,
	THREADS = 4,
	LOW = HW_PRIO_MAX - 1,
};

typedef void (*client_fn_t)(uint64_t arg, hw_utcb_t *utcb);

static unsigned failed;
static uint8_t stacks[THREADS][STACK] __attribute__((aligned(16)));
static volatile int64_t client_result;
static volatile uint64_t client_word;
static bool volatile client_done;
static uint64_t client_cap, client_timeout, reply_slot;

static void expect(char const *what, int64_t r, int64_t want)
{
	char const *name = result_name(r), *wanted;
	char hex[24];

	if (r > 0xff) { /* cap_info values */
		gn_ignore(gn_fmt(hex, sizeof(hex), NULL, "0x%lx", (uint64_t)r));
		name = hex;
	}
	if (r == want) {
		out("%s: %s", what, name);
		return;
	}
	wanted = result_name(want);
	out("%s: %s WRONG, expected %s", what, name, wanted);
	failed++;
}

/* Results that are capability indices: checks only that the call succeeded. */
static int64_t expect_ok(char const *what, int64_t r)
{
	if (r < 0) {
		out("%s: %s WRONG, expected success", what, result_name(r));
		failed++;
	}
	return r;
}

static void client(uint64_t arg, hw_utcb_t *utcb)
{
	utcb->msg[0] = arg;
	client_result = sys_call(client_cap, HW_MSG_INFO(1, 0), client_timeout);
	client_word = utcb->msg[0];
	client_done = true;
}

static void replier(uint64_t arg, hw_utcb_t *utcb)
{
	utcb->msg[0] = arg;
	client_result = sys_reply(reply_slot, HW_MSG_INFO(1, 0));
	client_done = true;
}

/* Runs fn(arg) in a thread of lower priority, which starts when this one blocks. */
static void run(client_fn_t fn, uint64_t arg, unsigned slot)
{
	client_done = false;
	if (sys_thread_create(fn, arg, stacks[slot], STACK, LOW) < 0)
		failed++;
}

static void join(void)
{
	for (unsigned i = 0; i < 1000 && !client_done; i++)
		sys_sleep(1000);
	sys_sleep(1000); /* its thread exits */
}

static void sizes(void)
{
	expect("mem_create of 0 bytes", sys_mem_create(0), -GN_ERR_INVALID_ARG);
	expect("mem_create of 4097 bytes", sys_mem_create(PAGE + 1), -GN_ERR_INVALID_ARG);
	expect("mem_create of 17 MiB", sys_mem_create(17 << 20), -GN_ERR_INVALID_ARG);
	expect("mem_create of -4096", sys_mem_create((uint64_t)-PAGE), -GN_ERR_INVALID_ARG);
}

static void bad_maps(uint64_t m)
{
	uint64_t rw = HW_MAP_READ | HW_MAP_WRITE;

	expect("map at an unaligned address", sys_mem_map(m, 0, VA + 8, 0, PAGE, rw),
		-GN_ERR_INVALID_ARG);
	expect("map at an unaligned offset", sys_mem_map(m, 0, VA, 8, PAGE, rw),
		-GN_ERR_INVALID_ARG);
	expect("map 0 bytes", sys_mem_map(m, 0, VA, 0, 0, rw), -GN_ERR_INVALID_ARG);
	expect("map past the object's end", sys_mem_map(m, 0, VA, PAGE, 2 * PAGE, rw),
		-GN_ERR_INVALID_ARG);
	expect("map with a wrapping offset", sys_mem_map(m, 0, VA, (uint64_t)-PAGE, 2 * PAGE, rw),
		-GN_ERR_INVALID_ARG);
	expect("map writable and executable", sys_mem_map(m, 0, VA, 0, PAGE, rw | HW_MAP_EXEC),
		-GN_ERR_INVALID_ARG);
	expect("map without the read flag", sys_mem_map(m, 0, VA, 0, PAGE, HW_MAP_WRITE),
		-GN_ERR_INVALID_ARG);
	expect("map with an unknown flag", sys_mem_map(m, 0, VA, 0, PAGE, HW_MAP_READ | 8),
		-GN_ERR_INVALID_ARG);
	expect("map over my UTCB", sys_mem_map(m, 0, HW_UTCB_BASE, 0, PAGE, rw),
		-GN_ERR_INVALID_ARG);
	expect("map across the UTCB boundary",
		sys_mem_map(m, 0, HW_UTCB_BASE - PAGE, 0, 2 * PAGE, rw), -GN_ERR_INVALID_ARG);
	expect("map over my stack", sys_mem_map(m, 0, HW_USER_END - PAGE, 0, PAGE, rw),
		-GN_ERR_INVALID_ARG);
	expect("map at 0", sys_mem_map(m, 0, 0, 0, PAGE, rw), -GN_ERR_INVALID_ARG);
	expect("map into the kernel half", sys_mem_map(m, 0, 0xffff800000000000UL, 0, PAGE, rw),
		-GN_ERR_INVALID_ARG);
	expect("map over my own program", sys_mem_map(m, 0, 0x400000, 0, PAGE, rw), -GN_ERR_EXISTS);
	expect("map through an empty slot", sys_mem_map(200, 0, VA, 0, PAGE, rw),
		-GN_ERR_INVALID_CAP);
	expect("map an endpoint", sys_mem_map(HW_CAP_BOOT_EP, 0, VA, 0, PAGE, rw),
		-GN_ERR_INVALID_CAP);
	expect("map into a thread", sys_mem_map(m, HW_CAP_THREAD, VA, 0, PAGE, rw),
		-GN_ERR_INVALID_CAP);
}

static void maps(void)
{
	uint64_t rw = HW_MAP_READ | HW_MAP_WRITE, module = HW_CAP_BOOT_MODULE;
	int64_t m = expect_ok("mem_create of 8 KiB", sys_mem_create(2 * PAGE)), ro, m2;
	uint64_t volatile *p = (uint64_t volatile *)VA;

	if (m < 0)
		return;
	bad_maps((uint64_t)m);
	expect("map it read-write", sys_mem_map((uint64_t)m, 0, VA, 0, 2 * PAGE, rw), 0);
	p[0] = 0x1234;
	p[PAGE / 8] = 0x5678;
	out("it is zeroed and writable: %s", p[1] == 0 && p[0] == 0x1234 ? "yes" : "NO");
	expect("map it again there", sys_mem_map((uint64_t)m, 0, VA, 0, PAGE, rw), -GN_ERR_EXISTS);
	expect("map it overlapping the end",
		sys_mem_map((uint64_t)m, 0, VA + PAGE, 0, 2 * PAGE, rw), -GN_ERR_EXISTS);
	ro = expect_ok("mint a read-only copy", sys_cap_mint((uint64_t)m, HW_RIGHT_READ, 0));
	expect("cap_info of it", sys_cap_info((uint64_t)ro),
		(int64_t)HW_CAP_INFO(HW_OBJ_MEMORY, HW_RIGHT_READ));
	expect("map the copy read-write", sys_mem_map((uint64_t)ro, 0, VA + 4 * PAGE, 0, PAGE, rw),
		-GN_ERR_DENIED);
	expect("map the copy read-only, second page",
		sys_mem_map((uint64_t)ro, 0, VA + 4 * PAGE, PAGE, PAGE, HW_MAP_READ), 0);
	out("the second page shows the same frame: %s", p[4 * PAGE / 8] == 0x5678 ? "yes" : "NO");
	expect("mem_size of it", sys_mem_size((uint64_t)m), 2 * PAGE);
	expect("mem_size through the read-only copy", sys_mem_size((uint64_t)ro), 2 * PAGE);
	expect("mem_size of an endpoint", sys_mem_size(HW_CAP_BOOT_EP), -GN_ERR_INVALID_CAP);
	expect("mem_size of my domain", sys_mem_size(HW_CAP_PD), -GN_ERR_INVALID_CAP);
	expect("mem_size of an empty slot", sys_mem_size(200), -GN_ERR_INVALID_CAP);
	expect("mem_size of slot -1", sys_mem_size(~0ULL), -GN_ERR_INVALID_CAP);
	expect("map a boot module read-write", sys_mem_map(module, 0, VA + 16 * PAGE, 0, PAGE, rw),
		-GN_ERR_DENIED);
	expect("map a boot module read-execute",
		sys_mem_map(module, 0, VA + 16 * PAGE, 0, PAGE, HW_MAP_READ | HW_MAP_EXEC), 0);
	out("it starts with the ELF magic: %s",
		*(uint32_t volatile *)(VA + 16 * PAGE) == 0x464c457f ? "yes" : "NO");
	expect("unmap it", sys_mem_unmap(0, VA + 16 * PAGE), 0);
	expect("unmap in the middle of a mapping", sys_mem_unmap(0, VA + PAGE), -GN_ERR_NOT_FOUND);
	expect("unmap where nothing is", sys_mem_unmap(0, VA + 64 * PAGE), -GN_ERR_NOT_FOUND);
	expect("destroy the object while mapped twice", sys_cap_drop((uint64_t)m), 0);
	expect("cap_info of the read-only copy", sys_cap_info((uint64_t)ro), -GN_ERR_REVOKED);
	expect("map the stale copy", sys_mem_map((uint64_t)ro, 0, VA, 0, PAGE, HW_MAP_READ),
		-GN_ERR_REVOKED);
	expect("mem_size of the stale copy", sys_mem_size((uint64_t)ro), -GN_ERR_REVOKED);
	m2 = expect_ok("a new object", sys_mem_create(PAGE));
	expect("map it where the destroyed one was (unmapped everywhere)",
		sys_mem_map((uint64_t)m2, 0, VA, 0, PAGE, rw), 0);
	expect("and where its copy was", sys_mem_map((uint64_t)m2, 0, VA + 4 * PAGE, 0, PAGE, rw),
		0);
	out("the new one reads zero: %s", p[0] == 0 ? "yes" : "NO");
	sys_cap_drop((uint64_t)ro);
	sys_cap_drop((uint64_t)m2);
}

/*
 * W^X per object: one object mapped read-write at one address and read-execute at another would
 * let code written through the first run through the second.
 */
static void wx_per_object(void)
{
	uint64_t const rw = HW_MAP_READ | HW_MAP_WRITE, rx = HW_MAP_READ | HW_MAP_EXEC;
	int64_t m = expect_ok("an object for code", sys_mem_create(PAGE));

	if (m < 0)
		return;
	expect("map it read-write", sys_mem_map((uint64_t)m, 0, VA, 0, PAGE, rw), 0);
	*(uint8_t volatile *)VA = 0xc3; /* ret */
	expect("map it read-execute elsewhere while writable",
		sys_mem_map((uint64_t)m, 0, VA + 2 * PAGE, 0, PAGE, rx), -GN_ERR_DENIED);
	expect("map it read-only elsewhere",
		sys_mem_map((uint64_t)m, 0, VA + 4 * PAGE, 0, PAGE, HW_MAP_READ), 0);
	expect("unmap the writable mapping", sys_mem_unmap(0, VA), 0);
	expect("map it read-execute now", sys_mem_map((uint64_t)m, 0, VA + 2 * PAGE, 0, PAGE, rx),
		0);
	((void (*)(void))(VA + 2 * PAGE))();
	out("the code written before runs: yes");
	expect("map it read-write again while executable",
		sys_mem_map((uint64_t)m, 0, VA, 0, PAGE, rw), -GN_ERR_DENIED);
	expect("drop it", sys_cap_drop((uint64_t)m), 0);
}

/*
 * Page tables are reclaimed: mapping one page 1 GiB apart each time needs fresh tables every time;
 * unless unmapping frees them, 40000 rounds would take more frames than the machine has.
 */
static void table_churn(void)
{
	uint64_t const base = 0x10000000000UL; /* 1 TiB, far from everything else */
	int64_t m = expect_ok("an object for the table churn", sys_mem_create(PAGE)), r = 0, big;
	unsigned n = 0;

	for (; m >= 0 && n < 40000; n++) {
		uint64_t va = base + (uint64_t)n * 0x40000000UL;

		r = sys_mem_map((uint64_t)m, 0, va, 0, PAGE, HW_MAP_READ);
		if (r == 0)
			r = sys_mem_unmap(0, va);
		if (r != 0)
			break;
	}
	out("map and unmap a page 1 GiB apart: %u rounds, then %s", n, result_name(r));
	failed += n != 40000 || r != 0;
	big = sys_mem_create(16 << 20);
	expect("16 MiB afterwards", big >= 0, 1);
	sys_cap_drop((uint64_t)big);
	sys_cap_drop((uint64_t)m);
}

/*
 * HW_PD_MAPPINGS per domain; the root has no limit of 32 MiB of memory objects (core accounts per
 * session), so it takes 16 MiB objects until the machine has no run of frames that long left.
 */
static void limits(void)
{
	int64_t m = expect_ok("mem_create of 160 pages", sys_mem_create(160 * PAGE)), r = 0;
	static int64_t big[64];
	unsigned n = 0;

	while (m >= 0 && (r = sys_mem_map((uint64_t)m, 0, VA + n * 2 * PAGE, n * PAGE, PAGE,
				  HW_MAP_READ)) == 0)
		n++;
	out("mapped %u pieces, then: %s", n, result_name(r));
	failed += n != 128 || r != -GN_ERR_LIMIT;
	expect("drop it (unmaps all 128)", sys_cap_drop((uint64_t)m), 0);
	for (n = 0; n < 64 && (r = sys_mem_create(16 << 20)) >= 0; n++)
		big[n] = r;
	out("the root has no 32 MiB limit: %s, %u objects of 16 MiB, then %s",
		n >= 3 ? "yes" : "NO", n, result_name(r));
	failed += n < 3 || r != -GN_ERR_OUT_OF_RAM;
	while (n > 0)
		sys_cap_drop((uint64_t)big[--n]);
	big[0] = sys_mem_create(16 << 20);
	expect("16 MiB once they are dropped", big[0] >= 0, 1);
	sys_cap_drop((uint64_t)big[0]);
}

static uint64_t fs_word(void)
{
	uint64_t v;

	__asm__ volatile("movq %%fs:0, %0" : "=r"(v));
	return v;
}

static uint64_t tls_a[2], tls_b[2];

static void tls_thread(uint64_t arg, hw_utcb_t *utcb)
{
	unsigned bad = 0;

	(void)utcb;
	(void)arg;
	sys_fs_base((uint64_t)tls_b);
	for (unsigned i = 0; i < 50; i++) {
		bad += fs_word() != (uint64_t)tls_b;
		sys_yield();
	}
	client_result = bad;
	client_done = true;
}

static void tls(void)
{
	unsigned bad = 0;

	expect("fs base in the canonical hole", sys_fs_base(0x800000000000UL), -GN_ERR_INVALID_ARG);
	expect("fs base in the kernel half", sys_fs_base(0xffffffff80000000UL),
		-GN_ERR_INVALID_ARG);
	tls_a[0] = (uint64_t)tls_a;
	tls_b[0] = (uint64_t)tls_b;
	expect("fs base of this thread", sys_fs_base((uint64_t)tls_a), 0);
	client_done = false;
	if (sys_thread_create(tls_thread, 0, stacks[0], STACK, HW_PRIO_MAX) < 0)
		failed++;
	for (unsigned i = 0; i < 50; i++) {
		bad += fs_word() != (uint64_t)tls_a;
		sys_yield();
	}
	join();
	out("two threads, each sees its own %%fs:0 after 50 switches: %s",
		bad == 0 && client_result == 0 ? "yes" : "NO");
	failed += bad != 0 || client_result != 0;
}

static bool volatile ac_stop;

/* Sets RFLAGS.AC (which would switch SMAP off in the kernel) and spins through interrupts. */
static void ac_thread(uint64_t arg, hw_utcb_t *utcb)
{
	uint64_t flags;

	(void)utcb;
	(void)arg;
	__asm__ volatile("pushfq\n\torq $0x40000, (%%rsp)\n\tpopfq" ::: "memory", "cc");
	while (!ac_stop)
		;
	__asm__ volatile("pushfq\n\tpopq %0\n\tandq $~0x40000, (%%rsp)\n\tpushq %0\n\t"
			 "andq $~0x40000, (%%rsp)\n\tpopfq"
			 : "=&r"(flags)
			 :
			 : "memory", "cc");
	client_result = (flags & 0x40000) ? 0 : 1;
	client_done = true;
}

/*
 * A thread with AC set is interrupted many times: the kernel clears AC on entry where SMAP is on
 * (isr.S), and the thread gets its own AC back.
 */
static void alignment_check_flag(void)
{
	client_done = false;
	ac_stop = false;
	if (sys_thread_create(ac_thread, 0, stacks[0], STACK, HW_PRIO_MAX) < 0)
		failed++;
	sys_sleep(30000);
	ac_stop = true;
	join();
	out("a thread with AC set, interrupted for 30 ms, keeps its AC: %s",
		client_result == 0 ? "yes" : "NO");
	failed += client_result != 0;
}

/* Takes one call on ep (the client runs meanwhile); returns its info. */
static int64_t take(uint64_t ep)
{
	return sys_reply_wait(ep, 0, 100000);
}

static void badges(uint64_t ep)
{
	int64_t plain = sys_cap_mint(ep, HW_RIGHT_CALL, 0), b1, b1copy, b2, r;

	expect("a badge through a copy without the receive right",
		sys_cap_mint((uint64_t)plain, HW_RIGHT_CALL, 7), -GN_ERR_DENIED);
	b1 = expect_ok("mint badge 1", sys_cap_mint(ep, HW_RIGHT_CALL, 1));
	expect("re-badge it", sys_cap_mint((uint64_t)b1, HW_RIGHT_CALL, 2), -GN_ERR_DENIED);
	b1copy = expect_ok("copy it with its badge", sys_cap_mint((uint64_t)b1, HW_RIGHT_CALL, 0));
	b2 = expect_ok("mint badge 2", sys_cap_mint(ep, HW_RIGHT_CALL, 2));
	expect("mint with unknown rights", sys_cap_mint(ep, 1 << 12, 3), -GN_ERR_INVALID_ARG);
	expect("a badge on a memory module", sys_cap_mint(HW_CAP_BOOT_MODULE, HW_RIGHT_READ, 3),
		-GN_ERR_INVALID_ARG);
	expect("cap_info of badge 1 (no owner right)", sys_cap_info((uint64_t)b1),
		(int64_t)HW_CAP_INFO(HW_OBJ_ENDPOINT, HW_RIGHT_CALL));
	uint64_t const caps[3] = {(uint64_t)b1copy, (uint64_t)b2, (uint64_t)plain};
	uint64_t const want[3] = {1, 2, 0};
	for (unsigned i = 0; i < 3; i++) {
		client_cap = caps[i];
		client_timeout = 0;
		run(client, 5, 0);
		r = take(ep);
		out("a call through the copy badged %lu arrives with badge %lu: %s", want[i],
			main_utcb->badge,
			r == HW_MSG_INFO(1, 0) && main_utcb->badge == want[i] ? "yes" : "NO");
		failed += main_utcb->badge != want[i];
		main_utcb->msg[0] = 6;
		r = sys_reply_wait(ep, HW_MSG_INFO(1, 0), 1000); /* answers it, then times out */
		join();
	}
	expect("revoke badge 1 without the owner right", sys_ep_revoke_badge((uint64_t)plain, 1),
		-GN_ERR_DENIED);
	expect("revoke badge 0", sys_ep_revoke_badge(ep, 0), -GN_ERR_INVALID_ARG);
	expect("revoke badge 1 (two copies)", sys_ep_revoke_badge(ep, 1), 2);
	client_cap = (uint64_t)b1;
	expect("call through badge 1", sys_call((uint64_t)b1, 0, 0), -GN_ERR_REVOKED);
	expect("cap_info of badge 2", sys_cap_info((uint64_t)b2),
		(int64_t)HW_CAP_INFO(HW_OBJ_ENDPOINT, HW_RIGHT_CALL));
	expect("cap_info of the endpoint", sys_cap_info(ep),
		(int64_t)HW_CAP_INFO(
			HW_OBJ_ENDPOINT, HW_RIGHT_CALL | HW_RIGHT_RECV | HW_RIGHT_OWNER));
	sys_cap_drop((uint64_t)b1);
	sys_cap_drop((uint64_t)b1copy);
	sys_cap_drop((uint64_t)b2);
	sys_cap_drop((uint64_t)plain);
}

static void deferred(uint64_t ep)
{
	int64_t rc;

	expect("reply_cap without a call", sys_reply_cap(), -GN_ERR_NOT_FOUND);
	client_cap = ep;
	client_timeout = 0;
	run(client, 7, 0);
	take(ep);
	rc = expect_ok("reply_cap of a call", sys_reply_cap());
	expect("cap_info of it", sys_cap_info((uint64_t)rc),
		(int64_t)HW_CAP_INFO(HW_OBJ_REPLY, HW_RIGHT_OWNER));
	expect("give it to another domain", sys_cap_give(0, (uint64_t)rc, 100, HW_RIGHTS_ALL),
		-GN_ERR_DENIED);
	reply_slot = (uint64_t)rc;
	run(replier, 49, 1); /* the client waits meanwhile */
	join();
	out("another thread replied through it: %s; the caller got %lu: %s",
		result_name(client_result), client_word, client_word == 49 ? "yes" : "NO");
	failed += client_word != 49;
	expect("reply through it again", sys_reply((uint64_t)rc, 0), -GN_ERR_INVALID_CAP);

	client_timeout = 5000;
	run(client, 8, 0);
	take(ep);
	rc = expect_ok("reply_cap of a call with a timeout", sys_reply_cap());
	sys_sleep(20000);
	expect("reply after the caller timed out", sys_reply((uint64_t)rc, HW_MSG_INFO(1, 0)),
		-GN_ERR_NOT_FOUND);
	out("the caller got: %s", result_name(client_result));
	failed += client_result != -GN_ERR_TIMEOUT;
	expect("the reply capability afterwards", sys_cap_info((uint64_t)rc), -GN_ERR_INVALID_CAP);

	client_timeout = 0;
	run(client, 9, 0);
	take(ep);
	rc = expect_ok("reply_cap of another call", sys_reply_cap());
	expect("reply with a capability I do not hold",
		(main_utcb->caps[0] = 200, sys_reply((uint64_t)rc, HW_MSG_INFO(0, 1))),
		-GN_ERR_INVALID_CAP);
	expect("drop it unused", sys_cap_drop((uint64_t)rc), 0);
	join();
	expect("the caller got", client_result, -GN_ERR_NOT_FOUND);
}

/*
 * An endpoint destroyed after its server took a call: the call is still answered (reply_wait
 * sends the reply, then fails REVOKED), while a call still queued fails REVOKED.
 */
static void destroyed_after_take(void)
{
	int64_t ep = expect_ok("an endpoint to destroy", sys_ep_create());
	int64_t recv = sys_cap_mint((uint64_t)ep, HW_RIGHT_CALL | HW_RIGHT_RECV, 0);

	client_cap = (uint64_t)ep;
	client_timeout = 0;
	run(client, 11, 0);
	take((uint64_t)recv);
	expect("destroy it with the call taken", sys_cap_drop((uint64_t)ep), 0);
	main_utcb->msg[0] = 12;
	expect("reply_wait through a copy afterwards",
		sys_reply_wait((uint64_t)recv, HW_MSG_INFO(1, 0), 1000), -GN_ERR_REVOKED);
	join();
	out("the caller got %s and %lu: %s", result_name(client_result), client_word,
		client_result == (int64_t)HW_MSG_INFO(1, 0) && client_word == 12 ? "yes" : "NO");
	failed += client_result != (int64_t)HW_MSG_INFO(1, 0) || client_word != 12;
	sys_cap_drop((uint64_t)recv);

	ep = expect_ok("another endpoint", sys_ep_create());
	client_cap = (uint64_t)ep;
	run(client, 13, 0);
	sys_sleep(2000); /* the call is queued: nobody receives */
	expect("destroy it with the call queued", sys_cap_drop((uint64_t)ep), 0);
	join();
	expect("the queued caller got", client_result, -GN_ERR_REVOKED);
	sys_cap_drop((uint64_t)ep);
}

static void low_thread(uint64_t arg, hw_utcb_t *utcb)
{
	(void)utcb;
	client_result = sys_thread_start(arg, VA, VA + 2 * PAGE, HW_PRIO_MAX);
	client_done = true;
}

static void domains(void)
{
	int64_t pd, m, r, copy;

	expect("create a domain through the boot endpoint", sys_pd_create(HW_CAP_BOOT_EP, "x", 1),
		-GN_ERR_INVALID_CAP);
	expect("create a domain named 'a b'", sys_pd_create(HW_CAP_FACTORY, "a b", 3),
		-GN_ERR_INVALID_ARG);
	expect("create a domain with an empty name", sys_pd_create(HW_CAP_FACTORY, "x", 0),
		-GN_ERR_INVALID_ARG);
	expect("create a domain with a kernel pointer as name",
		sys_pd_create(HW_CAP_FACTORY, (char const *)0xffffffff80000000UL, 4),
		-GN_ERR_DENIED);
	pd = expect_ok("create a domain 'child'", sys_pd_create(HW_CAP_FACTORY, "child", 5));
	m = sys_mem_create(2 * PAGE);
	expect("map into it",
		sys_mem_map((uint64_t)m, (uint64_t)pd, VA, 0, 2 * PAGE, HW_MAP_READ | HW_MAP_WRITE),
		0);
	expect("start a thread at an unmapped entry",
		sys_thread_start((uint64_t)pd, 0x400000, VA + PAGE, LOW), -GN_ERR_INVALID_ARG);
	expect("start a thread at a non-executable entry",
		sys_thread_start((uint64_t)pd, VA, VA + PAGE, LOW), -GN_ERR_INVALID_ARG);
	expect("start a thread with its stack unmapped",
		sys_thread_start((uint64_t)pd, VA, VA + 3 * PAGE, LOW), -GN_ERR_INVALID_ARG);
	r = sys_cap_give((uint64_t)pd, HW_CAP_BOOT_EP, 2, HW_RIGHT_CALL);
	expect("give it my boot endpoint in slot 2", r, 0);
	expect("give it another into slot 2", sys_cap_give((uint64_t)pd, HW_CAP_BOOT_EP, 2, 0),
		-GN_ERR_EXISTS);
	expect("give it into its top slot 1023",
		sys_cap_give((uint64_t)pd, HW_CAP_BOOT_EP, HW_CAP_SLOTS - 1, HW_RIGHT_CALL), 0);
	expect("give into slot 1024", sys_cap_give((uint64_t)pd, HW_CAP_BOOT_EP, HW_CAP_SLOTS, 0),
		-GN_ERR_INVALID_ARG);
	expect("give a slot I do not hold", sys_cap_give((uint64_t)pd, 200, 3, 0),
		-GN_ERR_INVALID_CAP);
	copy = expect_ok("mint a copy that may manage it",
		sys_cap_mint((uint64_t)pd, HW_RIGHT_MANAGE | HW_RIGHT_OWNER, 0));
	expect("cap_info of the copy (no owner right)", sys_cap_info((uint64_t)copy),
		(int64_t)HW_CAP_INFO(HW_OBJ_PD, HW_RIGHT_MANAGE));
	expect("destroy it", sys_cap_drop((uint64_t)pd), 0);
	expect("map into the destroyed domain through the copy",
		sys_mem_map((uint64_t)m, (uint64_t)copy, VA, 0, PAGE, HW_MAP_READ),
		-GN_ERR_REVOKED);
	sys_cap_drop((uint64_t)copy);
	sys_cap_drop((uint64_t)m);
}

static void code_in_child(void)
{
	int64_t pd = sys_pd_create(HW_CAP_FACTORY, "child2", 6), code, stack;

	code = sys_mem_create(PAGE);
	stack = sys_mem_create(PAGE);
	sys_mem_map((uint64_t)code, (uint64_t)pd, VA, 0, PAGE, HW_MAP_READ | HW_MAP_EXEC);
	sys_mem_map((uint64_t)stack, (uint64_t)pd, VA + PAGE, 0, PAGE, HW_MAP_READ | HW_MAP_WRITE);
	run(low_thread, (uint64_t)pd, 0);
	join();
	expect("a thread at priority 2 starts one at priority 3", client_result, -GN_ERR_DENIED);
	sys_cap_drop((uint64_t)pd);
	sys_cap_drop((uint64_t)code);
	sys_cap_drop((uint64_t)stack);
}

static void pd_sender(uint64_t arg, hw_utcb_t *utcb)
{
	(void)arg;
	utcb->caps[0] = HW_CAP_PD;
	client_result = sys_call(client_cap, HW_MSG_INFO(0, 1), 0);
	client_done = true;
}

/* My own domain capability, sent by IPC, arrives without the right to manage it. */
static void via_ipc(uint64_t ep)
{
	int64_t m = sys_mem_create(PAGE), info;
	uint64_t copy;

	client_cap = ep;
	run(pd_sender, 0, 0);
	info = take(ep);
	copy = main_utcb->caps[0];
	expect("a domain capability received by IPC: cap_info", sys_cap_info(copy),
		(int64_t)HW_CAP_INFO(HW_OBJ_PD, 0));
	out("(it came with info 0x%lx)", (uint64_t)info);
	expect("map into it", sys_mem_map((uint64_t)m, copy, VA, 0, PAGE, HW_MAP_READ),
		-GN_ERR_DENIED);
	expect("start a thread in it", sys_thread_start(copy, 0x400000, VA, LOW), -GN_ERR_DENIED);
	expect("give it a capability", sys_cap_give(copy, HW_CAP_BOOT_EP, 100, 0), -GN_ERR_DENIED);
	sys_reply_wait(ep, 0, 1000);
	join();
	sys_cap_drop(copy);
	sys_cap_drop((uint64_t)m);
}

int main(void)
{
	int64_t ep = sys_ep_create();

	out("starting");
	sizes();
	maps();
	wx_per_object();
	table_churn();
	limits();
	tls();
	alignment_check_flag();
	badges((uint64_t)ep);
	deferred((uint64_t)ep);
	destroyed_after_take();
	domains();
	code_in_child();
	via_ipc((uint64_t)ep);
	out("%u checks failed", failed);
	sys_cap_drop((uint64_t)ep);
	return failed ? 1 : 0;
}
