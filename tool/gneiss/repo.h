/*
 * Locating the repository a host tool belongs to, so that build/ paths and repository-relative
 * arguments work from any current directory.
 */
#ifndef GNEISS_TOOL_REPO_H
#define GNEISS_TOOL_REPO_H

#include <gneiss/error.h>
#include <gneiss/types.h>

/*
 * Writes the absolute path of the repository root to root: the directory three levels above the
 * running executable when that is build/host/bin/ of a repository, else the nearest repository
 * at or above the current directory. A repository is a directory with a Makefile and tool/gneiss/.
 * Errors: GN_ERR_NOT_FOUND; GN_ERR_TRUNCATED when the path does not fit size.
 */
gn_err_t gn_repo_root(char *root, size_t size) GN_MUST_CHECK;

#endif
