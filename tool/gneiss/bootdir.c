/*
 * Boot directory assembly. Files are copied byte for byte into a directory this run created
 * (O_EXCL, so nothing pre-existing is written through); removal works on directory descriptors
 * with O_NOFOLLOW, so a symbolic link a previous run left behind is removed, never followed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootdir.h"

enum {
	MAX_DEPTH = 64
};

gn_err_t gn_bootdir_mkdirs(char const *path, char *why, size_t why_size)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		snprintf(why, why_size, "path too long: %s", path);
		return GN_ERR_IO;
	}
	for (char *p = buf + 1;; p++) {
		bool end = *p == '\0';
		if (*p != '/' && !end)
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
			snprintf(why, why_size, "cannot create %s: %s", buf, strerror(errno));
			return GN_ERR_IO;
		}
		if (end)
			return GN_OK;
		*p = '/';
	}
}

static int remove_entries(int dir_fd, int depth);

/* Removes name in the directory parent_fd; -1 with errno on failure. */
static int remove_at(int parent_fd, char const *name, int depth)
{
	int fd;

	if (unlinkat(parent_fd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	if (depth > MAX_DEPTH) {
		errno = ELOOP;
		return -1;
	}
	fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (remove_entries(fd, depth + 1) != 0)
		return -1;
	return unlinkat(parent_fd, name, AT_REMOVEDIR);
}

/* Removes everything inside dir_fd and closes it; -1 with errno on failure. */
static int remove_entries(int dir_fd, int depth)
{
	DIR *dir = fdopendir(dir_fd);
	struct dirent *e;
	int rc = 0, saved;

	if (!dir) {
		close(dir_fd);
		return -1;
	}
	while (rc == 0 && (e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			rc = remove_at(dirfd(dir), e->d_name, depth);
	}
	saved = errno;
	closedir(dir);
	errno = saved;
	return rc;
}

gn_err_t gn_bootdir_remove(char const *path, char *why, size_t why_size)
{
	if (remove_at(AT_FDCWD, path, 0) != 0) {
		snprintf(why, why_size, "cannot remove %s: %s", path, strerror(errno));
		return GN_ERR_IO;
	}
	return GN_OK;
}

static gn_err_t copy_data(int from, int to)
{
	char buf[64 * 1024];
	ssize_t n;

	while ((n = read(from, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return GN_ERR_IO;
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(to, buf + done, (size_t)(n - done));
			if (w < 0 && errno != EINTR)
				return GN_ERR_IO;
			done += w > 0 ? w : 0;
		}
	}
	return GN_OK;
}

/* dst = dir/name; false when it does not fit. */
static bool join(char dst[PATH_MAX], char const *dir, char const *name)
{
	return snprintf(dst, PATH_MAX, "%s/%s", dir, name) < PATH_MAX;
}

static gn_err_t open_failed(char const *what, char const *path, char *why, size_t why_size)
{
	int e = errno;

	snprintf(why, why_size, "cannot %s %s: %s", what, path, strerror(e));
	return e == ENOENT ? GN_ERR_NOT_FOUND : e == EEXIST ? GN_ERR_EXISTS : GN_ERR_IO;
}

gn_err_t gn_bootdir_copy_file(
	char const *src, char const *dir, char const *name, char *why, size_t why_size)
{
	char dst[PATH_MAX];
	struct stat st;
	int from, to;
	gn_err_t err;

	if (!join(dst, dir, name)) {
		snprintf(why, why_size, "path too long: %s/%s", dir, name);
		return GN_ERR_IO;
	}
	from = open(src, O_RDONLY | O_CLOEXEC);
	if (from < 0)
		return open_failed("read", src, why, why_size);
	if (fstat(from, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(from);
		snprintf(why, why_size, "%s is not a regular file", src);
		return GN_ERR_INVALID_ARG;
	}
	to = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 0777);
	if (to < 0) {
		err = open_failed("create", dst, why, why_size);
		close(from);
		return err;
	}
	err = copy_data(from, to);
	if (close(to) != 0)
		err = GN_ERR_IO;
	if (err != GN_OK)
		snprintf(why, why_size, "cannot copy %s to %s: %s", src, dst, strerror(errno));
	close(from);
	return err;
}

static gn_err_t copy_binaries(
	char const *path, gn_scenario_t const *sc, char const *bin_dir, char *why, size_t why_size)
{
	char src[PATH_MAX];

	for (size_t i = 0; i < sc->binary_count; i++) {
		gn_binary_t const *b = &sc->binaries[i];
		gn_err_t err;

		if (!join(src, bin_dir, b->name)) {
			snprintf(why, why_size, "path too long: %s/%s", bin_dir, b->name);
			return GN_ERR_IO;
		}
		err = gn_bootdir_copy_file(src, path, b->name, why, why_size);
		if (err == GN_ERR_NOT_FOUND)
			snprintf(why, why_size,
				"binary '%s' (line %u of scenario) not found: no %s", b->name,
				b->line, src);
		if (err != GN_OK)
			return err;
	}
	return GN_OK;
}

/* Copies the files of scenario_dir/rom/, if that directory exists. */
static gn_err_t copy_roms(char const *path, char const *scenario_dir, char *why, size_t why_size)
{
	char rom_dir[PATH_MAX], src[PATH_MAX];
	DIR *dir;
	struct dirent *e;
	gn_err_t err = GN_OK;

	if (!join(rom_dir, scenario_dir, "rom")) {
		snprintf(why, why_size, "path too long: %s/rom", scenario_dir);
		return GN_ERR_IO;
	}
	dir = opendir(rom_dir);
	if (!dir && errno == ENOENT)
		return GN_OK;
	if (!dir) {
		snprintf(why, why_size, "cannot read %s: %s", rom_dir, strerror(errno));
		return GN_ERR_IO;
	}
	while (err == GN_OK && (e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (!join(src, rom_dir, e->d_name)) {
			snprintf(why, why_size, "path too long: %s/%s", rom_dir, e->d_name);
			err = GN_ERR_IO;
			break;
		}
		err = gn_bootdir_copy_file(src, path, e->d_name, why, why_size);
		if (err == GN_ERR_EXISTS)
			snprintf(
				why, why_size, "%s has the name of a binary or of the config", src);
	}
	closedir(dir);
	return err;
}

gn_err_t gn_bootdir_create(char const *path, gn_scenario_t const *sc, char const *bin_dir,
	char const *scenario_dir, char *why, size_t why_size)
{
	char config[PATH_MAX];
	gn_err_t err = gn_bootdir_remove(path, why, why_size);

	if (err != GN_OK)
		return err;
	if (mkdir(path, 0755) != 0) {
		snprintf(why, why_size, "cannot create %s: %s", path, strerror(errno));
		return GN_ERR_IO;
	}
	err = copy_binaries(path, sc, bin_dir, why, why_size);
	if (err != GN_OK)
		return err;
	if (!join(config, scenario_dir, "config")) {
		snprintf(why, why_size, "path too long: %s/config", scenario_dir);
		return GN_ERR_IO;
	}
	err = gn_bootdir_copy_file(config, path, "config", why, why_size);
	if (err == GN_ERR_NOT_FOUND)
		snprintf(why, why_size, "the scenario has no init config: no %s", config);
	if (err != GN_OK)
		return err;
	return copy_roms(path, scenario_dir, why, why_size);
}
