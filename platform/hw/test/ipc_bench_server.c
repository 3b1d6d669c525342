/*
 * hw-ipc-bench-server: the server of the IPC benchmark, and its root (the first module, so it may
 * receive on the boot endpoint). It answers every call with an empty reply through reply_wait;
 * a call with one word asks it to exit, which ends that call with REVOKED.
 */
#include "user.h"

int main(void)
{
	int64_t info = hw_syscall4(HW_SYS_REPLY_WAIT, HW_CAP_BOOT_EP, 0, 0, 0);

	while (info == 0)
		info = hw_syscall4(HW_SYS_REPLY_WAIT, HW_CAP_BOOT_EP, 0, 0, 0);
	out("exiting (%s)", result_name(info));
	return info == (int64_t)HW_MSG_INFO(1, 0) ? 0 : 1;
}
