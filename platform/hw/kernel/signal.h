/*
 * Signal receivers and contexts (the ABI is hw_syscall.h).
 *
 * A receiver belongs to the domain that created it; one of its threads at a time waits on it
 * through a capability with HW_RIGHT_RECV. A context is bound to a receiver when it is created
 * (by a holder of HW_RIGHT_RECV on the receiver) and carries a badge chosen then; or it is created
 * unbound (HW_SIGNAL_UNBOUND) and bound once later by signal_bind, by any holder of a capability
 * to it that may wait on the receiver (core makes a PD session's contexts unbound, the component
 * binds them to its own receiver): the context's owner and the receiver's owner may then differ.
 * Whoever holds a capability to a context with HW_RIGHT_SUBMIT (its owner, and every domain it
 * was transferred to) submits. A submit counts one signal on the context and, when the context had
 * none pending, puts it at the tail of its receiver's pending list; if a thread waits, it gets the
 * context at once. An unbound context only counts; binding it delivers that count as one
 * submit would. A wait takes the context at the head of the pending list: its count since the last
 * delivery (reset to 0) as the result and its badge in the waiter's UTCB. Submit never blocks and
 * needs no memory: the count saturates at UINT64_MAX.
 *
 * Objects are destroyed by their owner's drop or end. A destroyed receiver gives its waiter
 * GN_ERR_REVOKED, leaves its pending list empty, and submits to the contexts bound to it answer
 * GN_ERR_REVOKED from then on (a context binds once: it cannot be bound again). A destroyed
 * context leaves its receiver's pending list, bound or not.
 */
#ifndef GNEISS_HW_SIGNAL_H
#define GNEISS_HW_SIGNAL_H

#include "thread.h"

enum {
	HW_SIGNAL_RECEIVERS = HW_OBJECT_POOL,
	HW_SIGNAL_CONTEXTS = HW_OBJECT_POOL,
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
int64_t hw_call_signal_bind(hw_thread_t *t, uint64_t const arg[4]);

#endif
