/* The monotonic clock from clock_gettime (the vDSO is not mapped for us: this is a system call). */
#include <gneiss/time.h>
#include <lx.h>

uint64_t gn_time_now_ns(void)
{
	struct lx_timespec ts = {0, 0};

	(void)lx_clock_gettime(LX_CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.sec * 1000000000u + (uint64_t)ts.nsec;
}

uint64_t gn_time_now_us(void)
{
	return gn_time_now_ns() / 1000u;
}
