/* The client side of hw-ipc-root's protocol (see root.h). */
#include "root.h"

int64_t root_register(hw_utcb_t *utcb, uint64_t name, uint64_t cap)
{
	int64_t r;

	utcb->msg[0] = ROOT_REGISTER;
	utcb->msg[1] = name;
	utcb->caps[0] = cap;
	r = sys_call(HW_CAP_BOOT_EP, HW_MSG_INFO(2, 1), 0);
	if (r < 0)
		return r;
	return utcb->msg[0] == 0 ? 0 : -GN_ERR_LIMIT;
}

int64_t root_lookup(hw_utcb_t *utcb, uint64_t name, unsigned tries)
{
	for (unsigned i = 0; i < tries; i++) {
		int64_t r;

		utcb->msg[0] = ROOT_LOOKUP;
		utcb->msg[1] = name;
		r = sys_call(HW_CAP_BOOT_EP, HW_MSG_INFO(2, 0), 0);
		if (r < 0)
			return r;
		if (HW_MSG_CAPS_OF(r) == 1 && utcb->msg[0] == 0)
			return (int64_t)utcb->caps[0];
		sys_sleep(1000);
	}
	return -GN_ERR_NOT_FOUND;
}
