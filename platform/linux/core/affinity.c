/*
 * The affinity space on linux: the CPUs core's own affinity mask allows, numbered densely from 0
 * in ascending order of their host numbers. Read once, at the first question; core runs on one
 * thread, so no lock is needed. Should the kernel refuse to tell, the space is one CPU, host CPU 0.
 */
#include <gneiss/cpu_session.h>
#include <lx.h>

#include "core_linux.h"

enum {
	MASK_WORDS = 16 /* 1024 CPUs */
};

static uint64_t mask[MASK_WORDS];
static unsigned count;

static void read_mask(void)
{
	long ret = lx_syscall3(__NR_sched_getaffinity, 0, sizeof(mask), mask);

	for (unsigned i = 0; ret > 0 && i < MASK_WORDS * 64; i++)
		count += (mask[i / 64] >> (i % 64)) & 1;
	if (count == 0) {
		mask[0] = 1;
		count = 1;
	}
}

unsigned core_platform_cpu_count(void)
{
	if (count == 0)
		read_mask();
	return count;
}

uint32_t core_platform_cpu(unsigned index)
{
	unsigned seen = 0;

	if (index >= core_platform_cpu_count())
		return GN_CPU_ANY;
	for (uint32_t cpu = 0; cpu < MASK_WORDS * 64; cpu++)
		if (((mask[cpu / 64] >> (cpu % 64)) & 1) && seen++ == index)
			return cpu;
	return GN_CPU_ANY;
}
