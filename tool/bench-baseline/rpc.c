/*
 * Round trips between two processes, the client on options.cpu and the server on options.cpu2, and
 * session-like connections.
 *
 * rpc: three servers, each answering every request with a reply of the same size:
 * - rpc_*: a persistent SOCK_SEQPACKET socketpair, blocking recvmsg/sendmsg (the raw mechanism).
 *   rpc_capsK: 24-byte messages (a Gneiss header of 16 bytes + an 8-byte argument) carrying K
 *   AF_UNIX socket descriptors via SCM_RIGHTS, which the server closes; rpc_empty: 17 bytes (the
 *   header + the one byte of an empty Gneiss argument); rpc_pN: 16 + N bytes.
 * - rpc_epoll_caps0 (same core only): rpc_caps0 with the server shaped like the Gneiss entrypoint
 *   (epoll_wait, then recvmsg and sendmsg with MSG_DONTWAIT).
 * - rpc_rs_*: Genode base-linux's scheme: per call the client creates a socketpair, sends one end
 *   with the request over the server's socket and waits on the other end, on which the server
 *   replies and which it then closes.
 * rpc_empty_call and rpc_rs_empty_call time single empty round trips (the latency distribution).
 * Across cores only the figures the Gneiss client takes there are taken (bench-client).
 *
 * session: session_cycle opens a connection to a listening SOCK_SEQPACKET socket (the server
 * accepts it and answers one message) and closes it again after the server confirmed the close.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "baseline.h"

enum {
	HEADER = 16,              /* a Gneiss message header */
	RECV_LEN = HEADER + 4096, /* what a Gneiss receiver offers: header + payload */
};

typedef struct {
	char const *name;
	unsigned len;  /* request and reply bytes */
	unsigned caps; /* descriptors with the request */
	bool cross;    /* also taken across cores */
} kind_t;

static kind_t const kinds[] = {
	{"caps0", HEADER + 8, 0, true},
	{"caps1", HEADER + 8, 1, true},
	{"caps2", HEADER + 8, 2, false},
	{"caps3", HEADER + 8, 3, false},
	{"caps4", HEADER + 8, 4, true},
	{"empty", HEADER + 1, 0, true},
	{"p64", HEADER + 64, 0, true},
	{"p256", HEADER + 256, 0, false},
	{"p1024", HEADER + 1024, 0, false},
	{"p4096", HEADER + 4096, 0, true},
};

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

/*
 * Receives one message. The descriptors it carried are closed, except that the first one is
 * returned in *keep when keep is not NULL (-1 when none came). Returns the length, 0 at EOF.
 */
static ssize_t recv_msg(int sock, void *buf, size_t len, int flags, int *keep)
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

	if (keep)
		*keep = -1;
	if (ret <= 0)
		return ret;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t const n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (keep && *keep < 0)
				*keep = fd;
			else
				close(fd);
		}
	}
	return ret;
}

/* ---- servers ---------------------------------------------------------------------------------- */

static void serve(int sock)
{
	static char buf[RECV_LEN];

	for (;;) {
		ssize_t n = recv_msg(sock, buf, sizeof(buf), 0, NULL);
		if (n <= 0)
			_exit(n == 0 ? 0 : 1);
		if (send_msg(sock, buf, (size_t)n, NULL, 0, 0) != n)
			_exit(1);
	}
}

/* serve() shaped like the Gneiss entrypoint: one more system call per round trip */
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
			ssize_t n =
				recv_msg(events[i].data.fd, buf, sizeof(buf), MSG_DONTWAIT, NULL);
			if (n < 0 && errno == EAGAIN)
				continue;
			if (n <= 0)
				_exit(n == 0 ? 0 : 1);
			if (send_msg(sock, buf, (size_t)n, NULL, 0, MSG_DONTWAIT) != n)
				_exit(1);
		}
	}
}

/* base-linux: the reply goes to the descriptor that came with the request, which is then closed */
static void serve_reply_socket(int sock)
{
	static char buf[RECV_LEN];

	for (;;) {
		int reply;
		ssize_t n = recv_msg(sock, buf, sizeof(buf), 0, &reply);
		if (n <= 0)
			_exit(n == 0 ? 0 : 1);
		if (reply < 0 || send_msg(reply, buf, (size_t)n, NULL, 0, MSG_DONTWAIT) != n)
			_exit(1);
		close(reply);
	}
}

/* Forks a server on cpu for the socket pair sv: returns its pid; the caller keeps sv[0]. */
static pid_t start_server(int const sv[2], int cpu, void (*server)(int))
{
	pid_t const pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(sv[0]);
		pin(cpu);
		server(sv[1]);
	}
	close(sv[1]);
	return pid;
}

/* ---- clients ---------------------------------------------------------------------------------- */

typedef struct {
	int sock;
	bool reply_socket;
	int caps[MAX_CAPS]; /* descriptors to send: object-like sockets */
} client_t;

static void round_trip(client_t const *c, kind_t const *k)
{
	static char req[RECV_LEN], reply[RECV_LEN];

	if (!c->reply_socket) {
		if (send_msg(c->sock, req, k->len, c->caps, k->caps, 0) != (ssize_t)k->len ||
			recv_msg(c->sock, reply, sizeof(reply), 0, NULL) != (ssize_t)k->len)
			die("round trip");
		return;
	}
	int pair[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
		die("socketpair");
	if (send_msg(c->sock, req, k->len, &pair[1], 1, 0) != (ssize_t)k->len)
		die("request");
	close(pair[1]);
	if (recv_msg(pair[0], reply, sizeof(reply), 0, NULL) != (ssize_t)k->len)
		die("reply");
	close(pair[0]);
}

/* A batched figure PREFIXNAME: BATCHES means of ITERS round trips, after a warm-up batch. */
static void batched(client_t const *c, kind_t const *k, char const *prefix)
{
	uint64_t samples[BATCHES];
	char name[64];

	for (unsigned i = 0; i < ITERS; i++)
		round_trip(c, k);
	for (unsigned b = 0; b < BATCHES; b++) {
		uint64_t const t0 = now_ns();
		for (unsigned i = 0; i < ITERS; i++)
			round_trip(c, k);
		samples[b] = (now_ns() - t0) / ITERS;
	}
	snprintf(name, sizeof(name), "%s%s", prefix, k->name);
	report(name, samples, BATCHES, ITERS);
}

/* PREFIXempty_call: CALL_SAMPLES empty round trips, each timed alone. */
static void single_calls(client_t const *c, char const *prefix)
{
	static uint64_t samples[CALL_SAMPLES];
	kind_t const *empty = &kinds[5];
	uint64_t const ns0 = now_ns(), tsc0 = tsc();
	char name[64];

	for (unsigned i = 0; i < CALL_SAMPLES; i++) {
		uint64_t const t0 = tsc();
		round_trip(c, empty);
		samples[i] = tsc() - t0;
	}
	ticks_to_ns(ns0, tsc0, samples, CALL_SAMPLES);
	snprintf(name, sizeof(name), "%sempty_call", prefix);
	report(name, samples, CALL_SAMPLES, 1);
	quantiles(name, samples, CALL_SAMPLES);
}

static void with_server(options_t const *o, void (*server)(int), bool reply_socket,
	void (*client)(options_t const *, client_t const *))
{
	int sv[2], peers[MAX_CAPS];
	client_t c = {.reply_socket = reply_socket};

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		die("socketpair");
	for (unsigned i = 0; i < MAX_CAPS; i++) {
		int pair[2];
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
			die("socketpair");
		c.caps[i] = pair[1];
		peers[i] = pair[0];
	}
	pid_t const pid = start_server(sv, o->cpu2, server);
	c.sock = sv[0];
	client(o, &c);
	close(sv[0]);
	for (unsigned i = 0; i < MAX_CAPS; i++) {
		close(c.caps[i]);
		close(peers[i]);
	}
	waitpid(pid, NULL, 0);
}

static void raw_figures(options_t const *o, client_t const *c)
{
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (o->cpu == o->cpu2 || kinds[k].cross)
			batched(c, &kinds[k], "rpc_");
	single_calls(c, "rpc_");
}

static void epoll_figures(options_t const *o, client_t const *c)
{
	(void)o;
	batched(c, &kinds[0], "rpc_epoll_");
}

static void reply_socket_figures(options_t const *o, client_t const *c)
{
	(void)o;
	batched(c, &kinds[5], "rpc_rs_");
	batched(c, &kinds[6], "rpc_rs_");
	batched(c, &kinds[9], "rpc_rs_");
	single_calls(c, "rpc_rs_");
}

void bench_rpc(options_t const *o)
{
	with_server(o, serve, false, raw_figures);
	if (o->cpu == o->cpu2)
		with_server(o, serve_epoll, false, epoll_figures);
	with_server(o, serve_reply_socket, true, reply_socket_figures);
}

/* ---- sessions --------------------------------------------------------------------------------- */

/* Accepts connections one by one: answers the open, then confirms the close. */
static void serve_sessions(int listener)
{
	for (;;) {
		char byte;
		int const s = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
		if (s < 0)
			_exit(errno == EINVAL ? 0 : 1);
		if (send(s, "o", 1, MSG_NOSIGNAL) != 1 || recv(s, &byte, 1, 0) != 1 ||
			send(s, "c", 1, MSG_NOSIGNAL) != 1)
			_exit(1);
		close(s);
	}
}

static uint64_t session_cycle(struct sockaddr_un const *addr, socklen_t len)
{
	char byte;
	uint64_t const t0 = now_ns();
	int const s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (s < 0 || connect(s, (struct sockaddr const *)addr, len) != 0)
		die("connect");
	if (recv(s, &byte, 1, 0) != 1 || send(s, "x", 1, MSG_NOSIGNAL) != 1 ||
		recv(s, &byte, 1, 0) != 1)
		die("session");
	close(s);
	return now_ns() - t0;
}

void bench_session(options_t const *o)
{
	static uint64_t samples[SESSIONS];
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int const listener = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	/* an abstract address: nothing to clean up */
	int const path = snprintf(
		addr.sun_path + 1, sizeof(addr.sun_path) - 1, "gneiss-bench-%d", (int)getpid());
	socklen_t const len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + path);

	if (listener < 0 || bind(listener, (struct sockaddr *)&addr, len) != 0 ||
		listen(listener, 16) != 0)
		die("listen");
	pid_t const pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		pin(o->cpu2);
		serve_sessions(listener);
	}
	for (unsigned i = 0; i < 3; i++)
		(void)session_cycle(&addr, len);
	for (unsigned i = 0; i < SESSIONS; i++)
		samples[i] = session_cycle(&addr, len);
	report("session_cycle", samples, SESSIONS, 1);
	shutdown(listener, SHUT_RDWR);
	close(listener);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}
