/*
 * gneiss: the host tool of the Gneiss framework. Each subcommand lives in its own file and is
 * dispatched on argv[1]; it gets argv from its own name on and returns the exit status (2 for a
 * malformed command line throughout).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gneiss/types.h>

#include "run.h"

int gn_check_main(int argc, char **argv); /* check.c */

static struct {
	char const *name;
	int (*main)(int argc, char **argv);
	char const *summary;
} const commands[] = {
	{"run", gn_run_main, "boot a scenario and judge its log"},
	{"check", gn_check_main, "validate init configs (gneiss check --help)"},
};

static int usage(FILE *to, int status)
{
	fprintf(to, "usage: gneiss COMMAND [ARGS...]\n");
	for (size_t i = 0; i < GN_ARRAY_SIZE(commands); i++)
		fprintf(to, "  %-8s %s\n", commands[i].name, commands[i].summary);
	return status;
}

/* Makes sure descriptors 0, 1 and 2 are open, so no file the tool opens lands on them. */
static void ensure_std_fds(void)
{
	int fd;

	do
		fd = open("/dev/null", O_RDWR);
	while (fd >= 0 && fd <= 2);
	if (fd > 2)
		close(fd);
}

int main(int argc, char **argv)
{
	ensure_std_fds();
	if (argc < 2)
		return usage(stderr, 2);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
		strcmp(argv[1], "help") == 0)
		return usage(stdout, 0);
	for (size_t i = 0; i < GN_ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].main(argc - 1, argv + 1);
	}
	fprintf(stderr, "gneiss: unknown command '%s'\n", argv[1]);
	return usage(stderr, 2);
}
