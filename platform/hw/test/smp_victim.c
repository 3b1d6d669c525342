/*
 * hw-smp-victim: a domain that ends while its threads run on two CPUs (scenario hw_smp). Its main
 * thread gives a spinner CPU 1, waits until it runs there, spins on CPU 0 itself for a while and
 * then exits the domain: the kernel must take the spinner off CPU 1 (a kick) before the domain's
 * threads, page tables and frames go.
 */
#include "user.h"

enum {
	STACK = 4096,
};

static uint8_t stack[STACK] __attribute__((aligned(16)));
static unsigned long volatile spins;
static unsigned volatile spinner_cpu = 99;

static void spinner(uint64_t arg, hw_utcb_t *utcb)
{
	(void)arg;
	(void)utcb;
	spinner_cpu = HW_CPU_INFO_INDEX((uint64_t)sys_cpu_info());
	for (;;)
		spins++;
}

int main(void)
{
	int64_t cap = sys_thread_create(spinner, 0, stack, STACK, HW_PRIO_MAX);
	unsigned long before;

	if (cap < 0 || sys_thread_cpu((uint64_t)cap, 1) != 0)
		return 1;
	while (spins == 0)
		;
	before = spins;
	for (unsigned long i = 0; i < 20000000UL; i++)
		if (spins != before)
			break;
	out("spinner runs on cpu %u, main on cpu %u: ending the domain", spinner_cpu,
		HW_CPU_INFO_INDEX((uint64_t)sys_cpu_info()));
	return spinner_cpu == 1 && spins != before ? 0 : 2;
}
