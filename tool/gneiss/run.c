/*
 * The run command.
 *
 * A run goes through fixed steps: parse the command line, load the scenario, assemble the boot
 * directory, start core, watch, clean up, judge. Every step before the watch may fail with a reason;
 * from the moment core is started, the cleanup (kill core's group, reap everything, count leaks)
 * runs on every path, and a leak turns any verdict into FAIL. The tool's terminating signals are
 * blocked from the start and read through a signalfd, so they only ever end the watch early and
 * never skip the cleanup. The last line printed is always the verdict.
 *
 * On the hw platform "core" is the kernel image (base-hw links core into it) and the process the
 * tool starts is QEMU (qemu.c): the boot directory's files become multiboot modules, and QEMU's
 * exit status is turned back into the kernel's exit value before the judging, which is the same.
 * A QEMU that ends without a kernel exit (a triple fault resets the machine) fails the run.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "bootdir.h"
#include "child.h"
#include "qemu.h"
#include "qmp.h"
#include "reaper.h"
#include "repo.h"
#include "run.h"
#include "scenario.h"
#include "watch.h"

enum {
	REAP_BOUND_MS = 1000,
	REASON_MAX = 1536,
};

typedef struct {
	char const *platform;
	bool hw;             /* the hw platform: core_path is the kernel image, QEMU runs it */
	char const *subject; /* who exits: "core" or "the kernel" */
	char const *core_arg;
	char const *scenario_dir;
	bool keep;
	char root[PATH_MAX];
	char name[NAME_MAX + 1];
	char boot_dir[PATH_MAX];
	char core_path[PATH_MAX];
	FILE *log;
	gn_scenario_t sc;
	gn_qemu_t qemu;
	int signal_fd;
	long long start_ms;
	char reason[REASON_MAX];
	bool typed[GN_SCENARIO_KEYS_MAX]; /* each `keys` line types once */
	bool keys_failed;
} run_t;

static void usage(FILE *to)
{
	fprintf(to,
		"usage: gneiss run [--platform linux|hw] [--core PATH] [--keep] SCENARIO_DIR\n");
}

/* Prints one line of the tool's own to stdout and to the log. */
static GN_PRINTF(2, 3) void say(run_t *run, char const *fmt, ...)
{
	va_list ap;

	fputs("gneiss run: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	if (!run->log)
		return;
	fputs("gneiss run: ", run->log);
	va_start(ap, fmt);
	vfprintf(run->log, fmt, ap);
	va_end(ap);
	fputc('\n', run->log);
}

/* Appends to the failure reason, separating reasons with "; ". */
static GN_PRINTF(2, 3) void add_reason(run_t *run, char const *fmt, ...)
{
	size_t len = strlen(run->reason);
	va_list ap;

	if (len > 0 && len + 2 < sizeof(run->reason)) {
		strcpy(run->reason + len, "; ");
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(run->reason + len, sizeof(run->reason) - len, fmt, ap);
	va_end(ap);
}

static int parse_args(run_t *run, int argc, char **argv)
{
	static struct option const options[] = {
		{"platform", required_argument, NULL, 'p'},
		{"core", required_argument, NULL, 'c'},
		{"keep", no_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	run->platform = "linux";
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
		switch (opt) {
		case 'p': run->platform = optarg; break;
		case 'c': run->core_arg = optarg; break;
		case 'k': run->keep = true; break;
		case 'h': usage(stdout); exit(GN_RUN_PASS);
		default:
			fprintf(stderr, "gneiss run: bad option '%s'\n", argv[optind - 1]);
			return GN_RUN_USAGE;
		}
	}
	if (strcmp(run->platform, "linux") != 0 && strcmp(run->platform, "hw") != 0) {
		fprintf(stderr, "gneiss run: unknown platform '%s' (linux or hw)\n", run->platform);
		return GN_RUN_USAGE;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "gneiss run: %s\n",
			optind < argc ? "one scenario only" : "no scenario");
		return GN_RUN_USAGE;
	}
	run->scenario_dir = argv[optind];
	run->hw = strcmp(run->platform, "hw") == 0;
	run->subject = run->hw ? "the kernel" : "core";
	return GN_RUN_PASS;
}

/*
 * Blocks the signals that end a run and returns a signalfd for them. A signal the tool inherited as
 * ignored (nohup) stays ignored. SIGPIPE is ignored: a closed stdout must not skip the cleanup.
 */
static int setup_signals(void)
{
	int const ends[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction old;
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < GN_ARRAY_SIZE(ends); i++) {
		if (sigaction(ends[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaddset(&set, ends[i]);
	}
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* The scenario's name as given, for messages before the directory is known to exist. */
static void guess_name(run_t *run)
{
	char const *arg = run->scenario_dir;
	size_t end = strlen(arg), start;

	while (end > 1 && arg[end - 1] == '/')
		end--;
	for (start = end; start > 0 && arg[start - 1] != '/'; start--)
		;
	snprintf(run->name, sizeof(run->name), "%.*s", (int)(end - start), arg + start);
}

/* Finds the repository and the scenario, and opens the log next to the boot directory. */
static bool setup_paths(run_t *run)
{
	char real[PATH_MAX], run_dir[PATH_MAX], log[PATH_MAX + 8];

	if (gn_repo_root(run->root, sizeof(run->root)) != GN_OK) {
		add_reason(run, "cannot find the repository (run the tool from inside it)");
		return false;
	}
	if (!realpath(run->scenario_dir, real)) {
		add_reason(run, "no scenario directory %s: %s", run->scenario_dir, strerror(errno));
		return false;
	}
	snprintf(run->name, sizeof(run->name), "%s", strrchr(real, '/') + 1);
	if (run->name[0] == '\0' || run->name[0] == '.' ||
		strspn(run->name,
			"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-") !=
			strlen(run->name)) {
		add_reason(run, "'%s' is not a usable scenario name", run->name);
		return false;
	}
	if (snprintf(run_dir, sizeof(run_dir), "%s/build/run/%s", run->root, run->platform) >=
			(int)sizeof(run_dir) ||
		snprintf(run->boot_dir, sizeof(run->boot_dir), "%s/%s", run_dir, run->name) >=
			(int)sizeof(run->boot_dir)) {
		add_reason(run, "path too long: %s/build/run/%s/%s", run->root, run->platform,
			run->name);
		run->boot_dir[0] = '\0';
		return false;
	}
	if (gn_bootdir_mkdirs(run_dir, run->reason, sizeof(run->reason)) != GN_OK)
		return false;
	snprintf(log, sizeof(log), "%s.log", run->boot_dir);
	run->log = fopen(log, "we");
	if (!run->log) {
		add_reason(run, "cannot write %s: %s", log, strerror(errno));
		return false;
	}
	setvbuf(run->log, NULL, _IOLBF, 0);
	return true;
}

static bool resolve_core(run_t *run)
{
	int n;

	if (!run->core_arg && run->hw)
		n = snprintf(run->core_path, sizeof(run->core_path), "%s/build/hw/kernel.elf32",
			run->root);
	else if (!run->core_arg)
		n = snprintf(run->core_path, sizeof(run->core_path), "%s/build/%s/bin/core",
			run->root, run->platform);
	else if (run->core_arg[0] == '/')
		n = snprintf(run->core_path, sizeof(run->core_path), "%s", run->core_arg);
	else
		n = snprintf(
			run->core_path, sizeof(run->core_path), "%s/%s", run->root, run->core_arg);
	if (n >= (int)sizeof(run->core_path)) {
		add_reason(run, "path of core too long");
		return false;
	}
	if (run->hw && access(run->core_path, R_OK) != 0) {
		add_reason(run, "no kernel image at %s: %s%s", run->core_path, strerror(errno),
			run->core_arg ? "" : " (build it with make hw, or name one with --core)");
		return false;
	}
	if (!run->hw && access(run->core_path, X_OK) != 0) {
		add_reason(run, "no executable core at %s: %s%s", run->core_path, strerror(errno),
			run->core_arg ? "" : " (build it, or name one with --core)");
		return false;
	}
	return true;
}

/* The CPUs core may use on linux: the run tool's own affinity, which core inherits. */
static unsigned host_cpus(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) == 0 ? (unsigned)CPU_COUNT(&set) : 1;
}

/* A scenario of components: init is one of its binaries. */
static bool starts_init(gn_scenario_t const *sc)
{
	for (size_t i = 0; i < sc->binary_count; i++)
		if (strcmp(sc->binaries[i].name, "init") == 0)
			return true;
	return false;
}

/*
 * On hw, core is a boot module beside the components: the kernel starts it alone (the module
 * hw-start names it), and it starts init.
 */
static bool add_hw_core(run_t *run, char const *bin_dir)
{
	char core[PATH_MAX + 32], start_list[PATH_MAX + 32];

	snprintf(core, sizeof(core), "%s/core", bin_dir);
	if (gn_bootdir_copy_file(core, run->boot_dir, "core", run->reason, sizeof(run->reason)) !=
		GN_OK)
		return false;
	snprintf(start_list, sizeof(start_list), "%s/hw-start", run->boot_dir);
	FILE *f = fopen(start_list, "wxe");
	if (!f || fputs("core\n", f) < 0 || fclose(f) != 0) {
		add_reason(run, "cannot write %s: %s", start_list, strerror(errno));
		return false;
	}
	return true;
}

/* Everything before core starts. On failure the reason is set. */
static bool prepare(run_t *run)
{
	char path[PATH_MAX + 16], bin_dir[PATH_MAX + 16];
	double default_timeout = strcmp(run->platform, "hw") == 0 ? 30 : 10;

	if (run->signal_fd < 0) {
		add_reason(run, "cannot set up signal handling: %s", strerror(errno));
		return false;
	}
	if (!setup_paths(run))
		return false;
	snprintf(path, sizeof(path), "%s/scenario", run->scenario_dir);
	if (gn_scenario_load(path, default_timeout, &run->sc, run->reason, sizeof(run->reason)) !=
		GN_OK)
		return false;
	if (!resolve_core(run))
		return false;
	snprintf(bin_dir, sizeof(bin_dir), "%s/build/%s/bin", run->root, run->platform);
	if (run->sc.boot_iso && !run->hw) {
		add_reason(run, "'boot iso' (line %u of scenario) needs the hw platform",
			run->sc.boot_line);
		return false;
	}
	if (run->sc.cpus_line && !run->hw && host_cpus() < run->sc.cpus) {
		add_reason(run, "'cpus %u' (line %u of scenario) needs %u CPUs, the host offers %u",
			run->sc.cpus, run->sc.cpus_line, run->sc.cpus, host_cpus());
		return false;
	}
	if (run->sc.keys_count > 0 && !run->hw) {
		add_reason(run, "'keys' (line %u of scenario) needs the hw platform",
			run->sc.keys[0].after.line);
		return false;
	}
	if (gn_bootdir_create(run->boot_dir, &run->sc, bin_dir, run->scenario_dir, run->reason,
		    sizeof(run->reason)) != GN_OK)
		return false;
	if (run->hw && starts_init(&run->sc) && !add_hw_core(run, bin_dir))
		return false;
	if (run->hw && gn_qemu_prepare(&run->qemu, &run->sc, run->boot_dir, run->core_path,
			       run->reason, sizeof(run->reason)) != GN_OK)
		return false;
	return gn_reaper_init(run->reason, sizeof(run->reason)) == GN_OK;
}

/* Describes an expect or reject as "'expect X' (line N of scenario)". */
static char const *pattern_ref(char const *kind, gn_pattern_t const *p, char *buf, size_t size)
{
	snprintf(buf, size, "'%s %s' (line %u of scenario)", kind, p->text, p->line);
	return buf;
}

/* Judges the watch's outcome; on failure sets the reason. */
static bool judge(run_t *run, gn_match_t const *m, gn_watch_result_t const *w)
{
	gn_scenario_t const *sc = &run->sc;
	gn_pattern_t const *awaited = gn_match_awaited(m);
	char ref[GN_SCENARIO_LINE_MAX + 64], how[64];

	gn_child_describe(w->status, how, sizeof(how));
	if (w->end == GN_WATCH_SIGNAL)
		add_reason(run, "interrupted by SIG%s", sigabbrev_np(w->signo));
	else if (w->end == GN_WATCH_ERROR)
		add_reason(run, "cannot watch core: %s", strerror(errno));
	else if (m->state == GN_MATCH_REJECTED)
		add_reason(run, "log line %zu matches %s", m->rejected_at,
			pattern_ref("reject", m->rejected_by, ref, sizeof(ref)));
	else if (awaited && w->end == GN_WATCH_EXITED)
		add_reason(run, "%s %s before %s was seen", run->subject, how,
			pattern_ref(awaited->kind, awaited, ref, sizeof(ref)));
	else if (awaited)
		add_reason(run, "timeout after %g s waiting for %s", sc->timeout_s,
			pattern_ref(awaited->kind, awaited, ref, sizeof(ref)));
	else if (sc->has_exit && w->end == GN_WATCH_TIMEOUT)
		add_reason(run,
			"timeout after %g s waiting for core to exit with code %d (line %u "
			"of scenario)",
			sc->timeout_s, sc->exit_code, sc->exit_line);
	else if (sc->has_exit && (w->status.killed || w->status.value != sc->exit_code))
		add_reason(run, "%s %s, but the scenario expects exit %d (line %u of scenario)",
			run->subject, how, sc->exit_code, sc->exit_line);
	else
		return true;
	return false;
}

/* Reports what the reaper had to clean up; false when anything escaped or survived. */
static bool judge_cleanup(run_t *run, gn_reaper_result_t const *r)
{
	unsigned noted = r->leaked < GN_REAPER_NOTED_MAX ? r->leaked : GN_REAPER_NOTED_MAX;

	for (unsigned i = 0; i < noted; i++)
		say(run, "leaked process %d (%s) escaped core's process group, killed",
			(int)r->leaks[i].pid, r->leaks[i].comm);
	if (r->leaked == 1)
		add_reason(run, "leaked process %d (%s)", (int)r->leaks[0].pid, r->leaks[0].comm);
	else if (r->leaked > 1)
		add_reason(run, "leaked process %d (%s) and %u more", (int)r->leaks[0].pid,
			r->leaks[0].comm, r->leaked - 1);
	if (r->survivors > 0)
		add_reason(run, "%u process(es) survived SIGKILL for %d ms, e.g. %d (%s)",
			r->survivors, REAP_BOUND_MS, (int)r->survivor.pid, r->survivor.comm);
	return r->leaked == 0 && r->survivors == 0;
}

/* The watch's line hook: types the keys of each `keys` line whose pattern the line matches. */
static void type_keys(void *ctx, char const *line)
{
	run_t *run = ctx;

	for (size_t i = 0; i < run->sc.keys_count && !run->keys_failed; i++) {
		gn_keys_t const *k = &run->sc.keys[i];
		char why[768];
		if (run->typed[i] || regexec(&k->after.re, line, 0, NULL, 0) != 0)
			continue;
		run->typed[i] = true;
		say(run, "typing %zu keys (line %u of scenario)", k->chord_count, k->after.line);
		if (gn_qmp_send_keys(run->boot_dir, k, why, sizeof(why)) != GN_OK) {
			add_reason(run, "typing the keys of line %u of scenario failed: %s",
				k->after.line, why);
			run->keys_failed = true;
		}
	}
}

/* False (with the reason) when a `keys` line failed or its pattern never came. */
static bool judge_keys(run_t *run)
{
	for (size_t i = 0; i < run->sc.keys_count && !run->keys_failed; i++) {
		if (!run->typed[i]) {
			add_reason(run, "'keys ... %s' (line %u of scenario) never saw its line",
				run->sc.keys[i].after.text, run->sc.keys[i].after.line);
			return false;
		}
	}
	return !run->keys_failed;
}

/* Starts core, watches, cleans up and judges. Returns whether the run passed. */
static bool boot_and_judge(run_t *run)
{
	gn_child_t child;
	gn_match_t match;
	gn_watch_result_t result;
	gn_reaper_result_t reaped;
	bool pass;

	char const *const core_argv[] = {run->core_path, NULL};
	char const *const *argv = run->hw ? run->qemu.argv : core_argv;
	bool machine_ok = true;

	say(run, "booting %s on %s: %s %s%s, timeout %g s", run->name, run->platform,
		run->hw ? "kernel" : "core", run->core_path,
		run->hw ? (run->sc.boot_iso ? " from a GRUB ISO" : " with -kernel") : "",
		run->sc.timeout_s);
	run->start_ms = gn_watch_now_ms();
	if (gn_child_start_argv(argv, run->boot_dir, &child, run->reason, sizeof(run->reason)) !=
		GN_OK)
		return false;
	gn_match_init(&match, &run->sc);
	gn_watch_t const watch = {
		.child = &child,
		.signal_fd = run->signal_fd,
		.log = run->log,
		.match = &match,
		.await_exit = run->sc.has_exit,
		.deadline_ms = run->start_ms + (long long)(run->sc.timeout_s * 1000),
		.on_line = run->sc.keys_count > 0 ? type_keys : NULL,
		.on_line_ctx = run,
	};
	gn_watch_run(&watch, &result);
	run->start_ms = gn_watch_now_ms() - run->start_ms; /* from now on: the duration */
	gn_child_close(&child);
	gn_reaper_finish(child.pid, REAP_BOUND_MS, &reaped);
	if (run->hw && result.end == GN_WATCH_EXITED) {
		char why[256];
		machine_ok = gn_qemu_kernel_status(result.status, &result.status, why, sizeof(why));
		if (!machine_ok)
			add_reason(run, "%s", why);
	}
	pass = machine_ok && judge(run, &match, &result);
	pass = judge_keys(run) && pass;
	return judge_cleanup(run, &reaped) && pass;
}

static int finish(run_t *run, bool pass)
{
	char why[256];
	size_t n = run->sc.expect_count + run->sc.also_count;

	if (!run->keep && run->boot_dir[0] != '\0' &&
		gn_bootdir_remove(run->boot_dir, why, sizeof(why)) != GN_OK)
		say(run, "warning: %s", why);
	if (pass && run->sc.has_exit)
		say(run, "PASS %s (%zu pattern%s and exit %d in %.1f s)", run->name, n,
			n == 1 ? "" : "s", run->sc.exit_code, (double)run->start_ms / 1000);
	else if (pass)
		say(run, "PASS %s (%zu pattern%s in %.1f s)", run->name, n, n == 1 ? "" : "s",
			(double)run->start_ms / 1000);
	else
		say(run, "FAIL %s: %s", run->name, run->reason);
	if (run->log)
		fclose(run->log);
	gn_scenario_free(&run->sc);
	if (run->signal_fd >= 0)
		close(run->signal_fd);
	fflush(stdout);
	return pass ? GN_RUN_PASS : GN_RUN_FAIL;
}

int gn_run_main(int argc, char **argv)
{
	run_t run = {.signal_fd = -1};
	int rc = parse_args(&run, argc, argv);

	if (rc != GN_RUN_PASS) {
		usage(stderr);
		return rc;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	run.signal_fd = setup_signals();
	guess_name(&run);
	return finish(&run, prepare(&run) && boot_and_judge(&run));
}
