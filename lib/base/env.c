/*
 * The component side of the parent interface: opening and closing sessions, exiting.
 * Session ids are chosen here, counting up from GN_PARENT_FIRST_ID.
 */
#include <gneiss/env.h>
#include <gneiss/parent.h>
#include <gneiss/string.h>
#include <gn_platform.h>

gn_err_t gn_session(
	gn_env_t *env, char const *service, char const *args, gn_cap_t *cap, uint32_t *id)
{
	gn_parent_session_args_t req = {.id = env->next_session_id++};
	gn_parent_id_args_t cap_req = {req.id};
	gn_rpc_void_t res;

	if (gn_strlcpy(req.service, service, sizeof(req.service)) != GN_OK ||
		gn_strlcpy(req.args, args, sizeof(req.args)) != GN_OK)
		return GN_ERR_INVALID_ARG;
	gn_err_t err = gn_parent_session(env->parent, &req, &res, NULL, NULL);
	if (err == GN_OK)
		err = gn_parent_session_cap(env->parent, &cap_req, &res, NULL, cap);
	if (err == GN_OK && !gn_cap_valid(*cap))
		err = GN_ERR_INVALID_CAP;
	if (err == GN_OK)
		*id = req.id;
	return err;
}

gn_err_t gn_announce(gn_env_t *env, char const *service, gn_cap_t root)
{
	gn_parent_announce_args_t req = {{0}};
	gn_rpc_void_t res;

	if (gn_strlcpy(req.service, service, sizeof(req.service)) != GN_OK || !req.service[0])
		return GN_ERR_INVALID_ARG;
	return gn_parent_announce(env->parent, &req, &res, &root, NULL);
}

void gn_session_close(gn_env_t *env, uint32_t id, gn_cap_t cap)
{
	gn_parent_id_args_t req = {id};
	gn_rpc_void_t res;

	gn_cap_drop(cap);
	gn_ignore(gn_parent_close(env->parent, &req, &res, NULL, NULL));
}

void gn_exit(gn_env_t *env, int value)
{
	gn_parent_exit_args_t req = {value};
	gn_rpc_void_t res;

	gn_ignore(gn_parent_exit(env->parent, &req, &res, NULL, NULL));
	gn_platform_exit(value);
}
