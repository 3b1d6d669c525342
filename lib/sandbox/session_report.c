/*
 * What the sandbox asks about its sessions: whether a child's sessions would be routed elsewhere
 * by a new config, and the <requested>/<provided> nodes of the state report.
 */
#include <gneiss/label.h>
#include <gneiss/string.h>
#include <gneiss/xml_gen.h>

#include "sandbox.h"

/* True for a session of the client's that is, or is about to be, in use. */
static bool in_use(gn_session_t const *s)
{
	switch ((gn_session_state_t)s->state) {
	case GN_SESSION_AWAIT_ANNOUNCE:
	case GN_SESSION_DONATING:
	case GN_SESSION_CREATE_REQUESTED:
	case GN_SESSION_AVAILABLE:
	case GN_SESSION_CAP_HANDED_OUT:
	case GN_SESSION_UPGRADE_CHARGING:
	case GN_SESSION_UPGRADE_DONATING:
	case GN_SESSION_UPGRADE_UNDO:
	case GN_SESSION_UPGRADE_REQUESTED: return !s->client_gone;
	default: return false;
	}
}

/* Whether routing c's request (service, label) now gives another server or label than routed. */
static bool rerouted(child_t *c, char const *service, char const *label, route_t was,
	child_t const *was_server, char const *was_routed)
{
	char routed[GN_LABEL_MAX];
	child_t *server = NULL;
	route_t const route = route_resolve(c, service, label, &server, routed, sizeof(routed));

	return route != was || (route == ROUTE_CHILD && server != was_server) ||
	       gn_strcmp(routed, was_routed) != 0;
}

bool sessions_route_changed(child_t *c)
{
	char routed[GN_LABEL_MAX];

	for (uint32_t i = 0; i < MAX_SESSIONS; i++) {
		gn_session_t const *s = gn_session_fsm_get(&session_fsm, i);
		if (!in_use(s) || s->client != child_index(c))
			continue;
		bool const up = s->server == GN_SESSION_UPSTREAM;
		if (gn_args_get_label(s->args, routed, sizeof(routed)) != GN_OK ||
			rerouted(c, s->service, session_sides[i].label,
				up ? ROUTE_PARENT : ROUTE_CHILD,
				up ? NULL : &sandbox_children[s->server], routed))
			return true;
	}
	for (unsigned i = 0; i < MAX_LOCAL; i++)
		if (session_locals[i].used && session_locals[i].client == c &&
			gn_cap_valid(session_locals[i].cap) &&
			(gn_args_get_label(session_locals[i].args, routed, sizeof(routed)) !=
					GN_OK ||
				rerouted(c, "ROM", session_locals[i].label, ROUTE_CONFIG, NULL,
					routed)))
			return true;
	return false;
}

/* The state report's word for a record's state. */
static char const *state_name(gn_session_t const *s)
{
	bool const up = s->server == GN_SESSION_UPSTREAM;

	switch ((gn_session_state_t)s->state) {
	case GN_SESSION_AWAIT_ANNOUNCE: return "waiting for announcement";
	case GN_SESSION_CHARGING:
	case GN_SESSION_AWAIT_ROUTE:
	case GN_SESSION_DONATING:
	case GN_SESSION_CREATE_REQUESTED: return up ? "requested at parent" : "requested";
	case GN_SESSION_AVAILABLE:
	case GN_SESSION_CAP_HANDED_OUT:
	case GN_SESSION_UPGRADE_CHARGING:
	case GN_SESSION_UPGRADE_DONATING:
	case GN_SESSION_UPGRADE_UNDO:
	case GN_SESSION_UPGRADE_REQUESTED: return "available";
	case GN_SESSION_FAILED: return s->result == GN_ERR_REVOKED ? "server gone" : "refused";
	default: return up ? "closing at parent" : "closing";
	}
}

static void report_session(gn_xml_gen_t *g, char const *service, char const *args,
	char const *state, char const *server, bool with_args)
{
	char label[GN_LABEL_MAX];

	gn_xml_gen_node_open(g, "session");
	gn_xml_gen_attr(g, "service", service);
	if (gn_args_get_label(args, label, sizeof(label)) == GN_OK)
		gn_xml_gen_attr(g, "label", label);
	gn_xml_gen_attr(g, "state", state);
	if (server)
		gn_xml_gen_attr(g, "server", server);
	if (with_args)
		gn_xml_gen_attr(g, "args", args);
	gn_xml_gen_node_close(g);
}

/* Whether record s is c's: requested by it, or (provided) routed to it and not failed there. */
static bool reported(gn_session_t const *s, uint16_t c, bool requested)
{
	if (s->state == GN_SESSION_FREE)
		return false;
	if (requested)
		return !s->client_gone && s->client == c;
	return s->server == c && s->state != GN_SESSION_FAILED &&
	       s->state != GN_SESSION_REFUNDING && s->state != GN_SESSION_RELEASING;
}

void sessions_report(child_t *c, gn_xml_gen_t *g, bool requested, bool with_args)
{
	bool open = false;

	/* init's own first: a child opens its config ROM before anything else */
	for (unsigned i = 0; requested && i < MAX_LOCAL; i++) {
		local_t const *l = &session_locals[i];
		if (!l->used || l->client != c)
			continue;
		if (!open)
			gn_xml_gen_node_open(g, "requested");
		open = true;
		report_session(g, "ROM", l->args, gn_cap_valid(l->cap) ? "available" : "refused",
			"init", with_args);
	}
	for (uint32_t i = 0; i < MAX_SESSIONS; i++) {
		gn_session_t const *s = gn_session_fsm_get(&session_fsm, i);
		if (!reported(s, child_index(c), requested))
			continue;
		if (!open)
			gn_xml_gen_node_open(g, requested ? "requested" : "provided");
		open = true;
		char const *server = s->server == GN_SESSION_UPSTREAM ? "parent"
				     : s->server < MAX_CHILDREN ? sessions_party_name(s->server)
								: "none";
		report_session(g, s->service, s->args, state_name(s), requested ? server : NULL,
			with_args);
	}
	if (open)
		gn_xml_gen_node_close(g);
}
