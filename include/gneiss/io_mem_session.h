/*
 * IO_MEM session (core): the memory-mapped registers of a device, as Genode's Io_mem_session. The
 * session arguments base and size name the physical range [base, base + size); wc asks for
 * write-combining (a hint: on hw the range is always mapped uncached, which is never wrong for
 * registers). The session hands out one dataspace of that range, which the driver attaches like
 * any other (gn_ds_attach) and reads and writes with volatile accesses.
 *
 *   dataspace()   the dataspace capability of the range (readable, writable, never executable)
 *
 * Creation. The range must be page-aligned and hold at least one page without wrapping
 * (INVALID_ARG); it is given to one session at a time: a range overlapping another session's is
 * DENIED until that session is closed. The platform may refuse more: on hw, RAM (what the memory
 * map calls available, ACPI or defective, the kernel, the boot modules) and the kernel's own
 * devices (the local APIC's and the I/O APIC's pages) are DENIED, a range beyond the CPU's
 * physical address width or above 256 MiB INVALID_ARG; on linux, where no component gets device
 * access, everything (DENIED). Init passes core's answer on to the client as it is.
 *
 * Lifetime: closing the session destroys the dataspace, which unmaps it wherever it is attached
 * (a later access faults): the range is free for the next session.
 *
 * Price (the session argument string): cap_quota >= GN_IO_MEM_SESSION_CAPS, the session object
 * and the platform's capability of the range; less is INSUFFICIENT_CAPS. No RAM: core keeps the
 * session in a fixed table, and the dataspace is the device's memory, not core's.
 */
#ifndef GNEISS_IO_MEM_SESSION_H
#define GNEISS_IO_MEM_SESSION_H

#include <gneiss/env.h>
#include <gneiss/fmt.h>
#include <gneiss/label.h>
#include <gneiss/parent.h>
#include <gneiss/rpc.h>

enum {
	GN_IO_MEM_SESSION_CAPS = 2,
	GN_IO_MEM_PAGE = 4096,
};

#define GN_IO_MEM_RPCS(X, P) X(P, dataspace, 1, gn_rpc_void_t, gn_rpc_void_t, 0, 1)

GN_RPC_CLIENT(gn_io_mem_session, GN_IO_MEM_RPCS)
GN_CAP_TYPE(gn_io_mem_session_cap_t);

/* ---- client helpers ---------------------------------------------------------------------------- */

typedef struct {
	gn_env_t *env;
	gn_io_mem_session_cap_t session;
	uint32_t id;
} gn_io_mem_t;

/*
 * Opens an IO_MEM session for the physical range [base, base + size) (write-combining when wc)
 * with the component's label part `label`, donating exactly its price. Errors: those of gn_session
 * (DENIED, INVALID_ARG, UNROUTABLE, ...), INVALID_ARG for a label that does not fit the argument
 * string.
 */
static inline GN_MUST_CHECK gn_err_t gn_io_mem_open(
	gn_env_t *env, char const *label, uint64_t base, uint64_t size, bool wc, gn_io_mem_t *m)
{
	char args[GN_SESSION_ARGS_MAX];

	*m = (gn_io_mem_t){env, {GN_CAP_INVALID}, 0};
	if (gn_fmt(args, sizeof(args), NULL,
		    "ram_quota=0, cap_quota=%u, base=0x%lx, size=0x%lx, wc=%s",
		    (unsigned)GN_IO_MEM_SESSION_CAPS, (unsigned long)base, (unsigned long)size,
		    wc ? "yes" : "no") != GN_OK ||
		gn_args_set_string(args, sizeof(args), "label", label) != GN_OK)
		return GN_ERR_INVALID_ARG;
	return gn_session(env, "IO_MEM", args, &m->session.cap, &m->id);
}

/* Closes the session: the dataspace is gone (unmapped everywhere), the range free again. */
static inline void gn_io_mem_close(gn_io_mem_t *m)
{
	gn_session_close(m->env, m->id, m->session.cap);
	*m = (gn_io_mem_t){NULL, {GN_CAP_INVALID}, 0};
}

/*
 * The dataspace of the range in *ds (the caller owns this capability and drops it with
 * gn_cap_drop). Errors: the session's (REVOKED).
 */
static inline GN_MUST_CHECK gn_err_t gn_io_mem_dataspace(gn_io_mem_t *m, gn_cap_t *ds)
{
	gn_rpc_void_t none = {0};

	return gn_io_mem_session_dataspace(m->session.cap, &none, &none, NULL, ds);
}

#endif
