/*
 * hw-fault-handler: faults to a handler (hw_fault_handler). The root registers a badged copy of
 * an endpoint as its own fault handler and lets threads of its own fault: a read of unmapped
 * memory is resumed after it maps memory there (the read then sees it), a write to read-only
 * memory is answered with "end the thread", and a third fault is resumed later through a
 * deferred reply sent by another thread. Then it creates child domains whose code is one ud2
 * instruction: one whose handler drops the reply capability unused, and one whose fault is still
 * queued when the handler's endpoint is destroyed; both end by their fault. Registration refusals
 * come first. hw-witness runs beside it; every frame comes back.
 */
#include "user.h"

#define VA 0x100000000UL /* a free area of the user half */

enum {
	PAGE = 4096,
	STACK = 4096,
	LOW = HW_PRIO_MAX - 1,
	BADGE = 0xfa17,
};

static unsigned failed;
static uint8_t stacks[2][STACK] __attribute__((aligned(16)));
static volatile uint64_t seen;
static bool volatile done;
static uint64_t reply_slot;

static void expect(char const *what, int64_t r, int64_t want)
{
	out("%s: %s%s", what, result_name(r), r == want ? "" : " WRONG");
	failed += r != want;
}

static bool volatile regs_kept;

/* Reads addr with known values in RAX and RDX around the load, which the fault must not change. */
static void reader(uint64_t addr, hw_utcb_t *utcb)
{
	uint64_t value, rax = 0x1234abcd, rdx = 0x5678ef01;

	(void)utcb;
	__asm__ volatile("movq (%3), %0"
			 : "=&r"(value), "+a"(rax), "+d"(rdx)
			 : "r"(addr)
			 : "memory");
	seen = value;
	regs_kept = rax == 0x1234abcd && rdx == 0x5678ef01;
	done = true;
}

static void writer(uint64_t addr, hw_utcb_t *utcb)
{
	(void)utcb;
	*(uint64_t volatile *)addr = 1;
	done = true; /* never: the handler ends the thread */
}

/* Jumps to addr, outside the user half: a #PF with RIP there. */
static void jumper(uint64_t addr, hw_utcb_t *utcb)
{
	(void)utcb;
	__asm__ volatile("jmp *%0" : : "r"(addr) : "memory");
}

/* Sets the trap flag, then jumps to addr: a #DB (or a #PF) with RIP there. */
static void trap_jumper(uint64_t addr, hw_utcb_t *utcb)
{
	(void)utcb;
	__asm__ volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\tjmp *%0"
			 :
			 : "r"(addr)
			 : "memory", "cc");
}

static void replier(uint64_t arg, hw_utcb_t *utcb)
{
	(void)arg;
	utcb->msg[0] = HW_FAULT_RESUME;
	expect("the other thread resumes it through the reply capability",
		sys_reply(reply_slot, HW_MSG_INFO(1, 0)), 0);
}

static int64_t start(thread_fn_t fn, uint64_t arg, unsigned slot)
{
	done = false;
	return sys_thread_create(fn, arg, stacks[slot], STACK, LOW);
}

/* Takes the next fault message on ep and prints it. */
static int64_t take_fault(uint64_t ep, char const *what)
{
	uint64_t const *m = main_utcb->msg;
	int64_t info = sys_reply_wait(ep, 0, 100000);

	out("%s: info 0x%lx, badge 0x%lx, thread %lu, vector %lu, error 0x%lx, address 0x%lx", what,
		(uint64_t)info, main_utcb->badge, m[HW_FAULT_THREAD], m[HW_FAULT_VECTOR],
		m[HW_FAULT_ERROR], m[HW_FAULT_ADDR]);
	failed += info != (int64_t)HW_MSG_INFO(HW_FAULT_WORDS, 0) || main_utcb->badge != BADGE;
	return info;
}

/* Fills a fresh page with value and maps it at va with flags. */
static int64_t page_at(uint64_t va, uint64_t value, uint64_t flags)
{
	int64_t m = sys_mem_create(PAGE);

	sys_mem_map((uint64_t)m, HW_CAP_PD, VA - PAGE, 0, PAGE, HW_MAP_READ | HW_MAP_WRITE);
	*(uint64_t volatile *)(VA - PAGE) = value;
	sys_mem_unmap(HW_CAP_PD, VA - PAGE);
	return sys_mem_map((uint64_t)m, HW_CAP_PD, va, 0, PAGE, flags) < 0 ? -1 : m;
}

static void own_threads(uint64_t ep)
{
	int64_t thread, mem, mem2, rc;

	start(reader, VA, 0);
	sys_sleep(2000); /* the fault waits on the endpoint's queue, then this takes it */
	take_fault(ep, "a read of unmapped memory");
	failed += main_utcb->msg[HW_FAULT_VECTOR] != 14 || main_utcb->msg[HW_FAULT_ADDR] != VA;
	mem = page_at(VA, 0x600d, HW_MAP_READ);
	main_utcb->msg[0] = HW_FAULT_RESUME;
	sys_reply_wait(ep, HW_MSG_INFO(1, 0), 1000);
	for (unsigned i = 0; i < 100 && !done; i++)
		sys_sleep(1000);
	out("resumed after the mapping, the read saw 0x%lx, RAX and RDX kept: %s", seen,
		regs_kept ? "yes" : "NO");
	failed += seen != 0x600d || !regs_kept;

	thread = start(writer, VA, 1);
	take_fault(ep, "a write to read-only memory");
	failed += main_utcb->msg[HW_FAULT_ERROR] != 7;
	main_utcb->msg[0] = 1;
	sys_reply_wait(ep, HW_MSG_INFO(1, 0), 1000);
	sys_sleep(2000);
	expect("the thread after the answer 'end it'", sys_cap_info((uint64_t)thread),
		-GN_ERR_REVOKED);

	seen = 0;
	start(reader, VA + 2 * PAGE, 0);
	take_fault(ep, "another read of unmapped memory");
	rc = sys_reply_cap();
	mem2 = page_at(VA + 2 * PAGE, 0xdefe, HW_MAP_READ);
	reply_slot = (uint64_t)rc;
	sys_thread_create(replier, 0, stacks[1], STACK, LOW);
	for (unsigned i = 0; i < 100 && !done; i++)
		sys_sleep(1000);
	out("resumed through the deferred reply, the read saw 0x%lx, RAX and RDX kept: %s", seen,
		regs_kept ? "yes" : "NO");
	failed += seen != 0xdefe || !regs_kept;
	sys_sleep(2000);
	sys_cap_drop((uint64_t)mem);
	sys_cap_drop((uint64_t)mem2);
}

/*
 * Faults whose RIP lies outside the user half, answered HW_FAULT_RESUME: the kernel refuses to
 * resume them and ends the thread instead (it used to panic).
 */
static void kernel_rips(uint64_t ep)
{
	static struct {
		char const *what;
		thread_fn_t fn;
		uint64_t addr;
	} const cases[] = {
		{"a jump into the kernel half", jumper, 0xffffffff80100000UL},
		{"a jump to the top of the user half", jumper, 0x00007fffffff0000UL},
		{"a jump into the kernel half with TF set", trap_jumper, 0xffffffff80100000UL},
	};

	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t thread = start(cases[i].fn, cases[i].addr, 1);

		take_fault(ep, cases[i].what);
		out("its rip: 0x%lx", main_utcb->msg[HW_FAULT_RIP]);
		failed += main_utcb->msg[HW_FAULT_RIP] != cases[i].addr;
		main_utcb->msg[0] = HW_FAULT_RESUME;
		sys_reply_wait(ep, HW_MSG_INFO(1, 0), 1000);
		sys_sleep(2000);
		expect("the thread after the answer 'resume'", sys_cap_info((uint64_t)thread),
			-GN_ERR_REVOKED);
	}
}

/*
 * A child domain whose only code is ud2, with handler as its fault handler; returns its cap.
 * With revoke_ep, revokes revoke_badge on it after the registration, before the thread starts.
 */
static int64_t ud2_child(char const *name, uint64_t handler, int64_t mems[2], uint64_t revoke_ep,
	uint64_t revoke_badge)
{
	int64_t pd = sys_pd_create(HW_CAP_FACTORY, name, 7);

	mems[0] = page_at(VA + 8 * PAGE, 0x0b0f, HW_MAP_READ); /* ud2 */
	sys_mem_unmap(HW_CAP_PD, VA + 8 * PAGE);
	sys_mem_map((uint64_t)mems[0], (uint64_t)pd, VA, 0, PAGE, HW_MAP_READ | HW_MAP_EXEC);
	mems[1] = sys_mem_create(PAGE);
	sys_mem_map(
		(uint64_t)mems[1], (uint64_t)pd, VA + PAGE, 0, PAGE, HW_MAP_READ | HW_MAP_WRITE);
	expect("its fault handler", sys_fault_handler((uint64_t)pd, handler), 0);
	if (revoke_ep)
		expect("revoke its handler's badge before it starts",
			sys_ep_revoke_badge(revoke_ep, revoke_badge), 1);
	expect("its thread", sys_thread_start((uint64_t)pd, VA, VA + 2 * PAGE, HW_PRIO_MAX) >= 0,
		1);
	return pd;
}

static void children(uint64_t ep, uint64_t fep)
{
	int64_t mems[2], pd, rc, ep2, fep2;

	pd = ud2_child("child-a", fep, mems, 0, 0);
	take_fault(ep, "child-a's fault");
	failed += main_utcb->msg[HW_FAULT_VECTOR] != 6 || main_utcb->msg[HW_FAULT_THREAD] != 0;
	rc = sys_reply_cap();
	expect("drop its reply capability unused", sys_cap_drop((uint64_t)rc), 0);
	sys_sleep(2000);
	expect("child-a afterwards", sys_cap_info((uint64_t)pd), -GN_ERR_REVOKED);
	sys_cap_drop((uint64_t)pd);
	sys_cap_drop((uint64_t)mems[0]);
	sys_cap_drop((uint64_t)mems[1]);

	ep2 = sys_ep_create();
	fep2 = sys_cap_mint((uint64_t)ep2, HW_RIGHT_CALL, BADGE);
	pd = ud2_child("child-b", (uint64_t)fep2, mems, 0, 0);
	sys_sleep(2000); /* it faults; nobody receives on ep2 */
	expect("child-b while its fault is queued", sys_cap_info((uint64_t)pd) >= 0, 1);
	expect("destroy its handler's endpoint", sys_cap_drop((uint64_t)ep2), 0);
	sys_sleep(2000);
	expect("child-b afterwards", sys_cap_info((uint64_t)pd), -GN_ERR_REVOKED);
	sys_cap_drop((uint64_t)pd);
	sys_cap_drop((uint64_t)fep2);
	sys_cap_drop((uint64_t)mems[0]);
	sys_cap_drop((uint64_t)mems[1]);

	/* a registration through a badged copy goes with ep_revoke_badge like the copy itself */
	ep2 = sys_ep_create();
	fep2 = sys_cap_mint((uint64_t)ep2, HW_RIGHT_CALL, BADGE + 1);
	pd = ud2_child("child-c", (uint64_t)fep2, mems, (uint64_t)ep2, BADGE + 1);
	sys_sleep(2000);
	expect("child-c afterwards", sys_cap_info((uint64_t)pd), -GN_ERR_REVOKED);
	expect("a fault on the revoked handler's endpoint", sys_reply_wait((uint64_t)ep2, 0, 1000),
		-GN_ERR_TIMEOUT);
	sys_cap_drop((uint64_t)pd);
	sys_cap_drop((uint64_t)fep2);
	sys_cap_drop((uint64_t)ep2);
	sys_cap_drop((uint64_t)mems[0]);
	sys_cap_drop((uint64_t)mems[1]);
}

int main(void)
{
	int64_t ep = sys_ep_create(), fep = sys_cap_mint((uint64_t)ep, HW_RIGHT_CALL, BADGE);
	int64_t none = sys_cap_mint((uint64_t)ep, 0, 0);

	expect("register through a thread capability",
		sys_fault_handler(HW_CAP_THREAD, (uint64_t)fep), -GN_ERR_INVALID_CAP);
	expect("register a signal-less slot", sys_fault_handler(HW_CAP_PD, 200),
		-GN_ERR_INVALID_CAP);
	expect("register the factory", sys_fault_handler(HW_CAP_PD, HW_CAP_FACTORY),
		-GN_ERR_INVALID_CAP);
	expect("register a copy without the call right",
		sys_fault_handler(HW_CAP_PD, (uint64_t)none), -GN_ERR_DENIED);
	expect("register the badged copy for myself", sys_fault_handler(HW_CAP_PD, (uint64_t)fep),
		0);
	own_threads((uint64_t)ep);
	kernel_rips((uint64_t)ep);
	children((uint64_t)ep, (uint64_t)fep);
	out("%u checks failed", failed);
	return failed ? 1 : 0;
}
