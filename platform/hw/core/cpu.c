/* CPUs and thread time on hw. */
#include <gneiss/cpu_session.h>
#include <gneiss/thread.h>
#include "core_hw.h"
#include "hw_lib.h"

unsigned core_platform_cpu_count(void)
{
	int64_t const info = hw_syscall4(HW_SYS_CPU_INFO, 0, 0, 0, 0);

	return info < 0 || HW_CPU_INFO_COUNT((uint64_t)info) == 0
		       ? 1
		       : HW_CPU_INFO_COUNT((uint64_t)info);
}

uint32_t core_platform_cpu(unsigned index)
{
	return index < core_platform_cpu_count() ? index : GN_CPU_ANY;
}

/* The kernel counts time per domain, not per thread a component names: unknown. */
uint64_t core_platform_thread_time_ns(core_pd_t const *pd, int tid)
{
	(void)pd;
	(void)tid;
	return 0;
}
