/*
 * Questions about the session state machine (see session_fsm.c): finding a record, the stats,
 * the session_requests ROM a server reads, and the check of the invariants the essay in
 * session_fsm.c states (the unit tests and the fuzz target call it). A file of its own because
 * none of it changes the machine.
 */
#include <gneiss/label.h>
#include <gneiss/string.h>
#include <gneiss/xml_gen.h>

#include "session_fsm_internal.h"

/* ---- records and stats ----------------------------------------------------------------------- */

/* A client's record of id, not FREE and not orphaned; num_sessions when there is none. */
uint32_t gn_sfsm_find_client(gn_session_fsm_t const *fsm, uint16_t child, uint32_t id)
{
	for (uint32_t i = 0; i < fsm->num_sessions; i++) {
		gn_session_t const *s = &fsm->sessions[i];
		if (s->state != FREE && !s->client_gone && s->client == child && s->client_id == id)
			return i;
	}
	return fsm->num_sessions;
}

gn_err_t gn_session_fsm_lookup(
	gn_session_fsm_t const *fsm, uint16_t child, uint32_t id, uint32_t *sid)
{
	*sid = gn_sfsm_find_client(fsm, child, id);
	return *sid == fsm->num_sessions ? GN_ERR_NOT_FOUND : GN_OK;
}

gn_session_t const *gn_session_fsm_get(gn_session_fsm_t const *fsm, uint32_t sid)
{
	return sid < fsm->num_sessions ? &fsm->sessions[sid] : NULL;
}

gn_session_fsm_stats_t const *gn_session_fsm_stats(gn_session_fsm_t const *fsm)
{
	return &fsm->stats;
}

bool gn_session_fsm_busy(gn_session_fsm_t const *fsm)
{
	return fsm->work || fsm->outstanding;
}

/* ---- the session_requests ROM ---------------------------------------------------------------- */

static void gen_request(gn_xml_gen_t *g, gn_session_t const *s)
{
	char label[GN_LABEL_MAX];

	switch (gn_sfsm_info[s->state].rom) {
	case ROM_CREATE:
		gn_xml_gen_node_open(g, "create");
		gn_xml_gen_attr_u64(g, "id", s->server_id);
		gn_xml_gen_attr(g, "service", s->service);
		if (gn_args_get_label(s->args, label, sizeof(label)) != GN_OK)
			label[0] = 0; /* cannot happen: the args were checked */
		gn_xml_gen_attr(g, "label", label);
		gn_xml_gen_node_open(g, "args");
		gn_xml_gen_content(g, s->args);
		gn_xml_gen_node_close(g);
		gn_xml_gen_node_close(g);
		break;
	case ROM_UPGRADE:
		gn_xml_gen_node_open(g, "upgrade");
		gn_xml_gen_attr_u64(g, "id", s->server_id);
		gn_xml_gen_attr_u64(g, "ram_quota", s->upgrade.ram);
		gn_xml_gen_attr_u64(g, "cap_quota", s->upgrade.caps);
		gn_xml_gen_node_close(g);
		break;
	case ROM_CLOSE:
		gn_xml_gen_node_open(g, "close");
		gn_xml_gen_attr_u64(g, "id", s->server_id);
		gn_xml_gen_node_close(g);
		break;
	}
}

gn_err_t gn_session_fsm_gen_requests(
	gn_session_fsm_t const *fsm, uint16_t server, char *buf, size_t size, size_t *len)
{
	gn_xml_gen_t g;

	if (server >= fsm->num_children)
		return GN_ERR_INVALID_ARG;
	gn_xml_gen_init(&g, buf, size);
	gn_xml_gen_node_open(&g, "session_requests");
	for (uint32_t i = 0; i < fsm->num_sessions; i++)
		if (fsm->sessions[i].state != FREE && fsm->sessions[i].server == server)
			gen_request(&g, &fsm->sessions[i]);
	gn_xml_gen_node_close(&g);
	return gn_xml_gen_finish(&g, len);
}

/* ---- the invariants -------------------------------------------------------------------------- */

static bool quota_eq(gn_session_quota_t a, gn_session_quota_t b)
{
	return a.ram == b.ram && a.caps == b.caps;
}

/* Checks one record on its own; NULL when it is sound. */
static char const *check_record(gn_session_fsm_t const *fsm, gn_session_t const *s)
{
	static gn_session_t const free_record = {.state = FREE};

	if (s->state >= GN_SESSION_STATE_COUNT)
		return "state out of range";
	if (s->state == FREE)
		return gn_memcmp(s, &free_record, sizeof(*s)) ? "FREE record not cleared" : NULL;
	if (s->client >= fsm->num_children)
		return "client out of range";
	if (!s->client_gone && !fsm->children[s->client].alive)
		return "record of a dead client";
	if (gn_sfsm_info[s->state].has_server && s->server == GN_SESSION_NO_SERVER)
		return "state needs a server";
	if (s->server != GN_SESSION_NO_SERVER && s->server != GN_SESSION_UPSTREAM &&
		s->server >= fsm->num_children)
		return "server out of range";
	if (!gn_sfsm_info[s->state].at_server && !is_zero(s->at_server))
		return "server holds quota in a state where it cannot";
	return NULL;
}

/* The per-record and per-child invariants; NULL when they hold. */
static char const *check_records(
	gn_session_fsm_t const *fsm, gn_session_quota_t *held, uint32_t *transients)
{
	for (uint32_t i = 0; i < fsm->num_sessions; i++) {
		gn_session_t const *s = &fsm->sessions[i];
		char const *what = check_record(fsm, s);
		uint32_t records = 0, pending = 0;

		if (what)
			return what;
		if (s->state == FREE)
			continue;
		add(held, s->at_parent);
		add(held, s->at_server);
		*transients += transient(s->state);
		for (uint32_t j = 0; j < fsm->num_sessions; j++) {
			gn_session_t const *o = &fsm->sessions[j];
			if (o->state == FREE)
				continue;
			if (j != i && s->server != GN_SESSION_NO_SERVER &&
				o->server != GN_SESSION_NO_SERVER && o->server_id == s->server_id)
				return "server id used twice";
			if (s->client_gone || o->client_gone || o->client != s->client)
				continue;
			records++;
			pending += gn_sfsm_info[o->state].pending;
			if (j != i && o->client_id == s->client_id)
				return "client id used twice";
		}
		if (!s->client_gone && records > fsm->cfg.max_sessions)
			return "client has more than max_sessions records";
		if (!s->client_gone && pending > fsm->cfg.max_pending)
			return "client has more than max_pending requests";
	}
	return NULL;
}

gn_err_t gn_session_fsm_check(gn_session_fsm_t const *fsm, char const **what)
{
	gn_session_fsm_stats_t const *st = &fsm->stats;
	gn_session_quota_t held = NOTHING;
	uint32_t work = 0;
	char const *broken = check_records(fsm, &held, &work);

	for (uint16_t i = 0; !broken && i < fsm->num_children; i++) {
		gn_session_fsm_child_t const *c = &fsm->children[i];
		if (!c->alive && (c->rom_stale || c->signal))
			broken = "dead child has pending actions";
		work += (uint32_t)c->rom_stale + (uint32_t)c->signal;
	}
	add(&held, st->refunded);
	add(&held, st->kept);
	add(&held, st->lost);
	if (!broken && !quota_eq(held, st->donated))
		broken = "quota not conserved";
	if (!broken && work != fsm->work)
		broken = "pending-work count wrong";
	if (what)
		*what = broken;
	return broken ? GN_ERR_INVALID_ARG : GN_OK;
}
