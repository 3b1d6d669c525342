/* Repository root lookup: the tool's own location first, the current directory second. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "repo.h"

static bool is_repo(char const *dir)
{
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/Makefile", dir) >= (int)sizeof(path) ||
		stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	snprintf(path, sizeof(path), "%s/tool/gneiss", dir);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static gn_err_t found(char const *dir, char *root, size_t size)
{
	return snprintf(root, size, "%s", dir) < (int)size ? GN_OK : GN_ERR_TRUNCATED;
}

/* The root when the executable lies in <root>/build/host/bin/. */
static bool from_executable(char dir[PATH_MAX])
{
	static char const bin[] = "/build/host/bin";
	ssize_t n = readlink("/proc/self/exe", dir, PATH_MAX - 1);
	char *slash;
	size_t len;

	if (n <= 0)
		return false;
	dir[n] = '\0';
	slash = strrchr(dir, '/');
	if (!slash)
		return false;
	*slash = '\0';
	len = strlen(dir);
	if (len < sizeof(bin) || strcmp(dir + len - (sizeof(bin) - 1), bin) != 0)
		return false;
	dir[len - (sizeof(bin) - 1)] = '\0';
	return is_repo(dir);
}

gn_err_t gn_repo_root(char *root, size_t size)
{
	char dir[PATH_MAX];

	if (from_executable(dir))
		return found(dir, root, size);
	if (!getcwd(dir, sizeof(dir)))
		return GN_ERR_NOT_FOUND;
	for (;;) {
		char *slash = strrchr(dir, '/');

		if (is_repo(dir))
			return found(dir, root, size);
		if (!slash || slash == dir)
			return GN_ERR_NOT_FOUND;
		*slash = '\0';
	}
}
