/*
 * Core as a child process of the run tool.
 *
 * Core starts in a new session (so in its own process group, whose id is its pid, and without a
 * controlling terminal), in the boot directory, with stdin from /dev/null and stdout and stderr
 * into one pipe, with no other descriptor, default signal dispositions and an empty signal mask,
 * and with SIGKILL as its parent-death signal, so even a tool killed by SIGKILL takes core along.
 * Its end is observed without reaping it (WNOWAIT): while core is an unreaped zombie its pid, and
 * with it the process group id, cannot be reused, so killing the group later cannot hit a stranger.
 */
#ifndef GNEISS_TOOL_CHILD_H
#define GNEISS_TOOL_CHILD_H

#include <sys/types.h>

#include <gneiss/error.h>
#include <gneiss/types.h>

typedef struct {
	pid_t pid;  /* also core's process group and session id */
	int pidfd;  /* readable once core has ended */
	int out_fd; /* non-blocking read end of core's stdout and stderr */
} gn_child_t;

/* How a child ended. */
typedef struct {
	bool killed; /* by a signal; otherwise it exited */
	int value;   /* the signal number or the exit code */
} gn_child_status_t;

/*
 * Starts the executable at path with the working directory dir. On success the caller owns child
 * (gn_child_close) and must make sure the process is reaped. Errors: GN_ERR_NOT_FOUND (path cannot be
 * executed), GN_ERR_IO (pipe, fork, pidfd_open or the child's setup failed); why says which.
 */
gn_err_t gn_child_start(char const *path, char const *dir, gn_child_t *child, char *why,
	size_t why_size) GN_MUST_CHECK;

/* gn_child_start with a command line: argv[0] is the path, argv ends with NULL. */
gn_err_t gn_child_start_argv(char const *const argv[], char const *dir, gn_child_t *child,
	char *why, size_t why_size) GN_MUST_CHECK;

/* True when the child has ended, with how in *status. Never blocks; leaves the child unreaped. */
bool gn_child_ended(gn_child_t const *child, gn_child_status_t *status);

/* Closes the descriptors of child; the process is not touched. */
void gn_child_close(gn_child_t *child);

/* Writes "exited with code N" or "was killed by signal SIGNAME" for status. */
void gn_child_describe(gn_child_status_t status, char *buf, size_t size);

#endif
