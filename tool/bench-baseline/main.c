/*
 * bench-baseline: the raw Linux figures the Gneiss benchmarks are compared with, measured in the
 * same run on the same machine (tool/bench/run runs both and prints ratios).
 *
 * Every figure is printed as one line in the format the Gneiss bench components log:
 *
 *   bench: NAME median=NS p10=NS p90=NS n=BATCHESxITERS
 *
 * - rpc_capsK (K = 0..4): a round trip between two processes pinned to the same CPU over a
 *   SOCK_SEQPACKET socketpair, 24-byte request and reply (the size of a Gneiss request with an
 *   8-byte argument), the request carrying K AF_UNIX socket descriptors via SCM_RIGHTS, which the
 *   receiver closes. Each sample is the mean of ITERS round trips; the figures are over BATCHES
 *   samples.
 * - rpc_epoll_caps0: rpc_caps0 with the server shaped like the Gneiss entrypoint (epoll_wait, then
 *   recvmsg and sendmsg with MSG_DONTWAIT), to tell the cost of that design from the rest.
 * - spawn_sandbox: clone into new user, pid, mount, ipc, uts and net namespaces, no_new_privs, a
 *   raw seccomp-bpf filter, execveat of a tiny static binary (opened O_PATH, as core does) that
 *   writes one byte into a pipe; timed from before clone until that byte arrives. Each sample is
 *   one spawn.
 * - spawn_sandbox_nonet: the same without the new network namespace (core shares one empty
 *   network namespace between all components instead of creating one per component).
 *
 * Usage: bench-baseline [--cpu N] [--batches B] [--iters N] [--spawns S] [--tiny PATH]
 *                       [--only rpc|spawn]
 * Everything runs pinned to CPU N (default 0), so the round trips are same-core figures.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
	MAX_CAPS = 4,
	MSG_LEN = 24,         /* a Gneiss header (16 bytes) + an 8-byte argument */
	RECV_LEN = 16 + 4096, /* what a Gneiss receiver offers: header + payload */
	TINY_FD = 3,          /* where the tiny binary writes its byte */
	MAX_SAMPLES = 100000,
};

typedef struct {
	int cpu;
	unsigned batches, iters, spawns;
	char const *tiny;
	char const *only; /* NULL: everything */
} options_t;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(char const *what)
{
	fprintf(stderr, "bench-baseline: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int cmp_u64(void const *a, void const *b)
{
	uint64_t const x = *(uint64_t const *)a, y = *(uint64_t const *)b;

	return x < y ? -1 : x > y;
}

/* Sorts samples and prints the figure line: median and the 10th and 90th percentile. */
static void report(char const *name, uint64_t *samples, unsigned n, unsigned iters)
{
	qsort(samples, n, sizeof(samples[0]), cmp_u64);
	printf("bench: %s median=%llu p10=%llu p90=%llu n=%ux%u\n", name,
		(unsigned long long)samples[n / 2], (unsigned long long)samples[n / 10],
		(unsigned long long)samples[n * 9 / 10], n, iters);
	fflush(stdout);
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		die("sched_setaffinity");
}

/* ---- round trips ------------------------------------------------------------------------------ */

static ssize_t send_msg(
	int sock, void const *data, size_t len, int const *fds, unsigned num_fds, int flags)
{
	union {
		struct cmsghdr align;
		char bytes[CMSG_SPACE(sizeof(int) * MAX_CAPS)];
	} control;
	struct iovec iov = {(void *)data, len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

	if (num_fds) {
		msg.msg_control = control.bytes;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * num_fds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_len = CMSG_LEN(sizeof(int) * num_fds);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(c), fds, sizeof(int) * num_fds);
	}
	return sendmsg(sock, &msg, flags | MSG_NOSIGNAL);
}

/* Receives one message; closes every descriptor it carried. Returns the length, 0 at EOF. */
static ssize_t recv_msg(int sock, void *buf, size_t len, int flags)
{
	union {
		struct cmsghdr align;
		char bytes[CMSG_SPACE(sizeof(int) * MAX_CAPS)];
	} control;
	struct iovec iov = {buf, len};
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.bytes,
		.msg_controllen = sizeof(control.bytes),
	};
	ssize_t ret = recvmsg(sock, &msg, flags | MSG_CMSG_CLOEXEC);

	if (ret <= 0)
		return ret;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t const n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			close(fd);
		}
	}
	return ret;
}

/* The server: answers every request with a reply of the same size until the socket closes. */
static void serve(int sock)
{
	static char buf[RECV_LEN];

	for (;;) {
		ssize_t n = recv_msg(sock, buf, sizeof(buf), 0);
		if (n <= 0)
			_exit(n == 0 ? 0 : 1);
		if (send_msg(sock, buf, (size_t)n, NULL, 0, 0) != n)
			_exit(1);
	}
}

/*
 * The same server shaped like the Gneiss entrypoint: it waits in epoll_wait, then receives and
 * replies without blocking (one more system call per round trip than serve()).
 */
static void serve_epoll(int sock)
{
	static char buf[RECV_LEN];
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = sock}, events[16];
	int const ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, sock, &ev) != 0)
		_exit(1);
	for (;;) {
		int const ready = epoll_wait(ep, events, 16, -1);
		if (ready < 0 && errno != EINTR)
			_exit(1);
		for (int i = 0; i < ready; i++) {
			ssize_t n = recv_msg(events[i].data.fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n < 0 && errno == EAGAIN)
				continue;
			if (n <= 0)
				_exit(n == 0 ? 0 : 1);
			if (send_msg(sock, buf, (size_t)n, NULL, 0, MSG_DONTWAIT) != n)
				_exit(1);
		}
	}
}

static void round_trip(int sock, int const *fds, unsigned k)
{
	static char req[MSG_LEN], reply[RECV_LEN];

	if (send_msg(sock, req, sizeof(req), fds, k, 0) != (ssize_t)sizeof(req) ||
		recv_msg(sock, reply, sizeof(reply), 0) != (ssize_t)sizeof(req))
		die("round trip");
}

/* Figures PREFIXk for k = 0..max_caps descriptors per request. */
static void bench_rpc(
	options_t const *o, void (*server)(int), char const *prefix, unsigned max_caps)
{
	int sv[2], caps[MAX_CAPS], peers[MAX_CAPS];
	uint64_t *samples = calloc(o->batches, sizeof(uint64_t));

	if (!samples)
		die("calloc");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		die("socketpair");
	for (unsigned i = 0; i < MAX_CAPS; i++) { /* the descriptors sent: object-like sockets */
		int pair[2];
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
			die("socketpair");
		caps[i] = pair[1];
		peers[i] = pair[0];
	}
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(sv[0]);
		server(sv[1]);
	}
	close(sv[1]);
	for (unsigned k = 0; k <= max_caps; k++) {
		for (unsigned i = 0; i < o->iters; i++) /* warm-up */
			round_trip(sv[0], caps, k);
		for (unsigned b = 0; b < o->batches; b++) {
			uint64_t const t0 = now_ns();
			for (unsigned i = 0; i < o->iters; i++)
				round_trip(sv[0], caps, k);
			samples[b] = (now_ns() - t0) / o->iters;
		}
		char name[32];
		snprintf(name, sizeof(name), "%s%u", prefix, k);
		report(name, samples, o->batches, o->iters);
	}
	close(sv[0]);
	for (unsigned i = 0; i < MAX_CAPS; i++) {
		close(caps[i]);
		close(peers[i]);
	}
	waitpid(pid, NULL, 0);
	free(samples);
}

/* ---- sandboxed spawn -------------------------------------------------------------------------- */

/*
 * A complete static x86_64 ELF executable: one PT_LOAD segment mapping the file at 0x400000, and
 * the code  write(3, "x", 1); exit_group(0).
 */
static size_t tiny_elf(unsigned char *out)
{
	static char const code[] = "\xb8\x01\x00\x00\x00"         /* mov eax, 1 (write)        */
				   "\xbf\x03\x00\x00\x00"         /* mov edi, 3 (TINY_FD)      */
				   "\x48\x8d\x35\x10\x00\x00\x00" /* lea rsi, [rip + 16]       */
				   "\xba\x01\x00\x00\x00"         /* mov edx, 1                */
				   "\x0f\x05"                     /* syscall                   */
				   "\xb8\xe7\x00\x00\x00"         /* mov eax, 231 (exit_group) */
				   "\x31\xff"                     /* xor edi, edi              */
				   "\x0f\x05"                     /* syscall                   */
				   "x";                           /* the byte written          */
	uint64_t const base = 0x400000, code_off = 64 + 56, size = code_off + sizeof(code) - 1;
	uint64_t const entry = base + code_off, phoff = 64, align = 0x1000;
	uint32_t const type = 1, flags = 5; /* PT_LOAD, R|X */
	unsigned char *ph = out + 64;

	_Static_assert(TINY_FD == 3, "the code writes to descriptor 3");
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
	memcpy(out + code_off, code, sizeof(code) - 1);
	return size;
}

static int write_tiny(char const *path)
{
	unsigned char elf[256];
	size_t const len = tiny_elf(elf);
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
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_write, 4, 0),
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

/* One spawn: from before clone until the child's byte arrives. Returns nanoseconds. */
static uint64_t spawn_once(int binary_fd, unsigned long ns_flags)
{
	int p[2];
	char byte;
	int status;

	if (pipe2(p, O_CLOEXEC) != 0)
		die("pipe2");
	uint64_t const t0 = now_ns();
	long pid = syscall(SYS_clone, ns_flags | SIGCHLD, 0, NULL, NULL, 0);
	if (pid == 0)
		spawn_child(binary_fd, p[1]);
	if (pid < 0)
		die("clone with namespaces (needs root)");
	close(p[1]);
	ssize_t const n = read(p[0], &byte, 1);
	uint64_t const t1 = now_ns();
	close(p[0]);
	if (waitpid((pid_t)pid, &status, 0) != (pid_t)pid)
		die("waitpid");
	if (n != 1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench-baseline: sandboxed child failed (status %#x)\n", status);
		exit(1);
	}
	return t1 - t0;
}

static void bench_spawn(options_t const *o, char const *name, unsigned long ns_flags)
{
	int const fd = write_tiny(o->tiny);
	uint64_t *samples = calloc(o->spawns, sizeof(uint64_t));

	if (!samples)
		die("calloc");
	for (unsigned i = 0; i < 3; i++) /* warm-up */
		(void)spawn_once(fd, ns_flags);
	for (unsigned i = 0; i < o->spawns; i++)
		samples[i] = spawn_once(fd, ns_flags);
	report(name, samples, o->spawns, 1);
	close(fd);
	free(samples);
}

/* ---- main ------------------------------------------------------------------------------------- */

static unsigned parse_count(char const *arg)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (*end || v == 0 || v > MAX_SAMPLES) {
		fprintf(stderr, "bench-baseline: bad count '%s'\n", arg);
		exit(2);
	}
	return (unsigned)v;
}

int main(int argc, char **argv)
{
	options_t o = {0, 51, 200, 50, "build/bench/tiny", NULL};
	unsigned long const ns =
		CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS;

	for (int i = 1; i < argc; i++) {
		if (i + 1 == argc) {
			fprintf(stderr, "usage: bench-baseline [--cpu N] [--batches B] [--iters N] "
					"[--spawns S] [--tiny PATH] [--only rpc|spawn]\n");
			return 2;
		}
		if (strcmp(argv[i], "--cpu") == 0)
			o.cpu = atoi(argv[++i]);
		else if (strcmp(argv[i], "--batches") == 0)
			o.batches = parse_count(argv[++i]);
		else if (strcmp(argv[i], "--iters") == 0)
			o.iters = parse_count(argv[++i]);
		else if (strcmp(argv[i], "--spawns") == 0)
			o.spawns = parse_count(argv[++i]);
		else if (strcmp(argv[i], "--tiny") == 0)
			o.tiny = argv[++i];
		else if (strcmp(argv[i], "--only") == 0)
			o.only = argv[++i];
		else {
			fprintf(stderr, "bench-baseline: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	pin(o.cpu);
	if (o.only && strcmp(o.only, "rpc") != 0 && strcmp(o.only, "spawn") != 0) {
		fprintf(stderr, "bench-baseline: --only rpc or --only spawn\n");
		return 2;
	}
	if (!o.only || strcmp(o.only, "rpc") == 0) {
		bench_rpc(&o, serve, "rpc_caps", MAX_CAPS);
		bench_rpc(&o, serve_epoll, "rpc_epoll_caps", 0);
	}
	if (!o.only || strcmp(o.only, "spawn") == 0) {
		/* without the network namespace first: tearing one down is deferred work */
		bench_spawn(&o, "spawn_sandbox_nonet", ns);
		bench_spawn(&o, "spawn_sandbox", ns | CLONE_NEWNET);
	}
	return 0;
}
