/*
 * hw-threads: threads, priorities and the blocking primitives in one domain, each step printing
 * what the scenario hw_threads checks the order of.
 *
 * 1. A thread created at a lower priority does not run while the creator is busy, only once it
 *    sleeps. 2. wait/wake: the lower thread waits, the main thread wakes it; when it wakes the main
 *    thread in turn, the main thread (higher) preempts it at once. 3. Round robin: two busy threads
 *    at the same priority both progress while the main thread sleeps. 4. A wait with a timeout
 *    returns TIMEOUT after at least that time. 5. thread_create refuses a priority above the
 *    caller's (DENIED) or above every priority, code that is not executable (data is NX), a stack
 *    that is not mapped, and a ninth thread. 6. The main thread exits first; the domain ends when
 *    the last thread exits. Threads are named by capabilities: thread_create returns one, and slot
 *    HW_CAP_THREAD names the main thread.
 */
#include "user.h"

enum {
	STACK = 4096,
	MAIN_PRIO = HW_PRIO_MAX,
	LOW_PRIO = HW_PRIO_MAX - 1,
	RR_PRIO = HW_PRIO_MAX - 2,
};

static uint8_t stacks[HW_PD_THREADS][STACK] __attribute__((aligned(16)));
static unsigned long volatile counts[2];
static bool volatile stop;
static bool volatile low_ran;
static uint8_t data_page[16];
static int volatile failed;

static int check(char const *what, int64_t got, int64_t want)
{
	out("%s: %s", what, result_name(got));
	return got == want ? 0 : 1;
}

static void spinner(uint64_t which, hw_utcb_t *utcb);

static void low(uint64_t arg, hw_utcb_t *utcb)
{
	(void)arg;
	(void)utcb;
	low_ran = true;
	failed += check("low: create above my priority",
		sys_thread_create(spinner, 0, stacks[2], STACK, MAIN_PRIO), -GN_ERR_DENIED);
	out("low: running, now waiting");
	if (sys_wait(0) != 0)
		sys_exit(10);
	out("low: woken, waking main");
	sys_wake(HW_CAP_THREAD);
	out("low: woke main");
}

static void spinner(uint64_t which, hw_utcb_t *utcb)
{
	(void)utcb;
	while (!stop)
		counts[which]++;
}

static void waiter(uint64_t index, hw_utcb_t *utcb)
{
	(void)utcb;
	while (!stop)
		sys_sleep(1000);
	out("waiter %lu: main is gone, exiting", index);
}

static void refusals(void)
{
	unsigned created = 0;

	failed += check("create above every priority",
		sys_thread_create(spinner, 0, stacks[2], STACK, HW_PRIORITIES),
		-GN_ERR_INVALID_ARG);
	failed += check("create in data",
		hw_syscall4(HW_SYS_THREAD_CREATE, (uint64_t)data_page, (uint64_t)stacks[3] + STACK,
			RR_PRIO, 0),
		-GN_ERR_INVALID_ARG);
	failed += check("create on an unmapped stack",
		hw_syscall4(HW_SYS_THREAD_CREATE, (uint64_t)spinner, 0x20000000, RR_PRIO, 0),
		-GN_ERR_INVALID_ARG);
	for (unsigned i = 0; i < HW_PD_THREADS - 1; i++)
		created += sys_thread_create(waiter, i + 1, stacks[i], STACK, 0) >= 0;
	out("created %u threads, %d in all", created, created + 1);
	failed += created != HW_PD_THREADS - 1;
	failed += check("create one more", sys_thread_create(waiter, 8, stacks[7], STACK, 0),
		-GN_ERR_LIMIT);
}

int main(void)
{
	uint64_t t0;
	int64_t low_cap;

	/* 1 */
	low_cap = sys_thread_create(low, 0, stacks[1], STACK, LOW_PRIO);
	if (low_cap < HW_CAP_FIRST_FREE)
		return 2;
	for (unsigned volatile i = 0; i < 2000000; i++)
		;
	out("main: busy, low ran: %s", low_ran ? "yes" : "no");
	sys_sleep(10000);
	out("main: slept, low ran: %s", low_ran ? "yes" : "no");
	/* 2 */
	sys_wake((uint64_t)low_cap);
	out("main: woke low, now waiting");
	failed += check("main: wait", sys_wait(1000000), 0);
	/* 3 */
	sys_thread_create(spinner, 0, stacks[2], STACK, RR_PRIO);
	sys_thread_create(spinner, 1, stacks[3], STACK, RR_PRIO);
	sys_sleep(100000);
	stop = true;
	out("round robin: spinner 0 %s, spinner 1 %s", counts[0] > 0 ? "ran" : "starved",
		counts[1] > 0 ? "ran" : "starved");
	failed += counts[0] == 0 || counts[1] == 0;
	sys_sleep(20000); /* the spinners see stop and exit */
	/* 4 */
	t0 = sys_time_us();
	failed += check("wait 5 ms", sys_wait(5000), -GN_ERR_TIMEOUT);
	out("waited %s 5 ms", sys_time_us() - t0 >= 5000 ? "at least" : "LESS THAN");
	/* 5 */
	stop = false;
	refusals();
	/* 6 */
	out("main: %d checks failed, exiting as a thread", failed);
	stop = true;
	if (failed == 0)
		sys_thread_exit();
	return 1;
}
