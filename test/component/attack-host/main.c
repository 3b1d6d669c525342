/*
 * Attacks on the machine's global state (test/attack/host): the clocks, reboot, kernel modules and
 * kexec, swap, the host name, I/O ports, the kernel log, process accounting, and the resource
 * limits and scheduling that core set. None of the calls is allowed: each attempt must be killed by
 * core naming the call. The arguments are harmless where they can be (null pointers, the Ctrl-Alt-Del
 * switch instead of a power-off), so that even a hole could not disturb the host.
 */
#include "attack.h"

enum {
	CLOCK_REALTIME = 0,
	LINUX_REBOOT_MAGIC1 = 0xfee1dead,
	LINUX_REBOOT_MAGIC2 = 672274793,
	LINUX_REBOOT_CMD_CAD_OFF = 0,
	SYSLOG_ACTION_READ_ALL = 3,
	RLIMIT_NOFILE = 7,
	SCHED_FIFO = 1,
	PRIO_PROCESS = 0,
};

static uint8_t buf[512];

static long clock_settime(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_clock_settime, CLOCK_REALTIME, 0);
}

static long settimeofday(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_settimeofday, 0, 0);
}

static long adjtimex(gn_env_t *env)
{
	(void)env;
	return lx_syscall1(__NR_adjtimex, buf); /* modes 0: even reading is not allowed */
}

static long reboot(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(
		__NR_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, 0);
}

static long init_module(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_init_module, 0, 0, "");
}

static long finit_module(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_finit_module, 0, "", 0);
}

static long delete_module(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_delete_module, "gneiss-attack", 0);
}

static long kexec_load(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_kexec_load, 0, 0, 0, 0);
}

static long swapon(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_swapon, "/dev/null", 0);
}

static long sethostname(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_sethostname, "gneiss-attack", 13);
}

static long iopl(gn_env_t *env)
{
	(void)env;
	return lx_syscall1(__NR_iopl, 3);
}

static long ioperm(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_ioperm, 0x80, 1, 1);
}

static long syslog(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_syslog, SYSLOG_ACTION_READ_ALL, buf, sizeof(buf));
}

static long acct(gn_env_t *env)
{
	(void)env;
	return lx_syscall1(__NR_acct, "/tmp/gneiss-attack");
}

static long prlimit_nofile(gn_env_t *env)
{
	/* 1024 descriptors would reach 1023, the one execveat accepts */
	static uint64_t const limit[2] = {1024, 1024};

	(void)env;
	return lx_syscall4(__NR_prlimit64, 0, RLIMIT_NOFILE, limit, 0);
}

static long setrlimit_nofile(gn_env_t *env)
{
	static uint64_t const limit[2] = {1024, 1024};

	(void)env;
	return lx_syscall2(__NR_setrlimit, RLIMIT_NOFILE, limit);
}

static long sched_fifo(gn_env_t *env)
{
	static int const param = 99;

	(void)env;
	return lx_syscall3(__NR_sched_setscheduler, 0, SCHED_FIFO, &param);
}

static long setpriority(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_setpriority, PRIO_PROCESS, 0, -20);
}

static attack_t const attacks[] = {
	{"clock-settime", "clock_settime", "set the wall clock", clock_settime, ATTACK_KILLED},
	{"settimeofday", "settimeofday", "set the wall clock", settimeofday, ATTACK_KILLED},
	{"adjtimex", "adjtimex", "tune the clock", adjtimex, ATTACK_KILLED},
	{"reboot", "reboot", "switch Ctrl-Alt-Del off", reboot, ATTACK_KILLED},
	{"init-module", "init_module", "load a kernel module", init_module, ATTACK_KILLED},
	{"finit-module", "finit_module", "load a kernel module from a descriptor", finit_module,
		ATTACK_KILLED},
	{"delete-module", "delete_module", "unload a kernel module", delete_module, ATTACK_KILLED},
	{"kexec-load", "kexec_load", "load a new kernel", kexec_load, ATTACK_KILLED},
	{"swapon", "swapon", "add swap", swapon, ATTACK_KILLED},
	{"sethostname", "sethostname", "rename the host", sethostname, ATTACK_KILLED},
	{"iopl", "iopl", "reach every I/O port", iopl, ATTACK_KILLED},
	{"ioperm", "ioperm", "reach I/O port 0x80", ioperm, ATTACK_KILLED},
	{"syslog", "syslog", "read the kernel log", syslog, ATTACK_KILLED},
	{"acct", "acct", "switch process accounting on", acct, ATTACK_KILLED},
	{"prlimit-nofile", "prlimit64", "raise RLIMIT_NOFILE to 1024", prlimit_nofile,
		ATTACK_KILLED},
	{"setrlimit-nofile", "setrlimit", "raise RLIMIT_NOFILE to 1024", setrlimit_nofile,
		ATTACK_KILLED},
	{"sched-fifo", "sched_setscheduler", "run real-time", sched_fifo, ATTACK_KILLED},
	{"setpriority", "setpriority", "raise its priority", setpriority, ATTACK_KILLED},
};

void gn_component_construct(gn_env_t *env)
{
	attack_run(env, attacks, GN_ARRAY_SIZE(attacks));
}
