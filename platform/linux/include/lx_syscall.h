/*
 * The one system-call layer of the linux platform (freestanding, no libc).
 *
 * Every raw call returns the kernel's value: >= 0 on success, -errno on failure. Only lx_err()
 * turns that into a gn_err_t; nothing above this layer sees errno values.
 */
#ifndef LX_SYSCALL_H
#define LX_SYSCALL_H

#include <asm/unistd.h>
#include <gneiss/error.h>
#include <gneiss/types.h>

static inline long lx_syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define lx_syscall0(nr) lx_syscall6((nr), 0, 0, 0, 0, 0, 0)
#define lx_syscall1(nr, a) lx_syscall6((nr), (long)(a), 0, 0, 0, 0, 0)
#define lx_syscall2(nr, a, b) lx_syscall6((nr), (long)(a), (long)(b), 0, 0, 0, 0)
#define lx_syscall3(nr, a, b, c) lx_syscall6((nr), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define lx_syscall4(nr, a, b, c, d) \
	lx_syscall6((nr), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define lx_syscall5(nr, a, b, c, d, e) \
	lx_syscall6((nr), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

/* Linux errno values the platform reacts to. */
enum {
	LX_EPERM = 1,
	LX_ENOENT = 2,
	LX_ESRCH = 3,
	LX_EINTR = 4,
	LX_EBADF = 9,
	LX_ECHILD = 10,
	LX_EAGAIN = 11,
	LX_ENOMEM = 12,
	LX_EACCES = 13,
	LX_EFAULT = 14,
	LX_EBUSY = 16,
	LX_EEXIST = 17,
	LX_EINVAL = 22,
	LX_EMFILE = 24,
	LX_ENOSPC = 28,
	LX_EPIPE = 32,
	LX_ENOSYS = 38,
	LX_ETIMEDOUT = 110,
	LX_ECONNREFUSED = 111,
	LX_ECONNRESET = 104,
	LX_ENOTCONN = 107,
	LX_ENOTSOCK = 88,
	LX_EADDRINUSE = 98,
};

/* The single place where -errno becomes a gn_err_t. */
gn_err_t lx_err(long ret);

#endif
