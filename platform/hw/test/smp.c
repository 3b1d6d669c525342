/*
 * hw-smp: two CPUs at work (scenario hw_smp, booted with two CPUs).
 *
 * 1. cpu_info names the CPU (0) and the count (at least 2); thread_cpu refuses a CPU out of range
 *    (INVALID_ARG) and a capability that is no thread (INVALID_CAP). 2. A worker thread is given
 *    CPU 1 before it first runs and reports CPU 1. 3. Both threads spin without a kernel call and
 *    watch each other for 300 ms: in more than 60 short windows the other one's counter moved,
 *    which one CPU (a switch per 10 ms slice at most) could not give. 4. IPC across CPUs: 200 calls from CPU 0 answered by the
 *    worker on CPU 1 (the general path: the fast path stays on one CPU). 5. Signals across CPUs:
 *    100 submits from CPU 0, each waited for on CPU 1 and answered by a wake. 6. The worker moves
 *    itself to CPU 0 and back (thread_cpu on the running thread). 7. A mapping of a memory object
 *    the worker touched on CPU 1 is removed while it runs there (TLB shootdown) and the worker
 *    keeps running. Then both end and the domain exits with 0 (failures: the step's number).
 */
#include "user.h"

enum {
	STACK = 8192,
	WATCH_MS = 300,
	SLICE_MS = 10,
	WINDOW_SPINS = 1000,
	CALLS = 200,
	SIGNALS = 100,
	MAP_VA = 0x40000000,
};

static uint8_t stack[STACK] __attribute__((aligned(16)));
static unsigned long volatile count[2];
static unsigned volatile phase;
static unsigned volatile worker_cpu[4];
static unsigned volatile moved;
static uint64_t ep, receiver, context;
static unsigned volatile worker_seen; /* windows in which main's counter moved */
static bool volatile worker_watched;
static uint64_t volatile touched;

static unsigned cpu_index(void)
{
	return HW_CPU_INFO_INDEX((uint64_t)sys_cpu_info());
}

static void fail(int step, char const *what, int64_t got)
{
	out("step %d failed: %s (%s)", step, what, result_name(got));
	sys_exit(step);
}

/*
 * Spins and counts for WATCH_MS of kernel time, recording in how many short windows the other
 * thread's counter moved. On one CPU that can happen only when a slice ends inside a window: at
 * most once per 10 ms slice.
 */
static unsigned watch(unsigned me)
{
	unsigned seen = 0;
	uint64_t end = sys_time_us() + WATCH_MS * 1000;

	for (unsigned w = 0;; w++) {
		unsigned long before = count[!me];
		for (unsigned i = 0; i < WINDOW_SPINS; i++)
			count[me]++;
		seen += count[!me] != before;
		if (w % 64 == 0 && sys_time_us() >= end)
			return seen;
	}
}

static void worker(uint64_t arg, hw_utcb_t *utcb)
{
	int64_t r;

	(void)arg;
	worker_cpu[0] = cpu_index();
	while (phase < 1)
		count[1]++;
	worker_seen = watch(1);
	worker_watched = true;
	while (phase < 2)
		count[1]++;
	/* 4: serve calls */
	r = sys_reply_wait(ep, HW_MSG_INFO(0, 0), 0);
	for (unsigned i = 0; i < CALLS; i++) {
		if (r < 0)
			fail(4, "worker reply_wait", r);
		utcb->msg[0] = utcb->msg[0] + 1;
		utcb->msg[1] = cpu_index();
		r = sys_reply_wait(ep, HW_MSG_INFO(2, 0), i + 1 < CALLS ? 0 : 1000);
	}
	/* 5: signals */
	for (unsigned i = 0; i < SIGNALS; i++) {
		r = sys_signal_wait(receiver, 2000000);
		if (r < 1)
			fail(5, "worker signal_wait", r);
		sys_wake(HW_CAP_THREAD);
	}
	/* 6: move to CPU 0 and back */
	worker_cpu[1] = cpu_index();
	moved = 1;
	while (moved < 2)
		count[1]++;
	worker_cpu[2] = cpu_index();
	moved = 3;
	while (moved < 4)
		count[1]++;
	worker_cpu[3] = cpu_index();
	moved = 5;
	/* 7: touch the mapping, then keep spinning until told */
	while (moved < 6)
		count[1]++;
	touched = *(uint64_t volatile *)MAP_VA;
	phase = 3;
	while (phase < 4)
		count[1]++;
	phase = 5;
}

int main(void)
{
	uint64_t info = (uint64_t)sys_cpu_info(), me, mem;
	int64_t r, worker_cap;
	hw_utcb_t *utcb = main_utcb;
	unsigned seen;

	sys_sleep(200000); /* hw-smp-victim first: it ends while running on both CPUs */
	/* 1 */
	out("cpu %u of %u (APIC id %u)", HW_CPU_INFO_INDEX(info), HW_CPU_INFO_COUNT(info),
		HW_CPU_INFO_APIC(info));
	if (HW_CPU_INFO_COUNT(info) < 2)
		fail(1, "fewer than two CPUs", (int64_t)HW_CPU_INFO_COUNT(info));
	r = sys_thread_cpu(HW_CAP_THREAD, HW_CPU_INFO_COUNT(info));
	out("thread_cpu out of range: %s", result_name(r));
	if (r != -GN_ERR_INVALID_ARG)
		fail(1, "thread_cpu out of range", r);
	r = sys_thread_cpu(HW_CAP_BOOT_EP, 1);
	out("thread_cpu of an endpoint: %s", result_name(r));
	if (r != -GN_ERR_INVALID_CAP)
		fail(1, "thread_cpu of an endpoint", r);
	/* 2 */
	r = sys_ep_create();
	if (r < 0)
		fail(2, "ep_create", r);
	ep = (uint64_t)r;
	r = sys_signal_receiver();
	if (r < 0)
		fail(2, "signal_receiver", r);
	receiver = (uint64_t)r;
	r = sys_signal_context(receiver, 7);
	if (r < 0)
		fail(2, "signal_context", r);
	context = (uint64_t)r;
	worker_cap = sys_thread_create(worker, 0, stack, STACK, HW_PRIO_MAX);
	if (worker_cap < 0)
		fail(2, "thread_create", worker_cap);
	r = sys_thread_cpu((uint64_t)worker_cap, 1);
	if (r != 0)
		fail(2, "thread_cpu", r);
	while (count[1] == 0)
		count[0]++;
	out("worker runs on cpu %u", worker_cpu[0]);
	if (worker_cpu[0] != 1)
		fail(2, "worker's cpu", worker_cpu[0]);
	/* 3 */
	phase = 1;
	seen = watch(0);
	while (!worker_watched)
		count[0]++;
	out("both busy at once: in %d ms each saw the other move in %u and %u windows", WATCH_MS,
		seen, worker_seen);
	if (seen < 2 * WATCH_MS / SLICE_MS || worker_seen < 2 * WATCH_MS / SLICE_MS)
		fail(3, "no simultaneous progress", seen);
	phase = 2;
	/* 4 */
	for (unsigned i = 0; i < CALLS; i++) {
		utcb->msg[0] = i;
		r = sys_call(ep, HW_MSG_INFO(1, 0), 0);
		if (r < 0 || utcb->msg[0] != i + 1 || utcb->msg[1] != 1)
			fail(4, "call", r);
	}
	out("%d calls answered on cpu 1", CALLS);
	/* 5 */
	for (unsigned i = 0; i < SIGNALS; i++) {
		r = sys_submit(context);
		if (r != 0)
			fail(5, "submit", r);
		r = sys_wait(2000000);
		if (r != 0)
			fail(5, "wait for the worker's wake", r);
	}
	out("%d signals taken on cpu 1", SIGNALS);
	/* 6 */
	while (moved < 1)
		count[0]++;
	r = sys_thread_cpu((uint64_t)worker_cap, 0);
	if (r != 0)
		fail(6, "thread_cpu 0", r);
	moved = 2;
	while (moved < 3)
		sys_yield(); /* the worker now shares this CPU */
	r = sys_thread_cpu((uint64_t)worker_cap, 1);
	if (r != 0)
		fail(6, "thread_cpu 1", r);
	moved = 4;
	while (moved < 5)
		sys_yield();
	out("worker moved: cpu %u, then %u, then %u", worker_cpu[1], worker_cpu[2], worker_cpu[3]);
	if (worker_cpu[1] != 1 || worker_cpu[2] != 0 || worker_cpu[3] != 1)
		fail(6, "worker's cpus", 0);
	/* 7 */
	r = sys_mem_create(4096);
	if (r < 0)
		fail(7, "mem_create", r);
	mem = (uint64_t)r;
	r = sys_mem_map(mem, HW_CAP_PD, MAP_VA, 0, 4096, HW_MAP_READ | HW_MAP_WRITE);
	if (r != 0)
		fail(7, "mem_map", r);
	*(uint64_t volatile *)MAP_VA = 42;
	moved = 6; /* the worker may touch it now */
	while (phase < 3)
		count[0]++;
	r = sys_mem_unmap(HW_CAP_PD, MAP_VA);
	if (r != 0)
		fail(7, "mem_unmap", r);
	me = count[1];
	while (count[1] == me)
		count[0]++;
	out("unmapped while the worker ran on cpu 1: it had read %lu and keeps running", touched);
	if (touched != 42)
		fail(7, "the worker's read", (int64_t)touched);
	r = sys_cap_drop(mem);
	if (r != 0)
		fail(7, "cap_drop", r);
	phase = 4;
	while (phase < 5)
		sys_yield();
	out("done");
	return 0;
}
