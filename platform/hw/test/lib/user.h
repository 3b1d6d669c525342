/*
 * The runtime of the hw kernel's user test programs: a wrapper for each kernel call
 * (hw_syscall.h), and formatted output through print. Programs define main(); returning from it
 * exits the domain with its value. No libc, no heap: memory is what the program declares.
 */
#ifndef GNEISS_HW_TEST_USER_H
#define GNEISS_HW_TEST_USER_H

#include <gneiss/types.h>
#include <hw_syscall.h>

int main(void);

/* The first thread's UTCB (every other thread gets its own as an argument). */
extern hw_utcb_t *main_utcb;

typedef void (*thread_fn_t)(uint64_t arg, hw_utcb_t *utcb);

/* Kernel calls: results as the kernel returns them (>= 0, or a negated gn_err_t). */
int64_t sys_print(char const *text, size_t len);
int64_t sys_yield(void);
GN_NORETURN void sys_exit(int64_t code);
GN_NORETURN void sys_thread_exit(void);
int64_t sys_sleep(uint64_t us);
int64_t sys_wait(uint64_t timeout_us);
int64_t sys_wake(uint64_t thread_cap);
uint64_t sys_time_us(void);
int64_t sys_cap_drop(uint64_t cap);
int64_t sys_cap_info(uint64_t cap);
int64_t sys_ep_create(void);
int64_t sys_call(uint64_t ep, uint64_t info, uint64_t timeout_us);
int64_t sys_reply_wait(uint64_t ep, uint64_t info, uint64_t timeout_us);
int64_t sys_signal_receiver(void);
int64_t sys_signal_context(uint64_t receiver, uint64_t badge);
int64_t sys_submit(uint64_t context);
int64_t sys_signal_wait(uint64_t receiver, uint64_t timeout_us);

/* The calls of milestone 4 (hw_syscall.h): TLS, badges, deferred replies, memory, domains. */
int64_t sys_fs_base(uint64_t address);
int64_t sys_cap_mint(uint64_t cap, uint64_t rights, uint64_t badge);
int64_t sys_ep_revoke_badge(uint64_t ep, uint64_t badge);
int64_t sys_reply_cap(void);
int64_t sys_reply(uint64_t reply_cap, uint64_t info);
int64_t sys_mem_create(uint64_t size);
int64_t sys_mem_map(
	uint64_t mem, uint64_t pd, uint64_t va, uint64_t offset, uint64_t size, uint64_t flags);
int64_t sys_mem_unmap(uint64_t pd, uint64_t va);
int64_t sys_pd_create(uint64_t factory, char const *name, size_t len);
int64_t sys_thread_start(uint64_t pd, uint64_t entry, uint64_t stack_top, uint64_t prio);
int64_t sys_cap_give(uint64_t pd, uint64_t cap, uint64_t slot, uint64_t rights);
int64_t sys_fault_handler(uint64_t pd, uint64_t ep);

/* Device access (hw_syscall.h): I/O port ranges and ISA interrupt lines. */
int64_t sys_io_port_create(uint64_t factory, uint64_t base, uint64_t count);
int64_t sys_port_in(uint64_t ports, uint64_t port, uint64_t width);
int64_t sys_port_out(uint64_t ports, uint64_t port, uint64_t width, uint64_t value);
int64_t sys_irq_create(uint64_t factory, uint64_t line);
int64_t sys_irq_bind(uint64_t irq, uint64_t context);
int64_t sys_irq_ack(uint64_t irq);
int64_t sys_cpu_info(void);
int64_t sys_thread_cpu(uint64_t thread, uint64_t cpu);

/* The calls for core (milestone 5, hw_syscall.h); sys_print is print with flags 0. */
int64_t sys_print_flags(char const *text, size_t len, uint64_t flags);
int64_t sys_mem_size(uint64_t mem);
int64_t sys_thread_time(uint64_t pd, uint64_t slot);
int64_t sys_cap_badge(uint64_t cap, uint64_t ep);
int64_t sys_cap_same(uint64_t a, uint64_t b);
int64_t sys_signal_bind(uint64_t context, uint64_t receiver, uint64_t badge);

/* The time stamp counter (under QEMU's -icount shift=0: instructions executed). */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/*
 * Starts fn(arg, its UTCB) in a new thread at priority prio on the stack [stack, stack + size);
 * returning from fn ends the thread. Returns the thread's capability, or the kernel's refusal.
 */
int64_t sys_thread_create(thread_fn_t fn, uint64_t arg, void *stack, size_t size, unsigned prio);

/* Prints one formatted line (at most HW_PRINT_MAX bytes). */
void out(char const *fmt, ...) GN_PRINTF(1, 2);

/* The name of a kernel call's result: "0", "-DENIED", ... (a static buffer for others). */
char const *result_name(int64_t result);

#endif
