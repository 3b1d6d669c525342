/*
 * The component side of the parent interface: opening, upgrading and closing sessions, exiting.
 *
 * Session ids are chosen here, counting up from GN_PARENT_FIRST_ID. Opening is asynchronous at the
 * parent (DESIGN.md §3): after `session` the library waits for the parent's session signal and asks
 * `session_cap` again. The main thread keeps dispatching its entrypoint's signals while it waits, so
 * two components that open sessions at each other both answer their session requests and neither
 * waits forever. A refusal for want of donation is retried with a doubled donation, up to what the
 * component's own account has. An upgrade returns once the server has taken it in (the parent
 * answers AGAIN to further upgrades until then).
 */
#include <gneiss/env.h>
#include <gneiss/fmt.h>
#include <gneiss/label.h>
#include <gneiss/parent.h>
#include <gneiss/pd_session.h>
#include <gneiss/string.h>
#include <gneiss/thread.h>
#include <gn_platform.h>

enum {
	RECHECK_MS = 200, /* a missed wake-up (another thread took the count) costs at most this */
	RETRIES = 8,
};

static gn_err_t session_signal(gn_env_t *env)
{
	gn_rpc_void_t none = {0};
	gn_cap_t sig;

	if (env->session_sig)
		return GN_OK;
	gn_err_t err = gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &sig);
	if (err == GN_OK)
		err = gn_parent_session_sigh(env->parent, &none, &none, &sig, NULL);
	if (err != GN_OK) {
		gn_cap_drop(sig);
		return err;
	}
	env->session_sig = sig;
	return GN_OK;
}

/* Waits for the parent's next session signal (or RECHECK_MS). */
static gn_err_t await_progress(gn_env_t *env)
{
	gn_err_t err = session_signal(env);

	if (err == GN_OK)
		gn_ignore(gn_ep_wait_signal(
			gn_thread_myself() ? NULL : env->ep, env->session_sig, RECHECK_MS));
	return err;
}

/* Waits for the answer to request id; returns the capability or the final refusal. */
static gn_err_t await_cap(gn_env_t *env, uint32_t id, gn_cap_t *cap)
{
	gn_parent_id_args_t const req = {id};
	gn_rpc_void_t res;

	for (;;) {
		gn_err_t err = gn_parent_session_cap(env->parent, &req, &res, NULL, cap);
		if (err != GN_ERR_AGAIN)
			return err == GN_OK && !gn_cap_valid(*cap) ? GN_ERR_INVALID_CAP : err;
		err = await_progress(env);
		if (err != GN_OK)
			return err;
	}
}

/* Closes id and waits until the server let go of it and the donation is back. */
static void close_id(gn_env_t *env, uint32_t id)
{
	gn_parent_id_args_t const req = {id};
	gn_rpc_void_t res;

	while (gn_parent_close(env->parent, &req, &res, NULL, NULL) == GN_ERR_AGAIN)
		if (await_progress(env) != GN_OK)
			return;
}

gn_err_t gn_resource_request(gn_env_t *env, uint64_t ram, uint64_t caps)
{
	gn_pd_quota_res_t q;
	gn_rpc_void_t none = {0};

	for (;;) {
		gn_err_t err = gn_pd_session_quota(env->pd, &none, &q, NULL, NULL);
		if (err != GN_OK)
			return err;
		uint64_t const has_ram = q.ram_quota - q.ram_used,
			       has_caps = q.cap_quota - q.cap_used;
		if (has_ram >= ram && has_caps >= caps)
			return GN_OK;
		gn_parent_resource_args_t const want = {ram > has_ram ? ram - has_ram : 0,
			caps > has_caps ? caps - has_caps : 0, q.ram_quota, q.cap_quota};
		err = gn_parent_resource_request(env->parent, &want, &none, NULL, NULL);
		if (err == GN_ERR_AGAIN)
			err = await_progress(env);
		if (err != GN_OK)
			return err;
	}
}

static uint64_t donation(char const *args, char const *key)
{
	uint64_t value = 0;

	return gn_args_get_num(args, key, &value) == GN_OK ? value : 0;
}

/* The account has what the donation of args names. */
static bool afford(gn_env_t *env, char const *args)
{
	gn_pd_quota_res_t q;
	gn_rpc_void_t none = {0};

	return gn_pd_session_quota(env->pd, &none, &q, NULL, NULL) == GN_OK &&
	       q.ram_quota - q.ram_used >= donation(args, "ram_quota") &&
	       q.cap_quota - q.cap_used >= donation(args, "cap_quota");
}

/* Asks the parent until the account can pay the donation of args; false when it cannot. */
static bool account_for(gn_env_t *env, char const *args)
{
	return gn_resource_request(env, donation(args, "ram_quota"), donation(args, "cap_quota")) ==
	       GN_OK;
}

/*
 * The donation doubled (at least by `floor`), asking the parent for quota when the account is too
 * poor; false when it cannot give more.
 */
static bool raise_donation(gn_env_t *env, char *args, char const *key, uint64_t floor)
{
	uint64_t have = 0;

	if (gn_args_get_num(args, key, &have) != GN_OK)
		have = 0;
	uint64_t const want = have * 2 > have + floor ? have * 2 : have + floor;
	bool const ram = key[0] == 'r';
	return gn_resource_request(env, ram ? want : 0, ram ? 0 : want) == GN_OK &&
	       gn_args_set_num(args, GN_SESSION_ARGS_MAX, key, want) == GN_OK;
}

gn_err_t gn_session(
	gn_env_t *env, char const *service, char const *args, gn_cap_t *cap, uint32_t *id)
{
	gn_parent_session_args_t req = {0};

	if (gn_strlcpy(req.service, service, sizeof(req.service)) != GN_OK ||
		gn_strlcpy(req.args, args, sizeof(req.args)) != GN_OK)
		return GN_ERR_INVALID_ARG;
	/* made before the first request, so a component's quota use does not depend on timing */
	gn_err_t const sig_err = session_signal(env);
	if (sig_err != GN_OK)
		return sig_err;
	for (unsigned attempt = 0;; attempt++) {
		gn_rpc_void_t res;
		gn_parent_id_args_t const close = {req.id = env->next_session_id++};
		gn_err_t err = gn_parent_session(env->parent, &req, &res, NULL, NULL);
		bool const requested = err == GN_OK;
		if (requested)
			err = await_cap(env, req.id, cap);
		if (err == GN_OK) {
			*id = req.id;
			return GN_OK;
		}
		if (requested)
			close_id(env,
				close.id); /* the parent keeps a refused request until closed */
		bool const more =
			attempt < RETRIES &&
			(err == GN_ERR_INSUFFICIENT_RAM || err == GN_ERR_INSUFFICIENT_CAPS) &&
			(afford(env, req.args)
					? raise_donation(env, req.args,
						  err == GN_ERR_INSUFFICIENT_RAM ? "ram_quota"
										 : "cap_quota",
						  err == GN_ERR_INSUFFICIENT_RAM ? 4096 : 1)
					: account_for(env, req.args));
		if (!more)
			return err;
	}
}

/* Upgrades id by args, retrying while the parent answers AGAIN (an upgrade still at the server). */
static gn_err_t upgrade_id(gn_env_t *env, uint32_t id, char const *args)
{
	gn_parent_upgrade_args_t req = {.id = id};
	gn_rpc_void_t res;
	gn_err_t err = gn_strlcpy(req.args, args, sizeof(req.args));

	while (err == GN_OK &&
		(err = gn_parent_upgrade(env->parent, &req, &res, NULL, NULL)) == GN_ERR_AGAIN)
		err = await_progress(env);
	return err;
}

gn_err_t gn_session_upgrade(gn_env_t *env, uint32_t id, uint64_t ram, uint64_t caps)
{
	char args[GN_SESSION_ARGS_MAX];

	gn_err_t err = gn_fmt(args, sizeof(args), NULL, "ram_quota=%llu, cap_quota=%llu",
		(unsigned long long)ram, (unsigned long long)caps);
	if (err == GN_OK)
		err = upgrade_id(env, id, args);
	if ((err == GN_ERR_INSUFFICIENT_RAM || err == GN_ERR_INSUFFICIENT_CAPS) &&
		gn_resource_request(env, ram, caps) == GN_OK)
		err = upgrade_id(env, id, args); /* the account could not pay: it can now */
	/* an upgrade by nothing answers once the server has taken this one in */
	if (err == GN_OK && (ram || caps))
		err = upgrade_id(env, id, "ram_quota=0, cap_quota=0");
	return err;
}

void gn_session_close(gn_env_t *env, uint32_t id, gn_cap_t cap)
{
	gn_cap_drop(cap);
	close_id(env, id);
}

void gn_exit(gn_env_t *env, int value)
{
	gn_parent_exit_args_t req = {value};
	gn_rpc_void_t res;

	gn_ignore(gn_parent_exit(env->parent, &req, &res, NULL, NULL));
	gn_platform_exit(value);
}

static void heartbeat(void *ctx, uint64_t count)
{
	gn_env_t *env = ctx;
	gn_rpc_void_t none = {0};

	(void)count;
	gn_ignore(gn_parent_heartbeat_response(env->parent, &none, &none, NULL, NULL));
}

gn_err_t gn_env_heartbeat(gn_env_t *env)
{
	gn_rpc_void_t none = {0};
	gn_cap_t sig;

	gn_err_t err = gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &sig);
	if (err != GN_OK)
		return err;
	err = gn_ep_sigh(env->ep, sig, heartbeat, env);
	if (err == GN_OK)
		err = gn_parent_heartbeat_sigh(env->parent, &none, &none, &sig, NULL);
	gn_cap_drop(sig); /* the entrypoint and the parent keep theirs */
	return err;
}

typedef struct {
	gn_env_t *env;
	gn_yield_fn_t fn;
	void *ctx;
} yield_t;

static yield_t yielder;

static void yield_signal(void *ctx, uint64_t count)
{
	yield_t *y = ctx;
	gn_rpc_void_t none = {0};
	gn_parent_resource_args_t want = {0};

	(void)count;
	if (gn_parent_yield_request(y->env->parent, &none, &want, NULL, NULL) == GN_OK &&
		(want.ram || want.caps))
		y->fn(y->ctx, want.ram, want.caps);
	gn_ignore(gn_parent_yield_response(y->env->parent, &none, &none, NULL, NULL));
}

gn_err_t gn_yield_handler(gn_env_t *env, gn_yield_fn_t fn, void *ctx)
{
	gn_rpc_void_t none = {0};
	gn_cap_t sig;

	gn_err_t err = gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &sig);
	if (err != GN_OK)
		return err;
	yielder = (yield_t){env, fn, ctx};
	err = gn_ep_sigh(env->ep, sig, yield_signal, &yielder);
	if (err == GN_OK)
		err = gn_parent_yield_sigh(env->parent, &none, &none, &sig, NULL);
	gn_cap_drop(sig);
	return err;
}
