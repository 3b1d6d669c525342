/*
 * What a program linked with the hw component runtime (platform/hw/lib) sees beyond the gneiss
 * API: the kernel (or the root) starts the program, the runtime sets up the main thread
 * (thread-local block, capability table) and calls main(); returning from it ends the domain with
 * that value (gn_platform_exit). A component has no main(): component_start.c's is linked then.
 */
#ifndef GNEISS_HW_RT_H
#define GNEISS_HW_RT_H

#include <gneiss/entrypoint.h>
#include <hw_syscall.h>

int main(void);

/*
 * The boot endpoint (slot 2, hw_syscall.h) as a capability of the table, an RPC object: the
 * root's may receive on it (hw_ep_serve_boot), everyone else's may only call it.
 */
gn_cap_t hw_rt_boot_ep(void);

/*
 * The root's boot modules (hw_syscall.h): the table the kernel wrote into the root's first UTCB,
 * copied before main() runs (the first message overwrites it). NULL in every other domain.
 */
hw_boot_table_t const *hw_rt_boot_table(void);

/* An RPC object of an entrypoint (entrypoint.c's record). */
typedef struct {
	void *obj; /* NULL: unused */
	gn_rpc_iface_t const *iface;
	void const *ops;
	gn_cap_t cap; /* the entrypoint's reference to the minted capability */
	uint32_t gen;
} hw_ep_object_t;

/*
 * Gives ep a table of count objects instead of its own 64 (core serves a session per capability
 * of the system); only before it manages any. Errors: INVALID_ARG (0 or more than 65535), EXISTS.
 */
gn_err_t hw_ep_provide_objects(gn_ep_t *ep, hw_ep_object_t *table, size_t count) GN_MUST_CHECK;

/*
 * Creates an entrypoint on the boot endpoint (the root's only) that serves obj with iface and ops
 * for every call through the boot endpoint's own, unbadged capabilities; further objects are
 * managed on it as on any entrypoint. Errors: DENIED (not the root), LIMIT.
 */
gn_err_t hw_ep_serve_boot(
	gn_ep_t **out, void *obj, gn_rpc_iface_t const *iface, void const *ops) GN_MUST_CHECK;

/*
 * A signal context for ep's signal handlers (gn_ep_sigh), for programs without core (a component
 * gets unbound contexts from its PD session, which gn_ep_sigh binds): bound to the entrypoint's
 * own receiver, whose proxy thread starts with the first context.
 * *sig is the caller's reference (it travels in messages; gn_signal_submit). Errors: LIMIT (the
 * entrypoint's records, its threads or the kernel's objects), OUT_OF_CAPS.
 */
gn_err_t hw_ep_signal_context(gn_ep_t *ep, gn_cap_t *sig) GN_MUST_CHECK;

/*
 * Signal receivers of a program's own (a component uses its PD session's contexts): a receiver
 * belongs to the calling component; a context bound to it (a GN_CAP_KIND_SIGNAL capability that
 * travels in messages, gn_signal_submit) carries a badge the receiver learns with each delivery.
 */
typedef struct {
	uint64_t slot; /* the kernel's receiver capability */
} hw_signal_receiver_t;

/* Errors: LIMIT (the kernel's objects), OUT_OF_CAPS. */
gn_err_t hw_signal_receiver_create(hw_signal_receiver_t *r) GN_MUST_CHECK;

/* Ends the receiver: every context bound to it is revoked. */
void hw_signal_receiver_destroy(hw_signal_receiver_t *r);

/* A context bound to r with badge; *sig is the caller's reference. Errors: LIMIT, OUT_OF_CAPS. */
gn_err_t hw_signal_context_create(
	hw_signal_receiver_t *r, uint64_t badge, gn_cap_t *sig) GN_MUST_CHECK;

/*
 * Waits up to timeout_us (0: for ever, at most 10 s) for a context of r with submits pending;
 * returns their count since its last delivery and its badge. Errors: TIMEOUT, EXISTS (another
 * thread waits on r), REVOKED.
 */
gn_err_t hw_signal_wait(hw_signal_receiver_t *r, uint64_t timeout_us, uint64_t *count,
	uint64_t *badge) GN_MUST_CHECK;

#endif
