/*
 * Process cleanup and the leak oracle.
 *
 * The tool is a child subreaper, so every process that core or its descendants leave behind is
 * reparented to the tool instead of to the host's init. After a run the tool kills core's process
 * group and reaps until it has no child left at all (waitpid answers ECHILD). Any child still alive
 * that is not in core's process group escaped the group kill: it is a leaked process, and it is
 * killed and reported. Real core runs as pid 1 of its own pid namespace, so killing it kills
 * everything; this check does not trust that and counts independently.
 */
#ifndef GNEISS_TOOL_REAPER_H
#define GNEISS_TOOL_REAPER_H

#include <sys/types.h>

#include <gneiss/error.h>
#include <gneiss/types.h>

#include "child.h"

enum {
	GN_REAPER_NOTED_MAX = 8, /* leaked processes described individually */
	GN_REAPER_COMM_MAX = 16 * 4 + 1,
};

/* One process the reaper had to kill by itself (comm escaped for printing). */
typedef struct {
	pid_t pid;
	char comm[GN_REAPER_COMM_MAX];
} gn_reaper_proc_t;

typedef struct {
	bool core_reaped;
	gn_child_status_t core_status;
	unsigned leaked; /* processes that escaped core's process group */
	gn_reaper_proc_t leaks[GN_REAPER_NOTED_MAX];
	unsigned survivors; /* children still alive when the time bound passed */
	gn_reaper_proc_t survivor;
} gn_reaper_result_t;

/*
 * Makes the calling process a child subreaper and checks that /proc shows this process's pid
 * namespace (else the leak check would be blind). Call before starting core. Errors: GN_ERR_IO.
 */
gn_err_t gn_reaper_init(char *why, size_t why_size) GN_MUST_CHECK;

/*
 * Kills core's process group (core must not be reaped yet), then kills and reaps every child of
 * the calling process until none is left or bound_ms passed. Reports core's status, the leaked
 * processes and any survivor in *r.
 */
void gn_reaper_finish(pid_t core_pid, unsigned bound_ms, gn_reaper_result_t *r);

#endif
