/*
 * Attacks on the system-call ABI (test/attack/abi): foreign ABIs, numbers nobody assigned, the
 * vsyscall page and the entry points the allow-list answers without killing.
 *
 * The filter kills anything that is not the x86_64 ABI outright (SECCOMP_RET_KILL_PROCESS: core
 * sees SIGSYS, 31): the i386 ABI (`int 0x80`) and x32 numbers (the 0x40000000 bit, or anything
 * above it, such as -1). A host kernel without IA32 emulation refuses `int 0x80` itself with a
 * general protection fault (SIGSEGV, 11) before any filter runs. An x86_64 number without a name
 * is an ordinary denied call, logged as "unknown".
 */
#include "attack.h"

enum {
	X32 = 0x40000000,
	I386_GETPID = 20,
	I386_OPEN = 5,
	VSYSCALL_GETTIMEOFDAY = 0xffffffffff600000ul,
	VSYSCALL_TIME = 0xffffffffff600400ul,
};

static long int80(long nr, long a, long b)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b) : "memory");
	return ret;
}

static long i386_getpid(gn_env_t *env)
{
	(void)env;
	return int80(I386_GETPID, 0, 0); /* allowed in the x86_64 table */
}

static long i386_open(gn_env_t *env)
{
	(void)env;
	return int80(I386_OPEN, (long)"/etc/passwd", 0);
}

static long x32_getpid(gn_env_t *env)
{
	(void)env;
	return lx_syscall0(__NR_getpid | X32);
}

static long x32_openat(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_openat | X32, -100, "/etc/passwd", 0, 0);
}

static long x32_recvmsg(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(519 | X32, 0, 0, 0); /* a number only x32 has */
}

static long nr_minus_one(gn_env_t *env)
{
	(void)env;
	return lx_syscall0(-1);
}

static long nr_high(gn_env_t *env)
{
	(void)env;
	return lx_syscall0(0x80000000l | __NR_getpid);
}

static long nr_unassigned(gn_env_t *env)
{
	(void)env;
	return lx_syscall0(1000);
}

static long nr_gap(gn_env_t *env)
{
	(void)env;
	return lx_syscall0(400); /* in the gap 335..423 of x86_64 */
}

static long vsyscall(unsigned long entry)
{
	long (*call)(void *, void *) = (long (*)(void *, void *))entry;
	static uint64_t tv[2];

	return call(tv, NULL);
}

static long vsyscall_gettimeofday(gn_env_t *env)
{
	(void)env;
	return vsyscall(VSYSCALL_GETTIMEOFDAY);
}

static long vsyscall_time(gn_env_t *env)
{
	(void)env;
	return vsyscall(VSYSCALL_TIME);
}

static attack_t const attacks[] = {
	{"i386-getpid", "int 0x80", "getpid through the i386 ABI", i386_getpid, ATTACK_KILLED},
	{"i386-open", "int 0x80", "open /etc/passwd through the i386 ABI", i386_open,
		ATTACK_KILLED},
	{"x32-getpid", "getpid|x32", "getpid with the x32 bit", x32_getpid, ATTACK_KILLED},
	{"x32-openat", "openat|x32", "openat with the x32 bit", x32_openat, ATTACK_KILLED},
	{"x32-recvmsg", "519|x32", "x32's own recvmsg", x32_recvmsg, ATTACK_KILLED},
	{"nr-minus-one", "-1", "system call number -1", nr_minus_one, ATTACK_KILLED},
	{"nr-high", "getpid|0x80000000", "getpid with bit 31 set", nr_high, ATTACK_KILLED},
	{"nr-unassigned", "1000", "a number beyond the table", nr_unassigned, ATTACK_KILLED},
	{"nr-gap", "400", "a number in the table's gap", nr_gap, ATTACK_KILLED},
	{"vsyscall-gettimeofday", "gettimeofday", "the vsyscall page's gettimeofday",
		vsyscall_gettimeofday, ATTACK_KILLED},
	{"vsyscall-time", "time", "the vsyscall page's time", vsyscall_time, ATTACK_KILLED},
};

void gn_component_construct(gn_env_t *env)
{
	attack_run(env, attacks, GN_ARRAY_SIZE(attacks));
}
