/*
 * The sessions a sandbox serves itself: a child's "config" ROM (config_rom.c), which the state
 * machine has no notion of. They live in a small table beside it, created, refused and closed at
 * once: the donation moves from the client to the sandbox for the session's life and back at
 * close.
 */
#include <gneiss/label.h>
#include <gneiss/log.h>
#include <gneiss/string.h>

#include "sandbox.h"

local_t session_locals[MAX_LOCAL];

local_t *local_of(child_t const *c, uint32_t id)
{
	for (unsigned i = 0; i < MAX_LOCAL; i++)
		if (session_locals[i].used && session_locals[i].client == c &&
			session_locals[i].id == id)
			return &session_locals[i];
	return NULL;
}

/* The donation goes back to the client (a dead client's stays with init). */
void local_free(local_t *l, bool refund)
{
	if (refund &&
		sessions_move_quota(sandbox_env->pd, child_pd(l->client), l->ram, l->caps) != GN_OK)
		gn_warning("%s: could not return a ROM session's donation", l->client->name);
	if (gn_cap_valid(l->cap))
		config_rom_destroy(l->cap);
	gn_cap_drop(l->cap);
	*l = (local_t){.used = false};
	state_report_stale();
}

gn_err_t local_session(child_t *c, uint32_t id, char const *args, char const *label)
{
	local_t *l = NULL;
	unsigned mine = 0;
	uint64_t ram = 0, caps = 0;

	for (unsigned i = 0; i < MAX_LOCAL; i++) {
		mine += session_locals[i].used && session_locals[i].client == c;
		if (!session_locals[i].used && !l)
			l = &session_locals[i];
	}
	if (!l || mine >= MAX_LOCAL_PER_CHILD)
		return GN_ERR_LIMIT;
	if (gn_args_get_num(args, "ram_quota", &ram) != GN_OK)
		ram = 0;
	if (gn_args_get_num(args, "cap_quota", &caps) != GN_OK)
		caps = 0;
	gn_err_t err = sessions_move_quota(child_pd(c), sandbox_env->pd, ram, caps);
	if (err != GN_OK)
		return err == GN_ERR_OUT_OF_CAPS ? GN_ERR_INSUFFICIENT_CAPS
						 : GN_ERR_INSUFFICIENT_RAM;
	*l = (local_t){.used = true, .client = c, .id = id, .ram = ram, .caps = caps};
	gn_memcpy(l->label, label, sizeof(l->label));
	gn_memcpy(l->args, args, sizeof(l->args));
	err = config_rom_create(c, ram, &l->cap);
	if (err != GN_OK) { /* refused: the donation comes back now, the answer at session_cap */
		gn_ignore(sessions_move_quota(sandbox_env->pd, child_pd(c), ram, caps));
		l->ram = l->caps = 0;
		l->cap = GN_CAP_INVALID;
		l->refusal = err;
	}
	state_report_stale();
	return GN_OK;
}

void locals_child_gone(child_t *c)
{
	for (unsigned i = 0; i < MAX_LOCAL; i++)
		if (session_locals[i].used && session_locals[i].client == c)
			local_free(&session_locals[i], false);
}
