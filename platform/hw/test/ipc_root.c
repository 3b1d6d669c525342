/*
 * hw-ipc-root: the root of the IPC scenarios (the first boot module, as core will be): it serves
 * the boot endpoint with the protocol of lib/root.h. Servers register their endpoints; clients
 * look them up and get call-only copies: capability transfer is the only way for them to reach a
 * server. When no request has come for IDLE_US it exits with 0, which destroys the boot endpoint.
 */
#include "root.h"

enum {
	IDLE_US = 1000000,
};

static struct {
	uint64_t name;
	uint64_t cap;
} names[ROOT_NAMES];
static unsigned count;

static char const *name_of(uint64_t name)
{
	return name == NAME_SERVER ? "server" : name == NAME_VICTIM ? "victim" : "other";
}

/* Handles the request of info in utcb and returns the reply's info. */
static uint64_t handle(hw_utcb_t *utcb, int64_t info)
{
	uint64_t op = utcb->msg[0], name = utcb->msg[1];

	utcb->msg[0] = 1;
	if (HW_MSG_WORDS_OF(info) < 2)
		return HW_MSG_INFO(1, 0);
	if (op == ROOT_REGISTER && HW_MSG_CAPS_OF(info) == 1 && count < ROOT_NAMES) {
		names[count].name = name;
		names[count++].cap = utcb->caps[0];
		out("'%s' registered, its endpoint in my slot %lu", name_of(name), utcb->caps[0]);
		utcb->msg[0] = 0;
		return HW_MSG_INFO(1, 0);
	}
	if (op != ROOT_LOOKUP)
		return HW_MSG_INFO(1, 0);
	for (unsigned i = 0; i < count; i++) {
		if (names[i].name == name) {
			utcb->msg[0] = 0;
			utcb->caps[0] = names[i].cap;
			return HW_MSG_INFO(1, 1);
		}
	}
	return HW_MSG_INFO(1, 0);
}

int main(void)
{
	hw_utcb_t *utcb = main_utcb;
	uint64_t reply = 0;

	out("serving the boot endpoint (slot %d)", HW_CAP_BOOT_EP);
	for (;;) {
		int64_t info = sys_reply_wait(HW_CAP_BOOT_EP, reply, IDLE_US);
		if (info == -GN_ERR_TIMEOUT)
			break;
		if (info < 0) {
			out("reply_wait: %s", result_name(info));
			reply = 0;
			continue;
		}
		reply = handle(utcb, info);
	}
	out("idle, exiting");
	return 0;
}
