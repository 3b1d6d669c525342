/*
 * Attacks through processes (test/attack/processes): creating a process (fork, vfork, clone
 * without the thread flag set, clone into new namespaces, clone3), executing another program,
 * creating executable memory files, and reaching other processes (ptrace, process_vm_*, signals,
 * pidfds). A component is one process whose only children are threads made with exactly the
 * library's clone flags, and whose only exec was core's: each attempt must be killed by core naming
 * the call, except two that the kernel answers with an error, as the allow-list intends:
 * - clone3 fails with ENOSYS (the filter's answer, so that a library falls back to clone);
 * - execveat from descriptor 1023 with AT_EMPTY_PATH (core's exec) passes the filter, but that
 *   descriptor is gone after core's exec (EBADF), and an absolute path, which the kernel resolves
 *   without the descriptor, finds nothing in the empty root (ENOENT).
 */
#include "attack.h"

enum {
	SIGNAL_KILL = 9,
	SIGNAL_CHLD = 17,
	CLONE_VM = 0x00000100,
	CLONE_FS = 0x00000200,
	CLONE_FILES = 0x00000400,
	CLONE_SIGHAND = 0x00000800,
	CLONE_VFORK = 0x00004000,
	CLONE_THREAD = 0x00010000,
	CLONE_SYSVSEM = 0x00040000,
	CLONE_SETTLS = 0x00080000,
	CLONE_PARENT_SETTID = 0x00100000,
	CLONE_CHILD_CLEARTID = 0x00200000,
	CLONE_NEWUSER = 0x10000000,
	CLONE_NEWPID = 0x20000000,
	AT_FDCWD = -100,
	AT_EMPTY_PATH = 0x1000,
	EXEC_FD = 1023, /* GN_SECCOMP_EXEC_FD: the descriptor core executes from */
	PTRACE_TRACEME = 0,
	PTRACE_ATTACH = 16,
	OTHER_PID = 1000, /* no such process in the component's pid namespace */
};

static char *const argv[] = {"sh", NULL};
static char *const envp[] = {NULL};
static uint64_t word;
static uint64_t iov[2] = {(uint64_t)(uintptr_t)&word, sizeof(word)};

static long fork_(gn_env_t *env)
{
	(void)env;
	return lx_syscall0(__NR_fork);
}

static long vfork_(gn_env_t *env)
{
	(void)env;
	return lx_syscall0(__NR_vfork);
}

static long clone_sigchld(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_clone, SIGNAL_CHLD, 0, 0, 0, 0);
}

static long clone_newuser(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_clone, CLONE_NEWUSER | CLONE_NEWPID | SIGNAL_CHLD, 0, 0, 0, 0);
}

static long clone_vfork(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_clone, CLONE_VM | CLONE_VFORK | SIGNAL_CHLD, 0, 0, 0, 0);
}

static long clone_no_thread(gn_env_t *env)
{
	/* the library's thread flags without CLONE_THREAD: a process sharing our memory */
	(void)env;
	return lx_syscall5(__NR_clone,
		CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_SYSVSEM | SIGNAL_CHLD, 0,
		0, 0, 0);
}

static long clone3_(uint64_t flags, uint64_t exit_signal)
{
	static uint64_t args[11]; /* struct clone_args of Linux 5.7 */

	args[0] = flags;
	args[4] = exit_signal;
	return lx_syscall2(__NR_clone3, args, sizeof(args));
}

static long clone3_fork(gn_env_t *env)
{
	(void)env;
	return clone3_(0, SIGNAL_CHLD);
}

static long clone3_newuser(gn_env_t *env)
{
	(void)env;
	return clone3_(CLONE_NEWUSER | CLONE_NEWPID, SIGNAL_CHLD);
}

static long clone3_thread(gn_env_t *env)
{
	(void)env;
	return clone3_(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
			       CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
			       CLONE_CHILD_CLEARTID,
		0);
}

static long execve_sh(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_execve, "/bin/sh", argv, envp);
}

static long execveat_parent(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_execveat, 0, "", argv, envp, AT_EMPTY_PATH);
}

static long execveat_cwd(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_execveat, AT_FDCWD, "/bin/sh", argv, envp, 0);
}

static long execveat_exec_fd(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_execveat, EXEC_FD, "", argv, envp, AT_EMPTY_PATH);
}

static long execveat_exec_fd_path(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_execveat, EXEC_FD, "/bin/sh", argv, envp, AT_EMPTY_PATH);
}

static long memfd_create(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_memfd_create, "gneiss-attack", 0);
}

static long ptrace_traceme(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_ptrace, PTRACE_TRACEME, 0, 0, 0);
}

static long ptrace_attach(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_ptrace, PTRACE_ATTACH, OTHER_PID, 0, 0);
}

static long vm_readv(gn_env_t *env)
{
	(void)env;
	return lx_syscall6(__NR_process_vm_readv, OTHER_PID, (long)iov, 1, (long)iov, 1, 0);
}

static long vm_writev(gn_env_t *env)
{
	(void)env;
	return lx_syscall6(__NR_process_vm_writev, OTHER_PID, (long)iov, 1, (long)iov, 1, 0);
}

static long kill_all(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_kill, -1, SIGNAL_KILL);
}

static long kill_other(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_kill, OTHER_PID, SIGNAL_KILL);
}

static long tgkill_other(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_tgkill, OTHER_PID, OTHER_PID, SIGNAL_KILL);
}

static long tkill_other(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_tkill, OTHER_PID, SIGNAL_KILL);
}

static long tgkill_self(gn_env_t *env)
{
	/* signal 0: only probes, so that a hole shows as a return value, not as a death */
	(void)env;
	return lx_syscall3(__NR_tgkill, lx_syscall0(__NR_getpid), lx_syscall0(__NR_gettid), 0);
}

static long sigqueue_other(gn_env_t *env)
{
	static uint8_t info[128];

	(void)env;
	return lx_syscall3(__NR_rt_sigqueueinfo, OTHER_PID, SIGNAL_KILL, info);
}

static long pidfd_open(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_pidfd_open, 1, 0);
}

static long pidfd_send_signal(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_pidfd_send_signal, 0, SIGNAL_KILL, 0, 0);
}

static long pidfd_getfd(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_pidfd_getfd, 0, 0, 0);
}

static attack_t const attacks[] = {
	{"fork", "fork", "a new process", fork_, ATTACK_KILLED},
	{"vfork", "vfork", "a new process", vfork_, ATTACK_KILLED},
	{"clone-sigchld", "clone", "a new process (SIGCHLD)", clone_sigchld, ATTACK_KILLED},
	{"clone-newuser", "clone", "a process in new user and pid namespaces", clone_newuser,
		ATTACK_KILLED},
	{"clone-vfork", "clone", "a vfork", clone_vfork, ATTACK_KILLED},
	{"clone-no-thread", "clone", "the thread flags without CLONE_THREAD", clone_no_thread,
		ATTACK_KILLED},
	{"clone3-fork", "clone3", "a new process", clone3_fork, -LX_ENOSYS},
	{"clone3-newuser", "clone3", "a process in new user and pid namespaces", clone3_newuser,
		-LX_ENOSYS},
	{"clone3-thread", "clone3", "a thread", clone3_thread, -LX_ENOSYS},
	{"execve", "execve", "execute /bin/sh", execve_sh, ATTACK_KILLED},
	{"execveat-parent", "execveat", "execute the parent capability", execveat_parent,
		ATTACK_KILLED},
	{"execveat-cwd", "execveat", "execute /bin/sh", execveat_cwd, ATTACK_KILLED},
	{"execveat-exec-fd", "execveat", "execute core's binary descriptor again", execveat_exec_fd,
		-LX_EBADF},
	{"execveat-exec-fd-path", "execveat", "execute /bin/sh past the allowed descriptor",
		execveat_exec_fd_path, -LX_ENOENT},
	{"memfd-create", "memfd_create", "a file to execute or to allocate unaccounted memory",
		memfd_create, ATTACK_KILLED},
	{"ptrace-traceme", "ptrace", "be traced", ptrace_traceme, ATTACK_KILLED},
	{"ptrace-attach", "ptrace", "trace another process", ptrace_attach, ATTACK_KILLED},
	{"process-vm-readv", "process_vm_readv", "read another process's memory", vm_readv,
		ATTACK_KILLED},
	{"process-vm-writev", "process_vm_writev", "write another process's memory", vm_writev,
		ATTACK_KILLED},
	{"kill-all", "kill", "kill every process it may", kill_all, ATTACK_KILLED},
	{"kill-other", "kill", "kill another process", kill_other, ATTACK_KILLED},
	{"tgkill-other", "tgkill", "kill another thread group", tgkill_other, ATTACK_KILLED},
	{"tkill-other", "tkill", "kill another thread", tkill_other, ATTACK_KILLED},
	{"tgkill-self", "tgkill", "signal itself", tgkill_self, ATTACK_KILLED},
	{"sigqueue-other", "rt_sigqueueinfo", "queue a signal to another process", sigqueue_other,
		ATTACK_KILLED},
	{"pidfd-open", "pidfd_open", "a pidfd", pidfd_open, ATTACK_KILLED},
	{"pidfd-send-signal", "pidfd_send_signal", "signal through a descriptor", pidfd_send_signal,
		ATTACK_KILLED},
	{"pidfd-getfd", "pidfd_getfd", "take another process's descriptor", pidfd_getfd,
		ATTACK_KILLED},
};

void gn_component_construct(gn_env_t *env)
{
	attack_run(env, attacks, GN_ARRAY_SIZE(attacks));
}
