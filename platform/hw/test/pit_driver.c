/*
 * hw-pit-driver: a timer driver in user space. hw-drv-root starts it with PIT channel 0's data
 * port (0x40) and the mode register (0x43) as I/O port capabilities and ISA IRQ 0 (GSI 2 on QEMU)
 * as an IRQ capability (lib/drv_test.h's slots). It programs channel 0 as a rate generator at
 * PIT_HZ, binds the IRQ to a signal context of its own and counts ticks in a second thread: each
 * interrupt arrives as a signal, the line stays masked until irq_ack. The main thread serves the
 * timer service on its endpoint: TIMER_ELAPSED answers the ticks counted, TIMER_SLEEP takes the
 * call as a deferred reply that the tick thread answers once enough ticks have passed (one more
 * than ms needs, as the first may come at once). The
 * driver runs until its root ends it.
 */
#include "drv_test.h"
#include "user.h"

enum {
	PIT_INPUT_HZ = 1193182,
	LATCH = (PIT_INPUT_HZ + PIT_HZ / 2) / PIT_HZ,
	PIT_CH0 = 0x40,
	PIT_MODE = 0x43,
	MODE_CH0_RATE = 0x34, /* channel 0, low then high byte, mode 2, binary */
	MS_PER_TICK = 1000 / PIT_HZ,
	STACK = 8192,
	PRIO = HW_PRIO_MAX - 1,
};

static uint64_t volatile ticks;
static int64_t volatile sleeper = -1; /* the pending sleep's reply capability */
static uint64_t volatile deadline;
static uint64_t receiver;
static uint8_t stack[STACK] __attribute__((aligned(16)));

static void fail(char const *what, int64_t r)
{
	out("%s: %s", what, result_name(r));
	sys_exit(1);
}

/* Answers the pending sleep once its deadline has passed (this thread's UTCB carries it). */
static void wake_sleeper(hw_utcb_t *utcb)
{
	int64_t cap = sleeper;
	int64_t r;

	if (cap < 0 || ticks < deadline)
		return;
	utcb->msg[0] = ticks;
	sleeper = -1;
	r = sys_reply((uint64_t)cap, HW_MSG_INFO(1, 0));
	if (r != 0 && r != -GN_ERR_NOT_FOUND)
		fail("reply to the sleeper", r);
}

static void tick_thread(uint64_t arg, hw_utcb_t *utcb)
{
	(void)arg;
	for (;;) {
		int64_t n = sys_signal_wait(receiver, 0), r;
		if (n < 0)
			fail("signal_wait", n);
		ticks += (uint64_t)n;
		wake_sleeper(utcb);
		r = sys_irq_ack(DRV_SLOT_IRQ);
		if (r != 0)
			fail("irq_ack", r);
	}
}

static void start_pit(void)
{
	int64_t r = sys_port_out(DRV_SLOT_PORTS2, PIT_MODE, 1, MODE_CH0_RATE);

	if (r == 0)
		r = sys_port_out(DRV_SLOT_PORTS, PIT_CH0, 1, LATCH & 0xff);
	if (r == 0)
		r = sys_port_out(DRV_SLOT_PORTS, PIT_CH0, 1, LATCH >> 8);
	if (r != 0)
		fail("programming the PIT", r);
}

/* Answers one call of the timer service; false when the reply is deferred. */
static bool serve(uint64_t info, uint64_t *reply_info)
{
	uint64_t op = HW_MSG_WORDS_OF(info) >= 1 ? main_utcb->msg[0] : 0;
	uint64_t ms = HW_MSG_WORDS_OF(info) >= 2 ? main_utcb->msg[1] : 0;
	int64_t cap;

	*reply_info = HW_MSG_INFO(1, 0);
	if (op == TIMER_SLEEP && sleeper < 0) {
		cap = sys_reply_cap();
		if (cap < 0)
			fail("reply_cap", cap);
		/* the next tick may be a moment away: one more makes it at least ms */
		deadline = ticks + (ms + MS_PER_TICK - 1) / MS_PER_TICK + 1;
		sleeper = cap; /* after the deadline: the tick thread reads them in this order */
		return false;
	}
	main_utcb->msg[0] = op == TIMER_ELAPSED ? ticks : TIMER_BUSY;
	return true;
}

int main(void)
{
	uint64_t info = 0;
	int64_t context, r;

	receiver = (uint64_t)sys_signal_receiver();
	context = sys_signal_context(receiver, 0);
	if (context < 0)
		fail("signal context", context);
	start_pit();
	r = sys_irq_bind(DRV_SLOT_IRQ, (uint64_t)context);
	if (r != 0)
		fail("irq_bind", r);
	r = sys_thread_create(tick_thread, 0, stack, sizeof(stack), PRIO);
	if (r < 0)
		fail("thread_create", r);
	out("PIT channel 0 at %d Hz (latch %d), IRQ 0 bound: serving", PIT_HZ, LATCH);
	for (;;) {
		r = sys_reply_wait(DRV_SLOT_EP, info, 0);
		if (r == -GN_ERR_NOT_FOUND) {
			info = 0;
			continue;
		}
		if (r < 0)
			fail("reply_wait", r);
		if (!serve((uint64_t)r, &info))
			info = 0;
	}
}
