/*
 * The watch loop. It polls three descriptors (the signalfd, core's pidfd and core's output) with
 * the time left until the deadline, and handles them in that order of precedence within one round:
 * a signal ends the run at once; output is read before an end of core is looked at.
 */
#include <errno.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "logline.h"
#include "watch.h"

enum {
	CHUNK = 64 * 1024,
	DRAIN_MAX = 1024 * 1024, /* bytes read after core ended: what a pipe can hold */
};

typedef struct {
	gn_watch_t const *w;
	gn_logline_t lines;
	bool out_open;
} state_t;

long long gn_watch_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool final(gn_watch_t const *w)
{
	return w->match->state == GN_MATCH_REJECTED ||
	       (w->match->state == GN_MATCH_ALL_SEEN && !w->await_exit);
}

static bool on_line(void *ctx, char const *line)
{
	gn_watch_t const *w = ((state_t *)ctx)->w;

	fputs(line, stdout);
	fputc('\n', stdout);
	if (w->log) {
		fputs(line, w->log);
		fputc('\n', w->log);
	}
	gn_match_line(w->match, line);
	if (w->on_line)
		w->on_line(w->on_line_ctx, line);
	return !final(w);
}

/* Reads once from core's output; returns the bytes read, 0 at the end and -1 when none is ready. */
static ssize_t read_once(state_t *s)
{
	char buf[CHUNK];
	ssize_t n;

	do
		n = read(s->w->child->out_fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return -1;
	if (n <= 0) {
		s->out_open = false;
		gn_logline_flush(&s->lines);
		return 0;
	}
	gn_logline_feed(&s->lines, buf, (size_t)n);
	return n;
}

/* After core ended: reads what is in the pipe now, within bounds, and the partial last line. */
static void drain(state_t *s)
{
	size_t total = 0;
	ssize_t n;

	while (s->out_open && !final(s->w) && total < DRAIN_MAX &&
		gn_watch_now_ms() < s->w->deadline_ms && (n = read_once(s)) > 0)
		total += (size_t)n;
	if (!final(s->w))
		gn_logline_flush(&s->lines);
}

static int signal_received(int fd)
{
	struct signalfd_siginfo info;

	if (read(fd, &info, sizeof(info)) != (ssize_t)sizeof(info))
		return 0;
	return (int)info.ssi_signo;
}

void gn_watch_run(gn_watch_t const *w, gn_watch_result_t *r)
{
	state_t s = {.w = w, .out_open = true};
	struct pollfd pfd[3] = {
		{.fd = w->signal_fd, .events = POLLIN},
		{.fd = w->child->pidfd, .events = POLLIN},
		{.fd = w->child->out_fd, .events = POLLIN},
	};

	*r = (gn_watch_result_t){.end = GN_WATCH_MATCHED};
	gn_logline_init(&s.lines, on_line, &s);
	while (!final(w)) {
		long long left = w->deadline_ms - gn_watch_now_ms();

		if (left <= 0) {
			r->end = GN_WATCH_TIMEOUT;
			return;
		}
		pfd[2].fd = s.out_open ? w->child->out_fd : -1;
		if (poll(pfd, 3, left > 60000 ? 60000 : (int)left) < 0) {
			if (errno == EINTR)
				continue;
			r->end = GN_WATCH_ERROR;
			return;
		}
		if (pfd[0].revents && (r->signo = signal_received(w->signal_fd)) != 0) {
			r->end = GN_WATCH_SIGNAL;
			return;
		}
		if (pfd[2].revents)
			read_once(&s);
		if (!final(w) && pfd[1].revents && gn_child_ended(w->child, &r->status)) {
			drain(&s);
			r->end = final(w) ? GN_WATCH_MATCHED : GN_WATCH_EXITED;
			return;
		}
	}
}
