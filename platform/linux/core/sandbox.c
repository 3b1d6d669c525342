/*
 * The sandbox of a linux component, built by core before exec — never by the child program.
 *
 * Order matters, and each step is the only one that can do its job:
 *  1. clone into a fresh pid namespace (the child is pid 1 of it: its threads die with it);
 *  2. while still privileged, set the rlimits, and the nice value and the CPUs of its CPU session
 *     (the network namespace is core's own, empty one);
 *  3. drop to the component's own unprivileged host uid — so the user namespace created next maps
 *     only that uid, and the child can never be host root;
 *  4. new user, mount, ipc and uts namespaces; map uid/gid 1 to the host uid;
 *  5. an empty read-only tmpfs becomes the root (pivot_root), the old root is detached;
 *  6. the parent-death signal (after the last credential change, which would clear it);
 *  7. descriptors: the four environment capabilities become 0..3, the binary moves above the
 *     RLIMIT_NOFILE that follows, everything else is closed;
 *  8. no_new_privs, then the seccomp filter with a user-notification listener, which goes to core
 *     before the exec, so every denied call reaches core;
 *  9. execveat of the binary descriptor: the only exec the filter allows.
 * A failing step exits with 100 + its number, which core reports.
 */
#include <gneiss/string.h>
#include <lx.h>
#include <lx_msg.h>

#include "sandbox.h"
#include "seccomp_filter.h"
#include "../seccomp/policy.h"

enum {
	CLONE_NEWNS = 0x00020000,
	CLONE_PIDFD = 0x00001000,
	CLONE_NEWUTS = 0x04000000,
	CLONE_NEWIPC = 0x08000000,
	CLONE_NEWUSER = 0x10000000,
	CLONE_NEWPID = 0x20000000,
	LX_SIGCHLD = 17,
	LX_SIGKILL = 9,
	MS_RDONLY = 1,
	MS_NOSUID = 2,
	MS_NODEV = 4,
	MS_NOEXEC = 8,
	MS_REC = 16384,
	MS_PRIVATE = 1 << 18,
	MNT_DETACH = 2,
	PR_SET_PDEATHSIG = 1,
	PR_SET_DUMPABLE = 4,
	PR_SET_NO_NEW_PRIVS = 38,
	SECCOMP_SET_MODE_FILTER = 1,
	SECCOMP_FILTER_FLAG_NEW_LISTENER = 1 << 3,
	PRIO_PROCESS = 0,
	RLIMIT_FSIZE = 1,
	RLIMIT_DATA = 2,
	RLIMIT_STACK = 3,
	RLIMIT_CORE = 4,
	RLIMIT_NPROC = 6,
	RLIMIT_NOFILE = 7,
	RLIMIT_MEMLOCK = 8,
	RLIMIT_MSGQUEUE = 12,
	O_WRONLY = 1,
	O_CLOEXEC = 02000000,
	O_DIRECTORY = 0200000,
	AT_FDCWD = -100,
	AT_EMPTY_PATH = 0x1000,
	NOTIFY_FD = 4, /* the child's end of the socket that carries the listener to core */
};

static char const root_dir[] = ".gneiss-root";

struct rlimit {
	uint64_t cur, max;
};

struct sock_fprog {
	unsigned short len;
	void const *filter;
};

static long set_limit(int resource, uint64_t value)
{
	struct rlimit const r = {value, value};

	return lx_syscall2(__NR_setrlimit, resource, &r);
}

static long write_file(char const *path, char const *text)
{
	long fd = lx_syscall4(__NR_openat, AT_FDCWD, path, O_WRONLY | O_CLOEXEC, 0);

	if (fd < 0)
		return fd;
	long ret = lx_write((int)fd, text, gn_strlen(text));
	lx_close((int)fd);
	return ret < 0 ? ret : 0;
}

static void format_map(char *buf, size_t size, uint32_t host_uid)
{
	char digits[12];
	int n = 0;

	do
		digits[n++] = (char)('0' + host_uid % 10);
	while ((host_uid /= 10) && n < 11);
	size_t pos = 0;
	buf[pos++] = '1';
	buf[pos++] = ' ';
	while (n && pos + 4 < size)
		buf[pos++] = digits[--n];
	buf[pos++] = ' ';
	buf[pos++] = '1';
	buf[pos] = 0;
}

static bool drop_privileges(sandbox_config_t const *cfg)
{
	uint32_t const id = cfg->host_uid;

	/* the uid change makes the process non-dumpable, which would lock it out of its own /proc
	 * files (uid_map); no other process of that uid exists, so dumpable harms nobody */
	return lx_syscall2(__NR_setgroups, 0, NULL) == 0 &&
	       lx_syscall3(__NR_setresgid, id, id, id) == 0 &&
	       lx_syscall3(__NR_setresuid, id, id, id) == 0 &&
	       lx_syscall5(__NR_prctl, PR_SET_DUMPABLE, 1, 0, 0, 0) == 0;
}

static bool map_ids(uint32_t host_uid)
{
	char map[32];

	format_map(map, sizeof(map), host_uid);
	return write_file("/proc/self/setgroups", "deny") == 0 &&
	       write_file("/proc/self/uid_map", map) == 0 &&
	       write_file("/proc/self/gid_map", map) == 0;
}

static bool enter_empty_root(void)
{
	return lx_syscall5(__NR_mount, NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
	       lx_syscall5(__NR_mount, "none", root_dir, "tmpfs",
		       MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0555") == 0 &&
	       lx_syscall1(__NR_chdir, root_dir) == 0 &&
	       lx_syscall2(__NR_pivot_root, ".", ".") == 0 &&
	       lx_syscall2(__NR_umount2, ".", MNT_DETACH) == 0 && lx_syscall1(__NR_chdir, "/") == 0;
}

static bool arrange_fds(sandbox_config_t const *cfg, int notify_fd)
{
	int src[SANDBOX_ENV_FDS + 2], top = GN_SECCOMP_EXEC_FD;

	for (int i = 0; i < SANDBOX_ENV_FDS; i++)
		src[i] = cfg->env_fds[i];
	src[SANDBOX_ENV_FDS] = notify_fd;
	src[SANDBOX_ENV_FDS + 1] = cfg->binary_fd;
	for (int i = 0; i < SANDBOX_ENV_FDS + 2; i++)
		top = src[i] > top ? src[i] : top;
	/* via numbers above every source and the target, so no source is overwritten early */
	for (int i = 0; i < SANDBOX_ENV_FDS + 2; i++)
		if (lx_syscall3(__NR_dup3, src[i], top + 1 + i, 0) < 0)
			return false;
	if (lx_syscall3(__NR_dup3, top + 1 + SANDBOX_ENV_FDS + 1, GN_SECCOMP_EXEC_FD, O_CLOEXEC) <
		0)
		return false;
	for (int i = 0; i <= SANDBOX_ENV_FDS; i++)
		if (lx_syscall3(__NR_dup3, top + 1 + i, i, 0) < 0)
			return false;
	return lx_syscall3(__NR_close_range, SANDBOX_ENV_FDS + 1, GN_SECCOMP_EXEC_FD - 1, 0) == 0 &&
	       lx_syscall3(__NR_close_range, GN_SECCOMP_EXEC_FD + 1, ~0u, 0) == 0;
}

static bool install_filter(void)
{
	struct sock_fprog const prog = {GN_SECCOMP_FILTER_LEN, gn_seccomp_filter};

	if (lx_syscall5(__NR_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return false;
	long listener = lx_syscall3(
		__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (listener < 0)
		return false;
	gn_ipc_header_t const hdr = {0, 0, 1, 0};
	int const fd = (int)listener;
	bool const sent = lx_msg_send(NOTIFY_FD, &hdr, &fd, 1, 0) == 0;
	lx_close(fd);
	lx_close(NOTIFY_FD);
	return sent;
}

static GN_NORETURN void child(sandbox_config_t const *cfg, int notify_fd)
{
	static char *const argv[] = {"component", NULL};
	static char *const envp[] = {NULL};
	int step = 1;

	if (set_limit(RLIMIT_NPROC, cfg->max_threads) || set_limit(RLIMIT_CORE, 0) ||
		set_limit(RLIMIT_FSIZE, 0) || set_limit(RLIMIT_MEMLOCK, 0) ||
		set_limit(RLIMIT_MSGQUEUE, 0) || set_limit(RLIMIT_DATA, cfg->max_data) ||
		set_limit(RLIMIT_STACK, cfg->max_stack) ||
		lx_syscall3(
			__NR_setpriority, PRIO_PROCESS, 0, cfg->nice) || /* threads inherit them */
		lx_syscall3(__NR_sched_setaffinity, 0, sizeof(cfg->cpus), cfg->cpus) < 0)
		goto fail;
	step++;
	if (!drop_privileges(cfg))
		goto fail;
	step++;
	if (lx_syscall1(__NR_unshare, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS) ||
		!map_ids(cfg->host_uid))
		goto fail;
	step++;
	if (!enter_empty_root())
		goto fail;
	step++;
	if (lx_syscall5(__NR_prctl, PR_SET_PDEATHSIG, LX_SIGKILL, 0, 0, 0) != 0)
		goto fail;
	step++;
	if (!arrange_fds(cfg, notify_fd) || set_limit(RLIMIT_NOFILE, cfg->max_fds))
		goto fail;
	step++;
	if (!install_filter())
		goto fail;
	step++;
	lx_syscall5(__NR_execveat, GN_SECCOMP_EXEC_FD, "", argv, envp, AT_EMPTY_PATH);
fail:
	lx_exit_group(100 + step);
}

static gn_err_t receive_listener(int sock, int *listener)
{
	gn_ipc_buf_t *buf = gn_ipc_buf();
	int fds[GN_IPC_CAPS];
	unsigned n = 0;
	long ret = lx_msg_recv(sock, buf, fds, &n, 0);

	if (ret <= 0 || n != 1) {
		for (unsigned i = 0; i < n; i++)
			lx_close(fds[i]);
		return GN_ERR_IO;
	}
	*listener = fds[0];
	return GN_OK;
}

gn_err_t sandbox_spawn(sandbox_config_t const *cfg, sandbox_child_t *out)
{
	int sv[2];
	int pidfd = -1;

	if (cfg->max_fds >= GN_SECCOMP_EXEC_FD || lx_socketpair_seqpacket(sv) < 0)
		return GN_ERR_OUT_OF_CAPS;
	long pid =
		lx_syscall5(__NR_clone, CLONE_NEWPID | CLONE_PIDFD | LX_SIGCHLD, 0, &pidfd, 0, 0);
	if (pid == 0)
		child(cfg, sv[1]);
	lx_close(sv[1]);
	if (pid < 0) {
		lx_close(sv[0]);
		return pid == -LX_EAGAIN ? GN_ERR_OUT_OF_CAPS : GN_ERR_DENIED;
	}
	/* bounded: the child sends the listener or dies, which closes its end */
	gn_err_t err = receive_listener(sv[0], &out->listener);
	lx_close(sv[0]);
	out->pid = (int)pid;
	out->pidfd = pidfd;
	if (err != GN_OK)
		out->listener = -1;
	return GN_OK;
}

gn_err_t sandbox_prepare(void)
{
	long ret = lx_syscall3(__NR_mkdirat, AT_FDCWD, root_dir, 0555);

	return ret == 0 || ret == -LX_EEXIST ? GN_OK : GN_ERR_DENIED;
}
