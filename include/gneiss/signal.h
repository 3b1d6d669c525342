/*
 * Signals: asynchronous, data-less, counting notifications (DESIGN.md §2).
 *
 * A signal context capability comes from the PD session; its receiver registers a handler with
 * gn_ep_sigh(). Submitting never blocks the sender, and many submits may arrive as one delivery
 * with their count.
 */
#ifndef GNEISS_SIGNAL_H
#define GNEISS_SIGNAL_H

#include <gneiss/cap.h>

/* Adds count (>= 1) to the context's counter and wakes its receiver. Errors: INVALID_CAP. */
gn_err_t gn_signal_submit(gn_cap_t sig, uint32_t count) GN_MUST_CHECK;

#endif
