/*
 * Attacks on the argument checks (test/attack/args): calls the allow-list admits, each with
 * arguments it does not. The filter compares whole 64-bit arguments, so a value whose low half is
 * allowed but whose high half is not must die too, even where the kernel would drop the high half
 * (clone flags, futex operations, sendmsg and socketpair flags, pids, ioctl-like options). Each
 * attempt must be killed by core naming the call.
 */
#include <lx_tls.h>

#include "attack.h"

enum {
	CLONE_VM = 0x00000100,
	CLONE_FS = 0x00000200,
	CLONE_FILES = 0x00000400,
	CLONE_SIGHAND = 0x00000800,
	CLONE_THREAD = 0x00010000,
	CLONE_SYSVSEM = 0x00040000,
	CLONE_SETTLS = 0x00080000,
	CLONE_PARENT_SETTID = 0x00100000,
	CLONE_CHILD_CLEARTID = 0x00200000,
	FUTEX_WAKE = 1,
	FUTEX_CMP_REQUEUE = 4,
	FUTEX_LOCK_PI = 6,
	MSG_OOB = 1,
	MSG_NOSIGNAL = 0x4000,
	AF_UNIX = 1,
	SOCK_SEQPACKET = 5,
	PROT_READ = 1,
	PROT_WRITE = 2,
	MAP_SHARED = 1,
	KCMP_FILE = 0,
	KCMP_VM = 1,
	ARCH_SET_GS = 0x1001,
	ARCH_SET_FS = 0x1002,
	ARCH_SET_CPUID = 0x1012,
	AT_EMPTY_PATH = 0x1000,
	AT_SYMLINK_NOFOLLOW = 0x100,
	EXEC_FD = 1023,
	PAGE = 4096,
};

#define THREAD_FLAGS                                                                        \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | \
		CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

static long const HIGH = 1l << 32;
static uint32_t word;
static uint64_t mask = 1;
static char *const argv[] = {"sh", NULL};
static char *const envp[] = {NULL};

static long clone_high(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_clone, HIGH | THREAD_FLAGS, 0, 0, 0, 0);
}

static long clone_flags_subset(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_clone, THREAD_FLAGS & ~CLONE_CHILD_CLEARTID, 0, 0, 0, 0);
}

static long futex_high(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_futex, &word, HIGH | FUTEX_WAKE, 1);
}

static long futex_lock_pi(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_futex, &word, FUTEX_LOCK_PI, 0, 0);
}

static long futex_cmp_requeue(gn_env_t *env)
{
	(void)env;
	return lx_syscall6(__NR_futex, (long)&word, FUTEX_CMP_REQUEUE, 1, 1, (long)&word, 0);
}

static long futex_waitv(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_futex_waitv, 0, 0, 0, 0, 0);
}

/* A message on a private channel of the attacker's own, so that no peer sees it. */
static long send(gn_env_t *env, long flags)
{
	static int sv[2];
	static char byte = 'x';
	static uint64_t iov[2];
	static struct {
		void *name;
		uint32_t namelen;
		void *iov;
		uint64_t iovlen;
		void *control;
		uint64_t controllen;
		int flags;
	} msg;

	if (lx_syscall4(__NR_socketpair, AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0) {
		gn_error("attack: no socket pair");
		gn_exit(env, 1);
	}
	iov[0] = (uint64_t)(uintptr_t)&byte;
	iov[1] = 1;
	msg.iov = iov;
	msg.iovlen = 1;
	return lx_syscall3(__NR_sendmsg, sv[0], &msg, flags);
}

static long sendmsg_signal(gn_env_t *env)
{
	return send(env, 0);
}

static long sendmsg_high(gn_env_t *env)
{
	return send(env, HIGH | MSG_NOSIGNAL);
}

static long sendmsg_oob(gn_env_t *env)
{
	return send(env, MSG_NOSIGNAL | MSG_OOB);
}

static long socketpair_high(gn_env_t *env)
{
	static int sv[2];

	(void)env;
	return lx_syscall4(__NR_socketpair, HIGH | AF_UNIX, SOCK_SEQPACKET, 0, sv);
}

static long mmap_prot_high(gn_env_t *env)
{
	long const fd = attack_ram_fd(env);

	return lx_syscall6(__NR_mmap, 0, PAGE, HIGH | PROT_READ, MAP_SHARED, fd, 0);
}

static long mmap_flags_high(gn_env_t *env)
{
	long const fd = attack_ram_fd(env);

	return lx_syscall6(__NR_mmap, 0, PAGE, PROT_READ, HIGH | MAP_SHARED, fd, 0);
}

static long mprotect_high(gn_env_t *env)
{
	long const addr = attack_ram_attached(env);

	return lx_syscall3(__NR_mprotect, addr, PAGE, HIGH | PROT_READ);
}

static long affinity_other(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_sched_setaffinity, 1, sizeof(mask), &mask);
}

static long affinity_high(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_sched_setaffinity, HIGH, sizeof(mask), &mask);
}

static long kcmp_vm(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_kcmp, 1, 1, KCMP_VM, 0, 0);
}

static long kcmp_high(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_kcmp, 1, 1, HIGH | KCMP_FILE, 0, 0);
}

static long arch_prctl_gs(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_arch_prctl, ARCH_SET_GS, 0);
}

static long arch_prctl_cpuid(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_arch_prctl, ARCH_SET_CPUID, 0);
}

static long arch_prctl_high(gn_env_t *env)
{
	(void)env;
	/* the current thread pointer: a hole would leave FS as it was */
	return lx_syscall2(__NR_arch_prctl, HIGH | ARCH_SET_FS, lx_tls());
}

static long execveat_high_fd(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_execveat, HIGH | EXEC_FD, "", argv, envp, AT_EMPTY_PATH);
}

static long execveat_flags(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(
		__NR_execveat, EXEC_FD, "", argv, envp, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
}

static attack_t const attacks[] = {
	{"clone-high", "clone", "the thread flags with bit 32 set", clone_high, ATTACK_KILLED},
	{"clone-flags-subset", "clone", "a thread without CLONE_CHILD_CLEARTID", clone_flags_subset,
		ATTACK_KILLED},
	{"futex-high", "futex", "FUTEX_WAKE with bit 32 set", futex_high, ATTACK_KILLED},
	{"futex-lock-pi", "futex", "FUTEX_LOCK_PI", futex_lock_pi, ATTACK_KILLED},
	{"futex-cmp-requeue", "futex", "FUTEX_CMP_REQUEUE", futex_cmp_requeue, ATTACK_KILLED},
	{"futex-waitv", "futex_waitv", "wait on several futexes", futex_waitv, ATTACK_KILLED},
	{"sendmsg-signal", "sendmsg", "send without MSG_NOSIGNAL", sendmsg_signal, ATTACK_KILLED},
	{"sendmsg-high", "sendmsg", "MSG_NOSIGNAL with bit 32 set", sendmsg_high, ATTACK_KILLED},
	{"sendmsg-oob", "sendmsg", "MSG_NOSIGNAL|MSG_OOB", sendmsg_oob, ATTACK_KILLED},
	{"socketpair-high", "socketpair", "AF_UNIX with bit 32 set", socketpair_high,
		ATTACK_KILLED},
	{"mmap-prot-high", "mmap", "PROT_READ with bit 32 set", mmap_prot_high, ATTACK_KILLED},
	{"mmap-flags-high", "mmap", "MAP_SHARED with bit 32 set", mmap_flags_high, ATTACK_KILLED},
	{"mprotect-high", "mprotect", "PROT_READ with bit 32 set", mprotect_high, ATTACK_KILLED},
	{"affinity-other", "sched_setaffinity", "move pid 1", affinity_other, ATTACK_KILLED},
	{"affinity-high", "sched_setaffinity", "pid 0 with bit 32 set", affinity_high,
		ATTACK_KILLED},
	{"kcmp-vm", "kcmp", "compare address spaces", kcmp_vm, ATTACK_KILLED},
	{"kcmp-high", "kcmp", "KCMP_FILE with bit 32 set", kcmp_high, ATTACK_KILLED},
	{"arch-prctl-gs", "arch_prctl", "ARCH_SET_GS", arch_prctl_gs, ATTACK_KILLED},
	{"arch-prctl-cpuid", "arch_prctl", "ARCH_SET_CPUID", arch_prctl_cpuid, ATTACK_KILLED},
	{"arch-prctl-high", "arch_prctl", "ARCH_SET_FS with bit 32 set", arch_prctl_high,
		ATTACK_KILLED},
	{"execveat-high-fd", "execveat", "descriptor 1023 with bit 32 set", execveat_high_fd,
		ATTACK_KILLED},
	{"execveat-flags", "execveat", "AT_EMPTY_PATH|AT_SYMLINK_NOFOLLOW", execveat_flags,
		ATTACK_KILLED},
};

void gn_component_construct(gn_env_t *env)
{
	attack_run(env, attacks, GN_ARRAY_SIZE(attacks));
}
