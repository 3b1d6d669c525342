/*
 * init as a server of its own parent: the <service> nodes of its config re-export services of its
 * children (Genode's sandbox server).
 *
 * init announces each re-exported service at its parent and reads the parent's session requests
 * (the session_requests ROM, as every server does). A new request selects the service's <policy>
 * (or <default-policy>) by its label; the <child> that policy names serves it, under the label the
 * parent gave or the one the <child> node sets. The request then runs through the same state
 * machine as the children's requests (session.c), with init's parent as one more client,
 * PARENT_CLIENT, whose quota account is init's own: the parent donated to init before it asked,
 * and takes the donation back from init when the session closes.
 *
 * Answering is stateless: whenever the document or a record of PARENT_CLIENT changes, every
 * request in the document (read with gneiss/session_requests.h, as every server does) is looked
 * at again and answered if its record has news (delivered,
 * refused, upgraded, closed). The parent drops answered requests from the document.
 */
#include <gneiss/dataspace.h>
#include <gneiss/label.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/service.h>
#include <gneiss/session_requests.h>
#include <gneiss/string.h>

#include "sandbox.h"

enum {
	MAX_EXPORTED = 8,  /* services init announces at its parent */
	MAX_POLICIES = 32, /* <policy> nodes of one <service> */
	MAX_UPGRADING = MAX_SESSIONS_PER_CHILD,
};

static char exported[MAX_EXPORTED][GN_SERVICE_NAME_MAX];
static gn_session_requests_hdr_t const volatile *requests;
static size_t requests_size;
static char doc[GN_SESSION_REQUESTS_SIZE];
static uint32_t upgrading[MAX_UPGRADING]; /* ids whose upgrade init forwarded, not answered yet */
static bool answering, again;

static gn_label_attr_t attr_of(gn_xml_node_t const *node, char const *name)
{
	gn_xml_attr_t a;

	return gn_xml_attr(node, name, &a) ? (gn_label_attr_t){a.value, a.value_len}
					   : (gn_label_attr_t){NULL, 0};
}

/*
 * The <child> node serving label under the config's <service name=service>; false when init does
 * not re-export the service or no policy takes the label.
 */
static bool policy_target(char const *service, char const *label, gn_xml_node_t *target)
{
	gn_xml_node_t svc, policy, nodes[MAX_POLICIES];
	gn_policy_candidate_t candidates[MAX_POLICIES];
	size_t count = 0, chosen;

	bool found = gn_xml_first_sub_type(&sandbox_config, "service", &svc);
	while (found && !gn_xml_attr_eq(&svc, "name", service))
		found = gn_xml_next_type(&svc, "service", &svc);
	if (!found)
		return false;
	for (bool more = gn_xml_first_sub(&svc, &policy); more && count < MAX_POLICIES;
		more = gn_xml_next(&policy, &policy)) {
		bool const is_default = gn_xml_has_type(&policy, "default-policy");
		if (!is_default && !gn_xml_has_type(&policy, "policy"))
			continue;
		nodes[count] = policy;
		candidates[count++] = (gn_policy_candidate_t){attr_of(&policy, "label"),
			attr_of(&policy, "label_prefix"), attr_of(&policy, "label_suffix"),
			attr_of(&policy, "label_last"), is_default};
	}
	return gn_policy_select(candidates, count, label, &chosen) == GN_OK &&
	       gn_xml_first_sub_type(&nodes[chosen], "child", target);
}

/* A request init has not seen: to the child its policy names, or refused. */
static void create_new(uint32_t id, char const *service, char *args)
{
	char label[GN_LABEL_MAX], name[NAME_MAX];
	gn_xml_node_t target;
	child_t *server = NULL;

	if (gn_args_check(args) != GN_OK ||
		gn_args_get_label(args, label, sizeof(label)) != GN_OK) {
		gn_session_respond(sandbox_env, id, GN_SESSION_DENIED);
		return;
	}
	if (policy_target(service, label, &target) &&
		gn_xml_attr_str(&target, "name", name, sizeof(name)) == GN_OK)
		server = child_by_name(name, gn_strlen(name));
	if (!server) {
		gn_error("no policy of <service name=\"%s\"> serves \"%s\"", service, label);
		gn_session_respond(sandbox_env, id, GN_SESSION_DENIED);
		return;
	}
	if (gn_xml_has_attr(&target, "label") &&
		(gn_xml_attr_str(&target, "label", label, sizeof(label)) != GN_OK ||
			gn_args_set_string(args, GN_SESSION_ARGS_MAX, "label", label) != GN_OK)) {
		gn_session_respond(sandbox_env, id, GN_SESSION_DENIED);
		return;
	}
	gn_err_t const err = sessions_parent_request(id, service, args, server);
	if (err != GN_OK) {
		gn_error("%s session for \"%s\" not forwarded: %s", service, label,
			gn_err_name(err));
		gn_session_respond(sandbox_env, id, gn_session_response_of(err));
	}
}

static void create(gn_session_request_t const *req)
{
	char args[GN_SESSION_ARGS_MAX];
	uint32_t sid;
	gn_session_fsm_t *fsm = &session_fsm;
	uint32_t const id = req->id;

	if (gn_session_fsm_lookup(fsm, PARENT_CLIENT, id, &sid) != GN_OK) {
		gn_memcpy(args, req->args, sizeof(args));
		if (!req->complete)
			gn_session_respond(sandbox_env, id, GN_SESSION_DENIED);
		else
			create_new(id, req->service, args);
		return;
	}
	gn_session_state_t const state = gn_session_fsm_get(fsm, sid)->state;
	if (state != GN_SESSION_AVAILABLE && state != GN_SESSION_FAILED)
		return; /* the child has not answered yet */
	gn_err_t const err = gn_session_fsm_session_cap(fsm, PARENT_CLIENT, id, &sid);
	gn_cap_t cap = GN_CAP_INVALID;
	if (err == GN_OK) { /* handed over: init keeps no capability of a session it brokers */
		cap = session_sides[sid].cap;
		session_sides[sid].cap = GN_CAP_INVALID;
	}
	sessions_settle();
	if (err == GN_OK) {
		gn_parent_id_args_t const deliver = {id};
		gn_rpc_void_t res;
		gn_ignore(gn_parent_deliver_session_cap(
			sandbox_env->parent, &deliver, &res, &cap, NULL));
		gn_cap_drop(cap);
	} else if (err != GN_ERR_AGAIN)
		gn_session_respond(sandbox_env, id, gn_session_response_of(err));
}

static uint32_t *upgrading_slot(uint32_t id)
{
	for (unsigned i = 0; i < MAX_UPGRADING; i++)
		if (upgrading[i] == id)
			return &upgrading[i];
	return NULL;
}

static void upgrade(gn_session_request_t const *req)
{
	gn_session_fsm_t *fsm = &session_fsm;
	gn_session_quota_t const q = {req->ram, req->caps};
	uint32_t const id = req->id;
	uint32_t *slot = upgrading_slot(id);

	if (!slot) { /* new: forward it to the server */
		slot = upgrading_slot(0);
		if (!slot || !req->complete ||
			gn_session_fsm_upgrade(fsm, PARENT_CLIENT, id, q) != GN_OK) {
			/* the quota stays with init, which the parent reclaims at close */
			gn_session_respond(sandbox_env, id, GN_SESSION_UPGRADED);
			return;
		}
		*slot = id;
		sessions_settle();
	}
	if (gn_session_fsm_upgrade_status(fsm, PARENT_CLIENT, id) == GN_ERR_AGAIN)
		return;
	*slot = 0;
	gn_session_respond(sandbox_env, id, GN_SESSION_UPGRADED);
}

static void close(uint32_t id)
{
	gn_session_fsm_t *fsm = &session_fsm;
	uint32_t sid;

	gn_err_t const err = gn_session_fsm_close(fsm, PARENT_CLIENT, id);
	sessions_settle();
	if (err == GN_OK || gn_session_fsm_lookup(fsm, PARENT_CLIENT, id, &sid) != GN_OK) {
		uint32_t *slot = upgrading_slot(id);
		if (slot)
			*slot = 0;
		gn_session_respond(sandbox_env, id, GN_SESSION_CLOSED);
	}
}

static void answer(void *ctx, gn_session_request_t const *req)
{
	(void)ctx;
	if (req->id < GN_PARENT_FIRST_ID)
		return;
	if (req->kind == GN_SESSION_REQUEST_CREATE)
		create(req);
	else if (req->kind == GN_SESSION_REQUEST_UPGRADE)
		upgrade(req);
	else if (req->kind == GN_SESSION_REQUEST_CLOSE)
		close(req->id);
}

/* Looks at every request of init's parent once more. */
static void answer_all(void)
{
	size_t len = 0;
	unsigned tries = 0;

	while (!gn_session_requests_snapshot(requests, requests_size, doc, sizeof(doc), &len))
		if (++tries == 100000)
			return; /* the parent signals again when it is done */
	gn_ignore(gn_session_requests_parse(doc, len, answer, NULL)); /* malformed: nothing to do */
}

void server_answer(void)
{
	if (!requests)
		return;
	if (answering) { /* news during a walk: one more walk after it */
		again = true;
		return;
	}
	answering = true;
	do {
		again = false;
		answer_all();
	} while (again);
	answering = false;
}

static void requests_changed(void *ctx, uint64_t count)
{
	(void)ctx;
	(void)count;
	server_answer();
}

static gn_err_t fetch_requests(void)
{
	return gn_session_requests_fetch(
		sandbox_env, requests_changed, NULL, &requests, &requests_size);
}

static bool is_exported(char const *name)
{
	for (unsigned i = 0; i < MAX_EXPORTED; i++)
		if (gn_strcmp(exported[i], name) == 0)
			return true;
	return false;
}

/*
 * Announces each service of the config's <service> nodes not announced before. There is no way to
 * take an announcement back: a service the config drops refuses its new requests.
 */
void server_configure(void)
{
	gn_xml_node_t svc;

	for (bool more = gn_xml_first_sub_type(&sandbox_config, "service", &svc); more;
		more = gn_xml_next_type(&svc, "service", &svc)) {
		gn_parent_announce_args_t args = {{0}};
		gn_rpc_void_t res;
		char *slot = NULL;
		if (gn_xml_attr_str(&svc, "name", args.service, sizeof(args.service)) != GN_OK ||
			is_exported(args.service))
			continue;
		for (unsigned i = 0; i < MAX_EXPORTED && !slot; i++)
			if (!exported[i][0])
				slot = exported[i];
		gn_err_t err = slot ? GN_OK : GN_ERR_LIMIT;
		if (err == GN_OK && !requests)
			err = fetch_requests();
		if (err == GN_OK)
			err = gn_parent_announce(sandbox_env->parent, &args, &res, NULL, NULL);
		if (err != GN_OK) {
			gn_error("cannot provide %s to init's parent: %s", args.service,
				gn_err_name(err));
			continue;
		}
		gn_memcpy(slot, args.service, GN_SERVICE_NAME_MAX);
	}
	server_answer(); /* requests may be waiting already */
}
