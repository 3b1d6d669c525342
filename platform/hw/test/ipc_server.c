/*
 * hw-ipc-server: an IPC server of the hw_ipc scenario. It creates an endpoint, a signal receiver
 * and a context bound to it, registers the endpoint with the root (capability transfer) and serves
 * calls (lib/ipc_test.h) with reply_wait. A second thread, at a lower priority, waits on the
 * receiver and counts the signals clients submit through the context capability it hands out; a
 * capability a client sends it is used (submitted to twice) and dropped. OP_DIE ends the domain in
 * the middle of a call, whose caller gets REVOKED.
 */
#include "ipc_test.h"
#include "root.h"

enum {
	STACK = 4096,
};

static uint8_t stack[STACK] __attribute__((aligned(16)));
static uint64_t volatile signals, deliveries;
static int64_t receiver;

static void signal_thread(uint64_t arg, hw_utcb_t *utcb)
{
	(void)arg;
	for (;;) {
		int64_t r = sys_signal_wait((uint64_t)receiver, 0);
		if (r <= 0 || utcb->badge != SIGNAL_BADGE) {
			out("signal wait: %s, badge 0x%lx", result_name(r), utcb->badge);
			return;
		}
		signals += (uint64_t)r;
		deliveries++;
	}
}

static uint64_t echo(hw_utcb_t *utcb, uint64_t words)
{
	uint64_t sum = 0;

	for (uint64_t i = 0; i < words; i++) {
		sum += utcb->msg[i];
		utcb->msg[i]++;
	}
	if (words > 0)
		utcb->msg[0] = sum;
	return HW_MSG_INFO(words, 0);
}

static uint64_t notify(hw_utcb_t *utcb, int64_t info)
{
	uint64_t cap = utcb->caps[0];
	int64_t a, b;

	if (HW_MSG_CAPS_OF(info) != 1)
		return HW_MSG_INFO(0, 0);
	a = sys_submit(cap);
	b = sys_submit(cap);
	out("submitted twice to the client's context in my slot %lu: %s %s", cap, result_name(a),
		result_name(b));
	out("dropping it: %s", result_name(sys_cap_drop(cap)));
	return HW_MSG_INFO(0, 0);
}

int main(void)
{
	hw_utcb_t *utcb = main_utcb;
	int64_t ep = sys_ep_create(), context, info;
	uint64_t reply = 0;

	receiver = sys_signal_receiver();
	context = sys_signal_context((uint64_t)receiver, SIGNAL_BADGE);
	out("endpoint in slot %ld, signal receiver %ld, context %ld", ep, receiver, context);
	if (ep < 0 || receiver < 0 || context < 0)
		return 1;
	if (sys_thread_create(signal_thread, 0, stack, STACK, HW_PRIO_MAX - 1) < 0)
		return 2;
	out("registering with the root: %s",
		result_name(root_register(utcb, NAME_SERVER, (uint64_t)ep)));
	for (;;) {
		info = sys_reply_wait((uint64_t)ep, reply, 0);
		reply = HW_MSG_INFO(0, 0);
		if (info < 0) {
			out("reply_wait: %s", result_name(info));
			continue;
		}
		switch (HW_MSG_WORDS_OF(info) > 0 ? utcb->msg[0] : 0) {
		case OP_ECHO: reply = echo(utcb, HW_MSG_WORDS_OF(info)); break;
		case OP_GET_SIGNAL:
			utcb->caps[0] = (uint64_t)context;
			reply = HW_MSG_INFO(0, 1);
			break;
		case OP_NOTIFY_ME: reply = notify(utcb, info); break;
		case OP_SIGNAL_COUNT:
			utcb->msg[0] = signals;
			utcb->msg[1] = deliveries;
			reply = HW_MSG_INFO(2, 0);
			break;
		case OP_DIE: out("exiting in the middle of a call"); return 0;
		default: break;
		}
	}
}
