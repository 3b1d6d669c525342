/*
 * Where Genode's 98 test runtimes are: ../shared/genode-configs next to the repository. It exists in
 * CI but not in a user's clone; the tests that read it skip with a message when it is absent.
 */
#ifndef GNEISS_TEST_GENODE_CONFIGS_H
#define GNEISS_TEST_GENODE_CONFIGS_H

#include <dirent.h>
#include <stddef.h>

/*
 * Opens ../shared/genode-configs as seen from the working directory, the repository (found from
 * this file's path) or the test binary; writes the path used to path. NULL when none exists.
 */
DIR *open_genode_configs(char *path, size_t size);

#endif
