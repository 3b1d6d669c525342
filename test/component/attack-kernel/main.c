/*
 * Attacks on the kernel's wider interfaces (test/attack/kernel), the usual ways into kernel bugs
 * or around the allow-list: io_uring (system calls the filter never sees), eBPF, perf events,
 * userfaultfd, ioctl (also with bits above 31 in the command, which the kernel drops), fcntl,
 * signal handlers and sigreturn frames, personality, the LDT (a 32-bit code segment of one's own),
 * System V and POSIX IPC, fanotify, vmsplice. None of the calls is allowed: each attempt must be
 * killed by core naming the call.
 */
#include "attack.h"

enum {
	IORING_ENTRIES = 8,
	BPF_PROG_LOAD = 5,
	TIOCSTI = 0x5412,
	FIONREAD = 0x541b,
	F_SETFL = 4,
	O_NONBLOCK = 04000,
	SIGNAL_SEGV = 11,
	READ_IMPLIES_EXEC = 0x0400000,
	IPC_PRIVATE = 0,
	IPC_CREAT = 01000,
	O_RDWR = 2,
	O_CREAT = 0100,
};

static uint8_t buf[256];

static long io_uring_setup(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_io_uring_setup, IORING_ENTRIES, buf);
}

static long bpf_prog_load(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_bpf, BPF_PROG_LOAD, buf, 128);
}

static long perf_event_open(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_perf_event_open, buf, 0, -1, -1, 0);
}

static long userfaultfd(gn_env_t *env)
{
	(void)env;
	return lx_syscall1(__NR_userfaultfd, 0);
}

static long ioctl_tiocsti(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_ioctl, 0, TIOCSTI, "x");
}

static long ioctl_high(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_ioctl, 0, (1l << 32) | FIONREAD, buf);
}

static long fcntl_setfl(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_fcntl, 0, F_SETFL, O_NONBLOCK);
}

static void handler(int sig)
{
	(void)sig;
}

static long rt_sigaction(gn_env_t *env)
{
	static uint64_t act[4];

	(void)env;
	act[0] = (uint64_t)(uintptr_t)handler;
	return lx_syscall4(__NR_rt_sigaction, SIGNAL_SEGV, act, 0, 8);
}

static long rt_sigreturn(gn_env_t *env)
{
	/*
	 * rt_sigreturn is allowed (the library's bus-error handler returns through it), so a forged
	 * frame can only load the attacker's own registers: here all zero, a null code segment and
	 * rip 0, which the kernel's return to user mode answers with SIGSEGV. The frame starts one
	 * word below the stack pointer (the handler's return address).
	 */
	static uint64_t frame[512];

	(void)env;
	__asm__ volatile("mov %0, %%rsp\n\tmov $15, %%eax\n\tsyscall"
			 :
			 : "r"(frame + 1)
			 : "memory");
	__builtin_unreachable();
}

static long sigaltstack(gn_env_t *env)
{
	static uint64_t ss[3];

	(void)env;
	ss[0] = (uint64_t)(uintptr_t)buf;
	ss[2] = sizeof(buf);
	return lx_syscall2(__NR_sigaltstack, ss, 0);
}

static long personality(gn_env_t *env)
{
	(void)env;
	return lx_syscall1(__NR_personality, READ_IMPLIES_EXEC);
}

static long modify_ldt(gn_env_t *env)
{
	/* struct user_desc: entry 0, base 0, limit 0xfffff pages, 32-bit code */
	static uint32_t desc[4] = {0, 0, 0xfffff, 1 | (2 << 1) | (1 << 4) | (1 << 6)};

	(void)env;
	return lx_syscall3(__NR_modify_ldt, 1, desc, sizeof(desc));
}

static long shmget(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_shmget, IPC_PRIVATE, 1 << 20, IPC_CREAT | 0600);
}

static long msgget(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_msgget, IPC_PRIVATE, IPC_CREAT | 0600);
}

static long semget(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_semget, IPC_PRIVATE, 1, IPC_CREAT | 0600);
}

static long mq_open(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_mq_open, "gneiss-attack", O_RDWR | O_CREAT, 0600, 0);
}

static long fanotify_init(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_fanotify_init, 0, 0);
}

static long vmsplice(gn_env_t *env)
{
	static uint64_t iov[2];

	(void)env;
	iov[0] = (uint64_t)(uintptr_t)buf;
	iov[1] = sizeof(buf);
	return lx_syscall4(__NR_vmsplice, 0, iov, 1, 0);
}

static attack_t const attacks[] = {
	{"io-uring", "io_uring_setup", "a ring of unfiltered system calls", io_uring_setup,
		ATTACK_KILLED},
	{"bpf", "bpf", "load an eBPF program", bpf_prog_load, ATTACK_KILLED},
	{"perf-event-open", "perf_event_open", "a performance counter", perf_event_open,
		ATTACK_KILLED},
	{"userfaultfd", "userfaultfd", "handle its own page faults", userfaultfd, ATTACK_KILLED},
	{"ioctl-tiocsti", "ioctl", "push input into a terminal", ioctl_tiocsti, ATTACK_KILLED},
	{"ioctl-high", "ioctl", "FIONREAD with bit 32 set in the command", ioctl_high,
		ATTACK_KILLED},
	{"fcntl", "fcntl", "change the parent capability's flags", fcntl_setfl, ATTACK_KILLED},
	{"rt-sigaction", "rt_sigaction", "install a signal handler", rt_sigaction, ATTACK_KILLED},
	{"rt-sigreturn", "rt_sigreturn", "load a forged signal frame (own registers only)",
		rt_sigreturn, ATTACK_KILLED},
	{"sigaltstack", "sigaltstack", "a signal stack", sigaltstack, ATTACK_KILLED},
	{"personality", "personality", "READ_IMPLIES_EXEC", personality, ATTACK_KILLED},
	{"modify-ldt", "modify_ldt", "a 32-bit code segment of its own", modify_ldt, ATTACK_KILLED},
	{"shmget", "shmget", "System V shared memory", shmget, ATTACK_KILLED},
	{"msgget", "msgget", "a System V message queue", msgget, ATTACK_KILLED},
	{"semget", "semget", "a System V semaphore", semget, ATTACK_KILLED},
	{"mq-open", "mq_open", "a POSIX message queue", mq_open, ATTACK_KILLED},
	{"fanotify", "fanotify_init", "watch the file system", fanotify_init, ATTACK_KILLED},
	{"vmsplice", "vmsplice", "splice its memory into a descriptor", vmsplice, ATTACK_KILLED},
};

void gn_component_construct(gn_env_t *env)
{
	attack_run(env, attacks, GN_ARRAY_SIZE(attacks));
}
