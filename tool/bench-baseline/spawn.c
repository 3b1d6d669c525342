/*
 * Starting sandboxed processes.
 *
 * spawn: spawn_sandbox, clone into new user, pid, mount, ipc, uts and net namespaces,
 * no_new_privs, a raw seccomp-bpf filter, execveat of a tiny static binary (opened O_PATH, as core
 * does) that writes one byte into a pipe; timed from before clone until that byte arrives. One
 * sample is one spawn. spawn_sandbox_nonet: the same without the new network namespace (core
 * shares one empty network namespace between all components instead of creating one per child).
 *
 * bwrap: spawn_bwrap, the same tiny binary started by bubblewrap (`bwrap --unshare-all
 * --die-with-parent --ro-bind TINY /tiny /tiny`, from fork until the byte arrives).
 *
 * scale: scale_start, options.count sandboxed processes (as spawn_sandbox_nonet, the namespaces
 * core creates) started one after the other, each writing its byte and then staying (pause) as the
 * children of the Gneiss figure stay: from before the first clone until all bytes arrived. One
 * sample per run; the children are killed afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "baseline.h"

enum {
	WARM_UP = 3,
	MAX_SCALE = 4096,
};

static unsigned long const sandbox_ns =
	CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS;

/*
 * A complete static x86_64 ELF executable: one PT_LOAD segment mapping the file at 0x400000, and
 * the code  write(3, "x", 1); [pause();] exit_group(0).
 */
static size_t tiny_elf(unsigned char *out, bool stay)
{
	static char const write_code[] = "\xb8\x01\x00\x00\x00"         /* mov eax, 1 (write)   */
					 "\xbf\x03\x00\x00\x00"         /* mov edi, 3 (TINY_FD) */
					 "\x48\x8d\x35\x17\x00\x00\x00" /* lea rsi, [rip + 23]  */
					 "\xba\x01\x00\x00\x00"         /* mov edx, 1           */
					 "\x0f\x05";                    /* syscall              */
	static char const pause_code[] = "\xb8\x22\x00\x00\x00"         /* mov eax, 34 (pause)  */
					 "\x0f\x05";                    /* syscall              */
	static char const nop_code[] = "\x90\x90\x90\x90\x90\x90\x90";  /* as long, no pause    */
	static char const exit_code[] = "\xb8\xe7\x00\x00\x00" /* mov eax, 231 (exit_group) */
					"\x31\xff"             /* xor edi, edi              */
					"\x0f\x05"             /* syscall                   */
					"x";                   /* the byte written          */
	uint64_t const base = 0x400000, code_off = 64 + 56;
	uint64_t const size =
		code_off + sizeof(write_code) - 1 + sizeof(pause_code) - 1 + sizeof(exit_code) - 1;
	uint64_t const entry = base + code_off, phoff = 64, align = 0x1000;
	uint32_t const type = 1, flags = 5; /* PT_LOAD, R|X */
	unsigned char *ph = out + 64, *code = out + code_off;

	_Static_assert(TINY_FD == 3, "the code writes to descriptor 3");
	_Static_assert(sizeof(pause_code) == sizeof(nop_code), "the byte's offset is fixed");
	memset(out, 0, code_off);
	memcpy(out, "\x7f\x45\x4c\x46\x02\x01\x01", 7); /* ELF, 64-bit, little endian, v1 */
	out[16] = 2;                                    /* ET_EXEC */
	out[18] = 62;                                   /* EM_X86_64 */
	out[20] = 1;                                    /* EV_CURRENT */
	memcpy(out + 24, &entry, 8);
	memcpy(out + 32, &phoff, 8);
	out[52] = 64; /* e_ehsize */
	out[54] = 56; /* e_phentsize */
	out[56] = 1;  /* e_phnum */
	memcpy(ph, &type, 4);
	memcpy(ph + 4, &flags, 4);
	memcpy(ph + 16, &base, 8); /* p_vaddr */
	memcpy(ph + 24, &base, 8); /* p_paddr */
	memcpy(ph + 32, &size, 8); /* p_filesz */
	memcpy(ph + 40, &size, 8); /* p_memsz */
	memcpy(ph + 48, &align, 8);
	memcpy(code, write_code, sizeof(write_code) - 1);
	code += sizeof(write_code) - 1;
	memcpy(code, stay ? pause_code : nop_code, sizeof(pause_code) - 1);
	code += sizeof(pause_code) - 1;
	memcpy(code, exit_code, sizeof(exit_code) - 1);
	return size;
}

/* Writes the tiny binary to path and returns a descriptor (O_PATH, above TINY_FD) for it. */
static int write_tiny(char const *path, bool stay)
{
	unsigned char elf[256];
	size_t const len = tiny_elf(elf, stay);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);

	if (fd < 0 || write(fd, elf, len) != (ssize_t)len || close(fd) != 0)
		die(path);
	fd = open(path, O_PATH | O_CLOEXEC);
	/* above TINY_FD, which the child overwrites before the exec */
	int const high = fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 100);
	if (high < 0)
		die(path);
	close(fd);
	return high;
}

/* A raw allow-list as core installs one (only smaller): the architecture first, then the calls. */
static int install_filter(void)
{
	struct sock_filter const filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1), /* x32 */
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_write, 5, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_pause, 4, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_exit, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_exit_group, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execveat, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog const prog = {sizeof(filter) / sizeof(filter[0]), (void *)filter};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* The child after clone: raw system calls only, then the exec; exits 100+ on failure. */
static void spawn_child(int binary_fd, int pipe_w)
{
	static char *const argv[] = {"tiny", NULL};
	static char *const envp[] = {NULL};

	if (syscall(SYS_dup3, pipe_w, TINY_FD, 0) < 0)
		syscall(SYS_exit_group, 101);
	if (install_filter() != 0)
		syscall(SYS_exit_group, 102);
	syscall(SYS_execveat, binary_fd, "", argv, envp, AT_EMPTY_PATH);
	syscall(SYS_exit_group, 103);
}

/* Starts one sandboxed child writing into pipe_w; returns its pid. */
static pid_t clone_sandboxed(int binary_fd, int pipe_w, unsigned long ns_flags)
{
	long const pid = syscall(SYS_clone, ns_flags | SIGCHLD, 0, NULL, NULL, 0);

	if (pid == 0)
		spawn_child(binary_fd, pipe_w);
	if (pid < 0)
		die("clone with namespaces (needs root)");
	return (pid_t)pid;
}

/* Waits for pid, which must have exited with 0. */
static void reap(pid_t pid, char const *what)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench-baseline: %s failed (status %#x)\n", what, status);
		exit(1);
	}
}

/* Reads the one byte of a child from p[0] (the caller closed p[1]); false at EOF. */
static bool read_byte(int fd)
{
	char byte;
	ssize_t n;

	do
		n = read(fd, &byte, 1);
	while (n < 0 && errno == EINTR);
	return n == 1;
}

/* One spawn: from before clone until the child's byte arrives. Returns nanoseconds. */
static uint64_t spawn_once(int binary_fd, unsigned long ns_flags)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) != 0)
		die("pipe2");
	uint64_t const t0 = now_ns();
	pid_t const pid = clone_sandboxed(binary_fd, p[1], ns_flags);
	close(p[1]);
	bool const ok = read_byte(p[0]);
	uint64_t const t1 = now_ns();
	close(p[0]);
	reap(pid, "sandboxed child");
	if (!ok)
		die("the sandboxed child wrote nothing");
	return t1 - t0;
}

static void spawn_figure(options_t const *o, int fd, char const *name, unsigned long ns_flags)
{
	uint64_t *samples = calloc(o->spawns, sizeof(uint64_t));

	if (!samples)
		die("calloc");
	for (unsigned i = 0; i < WARM_UP; i++)
		(void)spawn_once(fd, ns_flags);
	for (unsigned i = 0; i < o->spawns; i++)
		samples[i] = spawn_once(fd, ns_flags);
	report(name, samples, o->spawns, 1);
	free(samples);
}

void bench_spawn(options_t const *o)
{
	int const fd = write_tiny(o->tiny, false);

	/* without the network namespace first: tearing one down is deferred work */
	spawn_figure(o, fd, "spawn_sandbox_nonet", sandbox_ns);
	spawn_figure(o, fd, "spawn_sandbox", sandbox_ns | CLONE_NEWNET);
	close(fd);
}

/* ---- bubblewrap ------------------------------------------------------------------------------- */

static uint64_t bwrap_once(char const *tiny)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) != 0)
		die("pipe2");
	uint64_t const t0 = now_ns();
	pid_t const pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (dup2(p[1], TINY_FD) != TINY_FD) /* dup2 clears close-on-exec */
			_exit(101);
		execlp("bwrap", "bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", tiny,
			"/tiny", "/tiny", (char *)NULL);
		_exit(102);
	}
	close(p[1]);
	bool const ok = read_byte(p[0]);
	uint64_t const t1 = now_ns();
	close(p[0]);
	reap(pid, "bwrap (is bubblewrap installed? make deps)");
	if (!ok)
		die("the child of bwrap wrote nothing");
	return t1 - t0;
}

void bench_bwrap(options_t const *o)
{
	uint64_t *samples = calloc(o->spawns, sizeof(uint64_t));
	int const fd = write_tiny(o->tiny, false);

	if (!samples)
		die("calloc");
	close(fd);
	for (unsigned i = 0; i < WARM_UP; i++)
		(void)bwrap_once(o->tiny);
	for (unsigned i = 0; i < o->spawns; i++)
		samples[i] = bwrap_once(o->tiny);
	report("spawn_bwrap", samples, o->spawns, 1);
	free(samples);
}

/* ---- many at once ----------------------------------------------------------------------------- */

void bench_scale(options_t const *o)
{
	static pid_t pids[MAX_SCALE];
	char path[4096];
	int p[2];
	unsigned started = 0, arrived = 0;

	if (o->count > MAX_SCALE) {
		fprintf(stderr, "bench-baseline: at most %d processes\n", MAX_SCALE);
		exit(2);
	}
	snprintf(path, sizeof(path), "%s-stay", o->tiny);
	int const fd = write_tiny(path, true);
	if (pipe2(p, O_CLOEXEC) != 0)
		die("pipe2");
	uint64_t const t0 = now_ns();
	for (; started < o->count; started++)
		pids[started] = clone_sandboxed(fd, p[1], sandbox_ns);
	close(p[1]);
	while (arrived < o->count && read_byte(p[0]))
		arrived++;
	uint64_t t = now_ns() - t0;
	for (unsigned i = 0; i < started; i++)
		kill(pids[i], SIGKILL);
	for (unsigned i = 0; i < started; i++)
		waitpid(pids[i], NULL, 0);
	close(p[0]);
	close(fd);
	if (arrived != o->count) {
		fprintf(stderr, "bench-baseline: only %u of %u children started\n", arrived,
			o->count);
		exit(1);
	}
	char name[32];
	snprintf(name, sizeof(name), "scale_start_%u", o->count);
	report(name, &t, 1, 1);
}
