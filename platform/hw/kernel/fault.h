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
 *
 * Exits (HW_SYS_EXIT) go the same way as a message with vector HW_FAULT_EXIT and the code as the
 * error, so the handler (core) learns why the domain ends; whatever ends that call, answer or
 * error, marks the thread HW_FAULT_END_EXIT, and the scheduler ends the domain with the code. The
 * domain's other threads run on meanwhile; another exit among them waits for the end. A handler
 * whose endpoint the exiting domain owns itself is not asked (nobody outside would hear it, and
 * the domain would wait for its own answer): it ends at once, as without a handler.
 */
#ifndef GNEISS_HW_FAULT_H
#define GNEISS_HW_FAULT_H

#include "thread.h"

/*
 * Sends t's fault (frame, cr2) to its domain's handler; false when it has none (or a stale one),
 * and the caller ends the domain as before.
 */
bool hw_fault_send(hw_thread_t *t, hw_frame_t const *frame, uint64_t cr2);

/*
 * Sends t's exit with code to its domain's handler and blocks t, or blocks t when another thread's
 * exit is with the handler already; false when the domain has no handler to ask (none, stale, or
 * an endpoint of its own) and the caller ends the domain at once.
 */
bool hw_fault_exit(hw_thread_t *t, int64_t code);

/* Ends faulting caller t's call with the reply whose words are msg (info from the server). */
void hw_fault_answer(hw_thread_t *t, uint64_t const *msg, uint64_t info);

/* Ends faulting caller t's call with an error: its domain ends when the scheduler meets it. */
void hw_fault_failed(hw_thread_t *t);

/* The scheduler picked t: true when it ended it (or its domain) instead, as fault_end said. */
bool hw_fault_reap(hw_thread_t *t);

/* Kernel call (syscall.h). */
int64_t hw_call_fault_handler(hw_thread_t *t, uint64_t const arg[4]);

#endif
