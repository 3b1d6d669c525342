/*
 * Linux kernel ABI types and thin wrappers the linux platform uses. Structures are declared here
 * (not taken from libc) in exactly the kernel's x86_64 layout.
 */
#ifndef LX_H
#define LX_H

#include <lx_syscall.h>

struct lx_iovec {
	void *base;
	size_t len;
};

struct lx_msghdr {
	void *name;
	uint32_t namelen;
	struct lx_iovec *iov;
	size_t iovlen;
	void *control;
	size_t controllen;
	int flags;
};

struct lx_cmsghdr {
	size_t len;
	int level;
	int type;
};

struct lx_timespec {
	int64_t sec;
	int64_t nsec;
};

struct lx_epoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

struct lx_stat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	uint64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	int64_t unused[3];
};

enum {
	LX_AF_UNIX = 1,
	LX_SOCK_SEQPACKET = 5,
	LX_SOCK_CLOEXEC = 02000000,
	LX_SOL_SOCKET = 1,
	LX_SCM_RIGHTS = 1,
	LX_MSG_TRUNC = 0x20,
	LX_MSG_DONTWAIT = 0x40,
	LX_MSG_CTRUNC = 0x08,
	LX_MSG_NOSIGNAL = 0x4000,
	LX_MSG_CMSG_CLOEXEC = 0x40000000,
	LX_SHUT_RDWR = 2,

	LX_PROT_NONE = 0,
	LX_PROT_READ = 1,
	LX_PROT_WRITE = 2,
	LX_MAP_SHARED = 1,
	LX_MAP_FIXED = 0x10,
	LX_MAP_POPULATE = 0x8000,

	LX_EPOLLIN = 0x1,
	LX_EPOLLERR = 0x8,
	LX_EPOLLHUP = 0x10,
	LX_EPOLLRDHUP = 0x2000,
	LX_EPOLL_CTL_ADD = 1,
	LX_EPOLL_CTL_DEL = 2,
	LX_EPOLL_CTL_MOD = 3,
	LX_EPOLL_CLOEXEC = 02000000,

	LX_EFD_CLOEXEC = 02000000,
	LX_EFD_NONBLOCK = 04000,

	LX_FUTEX_WAIT = 0,
	LX_FUTEX_WAKE = 1,
	LX_FUTEX_PRIVATE = 128,

	LX_CLOCK_MONOTONIC = 1,
};

#define LX_CMSG_ALIGN(len) (((len) + sizeof(size_t) - 1) & ~(sizeof(size_t) - 1))
#define LX_CMSG_SPACE(len) (LX_CMSG_ALIGN(sizeof(struct lx_cmsghdr)) + LX_CMSG_ALIGN(len))
#define LX_CMSG_LEN(len) (LX_CMSG_ALIGN(sizeof(struct lx_cmsghdr)) + (len))
#define LX_CMSG_DATA(c) ((unsigned char *)(c) + LX_CMSG_ALIGN(sizeof(struct lx_cmsghdr)))

static inline long lx_close(int fd)
{
	return lx_syscall1(__NR_close, fd);
}

static inline long lx_read(int fd, void *buf, size_t len)
{
	return lx_syscall3(__NR_read, fd, buf, len);
}

static inline long lx_write(int fd, void const *buf, size_t len)
{
	return lx_syscall3(__NR_write, fd, buf, len);
}

static inline long lx_sendmsg(int fd, struct lx_msghdr const *msg, int flags)
{
	return lx_syscall3(__NR_sendmsg, fd, msg, flags);
}

static inline long lx_recvmsg(int fd, struct lx_msghdr *msg, int flags)
{
	return lx_syscall3(__NR_recvmsg, fd, msg, flags);
}

static inline long lx_socketpair_seqpacket(int sv[2])
{
	return lx_syscall4(__NR_socketpair, LX_AF_UNIX, LX_SOCK_SEQPACKET | LX_SOCK_CLOEXEC, 0, sv);
}

static inline long lx_fstat(int fd, struct lx_stat *st)
{
	return lx_syscall2(__NR_fstat, fd, st);
}

static inline long lx_mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	return lx_syscall6(__NR_mmap, (long)addr, (long)len, prot, flags, fd, off);
}

static inline long lx_munmap(void *addr, size_t len)
{
	return lx_syscall2(__NR_munmap, addr, len);
}

static inline long lx_mprotect(void *addr, size_t len, int prot)
{
	return lx_syscall3(__NR_mprotect, addr, len, prot);
}

static inline long lx_futex(uint32_t *addr, int op, uint32_t val, struct lx_timespec const *ts)
{
	return lx_syscall4(__NR_futex, addr, op, val, ts);
}

static inline long lx_epoll_create(void)
{
	return lx_syscall1(__NR_epoll_create1, LX_EPOLL_CLOEXEC);
}

static inline long lx_epoll_ctl(int ep, int op, int fd, struct lx_epoll_event *ev)
{
	return lx_syscall4(__NR_epoll_ctl, ep, op, fd, ev);
}

static inline long lx_epoll_wait(int ep, struct lx_epoll_event *evs, int max, int timeout_ms)
{
	return lx_syscall4(__NR_epoll_wait, ep, evs, max, timeout_ms);
}

static inline long lx_clock_gettime(int clock, struct lx_timespec *ts)
{
	return lx_syscall2(__NR_clock_gettime, clock, ts);
}

static inline long lx_nanosleep(struct lx_timespec const *ts)
{
	return lx_syscall2(__NR_nanosleep, ts, 0);
}

static inline long lx_gettid(void)
{
	return lx_syscall0(__NR_gettid);
}

static inline GN_NORETURN void lx_exit_group(int code)
{
	for (;;)
		lx_syscall1(__NR_exit_group, code);
}

#endif
