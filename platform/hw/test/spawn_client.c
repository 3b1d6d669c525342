/*
 * hw-spawn-client: started by hw-root-spawn from its boot module. Its slot 2 is a call-only copy
 * of the server's endpoint, badged by the root. It calls the server three times and checks the
 * answers (msg[0] doubled, its badge echoed), tries to re-badge its copy (DENIED) and exits.
 */
#include "user.h"

int main(void)
{
	hw_utcb_t *utcb = main_utcb;
	unsigned bad = 0;

	out("my slot 2: cap_info 0x%lx", (uint64_t)sys_cap_info(HW_CAP_BOOT_EP));
	for (uint64_t i = 1; i <= 3; i++) {
		int64_t r;
		utcb->msg[0] = 10 * i;
		r = sys_call(HW_CAP_BOOT_EP, HW_MSG_INFO(1, 0), 0);
		out("call %lu: %s, answer %lu, badge 0x%lx", i, result_name(r), utcb->msg[0],
			utcb->msg[1]);
		bad += r != (int64_t)HW_MSG_INFO(2, 0) || utcb->msg[0] != 20 * i;
	}
	out("re-badge my copy: %s",
		result_name(sys_cap_mint(HW_CAP_BOOT_EP, HW_RIGHT_CALL, 0xf00)));
	out("%u answers wrong", bad);
	return bad ? 1 : 0;
}
