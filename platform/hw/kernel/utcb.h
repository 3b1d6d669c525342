/*
 * UTCBs: the message pages of each thread, mapped into its domain's user half at
 * HW_UTCB_BASE + index * HW_UTCB_SIZE (hw_syscall.h) and reached by the kernel through its own
 * view of the frames (the direct map), never through the user address.
 *
 * A UTCB's frames belong to the domain's page tables (HW_PT_OWNED) and go with them; a thread
 * created later in the same slot gets the same frames again, zeroed. Pure like load.c.
 */
#ifndef GNEISS_HW_UTCB_H
#define GNEISS_HW_UTCB_H

#include "pt.h"

enum {
	HW_UTCB_PAGES = 2,
};

/*
 * Maps (or finds mapped) and zeroes the UTCB of thread slot index of pt; pages[i] is the kernel's
 * pointer to its page i. Errors: GN_ERR_INVALID_ARG (index >= HW_PD_THREADS), GN_ERR_OUT_OF_RAM
 * (the pages mapped so far stay, owned by pt), GN_ERR_EXISTS (something else is mapped there).
 */
gn_err_t hw_utcb_map(hw_pt_t *pt, unsigned index, uint64_t *pages[HW_UTCB_PAGES]) GN_MUST_CHECK;

#endif
