/*
 * hw-caps-attack: the attacker of the hw_caps scenario. It gets hw-caps-victim's endpoint from the
 * root and then tries what a domain must not be able to do, checking each refusal's exact error:
 * guessed capability indices and ones of the wrong type; receiving on call-only capabilities;
 * capabilities whose object was destroyed (in its own space and in the victim's, and after the
 * object's memory was reused); sending capabilities it does not hold; oversize and negative
 * lengths, counts and timeouts; the abuse of signal capabilities; more objects and capabilities
 * than a domain may have (a full space receives fewer capabilities, the count says so); the calls
 * for core (milestone 5) from a domain that is not the root and serves nothing; rewriting
 * its UTCB from another thread while the call is in flight; and a flood of calls from three
 * threads. Between the groups it pings the victim, which must answer and must have seen exactly
 * the calls that were let through.
 */
#include "caps_test.h"
#include "root.h"

enum {
	STACK = 4096,
	FLOOD = 2000,
	FLOODERS = 2,
};

static hw_utcb_t *utcb;
static uint64_t victim, seen;
static int failed;
static uint8_t stacks[FLOODERS + 1][STACK] __attribute__((aligned(16)));
static bool volatile tamper_stop;
static unsigned long volatile tampered;
static unsigned volatile flood_ok[FLOODERS + 1]; /* each thread its own: no lost updates */
static bool volatile flood_done[FLOODERS + 1];

static void check(char const *what, int64_t got, int64_t want)
{
	out("%s: %s", what, result_name(got));
	failed += got != want;
}

/* Pings the victim, which must answer with exactly one more call than the last ping saw. */
static void alive(char const *after)
{
	int64_t r;

	utcb->msg[0] = VICTIM_PING;
	r = sys_call(victim, HW_MSG_INFO(1, 0), 0);
	out("after %s the victim answers: %s", after,
		r == (int64_t)HW_MSG_INFO(1, 0) && utcb->msg[0] == seen + 1 ? "yes" : "NO");
	failed += r != (int64_t)HW_MSG_INFO(1, 0) || utcb->msg[0] != seen + 1;
	seen = utcb->msg[0];
}

static void guessed(void)
{
	unsigned refused = 0, tried = 0;
	uint64_t const huge[] = {HW_CAP_SLOTS, 1ULL << 32, 1ULL << 63, ~0ULL};

	for (uint64_t i = victim + 1; i < HW_CAP_SLOTS; i++, tried++)
		refused += sys_call(i, 0, 0) == -GN_ERR_INVALID_CAP;
	for (unsigned i = 0; i < 4; i++, tried++)
		refused += sys_call(huge[i], 0, 0) == -GN_ERR_INVALID_CAP;
	out("calls on %u guessed indices refused with INVALID_CAP: %u", tried, refused);
	failed += refused != tried;
	check("call on my pd capability", sys_call(HW_CAP_PD, 0, 0), -GN_ERR_INVALID_CAP);
	check("call on my thread capability", sys_call(HW_CAP_THREAD, 0, 0), -GN_ERR_INVALID_CAP);
	check("submit on the boot endpoint", sys_submit(HW_CAP_BOOT_EP), -GN_ERR_INVALID_CAP);
	check("wake the victim's endpoint", sys_wake(victim), -GN_ERR_INVALID_CAP);
	check("signal wait on it", sys_signal_wait(victim, 1000), -GN_ERR_INVALID_CAP);
	check("receive on the victim's endpoint", sys_reply_wait(victim, 0, 1000), -GN_ERR_DENIED);
	check("receive on the boot endpoint", sys_reply_wait(HW_CAP_BOOT_EP, 0, 1000),
		-GN_ERR_DENIED);
	check("drop an empty slot", sys_cap_drop(200), -GN_ERR_INVALID_CAP);
	alive("guessed capabilities");
}

/* Sends caps to the victim and gets its copies back: copies in other slots of my space. */
static int64_t copy_of(uint64_t cap)
{
	int64_t r;

	utcb->msg[0] = VICTIM_ECHO_CAPS;
	utcb->caps[0] = cap;
	r = sys_call(victim, HW_MSG_INFO(1, 1), 0);
	seen++;
	return HW_MSG_CAPS_OF(r) == 1 ? (int64_t)utcb->caps[0] : -1;
}

static void stale(void)
{
	int64_t ep = sys_ep_create(), copy = copy_of((uint64_t)ep), again;

	out("my endpoint in slot %ld, a copy back through the victim in slot %ld (info 0x%lx)", ep,
		copy, (uint64_t)sys_cap_info((uint64_t)copy));
	utcb->msg[0] = VICTIM_HOLD;
	utcb->caps[0] = (uint64_t)ep;
	check("the victim keeps a copy", sys_call(victim, HW_MSG_INFO(1, 1), 0), 0);
	seen++;
	check("destroy it (drop the owning capability)", sys_cap_drop((uint64_t)ep), 0);
	check("call on my stale copy", sys_call((uint64_t)copy, 0, 0), -GN_ERR_REVOKED);
	check("cap_info of it", sys_cap_info((uint64_t)copy), -GN_ERR_REVOKED);
	again = sys_ep_create(); /* reuses the endpoint's memory: a new generation */
	out("a new endpoint in slot %ld", again);
	check("call on the stale copy after the reuse", sys_call((uint64_t)copy, 0, 1000),
		-GN_ERR_REVOKED);
	utcb->msg[0] = VICTIM_CHECK;
	failed += sys_call(victim, HW_MSG_INFO(1, 0), 0) != (int64_t)HW_MSG_INFO(1, 0);
	seen++;
	check("the victim's copy", (int64_t)utcb->msg[0], -GN_ERR_REVOKED);
	utcb->caps[0] = (uint64_t)copy;
	check("send the stale copy", sys_call(victim, HW_MSG_INFO(0, 1), 0), -GN_ERR_REVOKED);
	check("drop the stale copy", sys_cap_drop((uint64_t)copy), 0);
	check("drop the new endpoint", sys_cap_drop((uint64_t)again), 0);
	alive("stale capabilities");
}

static void not_held(void)
{
	uint64_t const bad[] = {200, HW_CAP_SLOTS, ~0ULL};

	for (unsigned i = 0; i < 3; i++) {
		utcb->caps[0] = HW_CAP_PD;
		utcb->caps[1] = bad[i];
		check("send a capability I do not hold", sys_call(victim, HW_MSG_INFO(1, 2), 0),
			-GN_ERR_INVALID_CAP);
	}
	alive("capabilities not held");
}

static void lengths(void)
{
	check("call with 513 words", sys_call(victim, HW_MSG_INFO(HW_MSG_WORDS + 1, 0), 0),
		-GN_ERR_BAD_MSG);
	check("call with 5 caps", sys_call(victim, HW_MSG_INFO(0, HW_MSG_CAPS + 1), 0),
		-GN_ERR_BAD_MSG);
	check("call with info -1", sys_call(victim, ~0ULL, 0), -GN_ERR_BAD_MSG);
	check("call with words -1", sys_call(victim, 0xffff, 0), -GN_ERR_BAD_MSG);
	check("call with a timeout of -1", sys_call(victim, 0, ~0ULL), -GN_ERR_INVALID_ARG);
	check("call with a timeout above the longest", sys_call(victim, 0, HW_SLEEP_MAX_US + 1),
		-GN_ERR_INVALID_ARG);
	check("print of -1 bytes", sys_print("x", ~0ULL), -GN_ERR_INVALID_ARG);
	alive("bad lengths");
}

static void signals(void)
{
	int64_t receiver = sys_signal_receiver(), context, copy;

	context = sys_signal_context((uint64_t)receiver, 7);
	copy = copy_of((uint64_t)receiver);
	check("submit on a receiver", sys_submit((uint64_t)receiver), -GN_ERR_INVALID_CAP);
	check("wait on a context", sys_signal_wait((uint64_t)context, 1000), -GN_ERR_INVALID_CAP);
	check("bind a context to a context", sys_signal_context((uint64_t)context, 1),
		-GN_ERR_INVALID_CAP);
	check("wait on a receiver copy (no receive right)", sys_signal_wait((uint64_t)copy, 1000),
		-GN_ERR_DENIED);
	check("bind a context to that copy", sys_signal_context((uint64_t)copy, 1), -GN_ERR_DENIED);
	check("drop the receiver", sys_cap_drop((uint64_t)receiver), 0);
	check("submit to its context", sys_submit((uint64_t)context), -GN_ERR_REVOKED);
	check("wait on the copy", sys_signal_wait((uint64_t)copy, 1000), -GN_ERR_REVOKED);
	sys_cap_drop((uint64_t)context);
	sys_cap_drop((uint64_t)copy);
	alive("signal abuse");
}

/*
 * The calls for core: raw prints are the root's; the badge of a capability only the endpoint's
 * server learns; an unbound context binds once, to a receiver the binder may wait on.
 */
static void core_calls(void)
{
	int64_t receiver = sys_signal_receiver(), copy = copy_of((uint64_t)receiver), ep, c, bound;

	check("print raw (not the root)", sys_print_flags("x", 1, HW_PRINT_RAW), -GN_ERR_DENIED);
	check("print with an unknown flag", sys_print_flags("x", 1, 4), -GN_ERR_INVALID_ARG);
	check("mem_size of the victim's endpoint", sys_mem_size(victim), -GN_ERR_INVALID_CAP);
	check("mem_size of a guessed slot", sys_mem_size(700), -GN_ERR_INVALID_CAP);
	check("mem_size of slot -1", sys_mem_size(~0ULL), -GN_ERR_INVALID_CAP);
	check("thread_time through the victim's endpoint", sys_thread_time(victim, HW_CAP_THREAD),
		-GN_ERR_INVALID_CAP);
	check("thread_time of my own domain's slot 2", sys_thread_time(HW_CAP_PD, HW_CAP_BOOT_EP),
		-GN_ERR_INVALID_CAP);
	check("thread_time of slot -1", sys_thread_time(HW_CAP_PD, ~0ULL), -GN_ERR_INVALID_CAP);
	check("the victim's badge through my call-only copy", sys_cap_badge(victim, victim),
		-GN_ERR_DENIED);
	ep = sys_ep_create();
	check("the victim's endpoint's badge on my own endpoint",
		sys_cap_badge(victim, (uint64_t)ep), -GN_ERR_NOT_FOUND);
	check("cap_badge on a receiver", sys_cap_badge(victim, (uint64_t)receiver),
		-GN_ERR_INVALID_CAP);
	check("cap_same of the victim's endpoint and mine", sys_cap_same(victim, (uint64_t)ep), 0);
	check("cap_same with slot 1024", sys_cap_same(victim, HW_CAP_SLOTS), -GN_ERR_INVALID_CAP);
	check("an unbound context with a badge", sys_signal_context(HW_SIGNAL_UNBOUND, 7),
		-GN_ERR_INVALID_ARG);
	c = sys_signal_context(HW_SIGNAL_UNBOUND, 0);
	check("bind it to a receiver copy without the receive right",
		sys_signal_bind((uint64_t)c, (uint64_t)copy, 1), -GN_ERR_DENIED);
	check("bind it to an endpoint", sys_signal_bind((uint64_t)c, (uint64_t)ep, 1),
		-GN_ERR_INVALID_CAP);
	check("bind an endpoint", sys_signal_bind((uint64_t)ep, (uint64_t)receiver, 1),
		-GN_ERR_INVALID_CAP);
	bound = sys_signal_context((uint64_t)receiver, 2);
	check("bind a bound context", sys_signal_bind((uint64_t)bound, (uint64_t)receiver, 1),
		-GN_ERR_EXISTS);
	check("drop the receiver", sys_cap_drop((uint64_t)receiver), 0);
	check("bind it to the destroyed receiver's copy",
		sys_signal_bind((uint64_t)c, (uint64_t)copy, 1), -GN_ERR_REVOKED);
	check("submit to it, still unbound", sys_submit((uint64_t)c), 0);
	uint64_t const drop[] = {(uint64_t)copy, (uint64_t)ep, (uint64_t)c, (uint64_t)bound};
	for (unsigned i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		sys_cap_drop(drop[i]);
	alive("the calls for core");
}

static void limits(void)
{
	int64_t first = -1, r, n = 0, got = 0;

	while ((r = sys_ep_create()) >= 0)
		first = first < 0 ? r : first, n++;
	out("created %ld endpoints, then: %s", n, result_name(r));
	failed += r != -GN_ERR_LIMIT;
	for (int64_t i = first; i < first + n; i++)
		sys_cap_drop((uint64_t)i);
	/* fill my space with copies of my pd capability, 4 a call */
	for (;;) {
		utcb->msg[0] = VICTIM_ECHO_CAPS;
		for (unsigned i = 0; i < HW_MSG_CAPS; i++)
			utcb->caps[i] = HW_CAP_PD;
		r = sys_call(victim, HW_MSG_INFO(1, HW_MSG_CAPS), 0);
		seen++;
		got += (int64_t)HW_MSG_CAPS_OF(r);
		if (r < 0 || HW_MSG_CAPS_OF(r) < HW_MSG_CAPS)
			break;
	}
	out("my space is full: the last reply carried %lu of 4 caps, %ld copies in all",
		HW_MSG_CAPS_OF(r), got);
	utcb->msg[0] = VICTIM_ECHO_CAPS;
	r = sys_call(victim, HW_MSG_INFO(1, HW_MSG_CAPS), 0);
	seen++;
	check("a reply into the full space (its info)", r, (int64_t)HW_MSG_INFO(0, 0));
	check("create an endpoint", sys_ep_create(), -GN_ERR_OUT_OF_CAPS);
	for (uint64_t i = HW_CAP_FIRST_FREE; i < HW_CAP_SLOTS; i++) {
		if (i != victim && sys_cap_info(i) == (int64_t)HW_CAP_INFO(HW_OBJ_PD, 0))
			sys_cap_drop(i);
	}
	alive("a full space");
}

static void tamper(uint64_t arg, hw_utcb_t *mine)
{
	(void)arg;
	(void)mine;
	while (!tamper_stop) {
		utcb->msg[0] = 0xbad;
		utcb->msg[1] = 0xbad;
		for (unsigned i = 0; i < HW_MSG_CAPS; i++)
			utcb->caps[i] = 0xdead0000 + i;
		tampered++;
		sys_yield();
	}
}

static void tampering(void)
{
	int64_t r;
	uint64_t before;

	if (sys_thread_create(tamper, 0, stacks[FLOODERS], STACK, HW_PRIO_MAX - 1) < 0)
		failed++;
	utcb->msg[0] = VICTIM_SLOW;
	utcb->msg[1] = 21;
	before = tampered;
	r = sys_call(victim, HW_MSG_INFO(2, 0), 0);
	seen++;
	out("call while another thread rewrites my UTCB (%s): %s, reply %lu",
		tampered > before ? "it did" : "it did NOT", result_name(r), utcb->msg[0]);
	failed += r != (int64_t)HW_MSG_INFO(1, 0) || utcb->msg[0] != 42 || tampered == before;
	tamper_stop = true;
	sys_sleep(2000);
	alive("UTCB tampering");
}

static void flooder(uint64_t arg, hw_utcb_t *mine)
{
	unsigned ok = 0;

	for (unsigned i = 0; i < FLOOD; i++) {
		mine->msg[0] = VICTIM_PING;
		ok += sys_call(victim, HW_MSG_INFO(1, 0), 0) == (int64_t)HW_MSG_INFO(1, 0);
		ok += sys_call(victim, HW_MSG_INFO(HW_MSG_WORDS + 1, 0), 0) == -GN_ERR_BAD_MSG;
	}
	flood_ok[arg] = ok;
	flood_done[arg] = true;
}

static void flood(void)
{
	unsigned ok = 0;

	for (unsigned i = 0; i < FLOODERS; i++) {
		if (sys_thread_create(flooder, i, stacks[i], STACK, HW_PRIO_MAX) < 0)
			failed++;
	}
	flooder(FLOODERS, utcb);
	for (unsigned i = 0; i < FLOODERS; i++) {
		while (!flood_done[i])
			sys_sleep(1000);
	}
	for (unsigned i = 0; i <= FLOODERS; i++)
		ok += flood_ok[i];
	out("flood: %u of %u calls from 3 threads answered or refused as they should", ok,
		2 * FLOOD * (FLOODERS + 1));
	failed += ok != 2 * FLOOD * (FLOODERS + 1);
	seen += FLOOD * (FLOODERS + 1);
	alive("the flood");
}

int main(void)
{
	int64_t v;

	utcb = main_utcb;
	v = root_lookup(utcb, NAME_VICTIM, 1000);
	if (v < 0)
		return 1;
	victim = (uint64_t)v;
	out("the victim's endpoint in slot %lu (info 0x%lx)", victim,
		(uint64_t)sys_cap_info(victim));
	alive("the lookup");
	guessed();
	stale();
	not_held();
	lengths();
	signals();
	core_calls();
	limits();
	tampering();
	flood();
	out("%d checks failed", failed);
	return failed;
}
