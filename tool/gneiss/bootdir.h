/*
 * Boot directories: the files one run boots from.
 *
 * A boot directory holds exactly what the scenario names: its binaries (from the platform's build
 * output), `config`, and every file of the scenario's rom/ directory, all copied so that rebuilding
 * during a run cannot change what the run boots. It is always created afresh.
 */
#ifndef GNEISS_TOOL_BOOTDIR_H
#define GNEISS_TOOL_BOOTDIR_H

#include "scenario.h"

/* Creates path and its missing parents (mode 0755). Errors: GN_ERR_IO with why. */
gn_err_t gn_bootdir_mkdirs(char const *path, char *why, size_t why_size) GN_MUST_CHECK;

/*
 * Removes the file or directory tree at path, never following symbolic links. A missing path is
 * no error. Errors: GN_ERR_IO with why.
 */
gn_err_t gn_bootdir_remove(char const *path, char *why, size_t why_size) GN_MUST_CHECK;

/*
 * Copies the regular file src to the new file dir/name, keeping its permission bits. Errors:
 * GN_ERR_NOT_FOUND (no src), GN_ERR_EXISTS (dir/name exists), GN_ERR_INVALID_ARG (src is not a
 * regular file), GN_ERR_IO; why names the file.
 */
gn_err_t gn_bootdir_copy_file(char const *src, char const *dir, char const *name, char *why,
	size_t why_size) GN_MUST_CHECK;

/*
 * Replaces whatever is at path by a new boot directory for sc: the binaries from bin_dir,
 * scenario_dir/config as `config`, and the regular files of scenario_dir/rom/. Errors:
 * GN_ERR_NOT_FOUND (a binary, the config or a ROM is missing), GN_ERR_EXISTS (two files would get
 * the same name), GN_ERR_INVALID_ARG (a ROM is not a regular file), GN_ERR_IO; why names the file.
 */
gn_err_t gn_bootdir_create(char const *path, gn_scenario_t const *sc, char const *bin_dir,
	char const *scenario_dir, char *why, size_t why_size) GN_MUST_CHECK;

#endif
