/*
 * Signal receivers and contexts (the ABI is hw_syscall.h).
 *
 * A receiver belongs to the domain that created it; one of its threads at a time waits on it
 * through the owning capability (HW_RIGHT_RECV). A context is bound to a receiver when it is
 * created (by the receiver's owner) and carries a badge chosen then; whoever holds a capability to
 * it with HW_RIGHT_SUBMIT (its owner, and every domain it was transferred to) submits. A submit
 * counts one signal on the context and, when the context had none pending, puts it at the tail of
 * its receiver's pending list; if a thread waits, it gets the context at once. A wait takes the
 * context at the head of the pending list: its count since the last delivery (reset to 0) as the
 * result and its badge in the waiter's UTCB. Submit never blocks and needs no memory: the count
 * saturates at UINT64_MAX.
 *
 * Objects are destroyed by their owner's drop or end. A destroyed receiver gives its waiter
 * GN_ERR_REVOKED, and submits to the contexts bound to it answer GN_ERR_REVOKED as well.
 */
#ifndef GNEISS_HW_SIGNAL_H
#define GNEISS_HW_SIGNAL_H

#include "thread.h"

enum {
	HW_SIGNAL_RECEIVERS = 32,
	HW_SIGNAL_CONTEXTS = 128,
};

/* Takes a thread blocked in HW_IPC_SIGNAL off its receiver. */
void hw_signal_cancel(hw_thread_t *t);

/* Destroys a live signal receiver or context. */
void hw_signal_destroy(hw_obj_t *obj);

/* Destroys every receiver and context pd owns. */
void hw_signal_pd_ended(hw_pd_t *pd);

/*
 * Submits the context obj once on behalf of the kernel (an interrupt, irq.c), if it is still the
 * live context of generation gen and its receiver lives; false (nothing done) otherwise.
 */
bool hw_signal_submit_ref(hw_obj_t *obj, uint64_t gen);

/* Kernel calls (syscall.h). */
int64_t hw_call_signal_receiver(hw_thread_t *t, uint64_t const arg[4]);
int64_t hw_call_signal_context(hw_thread_t *t, uint64_t const arg[4]);
int64_t hw_call_submit(hw_thread_t *t, uint64_t const arg[4]);
int64_t hw_call_signal_wait(hw_thread_t *t, uint64_t const arg[4]);

#endif
