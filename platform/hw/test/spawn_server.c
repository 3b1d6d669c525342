/*
 * hw-spawn-server: started by hw-root-spawn from its boot module, not by the kernel. Its slot 2
 * is the endpoint the root gave it (call and receive). It sets its FS base to a TLS block and
 * reads it back through %fs, then answers CALLS calls: msg[0] doubled and the badge the call came
 * through; the last one through a deferred reply capability, after which it exits.
 */
#include "user.h"

enum {
	CALLS = 3,
};

static struct {
	void *self;
	uint64_t value;
} tls;

static uint64_t fs_word(unsigned index)
{
	uint64_t v;

	if (index == 0)
		__asm__ volatile("movq %%fs:0, %0" : "=r"(v));
	else
		__asm__ volatile("movq %%fs:8, %0" : "=r"(v));
	return v;
}

int main(void)
{
	hw_utcb_t *utcb = main_utcb;
	uint64_t reply = 0;
	int64_t info, r;

	tls.self = &tls;
	tls.value = 0x715;
	r = sys_fs_base((uint64_t)&tls);
	out("fs base set: %s; %%fs:0 is my TLS block: %s, %%fs:8 0x%lx", result_name(r),
		fs_word(0) == (uint64_t)&tls ? "yes" : "NO", fs_word(1));
	for (unsigned i = 1;; i++) {
		info = sys_reply_wait(HW_CAP_BOOT_EP, reply, 0);
		if (info < 0) {
			out("reply_wait: %s", result_name(info));
			return 1;
		}
		out("call %u: %lu, badge 0x%lx", i, utcb->msg[0], utcb->badge);
		utcb->msg[1] = utcb->badge;
		utcb->msg[0] *= 2;
		reply = HW_MSG_INFO(2, 0);
		if (i == CALLS)
			break;
	}
	r = sys_reply_cap();
	out("the last reply as a capability in slot %ld", r);
	if (r < 0)
		return 1;
	out("reply through it: %s", result_name(sys_reply((uint64_t)r, reply)));
	out("reply through it again: %s", result_name(sys_reply((uint64_t)r, reply)));
	return 0;
}
