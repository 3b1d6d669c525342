/*
 * hw-timer-client: a client of hw-pit-driver's timer service (lib/drv_test.h), started by
 * hw-drv-root with a call-only capability to it in slot 2. It asks for the ticks counted, sleeps
 * through the driver three times and checks what it sees: each sleep returns with at least its
 * ticks passed, the tick count never goes back, and the kernel's own clock (the local APIC timer)
 * moved on meanwhile. Nothing is asserted about speed or how the two clocks compare: QEMU may run
 * slower than real time, and under a busy host either timer loses ticks.
 */
#include "drv_test.h"
#include "user.h"

enum {
	MS_PER_TICK = 1000 / PIT_HZ,
	CALL_TIMEOUT_US = 5 * 1000 * 1000,
};

static unsigned failed;

static void check(char const *what, bool ok)
{
	out("%s: %s", what, ok ? "yes" : "NO");
	failed += !ok;
}

static int64_t timer_call(uint64_t op, uint64_t ms, uint64_t *ticks)
{
	int64_t r;

	main_utcb->msg[0] = op;
	main_utcb->msg[1] = ms;
	r = sys_call(DRV_SLOT_EP, HW_MSG_INFO(2, 0), CALL_TIMEOUT_US);
	*ticks = main_utcb->msg[0];
	return r < 0 ? r : HW_MSG_WORDS_OF(r) == 1 ? 0 : -GN_ERR_BAD_MSG;
}

static void sleep_through(uint64_t ms)
{
	uint64_t before, after, woke, t0, t1;
	int64_t r = timer_call(TIMER_ELAPSED, 0, &before);

	t0 = sys_time_us();
	if (r == 0)
		r = timer_call(TIMER_SLEEP, ms, &woke);
	t1 = sys_time_us();
	if (r == 0)
		r = timer_call(TIMER_ELAPSED, 0, &after);
	out("sleep %lu ms: %s", ms, result_name(r));
	if (r != 0) {
		failed++;
		return;
	}
	out("  ticks before %s, woken at %s, after %s", before > 0 ? "> 0" : "0",
		woke >= before ? ">= before" : "< before", after >= woke ? ">= woken" : "< woken");
	check("  at least the ticks asked for passed", woke - before >= ms / MS_PER_TICK);
	check("  the count never went back", woke >= before && after >= woke);
	out("  %lu ticks, %lu ms of the kernel's clock (not asserted: each can lose ticks)",
		woke - before, (t1 - t0) / 1000);
	check("  the kernel's clock moved on too", t1 > t0);
}

int main(void)
{
	uint64_t ticks = 0, again = 0;
	int64_t r = timer_call(TIMER_ELAPSED, 0, &ticks);

	out("elapsed: %s", result_name(r));
	if (r != 0)
		return 1;
	sys_sleep(50 * 1000);
	r = timer_call(TIMER_ELAPSED, 0, &again);
	check("ticks count while I sleep in the kernel", r == 0 && again > ticks);
	sleep_through(20);
	sleep_through(50);
	sleep_through(100);
	out("%u checks failed", failed);
	return failed ? 1 : 0;
}
