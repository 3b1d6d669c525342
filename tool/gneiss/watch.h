/*
 * Watching a run: core's output, core's end, the deadline and the tool's own signals, in one poll
 * loop that never blocks past the deadline.
 *
 * Every line is echoed to stdout and written to the log as it arrives, then matched. Output core
 * wrote before it ended is always read and matched before its end is reported, so a core that prints
 * its last expected line and exits is judged on that line. After core has ended, the tool reads only
 * what is already in the pipe: a leftover process holding the pipe open cannot stall the run.
 */
#ifndef GNEISS_TOOL_WATCH_H
#define GNEISS_TOOL_WATCH_H

#include <stdio.h>

#include "child.h"
#include "match.h"

typedef enum {
	GN_WATCH_MATCHED, /* the matcher is final: rejected, or all seen without awaiting the exit */
	GN_WATCH_EXITED,  /* core ended (status in the result); its output is matched */
	GN_WATCH_TIMEOUT, /* the deadline passed */
	GN_WATCH_SIGNAL,  /* the tool received a terminating signal (signo in the result) */
	GN_WATCH_ERROR,   /* poll failed */
} gn_watch_end_t;

typedef struct {
	gn_child_t const *child;
	int signal_fd; /* signalfd of the signals that end the run */
	FILE *log;     /* gets every line too */
	gn_match_t *match;
	bool await_exit;                              /* the scenario has an `exit` line */
	long long deadline_ms;                        /* CLOCK_MONOTONIC, see gn_watch_now_ms */
	void (*on_line)(void *ctx, char const *line); /* optional: sees each line after matching */
	void *on_line_ctx;
} gn_watch_t;

typedef struct {
	gn_watch_end_t end;
	gn_child_status_t status;
	int signo;
} gn_watch_result_t;

/* Watches until the run has an outcome and says which in *r. Does not touch the process. */
void gn_watch_run(gn_watch_t const *w, gn_watch_result_t *r);

/* Milliseconds of CLOCK_MONOTONIC. */
long long gn_watch_now_ms(void);

#endif
