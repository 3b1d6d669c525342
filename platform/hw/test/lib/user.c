/* The user test programs' runtime (see user.h). */
#include <stdarg.h>

#include <gneiss/fmt.h>

#include "user.h"

extern char thread_start[];

int64_t sys_print(char const *text, size_t len)
{
	return hw_syscall4(HW_SYS_PRINT, (uint64_t)text, len, 0, 0);
}

int64_t sys_yield(void)
{
	return hw_syscall4(HW_SYS_YIELD, 0, 0, 0, 0);
}

void sys_exit(int64_t code)
{
	hw_syscall4(HW_SYS_EXIT, (uint64_t)code, 0, 0, 0);
	for (;;)
		__asm__ volatile("ud2");
}

void sys_thread_exit(void)
{
	hw_syscall4(HW_SYS_THREAD_EXIT, 0, 0, 0, 0);
	for (;;)
		__asm__ volatile("ud2");
}

int64_t sys_sleep(uint64_t us)
{
	return hw_syscall4(HW_SYS_SLEEP, us, 0, 0, 0);
}

int64_t sys_wait(uint64_t timeout_us)
{
	return hw_syscall4(HW_SYS_WAIT, timeout_us, 0, 0, 0);
}

int64_t sys_wake(unsigned thread)
{
	return hw_syscall4(HW_SYS_WAKE, thread, 0, 0, 0);
}

uint64_t sys_time_us(void)
{
	return (uint64_t)hw_syscall4(HW_SYS_TIME, 0, 0, 0, 0);
}

void sys_kernel_exit(unsigned code)
{
	hw_syscall4(HW_SYS_KERNEL_EXIT, code, 0, 0, 0);
	for (;;)
		__asm__ volatile("ud2");
}

int64_t sys_thread_create(
	void (*fn)(uint64_t), uint64_t arg, void *stack, size_t size, unsigned prio)
{
	uint64_t top = ((uint64_t)stack + size) & ~15UL;
	uint64_t *start = (uint64_t *)(top - 16);

	start[0] = (uint64_t)fn;
	start[1] = arg;
	return hw_syscall4(HW_SYS_THREAD_CREATE, (uint64_t)thread_start, (uint64_t)start, prio, 0);
}

void out(char const *fmt, ...)
{
	char line[HW_PRINT_MAX];
	size_t len = 0;
	va_list ap;

	va_start(ap, fmt);
	gn_ignore(gn_vfmt(line, sizeof(line), &len, fmt, ap));
	va_end(ap);
	sys_print(line, len < sizeof(line) ? len : sizeof(line) - 1);
}

char const *result_name(int64_t result)
{
	static char other[24];

	switch (result) {
	case 0: return "0";
	case -GN_ERR_BAD_MSG: return "-BAD_MSG";
	case -GN_ERR_INVALID_ARG: return "-INVALID_ARG";
	case -GN_ERR_DENIED: return "-DENIED";
	case -GN_ERR_LIMIT: return "-LIMIT";
	case -GN_ERR_TIMEOUT: return "-TIMEOUT";
	default: gn_ignore(gn_fmt(other, sizeof(other), NULL, "%ld", result)); return other;
	}
}
