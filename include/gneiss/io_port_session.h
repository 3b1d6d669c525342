/*
 * IO_PORT session (core): access to a range of x86 I/O ports, as Genode's Io_port_session. The
 * session arguments io_port_base and io_port_size name the range [base, base + size); core reads
 * and writes the ports on the client's behalf, so a driver never runs with I/O privilege.
 *
 *   inb/inw/inl(port)         the byte, word or double word read at port
 *   outb/outw/outl(port, v)   writes v (which must fit the width, else INVALID_ARG) to port
 *
 * Every access is checked first: all its bytes [port, port + width) must lie inside the session's
 * range, else DENIED and no port is touched.
 *
 * Creation. A range must lie within the 64 KiB port space and hold at least one port
 * (INVALID_ARG); it is given to one session at a time: a range overlapping another session's is
 * DENIED until that session is closed. The platform may refuse more: ports the kernel keeps for
 * itself (on hw the PICs, PIT channel 2 and its gate, the debug-exit port and COM1), and every
 * port on linux, where no component gets device access (DENIED). Init passes core's answer on
 * to the client as it is.
 *
 * Price (the session argument string): cap_quota >= GN_IO_PORT_SESSION_CAPS, the session object
 * and the platform's capability of the range; less is INSUFFICIENT_CAPS. No RAM: core keeps the
 * session in a fixed table.
 */
#ifndef GNEISS_IO_PORT_SESSION_H
#define GNEISS_IO_PORT_SESSION_H

#include <gneiss/env.h>
#include <gneiss/fmt.h>
#include <gneiss/label.h>
#include <gneiss/parent.h>
#include <gneiss/rpc.h>

enum {
	GN_IO_PORT_SESSION_CAPS = 2,
	GN_IO_PORTS = 0x10000, /* the x86 port space */
};

typedef struct {
	uint32_t port;
} gn_io_port_in_args_t;

typedef struct {
	uint32_t port;
	uint32_t value;
} gn_io_port_out_args_t;

typedef struct {
	uint32_t value;
} gn_io_port_value_t;

#define GN_IO_PORT_RPCS(X, P)                                        \
	X(P, inb, 1, gn_io_port_in_args_t, gn_io_port_value_t, 0, 0) \
	X(P, inw, 2, gn_io_port_in_args_t, gn_io_port_value_t, 0, 0) \
	X(P, inl, 3, gn_io_port_in_args_t, gn_io_port_value_t, 0, 0) \
	X(P, outb, 4, gn_io_port_out_args_t, gn_rpc_void_t, 0, 0)    \
	X(P, outw, 5, gn_io_port_out_args_t, gn_rpc_void_t, 0, 0)    \
	X(P, outl, 6, gn_io_port_out_args_t, gn_rpc_void_t, 0, 0)

GN_RPC_CLIENT(gn_io_port_session, GN_IO_PORT_RPCS)
GN_CAP_TYPE(gn_io_port_session_cap_t);

/* ---- client helpers ---------------------------------------------------------------------------- */

typedef struct {
	gn_env_t *env;
	gn_io_port_session_cap_t session;
	uint32_t id;
} gn_io_port_t;

/*
 * Opens an IO_PORT session for [base, base + size) with the component's label part `label`,
 * donating exactly its price. Errors: those of gn_session (DENIED, UNROUTABLE, ...), INVALID_ARG
 * for a label that does not fit the argument string.
 */
static inline GN_MUST_CHECK gn_err_t gn_io_port_open(
	gn_env_t *env, char const *label, uint32_t base, uint32_t size, gn_io_port_t *p)
{
	char args[GN_SESSION_ARGS_MAX];

	*p = (gn_io_port_t){env, {GN_CAP_INVALID}, 0};
	if (gn_fmt(args, sizeof(args), NULL,
		    "ram_quota=0, cap_quota=%u, io_port_base=0x%x, io_port_size=0x%x",
		    (unsigned)GN_IO_PORT_SESSION_CAPS, (unsigned)base, (unsigned)size) != GN_OK ||
		gn_args_set_string(args, sizeof(args), "label", label) != GN_OK)
		return GN_ERR_INVALID_ARG;
	return gn_session(env, "IO_PORT", args, &p->session.cap, &p->id);
}

/* Closes the session: the range is free for the next one. */
static inline void gn_io_port_close(gn_io_port_t *p)
{
	gn_session_close(p->env, p->id, p->session.cap);
	*p = (gn_io_port_t){NULL, {GN_CAP_INVALID}, 0};
}

/* The byte at port. Errors: DENIED outside the session's range, the session's (REVOKED). */
static inline GN_MUST_CHECK gn_err_t gn_io_port_inb(gn_io_port_t *p, uint16_t port, uint8_t *value)
{
	gn_io_port_in_args_t const args = {port};
	gn_io_port_value_t res = {0};
	gn_err_t const err = gn_io_port_session_inb(p->session.cap, &args, &res, NULL, NULL);

	*value = (uint8_t)res.value;
	return err;
}

/* Writes the byte value to port. Errors: as gn_io_port_inb. */
static inline GN_MUST_CHECK gn_err_t gn_io_port_outb(gn_io_port_t *p, uint16_t port, uint8_t value)
{
	gn_io_port_out_args_t const args = {port, value};
	gn_rpc_void_t none;

	return gn_io_port_session_outb(p->session.cap, &args, &none, NULL, NULL);
}

#endif
