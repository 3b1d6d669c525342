/* The monotonic clock: the kernel's time call (microseconds since its timer started, whole ticks). */
#include <gneiss/time.h>

#include "hw_lib.h"

uint64_t gn_time_now_us(void)
{
	return (uint64_t)hw_syscall4(HW_SYS_TIME, 0, 0, 0, 0);
}

uint64_t gn_time_now_ns(void)
{
	return gn_time_now_us() * 1000u;
}
