/*
 * IO_MEM sessions: the memory-mapped registers of a device as a dataspace
 * (include/gneiss/io_mem_session.h).
 *
 * Invariants:
 * - the ranges of the sessions in use never overlap: a range is checked against every other
 *   session before the platform is asked for it, so one driver owns its registers until it closes
 *   (the kernel on hw refuses an overlap too, EXISTS, which reaches a client as DENIED);
 * - core checks only what it knows (alignment, size, wrap, the other sessions); what is RAM or the
 *   kernel's is the platform's to refuse, which it does before anything exists;
 * - a session holds exactly one platform capability (the dataspace) from creation to its end,
 *   when it is freed: the platform destroys it, which unmaps it from the driver too.
 * What a session costs is its donation (two capabilities), which core/parent.c charged to the
 * client; the table is fixed, like those of the other services.
 */
#include <gneiss/io_mem_session.h>

#include "core.h"

enum {
	MAX_IO_MEMS = CORE_MAX_SESSIONS
};

typedef struct {
	bool used;
	uint64_t base, size; /* the physical range [base, base + size) */
	gn_cap_t ds;         /* the platform's dataspace of it (core's capability) */
} io_mem_session_t;

static io_mem_session_t sessions[MAX_IO_MEMS];
static unsigned sessions_high_water;

GN_RPC_SERVER(gn_io_mem_session, GN_IO_MEM_RPCS)

static gn_err_t dataspace(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	io_mem_session_t const *s = obj;

	(void)args;
	(void)res;
	req->caps_out[0] = gn_cap_copy(s->ds);
	req->num_caps_out = 1;
	return GN_OK;
}

static gn_io_mem_session_ops_t const ops = {dataspace};

/* Another session holds a byte of [base, base + size) (which does not wrap). */
static bool taken(uint64_t base, uint64_t size)
{
	for (unsigned i = 0; i < sessions_high_water; i++) {
		io_mem_session_t const *s = &sessions[i];
		if (s->used && base < s->base + s->size && s->base < base + size)
			return true;
	}
	return false;
}

gn_err_t core_io_mem_create(uint64_t base, uint64_t size, bool wc, uint64_t caps, gn_cap_t *cap)
{
	io_mem_session_t *s = NULL;
	unsigned index = 0;

	if (caps < GN_IO_MEM_SESSION_CAPS)
		return GN_ERR_INSUFFICIENT_CAPS;
	if (size == 0 || base % CORE_PAGE != 0 || size % CORE_PAGE != 0 || size > UINT64_MAX - base)
		return GN_ERR_INVALID_ARG;
	if (taken(base, size))
		return GN_ERR_DENIED;
	for (unsigned i = 0; i < MAX_IO_MEMS && !s; i++)
		if (!sessions[i].used)
			s = &sessions[index = i];
	if (!s)
		return GN_ERR_LIMIT;
	gn_cap_t ds;
	gn_err_t err = core_platform_io_mem_create(base, size, wc, &ds);
	if (err != GN_OK)
		return err;
	*s = (io_mem_session_t){.base = base, .size = size, .ds = ds};
	err = gn_ep_manage(core_ep(), s, &gn_io_mem_session_iface, &ops, cap);
	if (err != GN_OK) {
		core_platform_io_mem_free(ds);
		return err;
	}
	s->used = true;
	core_table_used(&sessions_high_water, index);
	return GN_OK;
}

void core_io_mem_destroy(gn_cap_t cap)
{
	void *obj = gn_ep_lookup(core_ep(), cap, &gn_io_mem_session_iface);

	for (unsigned i = 0; obj && i < sessions_high_water; i++)
		if (obj == &sessions[i] && sessions[i].used) {
			gn_ep_dissolve(core_ep(), cap);
			core_platform_io_mem_free(sessions[i].ds);
			sessions[i].used = false;
		}
}
