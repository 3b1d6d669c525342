/*
 * IRQ sessions: an interrupt line delivered to a driver as signals
 * (include/gneiss/irq_session.h).
 *
 * Invariants:
 * - a line belongs to at most one session in use: it is checked against every other session
 *   before the platform is asked for it;
 * - core keeps the platform's capability of the line and binds and acknowledges it on the
 *   client's behalf: the client only ever names its own signal context, which core checks is
 *   one before the platform sees it;
 * - a session holds exactly one platform capability (the line), freed when the session ends,
 *   which masks the line.
 * What a session costs is its donation (two capabilities), which core/parent.c charged to the
 * client; the table is fixed, like those of the other services.
 */
#include <gneiss/irq_session.h>

#include "core.h"

enum {
	MAX_IRQS = CORE_MAX_SESSIONS
};

typedef struct {
	bool used;
	uint32_t line;
	gn_cap_t irq; /* the platform's capability of the line */
} irq_session_t;

static irq_session_t sessions[MAX_IRQS];
static unsigned sessions_high_water;

GN_RPC_SERVER(gn_irq_session, GN_IRQ_RPCS)

static gn_err_t sigh(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	irq_session_t const *s = obj;

	(void)args;
	(void)res;
	if (gn_cap_kind(req->caps_in[0]) != GN_CAP_KIND_SIGNAL)
		return GN_ERR_INVALID_CAP;
	return core_platform_irq_bind(s->irq, req->caps_in[0]);
}

static gn_err_t ack_irq(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	irq_session_t const *s = obj;

	(void)req;
	(void)args;
	(void)res;
	return core_platform_irq_ack(s->irq);
}

static gn_irq_session_ops_t const ops = {sigh, ack_irq};

gn_err_t core_irq_create(uint64_t line, uint64_t caps, gn_cap_t *cap)
{
	irq_session_t *s = NULL;
	unsigned index = 0;

	if (caps < GN_IRQ_SESSION_CAPS)
		return GN_ERR_INSUFFICIENT_CAPS;
	if (line > UINT32_MAX)
		return GN_ERR_INVALID_ARG;
	for (unsigned i = 0; i < sessions_high_water; i++)
		if (sessions[i].used && sessions[i].line == line)
			return GN_ERR_DENIED;
	for (unsigned i = 0; i < MAX_IRQS && !s; i++)
		if (!sessions[i].used)
			s = &sessions[index = i];
	if (!s)
		return GN_ERR_LIMIT;
	gn_cap_t irq;
	gn_err_t err = core_platform_irq_create((uint32_t)line, &irq);
	if (err != GN_OK)
		return err;
	*s = (irq_session_t){.line = (uint32_t)line, .irq = irq};
	err = gn_ep_manage(core_ep(), s, &gn_irq_session_iface, &ops, cap);
	if (err != GN_OK) {
		core_platform_irq_free(irq);
		return err;
	}
	s->used = true;
	core_table_used(&sessions_high_water, index);
	return GN_OK;
}

void core_irq_destroy(gn_cap_t cap)
{
	void *obj = gn_ep_lookup(core_ep(), cap, &gn_irq_session_iface);

	for (unsigned i = 0; obj && i < sessions_high_water; i++)
		if (obj == &sessions[i] && sessions[i].used) {
			gn_ep_dissolve(core_ep(), cap);
			core_platform_irq_free(sessions[i].irq);
			sessions[i].used = false;
		}
}
