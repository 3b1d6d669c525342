/*
 * Faults and exits of core's programs on hw.
 *
 * Every program's domain has a badged copy of one endpoint of core as its fault handler, so the
 * kernel turns an exception of any of its threads, and its exit, into a call on that endpoint
 * (hw_syscall.h, "Faults" and "Exits through the fault handler"). The entrypoint cannot take those
 * calls (they are the kernel's fault messages, not RPC), so a thread of core's own waits on the
 * endpoint: it notes each message in a ring, then submits a signal whose handler, on the
 * entrypoint's thread, decides. An exit is answered at once (the domain ends whatever the answer)
 * and reported to core/pd.c. A fault is not answered by this thread: it turns the call into a
 * reply capability (reply_cap), so the faulting thread stays stopped while the entrypoint asks the
 * region maps (core/rm.c through spawn.c): the answer may be "resume" at once (memory mapped),
 * later (a region-map fault handler attached something), or "end". The ring is the only state both
 * threads touch; a message that finds it full is answered "end" at once, and the domain still
 * ends, but core would not hear of it, so the ring holds more messages than all domains together
 * can send at once.
 */
#include <gneiss/lock.h>
#include <gneiss/signal.h>
#include <gneiss/string.h>
#include <gneiss/thread.h>
#include <gn_platform.h>

#include "core_hw.h"
#include "hw_lib.h"
#include "hw_rt.h"

enum {
	RING = 256, /* > HW_PD_MAX domains * HW_PD_THREADS threads, each blocked in one message */
	STACK = 16 * 1024,
	END_THREAD = 1, /* any reply word but HW_FAULT_RESUME */
};

typedef struct {
	uint64_t badge;
	uint64_t fault[HW_FAULT_WORDS];
	uint64_t reply; /* the faulting thread's reply capability; 0: answered (an exit) */
} message_t;

static uint64_t endpoint;
static gn_cap_t signal;
static gn_mutex_t lock = GN_MUTEX_INIT;
static message_t ring[RING];
static unsigned head, tail, lost;
static gn_thread_t thread;
static uint8_t area[STACK + 4 * 4096] __attribute__((aligned(4096)));

uint64_t core_hw_fault_ep(void)
{
	return endpoint;
}

static void take(void *arg)
{
	uint64_t reply = HW_MSG_INFO(0, 0);

	(void)arg;
	for (;;) {
		hw_utcb_t *utcb = hw_tls()->utcb;
		int64_t const info = hw_syscall4(HW_SYS_REPLY_WAIT, endpoint, reply, 0, 0);
		if (info < 0) {
			reply = HW_MSG_INFO(0, 0); /* the caller is gone: nothing to answer */
			continue;
		}
		message_t m = {.badge = utcb->badge};
		if (HW_MSG_WORDS_OF(info) == HW_FAULT_WORDS)
			gn_memcpy(m.fault, utcb->msg, sizeof(m.fault));
		gn_mutex_lock(&lock);
		bool const room = head - tail < RING;
		if (room && m.fault[HW_FAULT_VECTOR] != HW_FAULT_EXIT) {
			int64_t const r = hw_syscall4(HW_SYS_REPLY_CAP, 0, 0, 0, 0);
			m.reply = r > 0 ? (uint64_t)r : 0;
		}
		if (room)
			ring[head++ % RING] = m;
		else
			lost++;
		gn_mutex_unlock(&lock);
		gn_ignore(gn_signal_submit(signal, 1));
		utcb->msg[0] =
			END_THREAD; /* unless the call became m.reply: then nothing to answer */
		reply = HW_MSG_INFO(m.reply ? 0 : 1, 0);
	}
}

static void handle(void *ctx, uint64_t count)
{
	(void)ctx;
	(void)count;
	for (;;) {
		gn_mutex_lock(&lock);
		bool const any = head != tail;
		message_t m = any ? ring[tail++ % RING] : (message_t){0};
		unsigned const lost_now = lost;
		lost = 0;
		gn_mutex_unlock(&lock);
		if (lost_now)
			core_log("Error: %u fault messages lost: their components ended unnoticed",
				lost_now);
		if (!any)
			return;
		if (m.fault[HW_FAULT_VECTOR] == HW_FAULT_EXIT)
			core_hw_program_exit(m.badge, (int)m.fault[HW_FAULT_ERROR]);
		else
			core_hw_program_fault(m.badge, m.fault, m.reply);
	}
}

/* Called on the entrypoint's thread only: its UTCB is free between two of its kernel calls. */
void core_hw_fault_answer(uint64_t reply, bool resume)
{
	if (!reply)
		return;
	hw_tls()->utcb->msg[0] = resume ? HW_FAULT_RESUME : END_THREAD;
	/* NOT_FOUND (the thread is gone) empties the slot too; any other refusal leaves it */
	if (hw_syscall4(HW_SYS_REPLY, reply, HW_MSG_INFO(1, 0), 0, 0) < 0)
		(void)hw_syscall4(HW_SYS_CAP_DROP, reply, 0, 0, 0);
}

gn_err_t core_hw_faults_init(void)
{
	int64_t const ep = hw_syscall4(HW_SYS_EP_CREATE, 0, 0, 0, 0);

	if (ep < 0)
		return hw_err(ep);
	endpoint = (uint64_t)ep;
	gn_err_t err = hw_ep_signal_context(core_ep(), &signal);
	if (err == GN_OK)
		err = gn_ep_sigh(core_ep(), signal, handle, NULL);
	if (err != GN_OK)
		return err;
	thread = (gn_thread_t){.entry = take, .cpu = GN_CPU_ANY, .base = area};
	thread.size = gn_platform_thread_area(STACK);
	return gn_platform_thread_start(&thread);
}
