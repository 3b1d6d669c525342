/*
 * Starting and watching component programs on linux.
 *
 * Binaries are the executable boot modules, opened O_PATH at boot. For each start core charges the
 * PD for what the kernel will give the program outside dataspaces (its writable segments and initial
 * stack, capped by RLIMIT_DATA/RLIMIT_STACK), builds the sandbox, and watches two descriptors: the
 * pidfd (the program ended) and the seccomp listener (the program made a denied system call, which
 * core names in the log before it kills the program).
 */
#include <gneiss/cpu_session.h>
#include <gneiss/string.h>
#include <lx.h>
#include <lx_cap.h>
#include <lx_ep.h>

#include "core_linux.h"
#include "sandbox.h"
#include "syscall_names.h"

enum {
	MAX_BINARIES = CORE_MAX_MODULES,
	STACK_LIMIT = 256 * 1024,
	MAX_THREADS = 64,
	MAX_FDS = 512,
	LX_SIGKILL = 9,
	P_PIDFD = 3,
	WEXITED = 4,
	CLD_EXITED = 1,
	SECCOMP_IOCTL_NOTIF_RECV = 0xc0502100,
};

typedef struct {
	char name[64];
	int fd;
	uint64_t writable; /* page-rounded size of the writable segments */
} binary_t;

struct seccomp_notif {
	uint64_t id;
	uint32_t pid;
	uint32_t flags;
	int32_t nr;
	uint32_t arch;
	uint64_t ip;
	uint64_t args[6];
};

static binary_t binaries[MAX_BINARIES];
static unsigned num_binaries;
static uint32_t next_uid;

gn_err_t core_linux_add_binary(char const *name, int path_fd, uint64_t writable)
{
	if (num_binaries == MAX_BINARIES)
		return GN_ERR_LIMIT;
	binary_t *b = &binaries[num_binaries];
	if (gn_strlcpy(b->name, name, sizeof(b->name)) != GN_OK)
		return GN_ERR_INVALID_ARG;
	b->fd = path_fd;
	b->writable = writable;
	num_binaries++;
	return GN_OK;
}

static binary_t const *find_binary(char const *name)
{
	for (unsigned i = 0; i < num_binaries; i++)
		if (gn_strcmp(binaries[i].name, name) == 0)
			return &binaries[i];
	return NULL;
}

static void stop_watching(core_pd_t *pd)
{
	if (pd->listener >= 0) {
		lx_ep_unwatch(core_ep(), pd->listener);
		lx_close(pd->listener);
		pd->listener = -1;
	}
	if (pd->pidfd >= 0) {
		lx_ep_unwatch(core_ep(), pd->pidfd);
		lx_close(pd->pidfd);
		pd->pidfd = -1;
	}
}

static void on_exit(void *ctx, int fd, uint32_t events)
{
	core_pd_t *pd = ctx;
	uint8_t info[128];

	(void)events;
	gn_memset(info, 0, sizeof(info));
	if (lx_syscall5(__NR_waitid, P_PIDFD, fd, info, WEXITED, NULL) < 0)
		return;
	int code, status;
	gn_memcpy(&code, info + 8, sizeof(code));
	gn_memcpy(&status, info + 24, sizeof(status));
	stop_watching(pd);
	pd->pid = -1;
	if (code == CLD_EXITED && status >= 100) /* the sandbox or the startup code gave up */
		core_log("%s: ended with status %d before it ran", pd->label, status);
	if (code == CLD_EXITED)
		core_pd_program_ended(pd, status, 0, NULL);
	else
		core_pd_program_ended(pd, -1, status, NULL);
}

static void on_denied(void *ctx, int fd, uint32_t events)
{
	core_pd_t *pd = ctx;
	struct seccomp_notif n;

	gn_memset(&n, 0, sizeof(n));
	if (lx_syscall3(__NR_ioctl, fd, SECCOMP_IOCTL_NOTIF_RECV, &n) < 0) {
		if (events & (LX_EPOLLHUP | LX_EPOLLERR)) { /* every task of the filter is gone */
			lx_ep_unwatch(core_ep(), fd);
			lx_close(fd);
			pd->listener = -1;
		}
		return;
	}
	char const *name = gn_syscall_name(n.nr);
	core_log("%s: denied system call %s (%d), killing it", pd->label, name ? name : "unknown",
		(int)n.nr);
	if (pd->pidfd >= 0)
		(void)lx_syscall4(__NR_pidfd_send_signal, pd->pidfd, LX_SIGKILL, NULL, 0);
}

static uint64_t page_round(uint64_t v)
{
	return (v + CORE_PAGE - 1) & ~(uint64_t)(CORE_PAGE - 1);
}

gn_err_t core_platform_start(core_pd_t *pd, char const *name, gn_cap_t const env[3])
{
	binary_t const *b = find_binary(name);
	sandbox_child_t child;

	if (!b)
		return GN_ERR_NOT_FOUND;
	sandbox_config_t cfg = {
		.binary_fd = b->fd,
		.env_fds = {lx_cap_fd(env[0]), lx_cap_fd(pd->cap), lx_cap_fd(env[1]),
			lx_cap_fd(env[2])},
		.host_uid = core_linux_uid(next_uid),
		.max_threads = MAX_THREADS,
		.max_fds = MAX_FDS,
		.max_data = b->writable,
		.max_stack = STACK_LIMIT,
		.nice = (int)(core_cpu_priority(env[1]) * 20ull / GN_CPU_PRIORITY_LIMIT),
	};
	uint32_t cpu_first, cpu_count;
	core_cpu_affinity(env[1], &cpu_first, &cpu_count);
	for (uint32_t i = 0; i < cpu_count; i++) {
		uint32_t const cpu = core_platform_cpu(cpu_first + i);
		if (cpu < SANDBOX_CPU_WORDS * 64)
			cfg.cpus[cpu / 64] |= 1ull << (cpu % 64);
	}
	for (unsigned i = 0; i < SANDBOX_ENV_FDS; i++)
		if (cfg.env_fds[i] < 0 ||
			gn_cap_kind(i == 1 ? pd->cap : env[i ? i - 1 : 0]) != GN_CAP_KIND_OBJECT)
			return GN_ERR_INVALID_CAP;
	uint64_t const charge = page_round(b->writable) + STACK_LIMIT;
	gn_err_t err = core_pd_charge(pd, charge, 0);
	if (err != GN_OK)
		return err;
	err = sandbox_spawn(&cfg, &child);
	if (err != GN_OK) {
		core_pd_refund(pd, charge, 0);
		return err;
	}
	next_uid++;
	if (cfg.nice)
		core_log("%s: runs at priority %u (nice %d)", pd->label,
			(unsigned)core_cpu_priority(env[1]), cfg.nice);
	pd->started = true;
	pd->pid = child.pid;
	pd->pidfd = child.pidfd;
	pd->listener = child.listener;
	core_cpu_bind(env[1], pd);
	if (lx_ep_watch(core_ep(), child.pidfd, on_exit, pd) != GN_OK ||
		(child.listener >= 0 &&
			lx_ep_watch(core_ep(), child.listener, on_denied, pd) != GN_OK)) {
		core_platform_kill(pd);
		return GN_ERR_LIMIT;
	}
	return GN_OK;
}

void core_platform_kill(core_pd_t *pd)
{
	if (pd->pidfd >= 0) {
		(void)lx_syscall4(__NR_pidfd_send_signal, pd->pidfd, LX_SIGKILL, NULL, 0);
		/* reap it now: core is pid 1 of its namespace, a zombie would stay forever */
		uint8_t info[128];
		(void)lx_syscall5(__NR_waitid, P_PIDFD, pd->pidfd, info, WEXITED, NULL);
	}
	stop_watching(pd);
	pd->pid = -1;
}
