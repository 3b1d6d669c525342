/*
 * timer: provides "Timer" (include/gneiss/timer_session.h), as Genode's timer driver.
 *
 * Invariants:
 * - A session is paid by its client. Its state lives in a RAM dataspace of one page that the
 *   server allocates from its PD once the donation (already moved there by the parent) has been
 *   checked to cover it: ram_quota >= GN_TIMER_SESSION_RAM and cap_quota >= GN_TIMER_SESSION_CAPS,
 *   else INSUFFICIENT_RAM / INSUFFICIENT_CAPS. The page is freed before the close is answered, so
 *   the parent can return the donation whole. Only a table of SESSIONS_MAX pointers, the
 *   timeout thread and its wake-up signal are the server's own.
 * - Everything a client sends is checked before anything changes: the signal capability must be a
 *   signal context (INVALID_CAP), timeouts must not exceed GN_TIMER_TIMEOUT_MAX_US, periods must be
 *   at least GN_TIMER_PERIOD_MIN_US (INVALID_ARG), so one session causes at most one wake-up of
 *   the timeout thread per millisecond, and a one-shot one per call.
 * - RPCs and session requests run on the main entrypoint; the timeout thread only reads the
 *   timeouts list (timeouts.c) and submits signals, which never blocks. After a session's close,
 *   no signal is submitted for it.
 */
#include <gneiss/dataspace.h>
#include <gneiss/label.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/service.h>
#include <gneiss/string.h>
#include <gneiss/time.h>
#include <gneiss/timer_session.h>

#include "timeouts.h"

enum {
	SESSIONS_MAX = 32
};

struct server;

typedef struct {
	timeout_t timeout;
	struct server *server;
	gn_cap_t cap;      /* our reference to the session object */
	gn_cap_t ds;       /* the page this struct lives in */
	size_t ds_size;    /* as attached */
	uint64_t start_us; /* the session's epoch */
	char label[GN_LABEL_MAX];
} session_t;

_Static_assert(sizeof(session_t) <= GN_TIMER_SESSION_RAM, "a session fits the page it pays for");

typedef struct server {
	gn_env_t *env;
	timeouts_t timeouts;
	session_t *sessions[SESSIONS_MAX];
} server_t;

GN_RPC_SERVER(gn_timer_session, GN_TIMER_RPCS)

static gn_err_t sigh(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	session_t *s = obj;

	(void)args;
	(void)res;
	if (gn_cap_kind(req->caps_in[0]) != GN_CAP_KIND_SIGNAL) {
		gn_log("refused a signal handler of \"%s\": not a signal context", s->label);
		return GN_ERR_INVALID_CAP;
	}
	timeouts_sigh(&s->server->timeouts, &s->timeout, gn_cap_copy(req->caps_in[0]));
	return GN_OK;
}

static gn_err_t trigger_once(
	void *obj, gn_rpc_request_t *req, gn_timer_us_args_t const *args, gn_rpc_void_t *res)
{
	session_t *s = obj;

	(void)req;
	(void)res;
	if (args->us > GN_TIMER_TIMEOUT_MAX_US) {
		gn_log("refused a timeout of %llu us from \"%s\": longer than %llu us",
			(unsigned long long)args->us, s->label,
			(unsigned long long)GN_TIMER_TIMEOUT_MAX_US);
		return GN_ERR_INVALID_ARG;
	}
	timeouts_schedule(&s->server->timeouts, &s->timeout, gn_time_now_us() + args->us, 0);
	return GN_OK;
}

static gn_err_t trigger_periodic(
	void *obj, gn_rpc_request_t *req, gn_timer_us_args_t const *args, gn_rpc_void_t *res)
{
	session_t *s = obj;
	uint64_t const us = args->us;

	(void)req;
	(void)res;
	if (us != 0 && (us < GN_TIMER_PERIOD_MIN_US || us > GN_TIMER_TIMEOUT_MAX_US)) {
		gn_log("refused a period of %llu us from \"%s\": allowed are %u to %llu us",
			(unsigned long long)us, s->label, (unsigned)GN_TIMER_PERIOD_MIN_US,
			(unsigned long long)GN_TIMER_TIMEOUT_MAX_US);
		return GN_ERR_INVALID_ARG;
	}
	uint64_t const deadline = us ? gn_time_now_us() + us : TIMEOUT_NONE;
	timeouts_schedule(&s->server->timeouts, &s->timeout, deadline, us);
	return GN_OK;
}

static gn_err_t elapsed_ms(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_timer_elapsed_res_t *res)
{
	session_t const *s = obj;

	(void)req;
	(void)args;
	res->value = (gn_time_now_us() - s->start_us) / 1000;
	return GN_OK;
}

static gn_err_t elapsed_us(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_timer_elapsed_res_t *res)
{
	session_t const *s = obj;

	(void)req;
	(void)args;
	res->value = gn_time_now_us() - s->start_us;
	return GN_OK;
}

static gn_timer_session_ops_t const session_ops = {
	sigh, trigger_once, trigger_periodic, elapsed_ms, elapsed_us};

/* Reads a quota argument; an absent one is 0. False when malformed. */
static bool quota_arg(char const *args, char const *key, uint64_t *value)
{
	gn_err_t const err = gn_args_get_num(args, key, value);

	if (err == GN_ERR_NOT_FOUND)
		*value = 0;
	return err == GN_OK || err == GN_ERR_NOT_FOUND;
}

/* Checks the request before anything is allocated for it. */
static gn_err_t check_request(server_t *srv, char const *args, char *label, unsigned *slot)
{
	uint64_t ram, caps;

	if (gn_args_get_label(args, label, GN_LABEL_MAX) != GN_OK ||
		!quota_arg(args, "ram_quota", &ram) || !quota_arg(args, "cap_quota", &caps)) {
		gn_log("refused a malformed session request");
		return GN_ERR_DENIED;
	}
	if (ram < GN_TIMER_SESSION_RAM) {
		gn_log("refused session for \"%s\": ram_quota=%llu, the session needs %u", label,
			(unsigned long long)ram, (unsigned)GN_TIMER_SESSION_RAM);
		return GN_ERR_INSUFFICIENT_RAM;
	}
	if (caps < GN_TIMER_SESSION_CAPS) {
		gn_log("refused session for \"%s\": cap_quota=%llu, the session needs %u", label,
			(unsigned long long)caps, (unsigned)GN_TIMER_SESSION_CAPS);
		return GN_ERR_INSUFFICIENT_CAPS;
	}
	for (*slot = 0; *slot < SESSIONS_MAX; (*slot)++)
		if (!srv->sessions[*slot])
			break;
	if (*slot == SESSIONS_MAX) {
		gn_log("refused session for \"%s\": all %u sessions in use", label,
			(unsigned)SESSIONS_MAX);
		return GN_ERR_DENIED;
	}
	gn_log("session for \"%s\" with ram_quota=%llu, cap_quota=%llu", label,
		(unsigned long long)ram, (unsigned long long)caps);
	return GN_OK;
}

static void free_page(server_t *srv, gn_cap_t ds, void *addr, size_t size)
{
	gn_rpc_void_t none = {0};

	if (addr)
		gn_ds_detach(addr, size);
	gn_ignore(gn_pd_session_free_ram(srv->env->pd, &none, &none, &ds, NULL));
	gn_cap_drop(ds);
}

static gn_err_t create(void *ctx, char const *args, gn_cap_t *cap)
{
	server_t *srv = ctx;
	char label[GN_LABEL_MAX];
	gn_pd_alloc_ram_args_t const page = {GN_TIMER_SESSION_RAM};
	gn_pd_alloc_ram_res_t charged;
	gn_cap_t ds = GN_CAP_INVALID;
	void *addr = NULL;
	size_t size = 0;
	bool writable = false;
	unsigned slot;

	gn_err_t err = check_request(srv, args, label, &slot);
	if (err != GN_OK)
		return err;
	err = gn_pd_session_alloc_ram(srv->env->pd, &page, &charged, NULL, &ds);
	if (err != GN_OK)
		return err;
	err = gn_ds_attach(ds, &addr, &size, &writable);
	if (err == GN_OK && (!writable || size < sizeof(session_t)))
		err = GN_ERR_OUT_OF_RAM;
	if (err != GN_OK)
		goto error;

	session_t *s = addr;
	*s = (session_t){.server = srv, .ds = ds, .ds_size = size, .start_us = gn_time_now_us()};
	timeouts_init(&s->timeout);
	gn_memcpy(s->label, label, sizeof(s->label));
	err = gn_ep_manage(srv->env->ep, s, &gn_timer_session_iface, &session_ops, &s->cap);
	if (err != GN_OK)
		goto error;
	srv->sessions[slot] = s;
	*cap = gn_cap_copy(s->cap);
	return GN_OK;

error:
	gn_log("could not create the session for \"%s\": %s", label, gn_err_name(err));
	free_page(srv, ds, addr, size);
	return err;
}

static void close(void *ctx, gn_cap_t cap)
{
	server_t *srv = ctx;
	session_t *s = gn_ep_lookup(srv->env->ep, cap, &gn_timer_session_iface);

	for (unsigned i = 0; s && i < SESSIONS_MAX; i++) {
		if (srv->sessions[i] != s)
			continue;
		uint64_t const fired = timeouts_remove(&srv->timeouts, &s->timeout);
		gn_log("closed session of \"%s\" after %llu timeout%s", s->label,
			(unsigned long long)fired, fired == 1 ? "" : "s");
		srv->sessions[i] = NULL;
		gn_ep_dissolve(srv->env->ep, s->cap);
		gn_cap_drop(s->cap);
		free_page(srv, s->ds, s, s->ds_size);
		return;
	}
}

static gn_service_ops_t const service_ops = {create, NULL, close};

void gn_component_construct(gn_env_t *env)
{
	static server_t server;

	server.env = env;
	gn_err_t err = timeouts_start(&server.timeouts, env);
	if (err == GN_OK)
		err = gn_service_announce(env, "Timer", &service_ops, &server);
	if (err != GN_OK) {
		gn_error("could not provide the Timer service: %s", gn_err_name(err));
		gn_exit(env, 1);
	}
	gn_log("Timer: up to %u sessions, periods of at least %u us", (unsigned)SESSIONS_MAX,
		(unsigned)GN_TIMER_PERIOD_MIN_US);
}
