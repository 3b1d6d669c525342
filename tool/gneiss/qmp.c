/* QEMU's monitor protocol, as far as typing keys needs it (see qmp.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "qmp.h"

enum {
	REPLY_MAX = 4096,
	COMMAND_MAX = 1024,
};

typedef struct {
	int fd;
	char buf[REPLY_MAX];
	size_t len;
} conn_t;

/* Connects to boot_dir's socket through /proc/self/fd, which keeps the path short. */
static gn_err_t connect_to(conn_t *c, char const *boot_dir, char *why, size_t why_size)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int dir = open(boot_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	c->fd = dir < 0 ? -1 : socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd >= 0)
		snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/%s", dir,
			GN_QMP_SOCKET);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		snprintf(why, why_size, "cannot connect to QEMU's monitor %s/%s: %s", boot_dir,
			GN_QMP_SOCKET, strerror(errno));
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
	}
	if (dir >= 0)
		close(dir);
	return c->fd >= 0 ? GN_OK : GN_ERR_IO;
}

/* Reads the next line that is not an event into c->buf (NUL-terminated, without the newline). */
static gn_err_t read_reply(conn_t *c, char *why, size_t why_size)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		struct pollfd p = {.fd = c->fd, .events = POLLIN};
		ssize_t n;
		if (nl) {
			size_t line = (size_t)(nl - c->buf);
			bool event = strncmp(c->buf, "{\"event\"", 8) == 0;
			if (!event) {
				*nl = '\0';
				return GN_OK; /* the caller reads it, then drops it with consume() */
			}
			memmove(c->buf, nl + 1, c->len - line - 1);
			c->len -= line + 1;
			continue;
		}
		if (c->len == sizeof(c->buf) - 1 || poll(&p, 1, GN_QMP_TIMEOUT_MS) != 1 ||
			(n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len)) <= 0) {
			snprintf(why, why_size, "QEMU's monitor did not answer within %d ms",
				GN_QMP_TIMEOUT_MS);
			return GN_ERR_IO;
		}
		c->len += (size_t)n;
	}
}

/* Drops the line read_reply left at the start of c->buf. */
static void consume(conn_t *c)
{
	size_t line = strlen(c->buf) + 1;

	memmove(c->buf, c->buf + line, c->len - line);
	c->len -= line;
}

/* Sends command and waits for its reply, which must be a "return". */
static gn_err_t execute(conn_t *c, char const *command, char *why, size_t why_size)
{
	size_t len = strlen(command);
	gn_err_t err;

	if (write(c->fd, command, len) != (ssize_t)len) {
		snprintf(why, why_size, "cannot write to QEMU's monitor: %s", strerror(errno));
		return GN_ERR_IO;
	}
	err = read_reply(c, why, why_size);
	if (err == GN_OK && strncmp(c->buf, "{\"return\"", 9) != 0) {
		snprintf(why, why_size, "QEMU refused %.*s: %.300s", (int)strcspn(command, "\n"),
			command, c->buf);
		err = GN_ERR_IO;
	}
	if (err == GN_OK)
		consume(c);
	return err;
}

/* The send-key command of one chord (its names are [a-z0-9_]: nothing to quote). */
static void send_key_command(
	char const chord[GN_SCENARIO_CHORD_KEYS][GN_SCENARIO_KEY_NAME], char *out, size_t size)
{
	size_t len =
		(size_t)snprintf(out, size, "{\"execute\":\"send-key\",\"arguments\":{\"keys\":[");

	for (size_t i = 0; i < GN_SCENARIO_CHORD_KEYS && chord[i][0] != '\0'; i++)
		len += (size_t)snprintf(out + len, size - len,
			"%s{\"type\":\"qcode\",\"data\":\"%s\"}", i > 0 ? "," : "", chord[i]);
	snprintf(out + len, size - len, "]}}\n");
}

gn_err_t gn_qmp_send_keys(char const *boot_dir, gn_keys_t const *k, char *why, size_t why_size)
{
	conn_t c = {.fd = -1};
	char command[COMMAND_MAX];
	gn_err_t err = connect_to(&c, boot_dir, why, why_size);

	if (err == GN_OK)
		err = read_reply(&c, why, why_size); /* the greeting */
	if (err == GN_OK) {
		consume(&c);
		err = execute(&c, "{\"execute\":\"qmp_capabilities\"}\n", why, why_size);
	}
	for (size_t i = 0; err == GN_OK && i < k->chord_count; i++) {
		send_key_command(k->chords[i], command, sizeof(command));
		err = execute(&c, command, why, why_size);
	}
	if (c.fd >= 0)
		close(c.fd);
	return err;
}
