/*
 * The system calls a Gneiss component may make on Linux: the one place that says so.
 *
 * tool/seccomp-gen turns this table into the classic-BPF program core installs into every child
 * before it execs (DESIGN.md §5); nothing reads it at run time. The program first kills anything
 * that is not the x86_64 ABI (i386 `int 0x80`, x32 numbers), then looks the call up here, in the
 * order of the table (hot calls first). A call that is not listed, or whose arguments fail their
 * checks, goes to SECCOMP_RET_USER_NOTIF: core's listener names it in the log and kills the
 * component.
 *
 * The table is an X-macro; whoever includes it supplies the five macros:
 *   ALLOW(name)                 allowed whatever its arguments
 *   CHECK(name, cond, ...)      allowed when every condition holds
 *   ERRNO(name, errno)          fails with errno, the component lives on
 *   BITS(arg, allowed, required)    argument `arg` (0..5) has only bits of `allowed`, all bits
 *                                   of `required`
 *   ONE_OF(arg, value, ...)     argument `arg` equals one of the values
 * Conditions see the whole 64-bit argument: bits above 31 must be clear, so the library passes
 * int and unsigned int arguments zero-extended. Names are x86_64 system call names (__NR_<name>),
 * constants are Linux's, from the kernel and libc headers the includer has seen.
 *
 * Why each entry is here:
 * - recvmsg, sendmsg: RPC and capability transfer over AF_UNIX sockets. MSG_NOSIGNAL is required,
 *   so a closed peer yields EPIPE and never a signal; servers may add MSG_DONTWAIT.
 * - read, write: eventfd signals (count in, count out); they act only on granted descriptors.
 * - epoll_*, ppoll: the entrypoint's event loop.
 * - futex: mutexes, semaphores and thread join (CLONE_CHILD_CLEARTID wakes the joiner); only
 *   wait and wake, so the priority-inheritance and requeue code stays out of reach.
 * - mmap: attaching a dataspace, i.e. a MAP_SHARED mapping of a granted memfd, never private or
 *   anonymous memory (its pages would be charged to nobody) and never executable. MAP_POPULATE
 *   for RAM; MAP_FIXED_NOREPLACE for attaching at a chosen address, which cannot replace an
 *   existing mapping (plain MAP_FIXED could, and nothing needs that). munmap: detach.
 * - mprotect: read-only/read-write changes of attached dataspaces, never PROT_EXEC.
 * - clone: threads only, with exactly the flag set of the thread library (no exit signal, no
 *   namespaces, no vfork). clone3 fails with ENOSYS so a caller falls back to clone.
 * - sched_setaffinity: a new thread pins itself to the CPU core assigned it (CPU session); only
 *   on itself (pid argument 0), so no thread moves another.
 * - socketpair: the private channel a client thread opens to an RPC object.
 * - kcmp(KCMP_FILE): recognising a signal capability that comes back (eventfds share one inode,
 *   so only the open file tells them apart). The component is alone in its pid namespace, so the
 *   only process it can compare is itself.
 * - execveat: the one exec core performs in the child after installing this filter, from the
 *   descriptor GN_SECCOMP_EXEC_FD with AT_EMPTY_PATH. Core places the binary there, above the
 *   child's RLIMIT_NOFILE, so after the exec no component can ever hold that descriptor number.
 * - arch_prctl(ARCH_SET_FS): the main thread's thread pointer (other threads use CLONE_SETTLS).
 * - rt_sigaction(SIGBUS) and rt_sigreturn: the one signal handler, which turns a bus error in the
 *   library's copies to and from another component's dataspace (freed by its owner meanwhile) into
 *   an error return instead of the end of the component (platform/linux/lib/ds_access.c). Only
 *   SIGBUS: every other signal keeps its default action. rt_sigreturn with a forged frame can only
 *   set the caller's own registers.
 * - ioctl(SIOCOUTQ): how much a client has not yet read of what a server sent it on a channel;
 *   a server sends capabilities only to a client that read everything before (entrypoint.c).
 * - clock_gettime, nanosleep, clock_nanosleep, sched_yield, getrandom, gettid, getpid (inside the
 *   component's own pid namespace), exit, exit_group, restart_syscall (the kernel restarts
 *   interrupted sleeps through it), close, fstat.
 * Deliberately absent: eventfd2 (signal contexts come from core, non-blocking: a blocking eventfd
 * at its maximum count, passed to a server as a signal context, would block the server's submit),
 * brk, mremap, madvise, memfd_create (RAM comes from core), every other ioctl, fcntl, dup*, and
 * everything else.
 */
#ifndef GN_PLATFORM_LINUX_SECCOMP_POLICY_H
#define GN_PLATFORM_LINUX_SECCOMP_POLICY_H

/* The descriptor number core executes the component's binary from (see execveat above). */
#define GN_SECCOMP_EXEC_FD 1023

#define GN_SECCOMP_THREAD_CLONE_FLAGS                                                       \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | \
		CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

#define GN_SECCOMP_POLICY(ALLOW, CHECK, ERRNO, BITS, ONE_OF)                                       \
	ALLOW(recvmsg)                                                                             \
	CHECK(sendmsg, BITS(2, MSG_NOSIGNAL | MSG_DONTWAIT, MSG_NOSIGNAL))                         \
	CHECK(futex, ONE_OF(1, FUTEX_WAIT, FUTEX_WAKE, FUTEX_WAIT_PRIVATE, FUTEX_WAKE_PRIVATE))    \
	ALLOW(epoll_wait)                                                                          \
	ALLOW(epoll_pwait)                                                                         \
	ALLOW(read)                                                                                \
	ALLOW(write)                                                                               \
	ALLOW(clock_gettime)                                                                       \
	ALLOW(epoll_ctl)                                                                           \
	ALLOW(close)                                                                               \
	CHECK(mmap, BITS(2, PROT_READ | PROT_WRITE, 0),                                            \
		ONE_OF(3, MAP_SHARED, MAP_SHARED | MAP_POPULATE, MAP_SHARED | MAP_FIXED_NOREPLACE, \
			MAP_SHARED | MAP_POPULATE | MAP_FIXED_NOREPLACE))                          \
	ALLOW(munmap)                                                                              \
	CHECK(mprotect, BITS(2, PROT_READ | PROT_WRITE, 0))                                        \
	CHECK(socketpair, ONE_OF(0, AF_UNIX),                                                      \
		ONE_OF(1, SOCK_SEQPACKET, SOCK_SEQPACKET | SOCK_CLOEXEC), ONE_OF(2, 0))            \
	ALLOW(ppoll)                                                                               \
	ALLOW(clock_nanosleep)                                                                     \
	ALLOW(nanosleep)                                                                           \
	ALLOW(sched_yield)                                                                         \
	ALLOW(restart_syscall)                                                                     \
	ALLOW(fstat)                                                                               \
	ALLOW(gettid)                                                                              \
	ALLOW(getpid)                                                                              \
	ALLOW(getrandom)                                                                           \
	ALLOW(epoll_create1)                                                                       \
	CHECK(kcmp, ONE_OF(2, KCMP_FILE))                                                          \
	CHECK(clone, ONE_OF(0, GN_SECCOMP_THREAD_CLONE_FLAGS))                                     \
	CHECK(sched_setaffinity, ONE_OF(0, 0))                                                     \
	ERRNO(clone3, ENOSYS)                                                                      \
	CHECK(arch_prctl, ONE_OF(0, ARCH_SET_FS))                                                  \
	ALLOW(exit)                                                                                \
	ALLOW(exit_group)                                                                          \
	CHECK(execveat, ONE_OF(0, GN_SECCOMP_EXEC_FD), ONE_OF(4, AT_EMPTY_PATH))                   \
	CHECK(rt_sigaction, ONE_OF(0, SIGBUS), ONE_OF(3, 8))                                       \
	ALLOW(rt_sigreturn)                                                                        \
	CHECK(ioctl, ONE_OF(1, SIOCOUTQ))

#endif
