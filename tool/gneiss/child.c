/*
 * Starting core. Between fork and exec the child runs only system calls and reports a failing step
 * through a close-on-exec pipe: an empty read in the parent means the exec succeeded.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* What the child writes to the parent when a setup step fails. */
typedef struct {
	int step;
	int err;
} failure_t;

static char const *const step_names[] = {
	"setsid",
	"set the parent-death signal",
	"enter the boot directory",
	"redirect output",
	"execute",
};

static GN_NORETURN void fail(int report_fd, int step)
{
	failure_t f = {.step = step, .err = errno};

	if (write(report_fd, &f, sizeof(f)) < 0)
		_exit(126);
	_exit(127);
}

static GN_NORETURN void exec_child(
	char const *const argv[], char const *dir, int const fds[3], pid_t parent)
{
	int const reset[] = {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD};
	int devnull = fds[0], out = fds[1], report = fds[2];
	sigset_t none;

	for (size_t i = 0; i < GN_ARRAY_SIZE(reset); i++)
		signal(reset[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (setsid() < 0)
		fail(report, 0);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		fail(report, 1);
	if (chdir(dir) != 0)
		fail(report, 2);
	if (dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		fail(report, 3);
	/* Descriptors the tool inherited (a make jobserver, say) are none of core's business. */
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	execv(argv[0], (char *const *)argv);
	fail(report, 4);
}

/* Reads the child's report; GN_OK when it executed core. */
static gn_err_t await_exec(
	gn_child_t *child, int report_fd, char const *path, char *why, size_t why_size)
{
	failure_t f;
	ssize_t n;

	do
		n = read(report_fd, &f, sizeof(f));
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return GN_OK;
	waitpid(child->pid, NULL, __WALL);
	if (n != (ssize_t)sizeof(f) || f.step < 0 || f.step >= (int)GN_ARRAY_SIZE(step_names)) {
		snprintf(why, why_size, "cannot start core %s: the child failed", path);
		return GN_ERR_IO;
	}
	snprintf(why, why_size, "cannot start core %s: %s: %s", path, step_names[f.step],
		strerror(f.err));
	return f.step == 4 ? GN_ERR_NOT_FOUND : GN_ERR_IO;
}

static gn_err_t open_pidfd(gn_child_t *child, char *why, size_t why_size)
{
	child->pidfd = (int)syscall(SYS_pidfd_open, child->pid, 0);
	if (child->pidfd >= 0) /* pidfd_open sets close-on-exec itself */
		return GN_OK;
	snprintf(why, why_size, "pidfd_open: %s (Linux 5.3 or later is needed)", strerror(errno));
	kill(child->pid, SIGKILL);
	waitpid(child->pid, NULL, __WALL);
	return GN_ERR_IO;
}

gn_err_t gn_child_start(
	char const *path, char const *dir, gn_child_t *child, char *why, size_t why_size)
{
	char const *const argv[] = {path, NULL};

	return gn_child_start_argv(argv, dir, child, why, why_size);
}

gn_err_t gn_child_start_argv(
	char const *const argv[], char const *dir, gn_child_t *child, char *why, size_t why_size)
{
	char const *path = argv[0];
	int out[2], report[2], fds[3];
	pid_t parent = getpid();
	gn_err_t err;

	*child = (gn_child_t){.pid = -1, .pidfd = -1, .out_fd = -1};
	if (pipe2(out, O_CLOEXEC) != 0) {
		snprintf(why, why_size, "pipe: %s", strerror(errno));
		return GN_ERR_IO;
	}
	if (pipe2(report, O_CLOEXEC) != 0) {
		snprintf(why, why_size, "pipe: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		return GN_ERR_IO;
	}
	fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fds[1] = out[1];
	fds[2] = report[1];
	child->pid = fds[0] < 0 ? -1 : fork();
	if (child->pid == 0)
		exec_child(argv, dir, fds, parent);
	if (child->pid < 0)
		snprintf(why, why_size, "cannot start core: %s", strerror(errno));
	close(out[1]);
	close(report[1]);
	if (fds[0] >= 0)
		close(fds[0]);
	err = child->pid < 0 ? GN_ERR_IO : await_exec(child, report[0], path, why, why_size);
	close(report[0]);
	if (err == GN_OK)
		err = open_pidfd(child, why, why_size);
	if (err != GN_OK) {
		close(out[0]);
		return err;
	}
	child->out_fd = out[0];
	fcntl(child->out_fd, F_SETFL, O_NONBLOCK);
	return GN_OK;
}

bool gn_child_ended(gn_child_t const *child, gn_child_status_t *status)
{
	siginfo_t info = {0};

	if (waitid(P_PID, (id_t)child->pid, &info, WEXITED | WNOHANG | WNOWAIT | __WALL) != 0 ||
		info.si_pid == 0)
		return false;
	status->killed = info.si_code != CLD_EXITED;
	status->value = info.si_status;
	return true;
}

void gn_child_close(gn_child_t *child)
{
	if (child->pidfd >= 0)
		close(child->pidfd);
	if (child->out_fd >= 0)
		close(child->out_fd);
	child->pidfd = child->out_fd = -1;
}

void gn_child_describe(gn_child_status_t status, char *buf, size_t size)
{
	char const *abbrev = status.killed ? sigabbrev_np(status.value) : NULL;

	if (!status.killed)
		snprintf(buf, size, "exited with code %d", status.value);
	else if (abbrev)
		snprintf(buf, size, "was killed by signal SIG%s", abbrev);
	else
		snprintf(buf, size, "was killed by signal %d", status.value);
}
