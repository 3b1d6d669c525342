/*
 * hw-ipc-client: the first client of the hw_ipc scenario. It gets the server's endpoint from the
 * root by capability transfer (a call-only copy, so receiving on it is DENIED), calls it with 4
 * words and with a full 4 KiB payload and checks the replies, refuses oversize messages itself
 * (BAD_MSG), receives a capability to the server's signal context and submits through it, and
 * sends the server a context of its own, which the server uses to signal it back.
 */
#include "ipc_test.h"
#include "root.h"

enum {
	SUBMITS = 5,
	MY_BADGE = 0xa11ce,
};

static int failed;

static void check(char const *what, int64_t got, int64_t want)
{
	out("%s: %s", what, result_name(got));
	failed += got != want;
}

/* Calls ECHO with words words and checks the reply. */
static void echo(hw_utcb_t *utcb, uint64_t server, uint64_t words)
{
	uint64_t sum = OP_ECHO;
	int64_t r;
	bool ok;

	utcb->msg[0] = OP_ECHO;
	for (uint64_t i = 1; i < words; i++) {
		utcb->msg[i] = i * 3;
		sum += i * 3;
	}
	r = sys_call(server, HW_MSG_INFO(words, 0), 0);
	ok = r == (int64_t)HW_MSG_INFO(words, 0) && utcb->msg[0] == sum;
	for (uint64_t i = 1; i < words && ok; i++)
		ok = utcb->msg[i] == i * 3 + 1;
	out("echo of %lu words: %s", words, ok ? "ok" : "WRONG");
	failed += !ok;
}

int main(void)
{
	hw_utcb_t *utcb = main_utcb;
	int64_t server = root_lookup(utcb, NAME_SERVER, 1000), context, r, mine, my_context;

	if (server < 0)
		return 1;
	out("got the server's endpoint from the root in slot %ld (info 0x%lx)", server,
		(uint64_t)sys_cap_info((uint64_t)server));
	check("receive on it", sys_reply_wait((uint64_t)server, 0, 0), -GN_ERR_DENIED);
	echo(utcb, (uint64_t)server, 4);
	echo(utcb, (uint64_t)server, HW_MSG_WORDS);
	check("call with 513 words",
		sys_call((uint64_t)server, HW_MSG_INFO(HW_MSG_WORDS + 1, 0), 0), -GN_ERR_BAD_MSG);
	check("call with 5 caps", sys_call((uint64_t)server, HW_MSG_INFO(1, HW_MSG_CAPS + 1), 0),
		-GN_ERR_BAD_MSG);
	utcb->msg[0] = OP_GET_SIGNAL;
	r = sys_call((uint64_t)server, HW_MSG_INFO(1, 0), 0);
	context = HW_MSG_CAPS_OF(r) == 1 ? (int64_t)utcb->caps[0] : -1;
	out("received the server's signal context in slot %ld (info 0x%lx)", context,
		(uint64_t)sys_cap_info((uint64_t)context));
	for (unsigned i = 0; i < SUBMITS; i++)
		failed += sys_submit((uint64_t)context) != 0;
	out("submitted %d signals", SUBMITS);
	mine = sys_signal_receiver();
	my_context = sys_signal_context((uint64_t)mine, MY_BADGE);
	utcb->msg[0] = OP_NOTIFY_ME;
	utcb->caps[0] = (uint64_t)my_context;
	check("sending the server my context", sys_call((uint64_t)server, HW_MSG_INFO(1, 1), 0), 0);
	r = sys_signal_wait((uint64_t)mine, 1000000);
	out("the server signalled me: count %ld, badge 0x%lx", r, utcb->badge);
	failed += r != 2 || utcb->badge != MY_BADGE;
	out("%d checks failed", failed);
	return failed;
}
