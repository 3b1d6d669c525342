/*
 * Attacks on capabilities (test/attack/caps and caps-messages). A component's authority is the
 * capabilities it holds; every attack here tries to act beyond them with allowed calls only:
 * descriptor numbers and session ids it was never given, capabilities it forged, dropped or had
 * revoked, the role of a server it is not, labels of another child, services its routes do not
 * give it, forged log lines; and, at the servers it may call (core's LOG session, the victim's
 * Test session), messages no interface declares, floods of capabilities and requests, and more
 * channels than a server keeps. Nothing here is killed: each attack gets one exact answer from
 * core, init, the server or the kernel (attack.h, attack_call_t), and the victim beside them
 * (test-rpc-server with test-rpc-client) keeps answering.
 *
 * Raw messages go over a channel of the attacker's own, opened as the library opens one (a
 * socket pair, one end sent over the object's socket), so the server cannot tell it from a
 * well-behaved client's until it reads the message.
 */
#include <gneiss/log_session.h>
#include <gneiss/thread.h>
#include <lx.h>
#include <lx_msg.h>

#include "attack.h"
#include "test_rpc.h"

enum {
	MAX_FDS = 8,
	FD_MAX = 1024,
	FIRST_SERVER_ID = 1u << 20, /* where init numbers the sessions it routes to servers */
	IDS = 1024,                 /* session ids tried */
	SCM_CALLS = 5000,
	FLOOD_THREADS = 4,
	FLOOD_CALLS = 10000,
	/* what a server keeps per object (platform/linux/lib/entrypoint.c) */
	CHANNELS_PER_OBJECT = 64,
	POLL_MS = 10,
	UNREAD_CALLS = 1000, /* more than a server's RLIMIT_NOFILE (core/spawn.c: 512) */
	SHARED_SIZE = 64 * 1024,
};

static gn_env_t *env;

/* ---- preparation ------------------------------------------------------------------------------ */

static GN_NORETURN void prep_failed(char const *what, gn_err_t err)
{
	gn_error("attack: %s: %s", what, gn_err_name(err));
	gn_exit(env, 1);
}

/* A Test session at the victim server, labelled label (its own part). */
static gn_cap_t test_session(char const *label, uint32_t *id)
{
	char args[GN_SESSION_ARGS_MAX];
	gn_cap_t cap = GN_CAP_INVALID;
	uint32_t ignored;

	gn_err_t err =
		gn_fmt(args, sizeof(args), NULL, "ram_quota=4K, cap_quota=1, label=\"%s\"", label);
	if (err == GN_OK)
		err = gn_session(env, "Test", args, &cap, id ? id : &ignored);
	if (err != GN_OK)
		prep_failed("no Test session", err);
	return cap;
}

/* A capability the attacker made itself: one end of a socket pair of its own. */
static gn_cap_t forged_cap(void)
{
	int sv[2];
	gn_cap_t cap;

	if (lx_socketpair_seqpacket(sv) < 0 || lx_cap_insert(sv[1], &cap) != GN_OK)
		prep_failed("no socket pair", GN_ERR_OUT_OF_CAPS);
	lx_close(sv[0]);
	return cap;
}

static void sleep_ms(unsigned ms)
{
	struct lx_timespec const ts = {0, (int64_t)ms * 1000000};

	lx_nanosleep(&ts);
}

/* Closes session id at the parent, keeping its capability; waits until the parent closed it. */
static gn_err_t close_keeping_cap(uint32_t id)
{
	gn_parent_id_args_t const args = {id};
	gn_rpc_void_t res;
	gn_err_t err;

	while ((err = gn_parent_close(env->parent, &args, &res, NULL, NULL)) == GN_ERR_AGAIN)
		sleep_ms(POLL_MS);
	return err;
}

/* ---- raw messages ------------------------------------------------------------------------------ */

/* A channel of the attacker's own to the object behind cap: the descriptor of its end. */
static int channel(gn_cap_t cap)
{
	int sv[2];
	gn_ipc_header_t const open = {LX_CHANNEL_OPEN, 0, 1, 0};

	if (lx_socketpair_seqpacket(sv) < 0)
		prep_failed("no socket pair", GN_ERR_OUT_OF_CAPS);
	long const ret = lx_msg_send(lx_cap_fd(cap), &open, &sv[1], 1, 0);
	lx_close(sv[1]);
	if (ret < 0)
		prep_failed("no channel", GN_ERR_REVOKED);
	return sv[0];
}

/* Sends len bytes at bytes with the descriptors fds[0..n) as one message: 0 or -errno. */
static long raw_send(int sock, void const *bytes, size_t len, int const *fds, unsigned n)
{
	union {
		struct lx_cmsghdr align;
		uint8_t bytes[LX_CMSG_SPACE(sizeof(int) * MAX_FDS)];
	} control;
	struct lx_iovec iov = {(void *)bytes, len};
	struct lx_msghdr msg = {NULL, 0, &iov, 1, NULL, 0, 0};

	if (n) {
		control.align.len = LX_CMSG_LEN(sizeof(int) * n);
		control.align.level = LX_SOL_SOCKET;
		control.align.type = LX_SCM_RIGHTS;
		gn_memcpy(LX_CMSG_DATA(&control.align), fds, sizeof(int) * n);
		msg.control = control.bytes;
		msg.controllen = LX_CMSG_SPACE(sizeof(int) * n);
	}
	long const ret = lx_sendmsg(sock, &msg, LX_MSG_NOSIGNAL);
	return ret < 0 ? ret : 0;
}

/*
 * The server's answer on channel ch, as the library reads it: the reply's status, REVOKED when
 * the server closed the channel, BAD_MSG for a reply that is no message.
 */
static long raw_reply(int ch)
{
	static gn_ipc_buf_t reply;
	int fds[GN_IPC_CAPS];
	unsigned n = 0;
	long const ret = lx_msg_recv(ch, &reply, fds, &n, 0);

	for (unsigned i = 0; i < n; i++)
		lx_close(fds[i]);
	if (ret == 0 || ret == -LX_ECONNRESET)
		return GN_ERR_REVOKED;
	return ret < 0 ? GN_ERR_BAD_MSG : (long)reply.hdr.word;
}

/*
 * One message and its answer: the reply's status, REVOKED when the server had ended the channel
 * already (as the library says), or the -errno of a send the kernel refused.
 */
static long raw_call(int ch, void const *bytes, size_t len, int const *fds, unsigned n)
{
	long const ret = raw_send(ch, bytes, len, fds, n);

	if (ret == -LX_EPIPE || ret == -LX_ECONNRESET)
		return GN_ERR_REVOKED;
	return ret < 0 ? ret : raw_reply(ch);
}

/* A request: header and payload, as on the wire. */
typedef struct {
	gn_ipc_header_t hdr;
	uint8_t payload[2 * GN_IPC_PAYLOAD];
} wire_t;

static wire_t wire;

static size_t request(uint32_t opcode, uint32_t len, uint32_t caps, size_t sent)
{
	wire.hdr = (gn_ipc_header_t){opcode, len, caps, 0};
	gn_memset(wire.payload, 0x5a, sizeof(wire.payload));
	return sizeof(wire.hdr) + sent;
}

/* The victim's add(2, 3), well formed: what a malformed message is a variant of. */
static size_t add_request(void)
{
	test_rpc_add_args_t const args = {2, 3};
	size_t const len = request(test_rpc_session_OP_add, sizeof(args), 0, sizeof(args));

	gn_memcpy(wire.payload, &args, sizeof(args));
	return len;
}

/* Four descriptors of the attacker's own socket pairs, for messages that carry capabilities. */
static void own_fds(int fds[MAX_FDS])
{
	for (unsigned i = 0; i < MAX_FDS; i += 2)
		if (lx_socketpair_seqpacket(&fds[i]) < 0)
			prep_failed("no socket pair", GN_ERR_OUT_OF_CAPS);
}

/*
 * Sends the message that `make` builds (with n of the attacker's descriptors) to core's LOG
 * session and to the victim's Test session, each over a fresh channel; returns the first answer
 * that is not BAD_MSG, else BAD_MSG.
 */
static long malformed(size_t (*make)(void), unsigned n)
{
	gn_cap_t const targets[2] = {env->log, test_session("", NULL)};
	int fds[MAX_FDS];

	own_fds(fds);
	for (unsigned i = 0; i < 2; i++) {
		size_t const len = make();
		long const ret = raw_call(channel(targets[i]), &wire, len, fds, n);
		if (ret != GN_ERR_BAD_MSG)
			return ret;
	}
	return GN_ERR_BAD_MSG;
}

/* ---- descriptors and identities ------------------------------------------------------------ */

static long guess_fd(gn_env_t *e)
{
	struct lx_stat st;
	size_t const len = add_request();

	(void)e;
	/* every number it holds no descriptor for: core's, the parent's and other components' are
	 * not in its table, so guessing one only names nothing */
	for (int fd = 0; fd < FD_MAX; fd++) {
		if (lx_fstat(fd, &st) == 0)
			continue;
		long const ret = raw_send(fd, &wire, len, NULL, 0);
		if (ret != -LX_EBADF)
			return ret;
	}
	return -LX_EBADF;
}

static long forged_counter(gn_env_t *e)
{
	gn_rpc_void_t none = {0};
	test_rpc_value_t v;
	gn_cap_t const session = test_session("", NULL);
	gn_cap_t const forged = forged_cap();

	(void)e;
	return test_rpc_session_counter_value(session, &none, &v, &forged, NULL);
}

static long forged_pd(gn_env_t *e)
{
	gn_rpc_void_t res;
	gn_cap_t const forged = forged_cap();

	return gn_pd_session_transfer_quota(
		e->pd, &(gn_pd_transfer_args_t){4096, 1}, &res, &forged, NULL);
}

/*
 * Asks init for the capability of, upgrades and closes every session id it never opened, among
 * them the ids the victim's client uses for its own sessions. Ids are per child: init knows none
 * of them as the attacker's (INVALID_ARG), and a close of an unknown id has nothing to close (OK,
 * as a repeated close); any other answer is returned.
 */
static long guess_session_id(gn_env_t *e)
{
	gn_rpc_void_t res;
	gn_cap_t cap;

	for (uint32_t id = 0; id < GN_PARENT_FIRST_ID + IDS; id++) {
		gn_parent_id_args_t const args = {id};
		gn_parent_upgrade_args_t const up = {id, "ram_quota=0, cap_quota=1"};
		gn_err_t err = gn_parent_session_cap(e->parent, &args, &res, NULL, &cap);
		if (err == GN_ERR_INVALID_ARG)
			err = gn_parent_upgrade(e->parent, &up, &res, NULL, NULL);
		if (err != GN_ERR_INVALID_ARG)
			return err;
		err = gn_parent_close(e->parent, &args, &res, NULL, NULL);
		if (err != GN_OK) {
			gn_error("attack: the close of id %u answered %s", id, gn_err_name(err));
			return GN_ERR_EXISTS;
		}
	}
	return GN_ERR_INVALID_ARG;
}

/*
 * Answers, as if it were a server, every session id init may have routed to a server. Its own
 * Test session is routed to the victim server meanwhile, so at least one id is a live session of
 * another server (DENIED); the others are unknown (NOT_FOUND). Any other answer is returned.
 */
static long forge_server(bool deliver)
{
	gn_rpc_void_t res;
	gn_cap_t const session = test_session("", NULL);
	gn_cap_t const forged = forged_cap();
	unsigned denied = 0, unknown = 0;

	(void)session; /* open while it tries */
	for (uint32_t id = FIRST_SERVER_ID; id < FIRST_SERVER_ID + IDS; id++) {
		gn_parent_id_args_t const args = {id};
		gn_parent_response_args_t const resp = {id, GN_SESSION_DENIED};
		gn_err_t const err =
			deliver ? gn_parent_deliver_session_cap(
					  env->parent, &args, &res, &forged, NULL)
				: gn_parent_session_response(env->parent, &resp, &res, NULL, NULL);
		if (err != GN_ERR_DENIED && err != GN_ERR_NOT_FOUND)
			return err;
		denied += err == GN_ERR_DENIED;
		unknown += err == GN_ERR_NOT_FOUND;
	}
	gn_log("%u ids are another server's sessions, %u unknown", denied, unknown);
	return denied ? GN_ERR_DENIED : GN_ERR_NOT_FOUND;
}

static long forge_deliver(gn_env_t *e)
{
	(void)e;
	return forge_server(true);
}

static long forge_response(gn_env_t *e)
{
	(void)e;
	return forge_server(false);
}

static long forge_announce(gn_env_t *e)
{
	gn_parent_announce_args_t const args = {"Test"};
	gn_rpc_void_t res;

	return gn_parent_announce(e->parent, &args, &res, NULL, NULL);
}

static long closed_cap(gn_env_t *e)
{
	gn_cap_t const session = test_session("", NULL);
	int const fd = lx_cap_fd(session);
	size_t const len = add_request();

	(void)e;
	gn_cap_drop(session); /* its only reference: the descriptor is closed */
	return raw_send(fd, &wire, len, NULL, 0);
}

static long revoked_session(gn_env_t *e)
{
	test_rpc_add_res_t sum;
	uint32_t id;
	gn_cap_t const session = test_session("", &id);

	(void)e;
	gn_err_t err =
		test_rpc_session_add(session, &(test_rpc_add_args_t){2, 3}, &sum, NULL, NULL);
	if (err == GN_OK)
		err = close_keeping_cap(id);
	if (err != GN_OK)
		prep_failed("the session did not work before its close", err);
	/* the channel it used is gone, and so is the object: a new channel is refused too */
	err = test_rpc_session_add(session, &(test_rpc_add_args_t){2, 3}, &sum, NULL, NULL);
	if (err == GN_ERR_REVOKED)
		err = test_rpc_session_add(session, &(test_rpc_add_args_t){2, 3}, &sum, NULL, NULL);
	return err;
}

static long revoked_log(gn_env_t *e)
{
	gn_log_write_args_t line = {"written to a closed LOG session"};
	gn_rpc_void_t res;
	gn_cap_t log;
	uint32_t id;

	gn_err_t err =
		gn_session(e, "LOG", "ram_quota=0, cap_quota=0, label=\"closed\"", &log, &id);
	if (err == GN_OK)
		err = gn_log_session_write(log, &line, &res, NULL, NULL);
	if (err == GN_OK)
		err = close_keeping_cap(id);
	if (err != GN_OK)
		prep_failed("the LOG session did not work before its close", err);
	return gn_log_session_write(log, &line, &res, NULL, NULL);
}

static long pass_unheld(gn_env_t *e)
{
	int const unheld[GN_IPC_CAPS] = {900, 901, 902, 903};
	size_t const len = request(test_rpc_session_OP_kinds, sizeof(gn_rpc_void_t), 4, 1);

	(void)e;
	return raw_call(channel(test_session("", NULL)), &wire, len, unheld, GN_IPC_CAPS);
}

static long pass_wrong_kind(gn_env_t *e)
{
	gn_rpc_void_t res;

	return test_rpc_session_fill(
		test_session("", NULL), &(test_rpc_fill_args_t){0x41}, &res, &e->pd, NULL);
}

static long pd_start_twice(gn_env_t *e)
{
	gn_pd_start_args_t const args = {"test-rpc-server"};
	gn_cap_t const env_caps[3] = {e->parent, e->cpu, e->log};
	gn_rpc_void_t res;

	return gn_pd_session_start(e->pd, &args, &res, env_caps, NULL);
}

/* Its LOG session, another object core serves, where core wants a PD. */
static long log_as_pd(gn_env_t *e)
{
	gn_rpc_void_t res;

	return gn_pd_session_transfer_quota(
		e->pd, &(gn_pd_transfer_args_t){4096, 1}, &res, &e->log, NULL);
}

static long pd_ref_account(gn_env_t *e)
{
	gn_rpc_void_t none = {0};

	return gn_pd_session_ref_account(e->pd, &none, &none, &e->pd, NULL);
}

/* ---- sessions, labels, routes, the log ------------------------------------------------------- */

static long session_loop(gn_env_t *e)
{
	/* each pays core's price, one capability: the loop ends when its own quota does */
	gn_parent_session_args_t args = {.service = "LOG", .args = "cap_quota=1, label=\"loop\""};
	gn_rpc_void_t res;
	gn_cap_t cap;
	unsigned opened = 0;

	for (uint32_t id = GN_PARENT_FIRST_ID + 1000;; id++) {
		args.id = id;
		gn_err_t err = gn_parent_session(e->parent, &args, &res, NULL, NULL);
		gn_parent_id_args_t const which = {id};
		while (err == GN_OK && (err = gn_parent_session_cap(e->parent, &which, &res, NULL,
						&cap)) == GN_ERR_AGAIN)
			sleep_ms(POLL_MS);
		if (err != GN_OK) {
			gn_log("%u LOG sessions opened, then refused", opened);
			return err;
		}
		opened++;
	}
}

static long spoof_label(gn_env_t *e)
{
	uint32_t id;

	(void)e;
	(void)test_session("test-rpc-client", &id);
	return GN_OK;
}

static long spoof_args(gn_env_t *e)
{
	gn_parent_session_args_t const args = {GN_PARENT_FIRST_ID + 1000, "Test",
		"label=\"x\", ram_quota=4K, label=\"test-rpc-client\""};
	gn_rpc_void_t res;

	return gn_parent_session(e->parent, &args, &res, NULL, NULL);
}

static long route_denied(gn_env_t *e)
{
	gn_parent_session_args_t const args = {
		GN_PARENT_FIRST_ID + 1000, "Test", "ram_quota=4K, cap_quota=1, label=\"\""};
	gn_rpc_void_t res;

	return gn_parent_session(e->parent, &args, &res, NULL, NULL);
}

static long log_forge(gn_env_t *e)
{
	static char const *const lines[] = {
		"x\n[init] forged by log-forge",
		"\x1b[2K\r[init] forged by log-forge",
		"\n\n",
	};
	gn_log_write_args_t line;
	gn_rpc_void_t res;
	gn_cap_t log;
	uint32_t id;

	for (unsigned i = 0; i < GN_ARRAY_SIZE(lines); i++) {
		gn_ignore(gn_strlcpy(line.text, lines[i], sizeof(line.text)));
		gn_err_t const err = gn_log_session_write(e->log, &line, &res, NULL, NULL);
		if (err != GN_OK)
			return err;
	}
	/* a line without its terminating NUL, and one of its own LOG session's label */
	gn_memset(line.text, 'y', sizeof(line.text));
	gn_err_t err = gn_log_session_write(e->log, &line, &res, NULL, NULL);
	if (err == GN_OK)
		err = gn_session(
			e, "LOG", "ram_quota=0, cap_quota=0, label=\"] [init\"", &log, &id);
	if (err == GN_OK) {
		gn_ignore(gn_strlcpy(line.text, "forged by log-forge", sizeof(line.text)));
		err = gn_log_session_write(log, &line, &res, NULL, NULL);
	}
	return err;
}

/* ---- messages a server must refuse ---------------------------------------------------------- */

static size_t half_header(void)
{
	add_request();
	return sizeof(wire.hdr) / 2;
}

static size_t oversized(void)
{
	return request(test_rpc_session_OP_add, 2 * GN_IPC_PAYLOAD, 0, 2 * GN_IPC_PAYLOAD);
}

static size_t short_payload(void)
{
	return request(test_rpc_session_OP_add, sizeof(test_rpc_add_args_t), 0, 8);
}

static size_t bad_opcode(void)
{
	return request(0xffffffffu, 0, 0, 0);
}

static size_t channel_open(void)
{
	return request(LX_CHANNEL_OPEN, 0, 1, 0);
}

static size_t caps_claimed(void)
{
	return request(test_rpc_session_OP_add, sizeof(test_rpc_add_args_t), 2,
		sizeof(test_rpc_add_args_t));
}

static size_t kinds_request(void)
{
	return request(test_rpc_session_OP_kinds, sizeof(gn_rpc_void_t), 4, sizeof(gn_rpc_void_t));
}

static size_t kinds_three(void)
{
	return request(test_rpc_session_OP_kinds, sizeof(gn_rpc_void_t), 3, sizeof(gn_rpc_void_t));
}

static long msg_truncated(gn_env_t *e)
{
	(void)e;
	return malformed(half_header, 0);
}

static long msg_oversized(gn_env_t *e)
{
	(void)e;
	return malformed(oversized, 0);
}

static long msg_length(gn_env_t *e)
{
	(void)e;
	return malformed(short_payload, 0);
}

static long msg_opcode(gn_env_t *e)
{
	long const ret = malformed(bad_opcode, 0);

	(void)e;
	return ret == GN_ERR_BAD_MSG ? malformed(channel_open, 1) : ret;
}

static long msg_capcount(gn_env_t *e)
{
	long ret = malformed(caps_claimed, 0); /* two claimed, none sent */

	(void)e;
	if (ret == GN_ERR_BAD_MSG)
		ret = malformed(add_request, 1); /* none claimed, one sent */
	if (ret == GN_ERR_BAD_MSG)
		ret = malformed(kinds_three, 3); /* three where the interface declares four */
	return ret;
}

static long msg_empty(gn_env_t *e)
{
	int const ch = channel(e->log);
	long const ret = raw_send(ch, &wire, 0, NULL, 0);

	/* a message of no bytes is the end of the channel to a server, which closes its end */
	return ret < 0 ? ret : raw_reply(ch);
}

static long scm_excess(gn_env_t *e)
{
	(void)e;
	return malformed(kinds_request, MAX_FDS);
}

/* Four capabilities in every one of SCM_CALLS calls: a server that kept any would run out. */
static long scm_flood(gn_env_t *e)
{
	gn_rpc_void_t none = {0};
	test_rpc_value_t v;
	gn_cap_t const session = test_session("", NULL);
	gn_cap_t caps[GN_IPC_CAPS];

	(void)e;
	for (unsigned i = 0; i < GN_IPC_CAPS; i++)
		caps[i] = forged_cap();
	for (unsigned i = 0; i < SCM_CALLS; i++) {
		gn_err_t const err = test_rpc_session_kinds(session, &none, &v, caps, NULL);
		if (err != GN_OK || v.value != 0)
			return err != GN_OK ? err : GN_ERR_INVALID_CAP;
	}
	gn_log("%u calls with %u capabilities each answered", (unsigned)SCM_CALLS, GN_IPC_CAPS);
	return GN_OK;
}

/*
 * Requests passing a capability each, never reading a reply: the replies pile up at the attacker
 * until the server cannot send more and ends the channel (which the attacker sees after the
 * replies it got). One capability per request keeps the attacker's own descriptors in flight
 * below its limit, so the server is what stops it.
 */
static long scm_unread(gn_env_t *e)
{
	gn_cap_t const session = test_session("", NULL);
	int const ch = channel(session);
	int const fd = lx_cap_fd(forged_cap());
	size_t const len = request(test_rpc_session_OP_counter_value, sizeof(gn_rpc_void_t), 1, 1);
	unsigned sent = 0, replies = 0;
	long ret;

	(void)e;
	while (raw_send(ch, &wire, len, &fd, 1) == 0)
		sent++;
	while ((ret = raw_reply(ch)) == GN_ERR_INVALID_CAP)
		replies++;
	gn_log("%u requests sent, %u replies, then the server ended the channel", sent, replies);
	return ret;
}

/*
 * Requests whose replies carry a capability (echo_cap), never read. Linux charges descriptors in
 * flight to their sender until the receiver reads them, at most RLIMIT_NOFILE; so these unread
 * replies once used up the server's budget, and it could pass no capability to anyone after. The
 * server now sends capabilities only to a client that read everything sent before: the second
 * request ends the channel with one reply in it. The server then still passes capabilities.
 */
static long cap_replies_unread(gn_env_t *e)
{
	gn_cap_t const session = test_session("", NULL);
	int const ch = channel(session);
	gn_cap_t const cap = forged_cap();
	int const fd = lx_cap_fd(cap);
	size_t const len = request(test_rpc_session_OP_echo_cap, sizeof(gn_rpc_void_t), 1, 1);
	unsigned sent = 0, replies = 0;
	long ret;

	(void)e;
	while (sent < UNREAD_CALLS && raw_send(ch, &wire, len, &fd, 1) == 0)
		sent++;
	while ((ret = raw_reply(ch)) == GN_OK)
		replies++;
	gn_log("%u requests sent, %u repl%s read, then the server ended the channel", sent, replies,
		replies == 1 ? "y" : "ies");
	if (ret != GN_ERR_REVOKED || replies != 1)
		return ret == GN_ERR_REVOKED ? GN_ERR_LIMIT : ret;
	gn_rpc_void_t none = {0};
	gn_cap_t back = GN_CAP_INVALID;
	ret = test_rpc_session_echo_cap(session, &none, &none, &cap, &back);
	gn_cap_drop(back);
	return ret;
}

/*
 * A dataspace the victim server keeps attached (share, as a packet-stream buffer), freed by the
 * attacker, its owner: core truncates it, so the server's next write to it would be a bus error
 * that ends the server. The server writes through gn_ds_fill, which answers REVOKED instead.
 */
static long ds_freed_while_shared(gn_env_t *e)
{
	gn_cap_t const session = test_session("", NULL);
	gn_pd_alloc_ram_res_t alloc;
	gn_rpc_void_t none = {0};
	gn_cap_t ds;
	void *addr = NULL;
	size_t size = 0;
	bool writable;

	gn_err_t err = gn_pd_session_alloc_ram(
		e->pd, &(gn_pd_alloc_ram_args_t){SHARED_SIZE}, &alloc, NULL, &ds);
	if (err == GN_OK)
		err = gn_ds_attach(ds, &addr, &size, &writable);
	if (err == GN_OK)
		err = test_rpc_session_share(session, &none, &none, &ds, NULL);
	if (err == GN_OK)
		err = test_rpc_session_fill_shared(
			session, &(test_rpc_fill_args_t){0x5a}, &none, NULL, NULL);
	if (err != GN_OK)
		prep_failed("sharing a dataspace", err);
	gn_log("the server filled the shared dataspace with 0x%x", ((uint8_t *)addr)[size - 1]);
	gn_ds_detach(addr, size);
	err = gn_pd_session_free_ram(e->pd, &none, &none, &ds, NULL);
	if (err != GN_OK)
		prep_failed("freeing the dataspace", err);
	return test_rpc_session_fill_shared(
		session, &(test_rpc_fill_args_t){0xa5}, &none, NULL, NULL);
}

typedef struct {
	gn_cap_t session;
	gn_err_t err;
} flood_t;

static void flood(void *arg)
{
	flood_t *f = arg;
	test_rpc_add_res_t sum;

	for (int64_t i = 0; i < FLOOD_CALLS && f->err == GN_OK; i++) {
		f->err = test_rpc_session_add(
			f->session, &(test_rpc_add_args_t){i, 1}, &sum, NULL, NULL);
		if (f->err == GN_OK && sum.sum != i + 1)
			f->err = GN_ERR_BAD_MSG;
	}
}

static long request_flood(gn_env_t *e)
{
	static gn_thread_t threads[FLOOD_THREADS];
	static flood_t floods[FLOOD_THREADS];
	gn_cap_t const session = test_session("", NULL);

	for (unsigned i = 0; i < FLOOD_THREADS; i++) {
		floods[i] = (flood_t){session, GN_OK};
		gn_err_t const err =
			gn_thread_create(e, "flood", 0, flood, &floods[i], &threads[i]);
		if (err != GN_OK)
			prep_failed("no thread", err);
	}
	gn_err_t err = GN_OK;
	for (unsigned i = 0; i < FLOOD_THREADS; i++) {
		gn_ignore(gn_thread_join(&threads[i]));
		err = err != GN_OK ? err : floods[i].err;
	}
	gn_log("%u calls answered", FLOOD_THREADS * FLOOD_CALLS);
	return err;
}

/* Channels to its Test session, each used once, beyond the number a server keeps per object. */
static long channel_flood(gn_env_t *e)
{
	gn_cap_t const session = test_session("", NULL);

	(void)e;
	for (unsigned i = 0; i < CHANNELS_PER_OBJECT; i++) {
		size_t const len = add_request();
		long const ret = raw_call(channel(session), &wire, len, NULL, 0);
		if (ret != GN_OK)
			return ret;
	}
	size_t const len = add_request();
	return raw_call(channel(session), &wire, len, NULL, 0);
}

static attack_call_t const attacks[] = {
	{"guess-fd", "sendmsg", "a call on every descriptor number it does not hold", guess_fd,
		-LX_EBADF},
	{"forged-counter", "counter_value",
		"its own socket passed to the victim server as one of its counters", forged_counter,
		GN_ERR_INVALID_CAP},
	{"forged-pd", "transfer_quota", "quota to its own socket posing as a PD session", forged_pd,
		GN_ERR_DENIED},
	{"guess-session-id", "session_cap",
		"the capability of, close and upgrade of every session id it never opened",
		guess_session_id, GN_ERR_INVALID_ARG},
	{"forge-deliver", "deliver_session_cap",
		"a capability of its own for every session init may have routed to a server",
		forge_deliver, GN_ERR_DENIED},
	{"forge-response", "session_response",
		"DENIED for every session init may have routed to a server", forge_response,
		GN_ERR_DENIED},
	{"forge-announce", "announce", "the Test service, which its <provides> does not list",
		forge_announce, GN_ERR_DENIED},
	{"closed-cap", "sendmsg", "a call on the descriptor of a capability it dropped", closed_cap,
		-LX_EBADF},
	{"revoked-session", "add", "calls on its Test session after closing it, cap kept",
		revoked_session, GN_ERR_REVOKED},
	{"revoked-log", "write", "a line to a LOG session of core's after closing it, cap kept",
		revoked_log, GN_ERR_REVOKED},
	{"pass-unheld", "kinds", "a call passing descriptor numbers it does not hold", pass_unheld,
		-LX_EBADF},
	{"pass-wrong-kind", "fill", "its PD session where the victim server wants a dataspace",
		pass_wrong_kind, GN_ERR_INVALID_CAP},
	{"pd-start-twice", "start", "a second program in its own PD", pd_start_twice,
		GN_ERR_DENIED},
	{"log-as-pd", "transfer_quota", "quota to its LOG session of core's posing as a PD",
		log_as_pd, GN_ERR_DENIED},
	{"pd-ref-account", "ref_account", "its own PD as its reference account", pd_ref_account,
		GN_ERR_DENIED},
	{"session-loop", "session", "LOG sessions at core, paying the least, until refused",
		session_loop, GN_ERR_INSUFFICIENT_CAPS},
	{"spoof-label", "session", "a Test session labelled \"test-rpc-client\"", spoof_label,
		GN_OK},
	{"spoof-args", "session", "a second label argument behind the one init rewrites",
		spoof_args, GN_ERR_INVALID_ARG},
	{"route-denied", "session", "the Test service, which its routes do not reach", route_denied,
		GN_ERR_UNROUTABLE},
	{"log-forge", "write", "log lines with newlines and escape sequences forging init's",
		log_forge, GN_OK},
	{"msg-truncated", "sendmsg", "half a message header to core and the victim server",
		msg_truncated, GN_ERR_BAD_MSG},
	{"msg-oversized", "sendmsg", "a payload of twice the maximum to core and the victim",
		msg_oversized, GN_ERR_BAD_MSG},
	{"msg-length", "sendmsg", "a header claiming more payload than sent, to core and victim",
		msg_length, GN_ERR_BAD_MSG},
	{"msg-opcode", "sendmsg", "opcodes no interface declares, to core and the victim server",
		msg_opcode, GN_ERR_BAD_MSG},
	{"msg-capcount", "sendmsg",
		"capability counts that disagree with the message and the "
		"interface, to core and the victim server",
		msg_capcount, GN_ERR_BAD_MSG},
	{"msg-empty", "sendmsg", "a message of no bytes to core", msg_empty, GN_ERR_REVOKED},
	{"scm-excess", "sendmsg", "eight descriptors in one message, to core and the victim",
		scm_excess, GN_ERR_BAD_MSG},
	{"scm-flood", "kinds", "5000 calls passing four capabilities each to the victim server",
		scm_flood, GN_OK},
	{"scm-unread", "sendmsg", "requests passing a capability, never reading a reply",
		scm_unread, GN_ERR_REVOKED},
	{"cap-replies-unread", "echo_cap", "1000 requests whose replies carry a capability, unread",
		cap_replies_unread, GN_OK},
	{"ds-freed-while-shared", "fill_shared",
		"freeing a dataspace the server keeps attached, then asking it to write there",
		ds_freed_while_shared, GN_ERR_REVOKED},
	{"request-flood", "add", "four threads calling the victim server 10000 times each",
		request_flood, GN_OK},
	{"channel-flood", "add", "a call on a 65th channel to its Test session", channel_flood,
		GN_ERR_REVOKED},
};

void gn_component_construct(gn_env_t *e)
{
	env = e;
	attack_call_run(e, attacks, GN_ARRAY_SIZE(attacks));
}
