/*
 * hw-ipc-client2: the second client of the hw_ipc scenario. It gets the server's endpoint and
 * signal context like the first, submits three signals, waits until the server has counted the
 * first client's five and its three, then asks the server to die in the middle of its call: the
 * call returns REVOKED, and so does every later use of the stale capability until it is dropped,
 * after which the slot is empty (INVALID_CAP).
 */
#include "ipc_test.h"
#include "root.h"

enum {
	SUBMITS = 3,
	ALL_SIGNALS = 5 + SUBMITS,
};

static int failed;

static void check(char const *what, int64_t got, int64_t want)
{
	out("%s: %s", what, result_name(got));
	failed += got != want;
}

/* Polls the server until it counted ALL_SIGNALS; the count, or -1. */
static int64_t await_signals(hw_utcb_t *utcb, uint64_t server)
{
	for (unsigned i = 0; i < 1000; i++) {
		utcb->msg[0] = OP_SIGNAL_COUNT;
		if (sys_call(server, HW_MSG_INFO(1, 0), 0) != (int64_t)HW_MSG_INFO(2, 0))
			return -1;
		if (utcb->msg[0] >= ALL_SIGNALS)
			return (int64_t)utcb->msg[0];
		sys_sleep(2000);
	}
	return -1;
}

int main(void)
{
	hw_utcb_t *utcb = main_utcb;
	int64_t server = root_lookup(utcb, NAME_SERVER, 1000), context, r;

	if (server < 0)
		return 1;
	utcb->msg[0] = OP_GET_SIGNAL;
	r = sys_call((uint64_t)server, HW_MSG_INFO(1, 0), 0);
	context = HW_MSG_CAPS_OF(r) == 1 ? (int64_t)utcb->caps[0] : -1;
	for (unsigned i = 0; i < SUBMITS; i++)
		failed += sys_submit((uint64_t)context) != 0;
	out("submitted %d signals through the context in slot %ld", SUBMITS, context);
	r = await_signals(utcb, (uint64_t)server);
	out("the server counted %ld signals in %lu deliveries", r, utcb->msg[1]);
	failed += r != ALL_SIGNALS;
	utcb->msg[0] = OP_DIE;
	check("call to the dying server", sys_call((uint64_t)server, HW_MSG_INFO(1, 0), 2000000),
		-GN_ERR_REVOKED);
	check("call on the stale capability", sys_call((uint64_t)server, 0, 0), -GN_ERR_REVOKED);
	check("submit on the stale context", sys_submit((uint64_t)context), -GN_ERR_REVOKED);
	check("cap_info of it", sys_cap_info((uint64_t)server), -GN_ERR_REVOKED);
	check("drop it", sys_cap_drop((uint64_t)server), 0);
	check("call on the empty slot", sys_call((uint64_t)server, 0, 0), -GN_ERR_INVALID_CAP);
	out("%d checks failed", failed);
	return failed;
}
