/*
 * What tracing needs from linux: read-only views of dataspaces, the timestamp unit, and the CPU
 * time of a component's thread.
 *
 * A read-only view is the memfd opened anew through /proc/self/fd with O_RDONLY: a shared
 * writable mapping of it is refused by the kernel, whoever holds it.
 *
 * Thread times come from /proc, which is the host's: core is pid 1 of a namespace of its own and
 * every component of one below it, so a thread's id as its component reports it is translated by
 * the NSpid line of each task of the component's process (found by the host pid of its pidfd).
 * schedstat gives the time in nanoseconds. Everything read is bounded and parsed defensively; what
 * cannot be read counts as unknown (0).
 */
#include <gneiss/fmt.h>
#include <gneiss/string.h>
#include <gneiss/time.h>
#include <lx.h>
#include <lx_cap.h>

#include "core_linux.h"

enum {
	O_RDONLY = 0,
	O_DIRECTORY = 0200000,
	O_CLOEXEC = 02000000,
	AT_FDCWD = -100,
	PATH_MAX = 96,
	TEXT_MAX = 2048,
};

gn_err_t core_platform_ds_readonly(gn_cap_t ds, gn_cap_t *ro)
{
	char path[PATH_MAX];

	if (gn_fmt(path, sizeof(path), NULL, "/proc/self/fd/%d", lx_cap_fd(ds)) != GN_OK)
		return GN_ERR_INVALID_ARG;
	long const fd = lx_syscall4(__NR_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	return fd < 0 ? lx_err(fd) : lx_cap_insert((int)fd, ro);
}

/* Reads the file at path into buf (NUL-terminated); its length, or -1. */
static long read_file(char const *path, char *buf, size_t size)
{
	long const fd = lx_syscall4(__NR_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	long n = -1;

	if (fd < 0)
		return -1;
	n = lx_read((int)fd, buf, size - 1);
	lx_close((int)fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

/* The decimal number at *p, advancing past it; false when there is none. */
static bool number(char const **p, uint64_t *value)
{
	char const *s = *p;
	uint64_t v = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9' && v < UINT64_MAX / 10)
		v = v * 10 + (uint64_t)(*s++ - '0');
	*p = s;
	*value = v;
	return true;
}

/* The number after the last key in text ("Pid:", "NSpid:" takes its last field), or 0. */
static uint64_t field(char const *text, char const *key, bool last_of_line)
{
	size_t const n = gn_strlen(key);

	for (char const *line = text; *line;) {
		if (gn_strncmp(line, key, n) == 0) {
			char const *p = line + n;
			uint64_t v = 0, got = 0;
			while (number(&p, &v) && last_of_line)
				got = v;
			return last_of_line ? got : v;
		}
		while (*line && *line != '\n')
			line++;
		if (*line)
			line++;
	}
	return 0;
}

uint64_t core_platform_thread_time_ns(core_pd_t const *pd, int tid)
{
	static char text[TEXT_MAX];
	static uint8_t dents[4096];
	char path[PATH_MAX];

	if (tid <= 0 || pd->pidfd < 0 ||
		gn_fmt(path, sizeof(path), NULL, "/proc/self/fdinfo/%d", pd->pidfd) != GN_OK ||
		read_file(path, text, sizeof(text)) < 0)
		return 0;
	uint64_t const host_pid = field(text, "Pid:", false);
	if (!host_pid || gn_fmt(path, sizeof(path), NULL, "/proc/%llu/task",
				 (unsigned long long)host_pid) != GN_OK)
		return 0;
	long const dir =
		lx_syscall4(__NR_openat, AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (dir < 0)
		return 0;
	uint64_t ns = 0;
	bool found = false;
	long n;
	while (!found && (n = lx_syscall3(__NR_getdents64, dir, dents, sizeof(dents))) > 0) {
		for (long off = 0; off < n;) {
			struct {
				uint64_t ino;
				int64_t off;
				uint16_t reclen;
				uint8_t type;
				char name[];
			} const *d = (void const *)(dents + off);
			char const *p = d->name;
			uint64_t task = 0;
			off += d->reclen;
			if (!d->reclen || !number(&p, &task) ||
				gn_fmt(path, sizeof(path), NULL, "/proc/%llu/task/%llu/status",
					(unsigned long long)host_pid,
					(unsigned long long)task) != GN_OK ||
				read_file(path, text, sizeof(text)) < 0 ||
				field(text, "NSpid:", true) != (uint64_t)tid)
				continue;
			found = true;
			if (gn_fmt(path, sizeof(path), NULL, "/proc/%llu/task/%llu/schedstat",
				    (unsigned long long)host_pid,
				    (unsigned long long)task) == GN_OK &&
				read_file(path, text, sizeof(text)) > 0) {
				char const *q = text;
				if (!number(&q, &ns))
					ns = 0;
			}
			break;
		}
	}
	lx_close((int)dir);
	return ns;
}
