/*
 * trace: converts what the trace monitor dumped into a run log (see README.md). Each command lives
 * in its own file; this one only dispatches on argv[1]. Exit status: 0 clean, 1 problems reported
 * on stderr (the output holds what was valid), 2 bad usage or unreadable/unwritable files.
 */
#include <string.h>

#include "trace.h"

static int usage(FILE *to, int status)
{
	fputs("usage: trace extract [--monitor LABEL] LOG DIR  records of a run log into DIR\n"
	      "       trace chrome DIR OUT.json                Chrome/Perfetto trace-event JSON\n"
	      "       trace ctf DIR OUTDIR                     CTF 1.8 (babeltrace2 OUTDIR)\n"
	      "       trace summary DIR                        events, RPCs and times per "
	      "subject\n",
		to);
	return status;
}

int main(int argc, char **argv)
{
	char const *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
		return usage(stdout, TRACE_OK);
	if (!strcmp(cmd, "extract") && argc == 6 && !strcmp(argv[2], "--monitor"))
		return trace_extract(argv[4], argv[5], argv[3], stderr);
	if (!strcmp(cmd, "extract") && argc == 4)
		return trace_extract(argv[2], argv[3], NULL, stderr);
	if (!strcmp(cmd, "chrome") && argc == 4)
		return trace_chrome(argv[2], argv[3], stderr);
	if (!strcmp(cmd, "ctf") && argc == 4)
		return trace_ctf(argv[2], argv[3], stderr);
	if (!strcmp(cmd, "summary") && argc == 3) {
		int const status = trace_summary(argv[2], stdout, stderr);
		return fflush(stdout) ? TRACE_FATAL : status;
	}
	return usage(stderr, TRACE_FATAL);
}
