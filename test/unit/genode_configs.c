/* Finding ../shared/genode-configs for the unit tests that read Genode's runtimes. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "genode_configs.h"

/* Writes the directory part of path, or "." when it has none, followed by up. */
static void dir_of(char const *path, char const *up, char *out, size_t size)
{
	char const *slash = strrchr(path, '/');

	if (slash)
		snprintf(out, size, "%.*s/%s", (int)(slash - path), path, up);
	else
		snprintf(out, size, "./%s", up);
}

DIR *open_genode_configs(char *path, size_t size)
{
	char exe[PATH_MAX] = "", bases[3][PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = 0;
	snprintf(bases[0], sizeof(bases[0]), ".");
	dir_of(__FILE__, "../..", bases[1], sizeof(bases[1])); /* test/unit/ in the repository */
	dir_of(exe, "../../..", bases[2], sizeof(bases[2]));   /* build/host/test/ in it */
	for (size_t i = 0; i < 3; i++) {
		DIR *dir;

		snprintf(path, size, "%s/../shared/genode-configs", bases[i]);
		dir = opendir(path);
		if (dir)
			return dir;
	}
	return NULL;
}
