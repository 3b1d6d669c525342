/*
 * IO_PORT sessions: core reads and writes I/O ports on a driver's behalf
 * (include/gneiss/io_port_session.h).
 *
 * Invariants:
 * - the ranges of the sessions in use never overlap: a range is checked against every other
 *   session before the platform is asked for it, so one driver owns its ports until it closes;
 * - every access is checked against its session's range before the platform touches a port, and
 *   the platform's capability names that range alone, so even a wrong check here could not reach
 *   a port of another session or one the kernel keeps;
 * - a session holds exactly one platform capability (the range), freed when the session ends.
 * What a session costs is its donation (two capabilities), which core/parent.c charged to the
 * client; the table is fixed, like those of the other services.
 */
#include <gneiss/io_port_session.h>

#include "core.h"

enum {
	MAX_IO_PORTS = CORE_MAX_SESSIONS
};

typedef struct {
	bool used;
	uint32_t base, size; /* the ports [base, base + size) */
	gn_cap_t ports;      /* the platform's capability of them */
} io_port_session_t;

static io_port_session_t sessions[MAX_IO_PORTS];
static unsigned sessions_high_water;

GN_RPC_SERVER(gn_io_port_session, GN_IO_PORT_RPCS)

/* The access of width bytes at port lies inside the session's range. */
static bool inside(io_port_session_t const *s, uint32_t port, unsigned width)
{
	return port >= s->base && (uint64_t)port + width <= (uint64_t)s->base + s->size;
}

static gn_err_t in(io_port_session_t const *s, uint32_t port, unsigned width, uint32_t *value)
{
	if (!inside(s, port, width))
		return GN_ERR_DENIED;
	return core_platform_io_port_in(s->ports, (uint16_t)port, width, value);
}

static gn_err_t out(io_port_session_t const *s, uint32_t port, unsigned width, uint32_t value)
{
	if (!inside(s, port, width))
		return GN_ERR_DENIED;
	if (width < 4 && value >> (width * 8))
		return GN_ERR_INVALID_ARG;
	return core_platform_io_port_out(s->ports, (uint16_t)port, width, value);
}

static gn_err_t inb(
	void *obj, gn_rpc_request_t *req, gn_io_port_in_args_t const *args, gn_io_port_value_t *res)
{
	(void)req;
	return in(obj, args->port, 1, &res->value);
}

static gn_err_t inw(
	void *obj, gn_rpc_request_t *req, gn_io_port_in_args_t const *args, gn_io_port_value_t *res)
{
	(void)req;
	return in(obj, args->port, 2, &res->value);
}

static gn_err_t inl(
	void *obj, gn_rpc_request_t *req, gn_io_port_in_args_t const *args, gn_io_port_value_t *res)
{
	(void)req;
	return in(obj, args->port, 4, &res->value);
}

static gn_err_t outb(
	void *obj, gn_rpc_request_t *req, gn_io_port_out_args_t const *args, gn_rpc_void_t *res)
{
	(void)req;
	(void)res;
	return out(obj, args->port, 1, args->value);
}

static gn_err_t outw(
	void *obj, gn_rpc_request_t *req, gn_io_port_out_args_t const *args, gn_rpc_void_t *res)
{
	(void)req;
	(void)res;
	return out(obj, args->port, 2, args->value);
}

static gn_err_t outl(
	void *obj, gn_rpc_request_t *req, gn_io_port_out_args_t const *args, gn_rpc_void_t *res)
{
	(void)req;
	(void)res;
	return out(obj, args->port, 4, args->value);
}

static gn_io_port_session_ops_t const ops = {inb, inw, inl, outb, outw, outl};

/* Another session holds a port of [base, base + size). */
static bool taken(uint64_t base, uint64_t size)
{
	for (unsigned i = 0; i < sessions_high_water; i++) {
		io_port_session_t const *s = &sessions[i];
		if (s->used && base < (uint64_t)s->base + s->size && s->base < base + size)
			return true;
	}
	return false;
}

gn_err_t core_io_port_create(uint64_t base, uint64_t size, uint64_t caps, gn_cap_t *cap)
{
	io_port_session_t *s = NULL;
	unsigned index = 0;

	if (caps < GN_IO_PORT_SESSION_CAPS)
		return GN_ERR_INSUFFICIENT_CAPS;
	if (size == 0 || base >= GN_IO_PORTS || size > GN_IO_PORTS - base)
		return GN_ERR_INVALID_ARG;
	if (taken(base, size))
		return GN_ERR_DENIED;
	for (unsigned i = 0; i < MAX_IO_PORTS && !s; i++)
		if (!sessions[i].used)
			s = &sessions[index = i];
	if (!s)
		return GN_ERR_LIMIT;
	gn_cap_t ports;
	gn_err_t err = core_platform_io_port_create((uint16_t)base, (uint32_t)size, &ports);
	if (err != GN_OK)
		return err;
	*s = (io_port_session_t){.base = (uint32_t)base, .size = (uint32_t)size, .ports = ports};
	err = gn_ep_manage(core_ep(), s, &gn_io_port_session_iface, &ops, cap);
	if (err != GN_OK) {
		core_platform_io_port_free(ports);
		return err;
	}
	s->used = true;
	core_table_used(&sessions_high_water, index);
	return GN_OK;
}

void core_io_port_destroy(gn_cap_t cap)
{
	void *obj = gn_ep_lookup(core_ep(), cap, &gn_io_port_session_iface);

	for (unsigned i = 0; obj && i < sessions_high_water; i++)
		if (obj == &sessions[i] && sessions[i].used) {
			gn_ep_dissolve(core_ep(), cap);
			core_platform_io_port_free(sessions[i].ports);
			sessions[i].used = false;
		}
}
