/*
 * Message transfer between two UTCBs: the payload copy and the translation of capabilities from
 * the sender's space into the receiver's (the ABI is in hw_syscall.h).
 *
 * The counts come from the sender's registers (info), never from its UTCB, and are checked against
 * the limits first. The capability indices are read from the sender's UTCB once, into a kernel
 * copy, and all of them checked in the sender's space before anything changes: a bad one fails the
 * transfer and nothing is copied or inserted. Then the payload is copied and each capability gets
 * a copy in the lowest free slot of the receiver's space, with hw_cap_transfer_rights, while free
 * slots last: a full receiver gets fewer capabilities, and the info delivered says how many.
 *
 * Pure logic: the UTCBs are kernel pointers to their frames (the direct map; buffers in the unit
 * tests), so a UTCB that user threads change meanwhile can only change the message, never the
 * kernel's view of its size.
 */
#ifndef GNEISS_HW_MSG_H
#define GNEISS_HW_MSG_H

#include "cap.h"

/* One end of a transfer: its space and its UTCB's two pages as the kernel reaches them. */
typedef struct {
	hw_cspace_t *cs;
	uint64_t *msg;  /* the payload page: HW_MSG_WORDS words */
	uint64_t *caps; /* the second page: caps[HW_MSG_CAPS], then the badge */
} hw_msg_end_t;

/* GN_ERR_BAD_MSG when info has more than HW_MSG_WORDS words or HW_MSG_CAPS caps. */
gn_err_t hw_msg_check(uint64_t info) GN_MUST_CHECK;

/*
 * Checks that every capability the message carries names a capability of from's space. Errors:
 * GN_ERR_BAD_MSG (info out of range), those of hw_cap_get (GN_ERR_INVALID_CAP, GN_ERR_REVOKED).
 */
gn_err_t hw_msg_check_caps(hw_msg_end_t const *from, uint64_t info) GN_MUST_CHECK;

/*
 * Transfers the message info describes from from's UTCB to to's and stores the info delivered
 * (fewer capabilities when to's space is full) in *delivered. Errors: those of hw_msg_check_caps;
 * nothing has changed then.
 */
gn_err_t hw_msg_transfer(hw_msg_end_t const *from, hw_msg_end_t const *to, uint64_t info,
	uint64_t *delivered) GN_MUST_CHECK;

#endif
