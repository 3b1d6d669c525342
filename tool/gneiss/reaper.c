/*
 * Reaping. Only processes whose parent is this process are ever signalled individually, and a pid
 * is signalled only while it is an unreaped child, so it cannot belong to anyone else. Core's group
 * is signalled once, while core is still an unreaped zombie or alive.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "logline.h"
#include "reaper.h"

/* The fields of /proc/PID/stat the reaper needs. */
typedef struct {
	pid_t pid, ppid, pgrp;
	char state;
	char comm[GN_REAPER_COMM_MAX];
} proc_stat_t;

gn_err_t gn_reaper_init(char *why, size_t why_size)
{
	char self[32];
	ssize_t n = readlink("/proc/self", self, sizeof(self) - 1);

	if (n <= 0 || (self[n] = '\0', atol(self) != (long)getpid())) {
		snprintf(why, why_size,
			"/proc does not show this process's pid namespace, so "
			"leaked processes could not be found");
		return GN_ERR_IO;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
		snprintf(why, why_size, "cannot become a child subreaper: %s", strerror(errno));
		return GN_ERR_IO;
	}
	return GN_OK;
}

static bool read_stat(char const *pid_name, proc_stat_t *ps)
{
	char path[64], buf[1024];
	char const *open_paren, *close_paren;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid_name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren ||
		sscanf(close_paren + 1, " %c %d %d", &ps->state, &ps->ppid, &ps->pgrp) != 3)
		return false;
	ps->pid = (pid_t)atol(buf);
	gn_logline_escape((unsigned char const *)open_paren + 1,
		(size_t)(close_paren - open_paren - 1), ps->comm, sizeof(ps->comm));
	return true;
}

static bool noted(gn_reaper_result_t const *r, pid_t pid)
{
	unsigned n = r->leaked < GN_REAPER_NOTED_MAX ? r->leaked : GN_REAPER_NOTED_MAX;

	for (unsigned i = 0; i < n; i++) {
		if (r->leaks[i].pid == pid)
			return true;
	}
	return false;
}

static void note_leak(gn_reaper_result_t *r, proc_stat_t const *ps)
{
	if (noted(r, ps->pid))
		return;
	if (r->leaked < GN_REAPER_NOTED_MAX) {
		r->leaks[r->leaked].pid = ps->pid;
		memcpy(r->leaks[r->leaked].comm, ps->comm, sizeof(ps->comm));
	}
	r->leaked++;
}

/*
 * Kills every live child. Those outside core's group are leaks; those inside are already dying
 * from the group kill. Returns the number of live children seen, the last one in *last.
 */
static unsigned kill_children(pid_t core_pid, gn_reaper_result_t *r, proc_stat_t *last)
{
	DIR *dir = opendir("/proc");
	struct dirent *e;
	unsigned live = 0;
	pid_t self = getpid();
	proc_stat_t ps;

	if (!dir)
		return 0;
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || !read_stat(e->d_name, &ps) ||
			ps.ppid != self || ps.state == 'Z' || ps.state == 'X')
			continue;
		if (ps.pgrp != core_pid)
			note_leak(r, &ps);
		kill(ps.pid, SIGKILL);
		*last = ps;
		live++;
	}
	closedir(dir);
	return live;
}

/* Reaps every ended child; true when no child is left at all. */
static bool reap_ended(pid_t core_pid, gn_reaper_result_t *r)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG | __WALL);

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			return errno == ECHILD;
		if (pid == 0)
			return false;
		if (pid == core_pid) {
			r->core_reaped = true;
			r->core_status.killed = WIFSIGNALED(status);
			r->core_status.value =
				WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status);
		}
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void gn_reaper_finish(pid_t core_pid, unsigned bound_ms, gn_reaper_result_t *r)
{
	long long deadline = now_ms() + bound_ms;
	struct timespec pause = {.tv_nsec = 2 * 1000 * 1000};
	proc_stat_t last = {.comm = "?"};

	*r = (gn_reaper_result_t){0};
	if (core_pid > 1) {
		kill(-core_pid, SIGKILL);
		kill(core_pid, SIGKILL);
	}
	while (!reap_ended(core_pid, r)) {
		unsigned live = kill_children(core_pid, r, &last);

		if (now_ms() > deadline) {
			/* a child /proc does not show still counts: waitpid knows it exists */
			r->survivors = live > 0 ? live : 1;
			r->survivor.pid = last.pid;
			memcpy(r->survivor.comm, last.comm, sizeof(last.comm));
			return;
		}
		nanosleep(&pause, NULL);
	}
}
