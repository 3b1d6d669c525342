/*
 * Terminal session: a bidirectional byte stream, as Genode's Terminal_session (served by a UART
 * driver, os/uart, and later by anything that looks like a terminal). The bytes travel in the
 * message payload, at most GN_TERMINAL_IO_MAX per call (Genode copies them through a dataspace
 * shared with the server; a payload needs no mapping and no second capability).
 *
 *   write(length, data)     hands length bytes of data to the terminal; the result says how many
 *                           it took (from the front), which may be fewer, 0 included, when the
 *                           terminal cannot take more now: the caller retries the rest later.
 *                           INVALID_ARG when length exceeds GN_TERMINAL_IO_MAX (the payload).
 *   read(max)               up to max bytes of what the terminal received, oldest first, removed
 *                           from its buffer; fewer (0 included) when fewer are there. read(0)
 *                           returns nothing and changes nothing. INVALID_ARG above
 *                           GN_TERMINAL_IO_MAX. Bytes of the result past its length are zero.
 *   avail()                 how many bytes read would return now (Genode answers only whether
 *                           there are any).
 *   read_avail_sigh(sig)    the signal context (1 capability in) submitted whenever new bytes
 *                           arrive, and at once when some wait already; replaces the previous one.
 *                           INVALID_CAP when sig is no signal context. Signals count and coalesce:
 *                           a client reads until avail() is 0 after each delivery.
 *
 * A request is checked whole before anything happens: a length beyond the payload is refused and
 * no byte is written or consumed. A server decides how many sessions it serves at once and says so
 * in its README (os/uart: one, a second is DENIED).
 *
 * Not provided (Genode has them): size and size_changed_sigh (a UART has no geometry; opcode 5 is
 * kept free for them) and connected_sigh (a session is usable once created).
 *
 * Price (the session argument string): cap_quota >= GN_TERMINAL_SESSION_CAPS, the session object
 * and the server's copy of the signal context; less is INSUFFICIENT_CAPS. No RAM: the server's
 * buffers are its own (a UART's receive ring belongs to the device, not to a session).
 */
#ifndef GNEISS_TERMINAL_SESSION_H
#define GNEISS_TERMINAL_SESSION_H

#include <gneiss/env.h>
#include <gneiss/fmt.h>
#include <gneiss/label.h>
#include <gneiss/parent.h>
#include <gneiss/rpc.h>
#include <gneiss/string.h>

enum {
	GN_TERMINAL_SESSION_CAPS = 2,
	GN_TERMINAL_IO_MAX = 1024, /* bytes one write carries or one read returns at most */
};

typedef struct {
	uint32_t length; /* bytes of data to write, at most GN_TERMINAL_IO_MAX */
	uint8_t data[GN_TERMINAL_IO_MAX];
} gn_terminal_write_args_t;

typedef struct {
	uint32_t max; /* bytes to read at most, at most GN_TERMINAL_IO_MAX */
} gn_terminal_read_args_t;

typedef struct {
	uint32_t length; /* bytes of data read */
	uint8_t data[GN_TERMINAL_IO_MAX];
} gn_terminal_read_res_t;

typedef struct {
	uint32_t count; /* write: bytes taken; avail: bytes a read would return */
} gn_terminal_count_t;

#define GN_TERMINAL_RPCS(X, P)                                               \
	X(P, write, 1, gn_terminal_write_args_t, gn_terminal_count_t, 0, 0)  \
	X(P, read, 2, gn_terminal_read_args_t, gn_terminal_read_res_t, 0, 0) \
	X(P, avail, 3, gn_rpc_void_t, gn_terminal_count_t, 0, 0)             \
	X(P, read_avail_sigh, 4, gn_rpc_void_t, gn_rpc_void_t, 1, 0)

GN_RPC_CLIENT(gn_terminal_session, GN_TERMINAL_RPCS)
GN_CAP_TYPE(gn_terminal_session_cap_t);

/* ---- client helpers ---------------------------------------------------------------------------- */

typedef struct {
	gn_env_t *env;
	gn_terminal_session_cap_t session;
	uint32_t id;
} gn_terminal_t;

/*
 * Opens a Terminal session with the component's label part `label`, donating exactly its price.
 * Errors: those of gn_session (DENIED, UNROUTABLE, ...), INVALID_ARG for a label that does not
 * fit the argument string.
 */
static inline GN_MUST_CHECK gn_err_t gn_terminal_open(
	gn_env_t *env, char const *label, gn_terminal_t *t)
{
	char args[GN_SESSION_ARGS_MAX];

	*t = (gn_terminal_t){env, {GN_CAP_INVALID}, 0};
	if (gn_fmt(args, sizeof(args), NULL, "ram_quota=0, cap_quota=%u",
		    (unsigned)GN_TERMINAL_SESSION_CAPS) != GN_OK ||
		gn_args_set_string(args, sizeof(args), "label", label) != GN_OK)
		return GN_ERR_INVALID_ARG;
	return gn_session(env, "Terminal", args, &t->session.cap, &t->id);
}

/* Closes the session. */
static inline void gn_terminal_close(gn_terminal_t *t)
{
	gn_session_close(t->env, t->id, t->session.cap);
	*t = (gn_terminal_t){NULL, {GN_CAP_INVALID}, 0};
}

/*
 * Writes the first length bytes of data; *taken says how many the terminal took. Errors:
 * INVALID_ARG for length above GN_TERMINAL_IO_MAX (nothing is sent), the session's (REVOKED).
 */
static inline GN_MUST_CHECK gn_err_t gn_terminal_write(
	gn_terminal_t *t, void const *data, size_t length, size_t *taken)
{
	gn_terminal_write_args_t args = {0};
	gn_terminal_count_t res = {0};

	*taken = 0;
	if (length > GN_TERMINAL_IO_MAX)
		return GN_ERR_INVALID_ARG;
	args.length = (uint32_t)length;
	gn_memcpy(args.data, data, length);
	gn_err_t const err = gn_terminal_session_write(t->session.cap, &args, &res, NULL, NULL);
	*taken = err == GN_OK ? res.count : 0;
	return err;
}

/*
 * Reads up to max bytes into buf; *length says how many came. Errors: INVALID_ARG for max above
 * GN_TERMINAL_IO_MAX, the session's.
 */
static inline GN_MUST_CHECK gn_err_t gn_terminal_read(
	gn_terminal_t *t, void *buf, size_t max, size_t *length)
{
	gn_terminal_read_res_t res = {0};
	gn_terminal_read_args_t const args = {(uint32_t)max};

	*length = 0;
	if (max > GN_TERMINAL_IO_MAX)
		return GN_ERR_INVALID_ARG;
	gn_err_t const err = gn_terminal_session_read(t->session.cap, &args, &res, NULL, NULL);
	if (err != GN_OK)
		return err;
	if (res.length > max) /* a server that answers more than was asked is broken */
		return GN_ERR_BAD_MSG;
	gn_memcpy(buf, res.data, res.length);
	*length = res.length;
	return GN_OK;
}

/* How many bytes a read would return now. Errors: the session's. */
static inline GN_MUST_CHECK gn_err_t gn_terminal_avail(gn_terminal_t *t, size_t *count)
{
	gn_rpc_void_t none = {0};
	gn_terminal_count_t res = {0};
	gn_err_t const err = gn_terminal_session_avail(t->session.cap, &none, &res, NULL, NULL);

	*count = err == GN_OK ? res.count : 0;
	return err;
}

/* New bytes are signalled to sig from now on. Errors: as read_avail_sigh above. */
static inline GN_MUST_CHECK gn_err_t gn_terminal_read_avail_sigh(gn_terminal_t *t, gn_cap_t sig)
{
	gn_rpc_void_t none = {0};

	return gn_terminal_session_read_avail_sigh(t->session.cap, &none, &none, &sig, NULL);
}

#endif
