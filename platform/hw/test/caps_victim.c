/*
 * hw-caps-victim: the server hw-caps-attack probes in the hw_caps scenario. It registers an
 * endpoint with the root and answers (lib/caps_test.h) until no call has come for IDLE_US, then
 * reports how many calls it took and exits. Every capability it receives, except the one it is
 * asked to keep, is dropped after its reply has gone out, so its space never fills.
 */
#include "caps_test.h"
#include "root.h"

enum {
	IDLE_US = 1000000,
};

static uint64_t drop[HW_MSG_CAPS], drops, held = HW_CAP_SLOTS;

/* Handles the call of info; returns the reply's info. */
static uint64_t handle(hw_utcb_t *utcb, int64_t info, uint64_t calls)
{
	uint64_t caps = HW_MSG_CAPS_OF(info);

	switch (HW_MSG_WORDS_OF(info) > 0 ? utcb->msg[0] : 0) {
	case VICTIM_PING: utcb->msg[0] = calls; return HW_MSG_INFO(1, 0);
	case VICTIM_ECHO_CAPS:
		for (uint64_t i = 0; i < caps; i++)
			drop[drops++] = utcb->caps[i];
		return HW_MSG_INFO(0, caps);
	case VICTIM_SLOW:
		sys_sleep(5000);
		utcb->msg[0] = utcb->msg[1] * 2;
		return HW_MSG_INFO(1, 0);
	case VICTIM_HOLD: held = caps == 1 ? utcb->caps[0] : HW_CAP_SLOTS; return HW_MSG_INFO(0, 0);
	case VICTIM_CHECK: utcb->msg[0] = (uint64_t)sys_cap_info(held); return HW_MSG_INFO(1, 0);
	default:
		for (uint64_t i = 0; i < caps; i++)
			drop[drops++] = utcb->caps[i];
		return HW_MSG_INFO(0, 0);
	}
}

int main(void)
{
	hw_utcb_t *utcb = main_utcb;
	int64_t ep = sys_ep_create(), info;
	uint64_t reply = 0, calls = 0;

	if (ep < 0 || root_register(utcb, NAME_VICTIM, (uint64_t)ep) != 0)
		return 1;
	out("serving in slot %ld", ep);
	for (;;) {
		info = sys_reply_wait((uint64_t)ep, reply, IDLE_US);
		while (drops > 0)
			sys_cap_drop(drop[--drops]);
		reply = 0;
		if (info == -GN_ERR_TIMEOUT)
			break;
		if (info < 0) {
			out("reply_wait: %s", result_name(info));
			continue;
		}
		reply = handle(utcb, info, ++calls);
	}
	out("idle after %lu calls, exiting", calls);
	return 0;
}
