/*
 * The hw kernel's system-call ABI, shared by the kernel and user programs.
 *
 * A kernel call is the `syscall` instruction with the call number in RAX and up to four arguments
 * in RDI, RSI, RDX and R10. The result comes back in RAX: a value >= 0 on success, or the negated
 * gn_err_t on failure. RCX and R11 are clobbered (by the instruction itself); every other register
 * is preserved. The kernel checks every argument before it acts: an unknown call number is
 * GN_ERR_BAD_MSG, a value out of range GN_ERR_INVALID_ARG, a buffer that is not wholly readable
 * memory of the caller's protection domain GN_ERR_DENIED, a full table GN_ERR_LIMIT. No argument
 * can make the kernel fault or touch memory outside the caller's user mappings.
 *
 * Threads are named by their index in their protection domain (0 is the one the kernel started);
 * capability spaces replace these indices in a later milestone.
 */
#ifndef GNEISS_HW_SYSCALL_H
#define GNEISS_HW_SYSCALL_H

#include <gneiss/error.h>
#include <gneiss/types.h>

enum {
	HW_SYS_PRINT = 0,         /* (ptr, len): one or more lines on the console as "[pd] text" */
	HW_SYS_YIELD = 1,         /* (): to the end of the caller's priority level */
	HW_SYS_EXIT = 2,          /* (code): ends the caller's protection domain; no return */
	HW_SYS_THREAD_CREATE = 3, /* (entry, stack_top, priority, arg): the new thread's index */
	HW_SYS_THREAD_EXIT = 4,   /* (): ends the calling thread; the last one ends its domain */
	HW_SYS_SLEEP = 5,         /* (us): blocks for at least us microseconds */
	HW_SYS_WAIT = 6,          /* (timeout_us): blocks until woken; 0 waits for ever */
	HW_SYS_WAKE = 7,          /* (thread): wakes a thread of the caller's domain */
	HW_SYS_TIME = 8,          /* (): microseconds since the timer started */
	HW_SYS_KERNEL_EXIT = 9,   /* (code): test only: ends the machine with that exit value */
	HW_SYS_COUNT = 10,
};

enum {
	HW_PRINT_MAX = 256, /* bytes per print call */
	HW_PRIORITIES = 4,  /* 0 (lowest) .. HW_PRIO_MAX; boot programs run at HW_PRIO_MAX */
	HW_PRIO_MAX = HW_PRIORITIES - 1,
	HW_PD_THREADS = 8,                  /* threads per protection domain */
	HW_SLEEP_MAX_US = 10 * 1000 * 1000, /* longest sleep or wait timeout */
	HW_USER_STACK_SIZE = 64 * 1024,     /* the first thread's stack, below HW_USER_END */
};

/*
 * The user half of an address space: [HW_USER_BASE, HW_USER_END). The first 64 KiB stay unmapped
 * so that NULL and small offsets from it fault; the end stays a page short of the canonical
 * boundary. A program's segments lie below the first thread's stack and its guard page.
 */
#define HW_USER_BASE 0x10000UL
#define HW_USER_END 0x00007fffffff0000UL
#define HW_USER_STACK_TOP HW_USER_END
#define HW_USER_IMAGE_END (HW_USER_STACK_TOP - HW_USER_STACK_SIZE - 0x1000UL)

static inline int64_t hw_syscall4(
	uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t r10 __asm__("r10") = a3;
	int64_t result;

	__asm__ volatile("syscall"
			 : "=a"(result), "+D"(a0), "+S"(a1), "+d"(a2), "+r"(r10)
			 : "a"(number)
			 : "rcx", "r11", "memory");
	return result;
}

#endif
