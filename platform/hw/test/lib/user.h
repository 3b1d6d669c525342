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

/* Kernel calls: results as the kernel returns them (>= 0, or a negated gn_err_t). */
int64_t sys_print(char const *text, size_t len);
int64_t sys_yield(void);
GN_NORETURN void sys_exit(int64_t code);
GN_NORETURN void sys_thread_exit(void);
int64_t sys_sleep(uint64_t us);
int64_t sys_wait(uint64_t timeout_us);
int64_t sys_wake(unsigned thread);
uint64_t sys_time_us(void);
GN_NORETURN void sys_kernel_exit(unsigned code);

/*
 * Starts fn(arg) in a new thread at priority prio on the stack [stack, stack + size); returning
 * from fn ends the thread. Returns the thread's index, or the kernel's refusal.
 */
int64_t sys_thread_create(
	void (*fn)(uint64_t), uint64_t arg, void *stack, size_t size, unsigned prio);

/* Prints one formatted line (at most HW_PRINT_MAX bytes). */
void out(char const *fmt, ...) GN_PRINTF(1, 2);

/* The name of a kernel call's result: "0", "-DENIED", ... (a static buffer for others). */
char const *result_name(int64_t result);

#endif
