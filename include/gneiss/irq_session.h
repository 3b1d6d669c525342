/*
 * IRQ session (core): one interrupt line delivered as signals, as Genode's Irq_session. The
 * session argument irq_number names the line (an ISA line 0..15 on hw).
 *
 *   sigh(sig)   the signal context (1 capability in) each interrupt is submitted to; replaces the
 *               previous one. INVALID_CAP when sig is no signal context. Core binds the line to it
 *               itself (the kernel lets only the holder of the line bind it, and IPC does not pass
 *               that right on), and the line is enabled from then on.
 *   ack_irq()   the driver has handled the interrupt: the line may raise the next one. After an
 *               interrupt the line stays masked until this call, so a level-triggered device
 *               cannot flood the machine. NOT_FOUND before a sigh (nothing could have arrived),
 *               and after the signal context was freed.
 *
 * Signals count: interrupts that came while the handler was busy arrive as one delivery with a
 * higher count, and the handler reads the device until it has nothing more.
 *
 * Creation. A line is given to one session at a time: a second session for it is DENIED until the
 * first is closed. The platform may refuse more: lines the kernel keeps (on hw the cascade, 2, and
 * COM1's, 4), lines without a route, and every line on linux, where no component gets device
 * access (DENIED); a number the platform has no line for is INVALID_ARG. Init passes core's
 * answer on to the client as it is. Closing the session masks the line.
 *
 * Price (the session argument string): cap_quota >= GN_IRQ_SESSION_CAPS, the session object and
 * the platform's capability of the line; less is INSUFFICIENT_CAPS. No RAM: core keeps the session
 * in a fixed table.
 */
#ifndef GNEISS_IRQ_SESSION_H
#define GNEISS_IRQ_SESSION_H

#include <gneiss/env.h>
#include <gneiss/fmt.h>
#include <gneiss/label.h>
#include <gneiss/parent.h>
#include <gneiss/rpc.h>

enum {
	GN_IRQ_SESSION_CAPS = 2
};

#define GN_IRQ_RPCS(X, P)                                 \
	X(P, sigh, 1, gn_rpc_void_t, gn_rpc_void_t, 1, 0) \
	X(P, ack_irq, 2, gn_rpc_void_t, gn_rpc_void_t, 0, 0)

GN_RPC_CLIENT(gn_irq_session, GN_IRQ_RPCS)
GN_CAP_TYPE(gn_irq_session_cap_t);

/* ---- client helpers ---------------------------------------------------------------------------- */

typedef struct {
	gn_env_t *env;
	gn_irq_session_cap_t session;
	uint32_t id;
} gn_irq_t;

/*
 * Opens an IRQ session for line `number` with the component's label part `label`, donating exactly
 * its price. Errors: those of gn_session (DENIED, UNROUTABLE, ...), INVALID_ARG for a label that
 * does not fit the argument string.
 */
static inline GN_MUST_CHECK gn_err_t gn_irq_open(
	gn_env_t *env, char const *label, uint32_t number, gn_irq_t *irq)
{
	char args[GN_SESSION_ARGS_MAX];

	*irq = (gn_irq_t){env, {GN_CAP_INVALID}, 0};
	if (gn_fmt(args, sizeof(args), NULL, "ram_quota=0, cap_quota=%u, irq_number=%u",
		    (unsigned)GN_IRQ_SESSION_CAPS, (unsigned)number) != GN_OK ||
		gn_args_set_string(args, sizeof(args), "label", label) != GN_OK)
		return GN_ERR_INVALID_ARG;
	return gn_session(env, "IRQ", args, &irq->session.cap, &irq->id);
}

/* Closes the session: the line is masked and free for the next one. */
static inline void gn_irq_close(gn_irq_t *irq)
{
	gn_session_close(irq->env, irq->id, irq->session.cap);
	*irq = (gn_irq_t){NULL, {GN_CAP_INVALID}, 0};
}

/* Interrupts of the line are submitted to sig from now on. Errors: as sigh above. */
static inline GN_MUST_CHECK gn_err_t gn_irq_sigh(gn_irq_t *irq, gn_cap_t sig)
{
	gn_rpc_void_t none = {0};

	return gn_irq_session_sigh(irq->session.cap, &none, &none, &sig, NULL);
}

/* The interrupt is handled: the line may raise the next. Errors: as ack_irq above. */
static inline GN_MUST_CHECK gn_err_t gn_irq_ack(gn_irq_t *irq)
{
	gn_rpc_void_t none = {0};

	return gn_irq_session_ack_irq(irq->session.cap, &none, &none, NULL, NULL);
}

#endif
