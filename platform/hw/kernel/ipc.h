/*
 * IPC endpoints and synchronous calls (the ABI is hw_syscall.h).
 *
 * An endpoint belongs to the domain that created it and lives until that domain drops its owning
 * capability or ends. It has two queues: callers whose call no thread has taken yet (HW_IPC_SEND)
 * and server threads waiting for a call (HW_IPC_RECV); at most one of them is non-empty. A call
 * that finds a waiting server is transferred at once, and the caller waits for the reply
 * (HW_IPC_REPLY) linked to that server (caller->server, server->caller); otherwise it is queued
 * and transferred when a server waits. Either end of the link may go away first: a caller that
 * ends or times out leaves the server's reply_lost set (its next reply_wait answers
 * GN_ERR_NOT_FOUND); a server that ends gives its caller GN_ERR_NOT_FOUND, or GN_ERR_REVOKED
 * when its whole domain ends. Destroying an endpoint gives every thread on its queues
 * GN_ERR_REVOKED.
 *
 * Badges: the server learns the badge of the capability a call came through in its UTCB's badge
 * word (0: unbadged); a queued call keeps the badge it was made with. Revoking a badge revokes
 * every copy minted with it in every space (the endpoint's other capabilities stay) and fails the
 * queued calls made through them with GN_ERR_REVOKED; calls taken already are answered normally.
 *
 * Blocking is thread.c's: a blocked thread's RAX holds what a timeout gives, and whoever ends the
 * block stores the real result before hw_thread_unblock. Nothing here fails halfway: every
 * capability of a message is checked (msg.c) before the first thing changes.
 */
#ifndef GNEISS_HW_IPC_H
#define GNEISS_HW_IPC_H

#include "msg.h"
#include "thread.h"

enum {
	HW_ENDPOINTS = HW_OBJECT_POOL,
	HW_FAST_WORDS = 8,
};

/* Ends t's block with result: its IPC state is cleared, it becomes ready. */
void hw_ipc_resume(hw_thread_t *t, int64_t result);

/* t's end of a message transfer: its space and its UTCB. */
hw_msg_end_t hw_ipc_end(hw_thread_t *t);

/*
 * Makes the faulting thread t (running, fault[] filled) a caller on the endpoint obj (alive) with
 * badge: its fault message goes to a waiting server at once, or it is queued; it blocks.
 */
void hw_ipc_fault_call(hw_thread_t *t, hw_obj_t *obj, uint64_t badge);

/* Takes t off whatever IPC queue or link its block is on (its block ends early or it ends). */
void hw_ipc_cancel(hw_thread_t *t);

/* hw_ipc_cancel, and the caller t owes a reply gets an error. */
void hw_ipc_thread_ended(hw_thread_t *t);

/* Destroys every endpoint, signal receiver and signal context pd owns. */
void hw_ipc_pd_ended(hw_pd_t *pd);

/* Destroys a live object that an owning capability named (any type but threads). */
void hw_ipc_destroy(hw_obj_t *obj);

/* The domain that owns the live endpoint obj. */
hw_pd_t *hw_ipc_owner(hw_obj_t const *obj);

/* The kernel's boot endpoint, owned by pd (the root); NULL when none is left. */
hw_obj_t *hw_ipc_boot_endpoint(hw_pd_t *pd);

/*
 * The fast path of call and reply_wait, tried before the kernel call's handler: when t's call
 * (reply) carries at most HW_FAST_WORDS words and no capability, has no timeout, names a valid
 * endpoint, and a server waits (the caller waits, and no other call is queued), and the thread
 * to run next has t's priority, it copies the words, links the two and switches to the other
 * thread directly (hw_thread_handoff), with the same results as the slow path. Returns the
 * context to resume, or NULL: then the handler does it all, and checks all of it.
 */
hw_frame_t *hw_ipc_fast(hw_thread_t *t);

/* Kernel calls (syscall.h). */
int64_t hw_call_ep_create(hw_thread_t *t, uint64_t const arg[4]);
int64_t hw_call_call(hw_thread_t *t, uint64_t const arg[4]);
int64_t hw_call_reply_wait(hw_thread_t *t, uint64_t const arg[4]);
int64_t hw_call_ep_revoke_badge(hw_thread_t *t, uint64_t const arg[4]);

#endif
