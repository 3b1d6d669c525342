/*
 * QEMU for the hw platform (see qemu.h). Everything here happens before QEMU starts, except
 * gn_qemu_kernel_status, which interprets its end. The ISO is built by grub-mkrescue as a child
 * process with a bounded wait; its output goes to `.iso/grub-mkrescue.log` in the boot directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bootdir.h"
#include "qemu.h"
#include "qmp.h"

enum {
	ISO_TIMEOUT_MS = 60000,
	KERNEL_EXIT_BIAS = 1, /* the kernel writes value + 1 to the debug-exit port */
};

static char const qemu_name[] = "qemu-system-x86_64";

/* Formats a path into out (PATH_MAX bytes); GN_ERR_IO with why when it does not fit. */
static GN_PRINTF(4, 5) gn_err_t path_of(char *out, char *why, size_t why_size, char const *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n >= 0 && n < PATH_MAX)
		return GN_OK;
	snprintf(why, why_size, "path too long: %.200s...", out);
	return GN_ERR_IO;
}

/* Finds name in the directories of PATH; false when it is nowhere. */
static bool find_in_path(char const *name, char *out, size_t size)
{
	char const *path = getenv("PATH");

	while (path && *path) {
		size_t len = strcspn(path, ":");
		if (len > 0 && snprintf(out, size, "%.*s/%s", (int)len, path, name) < (int)size &&
			access(out, X_OK) == 0)
			return true;
		path += len + (path[len] == ':');
	}
	return false;
}

static bool module_name_ok(char const *name)
{
	size_t len = strlen(name);

	return len > 0 && len <= 63 && name[0] != '-' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-") ==
		       len;
}

static gn_err_t add_module(gn_qemu_t *q, char const *name, char *why, size_t why_size)
{
	if (!module_name_ok(name)) {
		snprintf(why, why_size,
			"'%s' cannot be a module on hw: names are 1 to 63 characters of "
			"[A-Za-z0-9._+-], not starting with '-'",
			name);
		return GN_ERR_INVALID_ARG;
	}
	if (q->module_count == GN_QEMU_MODULES_MAX) {
		snprintf(why, why_size, "more than %d boot modules (the kernel's limit)",
			GN_QEMU_MODULES_MAX);
		return GN_ERR_INVALID_ARG;
	}
	snprintf(q->modules[q->module_count++], NAME_MAX + 1, "%s", name);
	return GN_OK;
}

static int by_name(struct dirent const **a, struct dirent const **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static bool is_binary(gn_scenario_t const *sc, char const *name)
{
	for (size_t i = 0; i < sc->binary_count; i++) {
		if (strcmp(sc->binaries[i].name, name) == 0)
			return true;
	}
	return false;
}

/* A regular, visible file of the boot directory that is not one of the binaries. */
static bool is_other_module(gn_scenario_t const *sc, char const *boot_dir, char const *name)
{
	char path[PATH_MAX];
	struct stat st;

	return name[0] != '.' && !is_binary(sc, name) &&
	       snprintf(path, sizeof(path), "%s/%s", boot_dir, name) < (int)sizeof(path) &&
	       lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The binaries in the scenario's order, then the other regular, visible files sorted. */
static gn_err_t list_modules(
	gn_qemu_t *q, gn_scenario_t const *sc, char const *boot_dir, char *why, size_t why_size)
{
	struct dirent **entries = NULL;
	int n = scandir(boot_dir, &entries, NULL, by_name);
	gn_err_t err = GN_OK;

	if (n < 0) {
		snprintf(why, why_size, "cannot read %s: %s", boot_dir, strerror(errno));
		return GN_ERR_IO;
	}
	for (size_t i = 0; err == GN_OK && i < sc->binary_count; i++)
		err = add_module(q, sc->binaries[i].name, why, why_size);
	for (int i = 0; i < n; i++) {
		if (err == GN_OK && is_other_module(sc, boot_dir, entries[i]->d_name))
			err = add_module(q, entries[i]->d_name, why, why_size);
		free(entries[i]);
	}
	free(entries);
	return err;
}

/* Writes grub.cfg: the kernel and every module with its name as its command line. */
static gn_err_t write_grub_cfg(gn_qemu_t const *q, char const *path, char *why, size_t why_size)
{
	FILE *f = fopen(path, "we");

	if (!f) {
		snprintf(why, why_size, "cannot write %s: %s", path, strerror(errno));
		return GN_ERR_IO;
	}
	fprintf(f, "set timeout=0\nset default=0\nmenuentry \"gneiss\" {\n");
	fprintf(f, "\tmultiboot /boot/kernel\n");
	for (size_t i = 0; i < q->module_count; i++)
		fprintf(f, "\tmodule /boot/mod/%s %s\n", q->modules[i], q->modules[i]);
	fprintf(f, "}\n");
	if (fclose(f) != 0) {
		snprintf(why, why_size, "cannot write %s: %s", path, strerror(errno));
		return GN_ERR_IO;
	}
	return GN_OK;
}

/* Lays out .iso/root/: boot/kernel, boot/mod/<modules>, boot/grub/grub.cfg. */
static gn_err_t stage_iso(gn_qemu_t const *q, char const *boot_dir, char const *kernel,
	char const *root, char *why, size_t why_size)
{
	char dir[PATH_MAX], src[PATH_MAX], cfg[PATH_MAX];
	gn_err_t err;

	if ((err = path_of(dir, why, why_size, "%s/boot/grub", root)) != GN_OK ||
		(err = gn_bootdir_mkdirs(dir, why, why_size)) != GN_OK ||
		(err = path_of(dir, why, why_size, "%s/boot/mod", root)) != GN_OK ||
		(err = gn_bootdir_mkdirs(dir, why, why_size)) != GN_OK)
		return err;
	for (size_t i = 0; i < q->module_count; i++) {
		if ((err = path_of(src, why, why_size, "%s/%s", boot_dir, q->modules[i])) !=
				GN_OK ||
			(err = gn_bootdir_copy_file(src, dir, q->modules[i], why, why_size)) !=
				GN_OK)
			return err;
	}
	if ((err = path_of(dir, why, why_size, "%s/boot", root)) != GN_OK ||
		(err = gn_bootdir_copy_file(kernel, dir, "kernel", why, why_size)) != GN_OK ||
		(err = path_of(cfg, why, why_size, "%s/boot/grub/grub.cfg", root)) != GN_OK)
		return err;
	return write_grub_cfg(q, cfg, why, why_size);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs argv with output to log_path in its own process group; waits at most ISO_TIMEOUT_MS. */
static gn_err_t run_tool(char const *const argv[], char const *log_path, char *why, size_t why_size)
{
	long long deadline = now_ms() + ISO_TIMEOUT_MS;
	int status, log = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	pid_t pid, done;

	if (log < 0) {
		snprintf(why, why_size, "cannot write %s: %s", log_path, strerror(errno));
		return GN_ERR_IO;
	}
	pid = fork();
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setpgid(0, 0);
		if (dup2(log, 1) >= 0 && dup2(log, 2) >= 0)
			execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(log);
	if (pid < 0) {
		snprintf(why, why_size, "cannot start %s: %s", argv[0], strerror(errno));
		return GN_ERR_IO;
	}
	while ((done = waitpid(pid, &status, WNOHANG)) == 0 && now_ms() < deadline)
		usleep(10000);
	if (done == 0) {
		kill(-pid, SIGKILL);
		waitpid(pid, &status, 0);
		snprintf(why, why_size, "%s took more than %d s (see %s)", argv[0],
			ISO_TIMEOUT_MS / 1000, log_path);
		return GN_ERR_IO;
	}
	if (done < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(why, why_size, "%s failed (see %s)", argv[0], log_path);
		return GN_ERR_IO;
	}
	return GN_OK;
}

/* Builds boot_dir/.iso/boot.iso with grub-mkrescue. */
static gn_err_t make_iso(
	gn_qemu_t *q, char const *boot_dir, char const *kernel, char *why, size_t why_size)
{
	char mkrescue[PATH_MAX], root[PATH_MAX], log[PATH_MAX];
	gn_err_t err;

	if (!find_in_path("grub-mkrescue", mkrescue, sizeof(mkrescue)) ||
		!find_in_path("xorriso", root, sizeof(root)) ||
		!find_in_path("mformat", root, sizeof(root)) ||
		access("/usr/lib/grub/i386-pc", R_OK) != 0) {
		snprintf(why, why_size,
			"'boot iso' needs grub-mkrescue with the BIOS platform, xorriso and "
			"mformat: "
			"install the Debian packages grub-common grub-pc-bin xorriso mtools "
			"(tool/deps)");
		return GN_ERR_NOT_FOUND;
	}
	if ((err = path_of(root, why, why_size, "%s/.iso/root", boot_dir)) != GN_OK ||
		(err = path_of(log, why, why_size, "%s/.iso/grub-mkrescue.log", boot_dir)) !=
			GN_OK ||
		(err = path_of(q->iso, why, why_size, "%s/.iso/boot.iso", boot_dir)) != GN_OK ||
		(err = stage_iso(q, boot_dir, kernel, root, why, why_size)) != GN_OK)
		return err;
	char const *const argv[] = {mkrescue, "-o", q->iso, root, NULL};
	return run_tool(argv, log, why, why_size);
}

static void build_argv(gn_qemu_t *q, char const *kernel, bool qmp, unsigned cpus)
{
	size_t n = 0, len = 0;

	q->argv[n++] = q->qemu;
	q->argv[n++] = "-nodefaults";
	q->argv[n++] = "-display";
	q->argv[n++] = "none";
	q->argv[n++] = "-serial";
	q->argv[n++] = "stdio";
	q->argv[n++] = "-serial"; /* COM2 for os/uart: there on every run, its line goes nowhere */
	q->argv[n++] = "null";
	q->argv[n++] = "-no-reboot";
	q->argv[n++] = "-device";
	q->argv[n++] = "isa-debug-exit,iobase=0xf4,iosize=0x04";
	q->argv[n++] = "-m";
	q->argv[n++] = "128M";
	if (cpus > 1) { /* multi-threaded TCG, QEMU's default for more than one CPU */
		snprintf(q->smp, sizeof(q->smp), "%u", cpus);
		q->argv[n++] = "-smp";
		q->argv[n++] = q->smp;
	}
	if (qmp) { /* QEMU runs in the boot directory: the socket's name is relative */
		q->argv[n++] = "-qmp";
		q->argv[n++] = "unix:" GN_QMP_SOCKET ",server=on,wait=off";
	}
	if (q->iso[0] != '\0') {
		q->argv[n++] = "-cdrom";
		q->argv[n++] = q->iso;
		q->argv[n++] = "-boot";
		q->argv[n++] = "d";
	} else {
		q->argv[n++] = "-kernel";
		q->argv[n++] = kernel;
		for (size_t i = 0; i < q->module_count; i++)
			len += (size_t)snprintf(q->initrd + len, sizeof(q->initrd) - len, "%s%s",
				i > 0 ? "," : "", q->modules[i]);
		if (q->module_count > 0) {
			q->argv[n++] = "-initrd";
			q->argv[n++] = q->initrd;
		}
	}
	q->argv[n] = NULL;
}

gn_err_t gn_qemu_prepare(gn_qemu_t *q, gn_scenario_t const *sc, char const *boot_dir,
	char const *kernel, char *why, size_t why_size)
{
	gn_err_t err;

	*q = (gn_qemu_t){0};
	if (!find_in_path(qemu_name, q->qemu, sizeof(q->qemu))) {
		snprintf(why, why_size,
			"%s not found on PATH: install the Debian package qemu-system-x86 "
			"(tool/deps)",
			qemu_name);
		return GN_ERR_NOT_FOUND;
	}
	err = list_modules(q, sc, boot_dir, why, why_size);
	if (err == GN_OK && sc->boot_iso)
		err = make_iso(q, boot_dir, kernel, why, why_size);
	if (err == GN_OK)
		build_argv(q, kernel, sc->keys_count > 0, sc->cpus);
	return err;
}

bool gn_qemu_kernel_status(
	gn_child_status_t qemu, gn_child_status_t *kernel, char *why, size_t why_size)
{
	char how[64];

	if (!qemu.killed && qemu.value >= 2 * KERNEL_EXIT_BIAS + 1 && qemu.value % 2 == 1) {
		*kernel = (gn_child_status_t){.value = (qemu.value - 1) / 2 - KERNEL_EXIT_BIAS};
		return true;
	}
	if (!qemu.killed && qemu.value == 0)
		snprintf(why, why_size,
			"QEMU exited with status 0 without a kernel exit through isa-debug-exit: "
			"the machine reset (a triple fault?) or shut down");
	else if (!qemu.killed && qemu.value == 1)
		snprintf(why, why_size, "QEMU failed (status 1): see its message in the log");
	else {
		gn_child_describe(qemu, how, sizeof(how));
		snprintf(why, why_size, "QEMU %s, which is no kernel exit", how);
	}
	return false;
}
