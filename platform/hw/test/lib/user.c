/* The user test programs' runtime (see user.h). */
#include <stdarg.h>

#include <gneiss/fmt.h>

#include "user.h"

extern char thread_start[];

hw_utcb_t *main_utcb;

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

int64_t sys_wake(uint64_t thread_cap)
{
	return hw_syscall4(HW_SYS_WAKE, thread_cap, 0, 0, 0);
}

uint64_t sys_time_us(void)
{
	return (uint64_t)hw_syscall4(HW_SYS_TIME, 0, 0, 0, 0);
}

int64_t sys_cap_drop(uint64_t cap)
{
	return hw_syscall4(HW_SYS_CAP_DROP, cap, 0, 0, 0);
}

int64_t sys_cap_info(uint64_t cap)
{
	return hw_syscall4(HW_SYS_CAP_INFO, cap, 0, 0, 0);
}

int64_t sys_ep_create(void)
{
	return hw_syscall4(HW_SYS_EP_CREATE, 0, 0, 0, 0);
}

int64_t sys_call(uint64_t ep, uint64_t info, uint64_t timeout_us)
{
	return hw_syscall4(HW_SYS_CALL, ep, info, timeout_us, 0);
}

int64_t sys_reply_wait(uint64_t ep, uint64_t info, uint64_t timeout_us)
{
	return hw_syscall4(HW_SYS_REPLY_WAIT, ep, info, timeout_us, 0);
}

int64_t sys_signal_receiver(void)
{
	return hw_syscall4(HW_SYS_SIGNAL_RECEIVER, 0, 0, 0, 0);
}

int64_t sys_signal_context(uint64_t receiver, uint64_t badge)
{
	return hw_syscall4(HW_SYS_SIGNAL_CONTEXT, receiver, badge, 0, 0);
}

int64_t sys_submit(uint64_t context)
{
	return hw_syscall4(HW_SYS_SUBMIT, context, 0, 0, 0);
}

int64_t sys_signal_wait(uint64_t receiver, uint64_t timeout_us)
{
	return hw_syscall4(HW_SYS_SIGNAL_WAIT, receiver, timeout_us, 0, 0);
}

int64_t sys_fs_base(uint64_t address)
{
	return hw_syscall4(HW_SYS_FS_BASE, address, 0, 0, 0);
}

int64_t sys_cap_mint(uint64_t cap, uint64_t rights, uint64_t badge)
{
	return hw_syscall4(HW_SYS_CAP_MINT, cap, rights, badge, 0);
}

int64_t sys_ep_revoke_badge(uint64_t ep, uint64_t badge)
{
	return hw_syscall4(HW_SYS_EP_REVOKE_BADGE, ep, badge, 0, 0);
}

int64_t sys_reply_cap(void)
{
	return hw_syscall4(HW_SYS_REPLY_CAP, 0, 0, 0, 0);
}

int64_t sys_reply(uint64_t reply_cap, uint64_t info)
{
	return hw_syscall4(HW_SYS_REPLY, reply_cap, info, 0, 0);
}

int64_t sys_mem_create(uint64_t size)
{
	return hw_syscall4(HW_SYS_MEM_CREATE, size, 0, 0, 0);
}

int64_t sys_mem_map(
	uint64_t mem, uint64_t pd, uint64_t va, uint64_t offset, uint64_t size, uint64_t flags)
{
	return hw_syscall6(HW_SYS_MEM_MAP, mem, pd, va, offset, size, flags);
}

int64_t sys_mem_unmap(uint64_t pd, uint64_t va)
{
	return hw_syscall4(HW_SYS_MEM_UNMAP, pd, va, 0, 0);
}

int64_t sys_pd_create(uint64_t factory, char const *name, size_t len)
{
	return hw_syscall4(HW_SYS_PD_CREATE, factory, (uint64_t)name, len, 0);
}

int64_t sys_thread_start(uint64_t pd, uint64_t entry, uint64_t stack_top, uint64_t prio)
{
	return hw_syscall4(HW_SYS_THREAD_START, pd, entry, stack_top, prio);
}

int64_t sys_cap_give(uint64_t pd, uint64_t cap, uint64_t slot, uint64_t rights)
{
	return hw_syscall4(HW_SYS_CAP_GIVE, pd, cap, slot, rights);
}

int64_t sys_fault_handler(uint64_t pd, uint64_t ep)
{
	return hw_syscall4(HW_SYS_FAULT_HANDLER, pd, ep, 0, 0);
}

int64_t sys_io_port_create(uint64_t factory, uint64_t base, uint64_t count)
{
	return hw_syscall4(HW_SYS_IO_PORT_CREATE, factory, base, count, 0);
}

int64_t sys_port_in(uint64_t ports, uint64_t port, uint64_t width)
{
	return hw_syscall4(HW_SYS_PORT_IN, ports, port, width, 0);
}

int64_t sys_port_out(uint64_t ports, uint64_t port, uint64_t width, uint64_t value)
{
	return hw_syscall4(HW_SYS_PORT_OUT, ports, port, width, value);
}

int64_t sys_irq_create(uint64_t factory, uint64_t line)
{
	return hw_syscall4(HW_SYS_IRQ_CREATE, factory, line, 0, 0);
}

int64_t sys_irq_bind(uint64_t irq, uint64_t context)
{
	return hw_syscall4(HW_SYS_IRQ_BIND, irq, context, 0, 0);
}

int64_t sys_irq_ack(uint64_t irq)
{
	return hw_syscall4(HW_SYS_IRQ_ACK, irq, 0, 0, 0);
}

int64_t sys_cpu_info(void)
{
	return hw_syscall4(HW_SYS_CPU_INFO, 0, 0, 0, 0);
}

int64_t sys_thread_cpu(uint64_t thread, uint64_t cpu)
{
	return hw_syscall4(HW_SYS_THREAD_CPU, thread, cpu, 0, 0);
}

int64_t sys_print_flags(char const *text, size_t len, uint64_t flags)
{
	return hw_syscall4(HW_SYS_PRINT, (uint64_t)text, len, flags, 0);
}

int64_t sys_thread_time(uint64_t pd, uint64_t slot)
{
	return hw_syscall4(HW_SYS_THREAD_TIME, pd, slot, 0, 0);
}

int64_t sys_mem_size(uint64_t mem)
{
	return hw_syscall4(HW_SYS_MEM_SIZE, mem, 0, 0, 0);
}

int64_t sys_cap_badge(uint64_t cap, uint64_t ep)
{
	return hw_syscall4(HW_SYS_CAP_BADGE, cap, ep, 0, 0);
}

int64_t sys_cap_same(uint64_t a, uint64_t b)
{
	return hw_syscall4(HW_SYS_CAP_SAME, a, b, 0, 0);
}

int64_t sys_signal_bind(uint64_t context, uint64_t receiver, uint64_t badge)
{
	return hw_syscall4(HW_SYS_SIGNAL_BIND, context, receiver, badge, 0);
}

int64_t sys_thread_create(thread_fn_t fn, uint64_t arg, void *stack, size_t size, unsigned prio)
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
	case -GN_ERR_INVALID_CAP: return "-INVALID_CAP";
	case -GN_ERR_REVOKED: return "-REVOKED";
	case -GN_ERR_OUT_OF_CAPS: return "-OUT_OF_CAPS";
	case -GN_ERR_OUT_OF_RAM: return "-OUT_OF_RAM";
	case -GN_ERR_NOT_FOUND: return "-NOT_FOUND";
	case -GN_ERR_EXISTS: return "-EXISTS";
	default: gn_ignore(gn_fmt(other, sizeof(other), NULL, "%ld", result)); return other;
	}
}
