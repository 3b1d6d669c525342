/*
 * Routing of a child's session request: Genode's rules, implemented in lib/base/route.c, asked
 * about init's live children.
 */
#include <gneiss/log.h>
#include <gneiss/route.h>
#include <gneiss/string.h>

#include "sandbox.h"

static char const *live_child(void *ctx, size_t index)
{
	(void)ctx;
	for (unsigned i = 0; i < MAX_CHILDREN; i++)
		if (sandbox_children[i].used && index-- == 0)
			return sandbox_children[i].name;
	return NULL;
}

static gn_route_world_t const world = {NULL, live_child, NULL, NULL, NULL};

route_t route_resolve(child_t *c, char const *service, char const *label, child_t **server,
	char *routed_label, size_t size)
{
	gn_route_request_t const req = {c->name, service, label, false};
	static gn_route_t r; /* big: keep it off the entrypoint's stack */

	gn_err_t err = gn_route_resolve(&sandbox_config, &c->start, &req, &world, &r);
	if (r.warning[0])
		gn_error("%s: %s", c->name, r.warning);
	if (err != GN_OK) {
		gn_error("%s: %s", c->name, r.reason);
		return ROUTE_DENIED;
	}
	if (gn_strlcpy(routed_label, r.label, size) != GN_OK)
		return ROUTE_DENIED;
	if (r.kind == GN_ROUTE_PARENT)
		return ROUTE_PARENT;
	if (r.kind == GN_ROUTE_CONFIG)
		return ROUTE_CONFIG;
	if (r.kind == GN_ROUTE_CHILD) {
		*server = child_by_name(r.server, gn_strlen(r.server));
		return *server ? ROUTE_CHILD : ROUTE_DENIED;
	}
	gn_error("%s: %s routes to init's own %s, which init does not serve yet", c->name, service,
		gn_route_kind_name(r.kind));
	return ROUTE_DENIED;
}
