/*
 * Deferred replies: a server thread turns the reply it owes its caller into a reply capability of
 * its own domain (HW_SYS_REPLY_CAP), goes on receiving, and answers later through it from any of
 * its threads (HW_SYS_REPLY), Genode's reply_cap.
 *
 * A reply object links one caller (blocked in HW_IPC_DEFERRED, blocked_on the object) and is used
 * once: a reply through it, or a reply whose caller is gone, destroys it and empties the slot.
 * Only the owning capability (HW_RIGHT_OWNER, the one HW_SYS_REPLY_CAP returned) replies; a copy
 * made by IPC transfer is useless (DENIED) and goes stale with it. Either end may go away: a caller
 * that ends or times out leaves the object without a caller, and the reply answers
 * GN_ERR_NOT_FOUND; dropping the owning capability unused answers the caller GN_ERR_NOT_FOUND (like
 * a server thread that ended without replying), the end of the owning domain GN_ERR_REVOKED.
 * Reply objects count towards their domain's HW_PD_OBJECTS.
 */
#ifndef GNEISS_HW_REPLY_H
#define GNEISS_HW_REPLY_H

#include "thread.h"

enum {
	HW_REPLIES = HW_OBJECT_POOL,
};

/* The caller t (HW_IPC_DEFERRED) ends or times out: its reply object loses it. */
void hw_reply_cancel(hw_thread_t *t);

/* Destroys a live reply object an owning capability named; its caller gets GN_ERR_NOT_FOUND. */
void hw_reply_destroy(hw_obj_t *obj);

/* Destroys every reply object pd owns; their callers get GN_ERR_REVOKED. */
void hw_reply_pd_ended(hw_pd_t *pd);

/* Kernel calls (syscall.h). */
int64_t hw_call_reply_cap(hw_thread_t *t, uint64_t const arg[4]);
int64_t hw_call_reply(hw_thread_t *t, uint64_t const arg[4]);

#endif
