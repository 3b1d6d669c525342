/*
 * Faults to a handler (the ABI is hw_syscall.h's "Faults"): a user exception of a domain with a
 * fault handler endpoint turns the faulting thread into a caller on it, with a message the kernel
 * writes from the exception frame; the reply resumes or ends the thread.
 *
 * The faulting thread is an ordinary caller for IPC (queued, taken, answered, or answered through
 * a reply capability) except that its UTCB is never touched: the fault words live in the thread
 * (fault[]) and the reply's first word is read from the server's UTCB. Whatever ends the call
 * with an error (the endpoint destroyed, the server thread ended, a reply capability dropped)
 * marks the thread fault_end = HW_FAULT_END_PD; a reply other than HW_FAULT_RESUME, or one for a
 * fault whose RIP is outside the user half, marks it HW_FAULT_END_THREAD; either makes it ready, and the scheduler ends it (or its domain) instead of
 * running it (hw_fault_reap), outside of whatever IPC teardown resumed it.
 */
#ifndef GNEISS_HW_FAULT_H
#define GNEISS_HW_FAULT_H

#include "thread.h"

/*
 * Sends t's fault (frame, cr2) to its domain's handler; false when it has none (or a stale one),
 * and the caller ends the domain as before.
 */
bool hw_fault_send(hw_thread_t *t, hw_frame_t const *frame, uint64_t cr2);

/* Ends faulting caller t's call with the reply whose words are msg (info from the server). */
void hw_fault_answer(hw_thread_t *t, uint64_t const *msg, uint64_t info);

/* Ends faulting caller t's call with an error: its domain ends when the scheduler meets it. */
void hw_fault_failed(hw_thread_t *t);

/* The scheduler picked t: true when it ended it (or its domain) instead, as fault_end said. */
bool hw_fault_reap(hw_thread_t *t);

/* Kernel call (syscall.h). */
int64_t hw_call_fault_handler(hw_thread_t *t, uint64_t const arg[4]);

#endif
