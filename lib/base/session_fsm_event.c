/*
 * Where the session state machine's events come from (see session_fsm.c): the client's and the
 * server's parent RPCs, and children coming and going. Each entry point checks its whole call
 * (the machine is not busy, the child is alive, the record exists and is the caller's) before
 * the table is asked, so a refused call changes nothing. A file of its own because this is the
 * protocol's surface, while session_fsm.c is only the table and how it is applied.
 */
#include <gneiss/label.h>
#include <gneiss/string.h>

#include "session_fsm_internal.h"

/* ---- children -------------------------------------------------------------------------------- */

gn_err_t gn_session_fsm_child_add(gn_session_fsm_t *fsm, uint16_t child, char const *name)
{
	gn_session_fsm_child_t *c;

	if (child >= fsm->num_children)
		return GN_ERR_INVALID_ARG;
	c = &fsm->children[child];
	if (c->alive)
		return GN_ERR_EXISTS;
	if (gn_strnlen(name, GN_SESSION_NAME_MAX) == GN_SESSION_NAME_MAX)
		return GN_ERR_TRUNCATED;
	*c = (gn_session_fsm_child_t){.alive = true};
	gn_memcpy(c->name, name, gn_strlen(name));
	return GN_OK;
}

gn_err_t gn_session_fsm_child_gone(gn_session_fsm_t *fsm, uint16_t child)
{
	event_arg_t const arg = {GN_OK, NOTHING};

	if (gn_session_fsm_busy(fsm))
		return GN_ERR_AGAIN;
	if (!alive(fsm, child))
		return GN_ERR_INVALID_ARG;
	/* as a server first: a session it served for itself is then closed like any failed one */
	for (uint32_t i = 0; i < fsm->num_sessions; i++) {
		gn_session_t *s = &fsm->sessions[i];
		if (s->state != FREE && s->server == child)
			gn_ignore(gn_sfsm_apply(fsm, s, SERVER_GONE, &arg));
	}
	for (uint32_t i = 0; i < fsm->num_sessions; i++) {
		gn_session_t *s = &fsm->sessions[i];
		if (s->state == FREE || s->client_gone || s->client != child)
			continue;
		s->client_gone = true;
		gn_ignore(gn_sfsm_apply(fsm, s, CLIENT_GONE, &arg));
	}
	gn_session_fsm_child_t *c = &fsm->children[child];
	fsm->work -= (uint32_t)c->rom_stale + (uint32_t)c->signal;
	*c = (gn_session_fsm_child_t){.alive = false};
	return GN_OK;
}

/* ---- server ids ------------------------------------------------------------------------------ */

static uint32_t find_server_id(gn_session_fsm_t const *fsm, uint32_t server_id)
{
	for (uint32_t i = 0; i < fsm->num_sessions; i++) {
		gn_session_t const *s = &fsm->sessions[i];
		if (s->state != FREE && s->server != GN_SESSION_NO_SERVER &&
			s->server_id == server_id)
			return i;
	}
	return fsm->num_sessions;
}

/* An id no record uses, counting up from cfg.first_server_id and wrapping around. */
static uint32_t alloc_server_id(gn_session_fsm_t *fsm)
{
	for (;;) {
		if (fsm->next_server_id < fsm->cfg.first_server_id)
			fsm->next_server_id = fsm->cfg.first_server_id; /* wrapped around */
		uint32_t const id = fsm->next_server_id++;
		if (find_server_id(fsm, id) == fsm->num_sessions)
			return id;
	}
}

/* ---- the client's parent RPCs ---------------------------------------------------------------- */

static bool valid_service(char const *service)
{
	size_t const len = gn_strnlen(service, GN_SERVICE_NAME_MAX);

	if (len == 0 || len == GN_SERVICE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (service[i] <= ' ' || service[i] >= 0x7f)
			return false;
	return true;
}

static gn_err_t quota_arg(char const *args, char const *key, uint64_t *value)
{
	gn_err_t const err = gn_args_get_num(args, key, value);

	if (err == GN_ERR_NOT_FOUND)
		*value = 0;
	return err == GN_ERR_NOT_FOUND ? GN_OK : err;
}

/* Checks a request and writes the record it becomes into *rec (validate, then commit). */
static gn_err_t prepare(gn_session_fsm_t const *fsm, uint16_t child, char const *service,
	char const *args, gn_session_t *rec)
{
	char label[GN_LABEL_MAX], prefixed[GN_LABEL_MAX];
	gn_session_quota_t q;
	size_t const args_len = gn_strnlen(args, GN_SESSION_ARGS_MAX);

	*rec = (gn_session_t){.state = FREE};
	if (!valid_service(service) || args_len == GN_SESSION_ARGS_MAX)
		return GN_ERR_INVALID_ARG;
	gn_memcpy(rec->service, service, gn_strlen(service));
	gn_memcpy(rec->args, args, args_len);
	if (gn_args_check(rec->args) != GN_OK ||
		quota_arg(rec->args, "ram_quota", &q.ram) != GN_OK ||
		quota_arg(rec->args, "cap_quota", &q.caps) != GN_OK)
		return GN_ERR_INVALID_ARG;
	if (q.ram < fsm->cfg.keep.ram)
		return GN_ERR_INSUFFICIENT_RAM;
	if (q.caps < fsm->cfg.keep.caps)
		return GN_ERR_INSUFFICIENT_CAPS;
	rec->donation = q;
	sub(&q, fsm->cfg.keep);
	if (gn_args_get_label(rec->args, label, sizeof(label)) != GN_OK ||
		gn_label_prefix(prefixed, sizeof(prefixed), fsm->children[child].name, label) !=
			GN_OK ||
		gn_args_set_string(rec->args, sizeof(rec->args), "label", prefixed) != GN_OK ||
		gn_args_set_num(rec->args, sizeof(rec->args), "ram_quota", q.ram) != GN_OK ||
		gn_args_set_num(rec->args, sizeof(rec->args), "cap_quota", q.caps) != GN_OK)
		return GN_ERR_INVALID_ARG;
	return GN_OK;
}

gn_err_t gn_session_fsm_session(gn_session_fsm_t *fsm, uint16_t child, uint32_t id,
	char const *service, char const *args, uint32_t *sid)
{
	gn_session_t rec;
	uint32_t records = 0, pending = 0, slot = fsm->num_sessions;
	event_arg_t const arg = {GN_OK, NOTHING};

	if (gn_session_fsm_busy(fsm))
		return GN_ERR_AGAIN;
	if (!alive(fsm, child) || id < fsm->cfg.first_client_id)
		return GN_ERR_INVALID_ARG;
	if (gn_sfsm_find_client(fsm, child, id) != fsm->num_sessions)
		return GN_ERR_EXISTS;
	gn_err_t const err = prepare(fsm, child, service, args, &rec);
	if (err != GN_OK)
		return err;
	for (uint32_t i = fsm->num_sessions; i-- > 0;) {
		gn_session_t const *s = &fsm->sessions[i];
		if (s->state == FREE)
			slot = i;
		else if (!s->client_gone && s->client == child) {
			records++;
			pending += gn_sfsm_info[s->state].pending;
		}
	}
	if (records >= fsm->cfg.max_sessions || pending >= fsm->cfg.max_pending ||
		slot == fsm->num_sessions)
		return GN_ERR_LIMIT;
	rec.client = child;
	rec.client_id = id;
	rec.server = GN_SESSION_NO_SERVER;
	fsm->sessions[slot] = rec;
	*sid = slot;
	return gn_sfsm_apply(fsm, &fsm->sessions[slot], SESSION, &arg);
}

gn_err_t gn_session_fsm_route(gn_session_fsm_t *fsm, uint32_t sid, uint16_t target, bool announced)
{
	event_arg_t const arg = {GN_OK, NOTHING};

	if (gn_session_fsm_busy(fsm))
		return GN_ERR_AGAIN;
	if (sid >= fsm->num_sessions || fsm->sessions[sid].state != AWAIT_ROUTE)
		return GN_ERR_INVALID_ARG;
	gn_session_t *s = &fsm->sessions[sid];
	if (target == GN_SESSION_ROUTE_DENIED)
		return gn_sfsm_apply(fsm, s, DENY, &arg);
	if (target != GN_SESSION_UPSTREAM && !alive(fsm, target))
		return GN_ERR_INVALID_ARG;
	s->server_id = alloc_server_id(fsm);
	s->server = target;
	return gn_sfsm_apply(
		fsm, s, target == GN_SESSION_UPSTREAM || announced ? ROUTE : ROUTE_WAIT, &arg);
}

gn_err_t gn_session_fsm_announce(gn_session_fsm_t *fsm, uint16_t server, char const *service)
{
	event_arg_t const arg = {GN_OK, NOTHING};

	if (gn_session_fsm_busy(fsm))
		return GN_ERR_AGAIN;
	if (!alive(fsm, server))
		return GN_ERR_INVALID_ARG;
	for (uint32_t i = 0; i < fsm->num_sessions; i++) {
		gn_session_t *s = &fsm->sessions[i];
		if (s->state == AWAIT_ANNOUNCE && s->server == server &&
			gn_strncmp(s->service, service, sizeof(s->service)) == 0)
			gn_ignore(gn_sfsm_apply(fsm, s, ANNOUNCE, &arg));
	}
	return GN_OK;
}

/* The record of a client's call, or an answer for the call when it cannot go on. */
static gn_err_t client_record(
	gn_session_fsm_t const *fsm, uint16_t child, uint32_t id, uint32_t *sid)
{
	if (gn_session_fsm_busy(fsm))
		return GN_ERR_AGAIN;
	*sid = gn_sfsm_find_client(fsm, child, id);
	return *sid == fsm->num_sessions ? GN_ERR_NOT_FOUND : GN_OK;
}

gn_err_t gn_session_fsm_session_cap(
	gn_session_fsm_t *fsm, uint16_t child, uint32_t id, uint32_t *sid)
{
	event_arg_t const arg = {GN_OK, NOTHING};
	gn_err_t const err = client_record(fsm, child, id, sid);

	return err ? err : gn_sfsm_apply(fsm, &fsm->sessions[*sid], SESSION_CAP, &arg);
}

gn_err_t gn_session_fsm_upgrade(
	gn_session_fsm_t *fsm, uint16_t child, uint32_t id, gn_session_quota_t quota)
{
	event_arg_t const arg = {GN_OK, quota};
	uint32_t sid;
	gn_err_t const err = client_record(fsm, child, id, &sid);

	if (err != GN_OK)
		return err;
	gn_session_t *s = &fsm->sessions[sid];
	gn_session_quota_t held = s->at_parent;
	add(&held, s->at_server);
	if (held.ram + quota.ram < held.ram || held.caps + quota.caps < held.caps)
		return GN_ERR_INVALID_ARG;
	/* an upgrade by nothing moves nothing (and does not bother the server) */
	if (is_zero(quota) && s->state == CAP_HANDED_OUT)
		return GN_OK;
	return gn_sfsm_apply(fsm, s, UPGRADE, &arg);
}

gn_err_t gn_session_fsm_upgrade_status(gn_session_fsm_t *fsm, uint16_t child, uint32_t id)
{
	uint32_t const sid = gn_sfsm_find_client(fsm, child, id);

	if (sid == fsm->num_sessions)
		return GN_ERR_NOT_FOUND;
	gn_session_t *s = &fsm->sessions[sid];
	if (s->upgrade_err != GN_OK) {
		gn_err_t const err = (gn_err_t)s->upgrade_err;
		s->upgrade_err = GN_OK;
		return err;
	}
	switch (s->state) {
	case UPGRADE_CHARGING:
	case UPGRADE_DONATING:
	case UPGRADE_UNDO:
	case UPGRADE_REQUESTED: return GN_ERR_AGAIN;
	case CLOSE_FORWARDING:
	case CLOSE_REQUESTED:
	case RECLAIM_CLOSED: return GN_ERR_REVOKED;
	case FAILED: return (gn_err_t)s->result;
	default: return GN_OK;
	}
}

gn_err_t gn_session_fsm_close(gn_session_fsm_t *fsm, uint16_t child, uint32_t id)
{
	event_arg_t const arg = {GN_OK, NOTHING};
	uint32_t sid;
	gn_err_t const err = client_record(fsm, child, id, &sid);

	if (err == GN_ERR_NOT_FOUND)
		return GN_OK; /* nothing (left) to close */
	return err ? err : gn_sfsm_apply(fsm, &fsm->sessions[sid], CLOSE, &arg);
}

/* ---- the server's parent RPCs ---------------------------------------------------------------- */

static gn_err_t server_record(
	gn_session_fsm_t const *fsm, uint16_t server, uint32_t server_id, uint32_t *sid)
{
	if (gn_session_fsm_busy(fsm))
		return GN_ERR_AGAIN;
	if (server != GN_SESSION_UPSTREAM && !alive(fsm, server))
		return GN_ERR_INVALID_ARG;
	*sid = find_server_id(fsm, server_id);
	if (*sid == fsm->num_sessions)
		return GN_ERR_NOT_FOUND;
	return fsm->sessions[*sid].server == server ? GN_OK : GN_ERR_DENIED;
}

gn_err_t gn_session_fsm_deliver(
	gn_session_fsm_t *fsm, uint16_t server, uint32_t server_id, uint32_t *sid)
{
	event_arg_t const arg = {GN_OK, NOTHING};
	gn_err_t const err = server_record(fsm, server, server_id, sid);

	return err ? err : gn_sfsm_apply(fsm, &fsm->sessions[*sid], DELIVER, &arg);
}

gn_err_t gn_session_fsm_response(
	gn_session_fsm_t *fsm, uint16_t server, uint32_t server_id, gn_session_response_t response)
{
	/* the wire's answers: the event each one is, and what a refusal tells the client */
	static struct {
		uint8_t valid, event;
		gn_err_t err;
	} const map[] = {
		[GN_SESSION_DENIED] = {1, RESP_REFUSED, GN_ERR_DENIED},
		[GN_SESSION_INSUFFICIENT_RAM] = {1, RESP_REFUSED, GN_ERR_INSUFFICIENT_RAM},
		[GN_SESSION_INSUFFICIENT_CAPS] = {1, RESP_REFUSED, GN_ERR_INSUFFICIENT_CAPS},
		[GN_SESSION_CLOSED] = {1, RESP_CLOSED, GN_OK},
		[GN_SESSION_UPGRADED] = {1, RESP_UPGRADED, GN_OK},
	};
	uint32_t sid;

	if (gn_session_fsm_busy(fsm))
		return GN_ERR_AGAIN;
	if ((unsigned)response >= GN_ARRAY_SIZE(map) || !map[response].valid)
		return GN_ERR_INVALID_ARG;
	gn_err_t const err = server_record(fsm, server, server_id, &sid);
	event_arg_t const arg = {map[response].err, NOTHING};

	return err ? err : gn_sfsm_apply(fsm, &fsm->sessions[sid], map[response].event, &arg);
}
