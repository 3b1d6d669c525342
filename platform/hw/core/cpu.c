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

/*
 * A component names its thread by the slot of the thread's capability in its own space (tid:
 * platform/hw/lib/component_start.c, thread_hw.c); the kernel counts its ticks (thread_time,
 * through core's capability of the domain). 0 when the program or the thread is gone.
 */
uint64_t core_platform_thread_time_ns(core_pd_t const *pd, int tid)
{
	uint64_t const domain = core_hw_domain(pd);
	int64_t const us = domain && tid > 0
				   ? hw_syscall4(HW_SYS_THREAD_TIME, domain, (uint64_t)tid, 0, 0)
				   : -1;

	return us > 0 ? (uint64_t)us * 1000 : 0;
}
