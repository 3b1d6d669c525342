/*
 * `gneiss run`: boots a scenario on a platform, streams its labelled log and decides pass or fail.
 * The command line is in tool/README.md, the scenario format in test/README.md.
 */
#ifndef GNEISS_TOOL_RUN_H
#define GNEISS_TOOL_RUN_H

enum {
	GN_RUN_PASS = 0,
	GN_RUN_FAIL = 1,
	GN_RUN_USAGE = 2,
};

/*
 * Runs `gneiss run` with argv[0] == "run". Returns the exit status: GN_RUN_PASS, GN_RUN_FAIL (the
 * last line printed says why) or GN_RUN_USAGE (a malformed command line, explained on stderr).
 * Leaves no process behind whatever happens, including SIGINT, SIGTERM and SIGHUP.
 */
int gn_run_main(int argc, char **argv);

#endif
