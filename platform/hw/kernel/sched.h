/*
 * The scheduler's policy: fixed priorities, round robin with time slices within a priority.
 *
 * Every ready thread is on the queue of its priority; the running thread stays at the head of its
 * queue while it runs. hw_sched_pick chooses the head of the highest non-empty queue, so a thread
 * that becomes ready at a higher priority than the running one preempts it at the next pick (the
 * kernel picks on every exit to user mode), and the preempted thread keeps its place and the rest
 * of its slice. A thread that uses up its slice, or yields, goes to the tail of its queue with a
 * fresh slice. A lower priority runs only while every higher queue is empty; starvation of lower
 * priorities by busy higher ones is intended (priorities are handed out by whoever creates threads,
 * as Genode's CPU sessions do).
 *
 * Pure logic without locks or CPU access: the kernel drives it from the timer and its kernel calls,
 * the unit tests directly. An item must be on no queue before it is made ready.
 */
#ifndef GNEISS_HW_SCHED_H
#define GNEISS_HW_SCHED_H

#include <gneiss/list.h>
#include <gneiss/types.h>
#include <hw_syscall.h>

typedef struct {
	gn_list_elem_t elem;
	unsigned prio;       /* 0 .. HW_PRIO_MAX, fixed while queued */
	unsigned slice_left; /* ticks left of the current slice */
	bool ready;          /* on a queue */
} hw_sched_item_t;

typedef struct {
	gn_list_t queues[HW_PRIORITIES];
	unsigned slice; /* ticks per time slice, at least 1 */
} hw_sched_t;

void hw_sched_init(hw_sched_t *s, unsigned slice_ticks);

/* Initialises an item of priority prio (clamped to HW_PRIO_MAX) that is on no queue. */
void hw_sched_item_init(hw_sched_item_t *item, unsigned prio);

/* Appends a not-ready item to the tail of its priority's queue with a fresh slice. */
void hw_sched_ready(hw_sched_t *s, hw_sched_item_t *item);

/* Takes an item off its queue (blocking, exit); harmless when it is not ready. */
void hw_sched_remove(hw_sched_t *s, hw_sched_item_t *item);

/* The item that runs next: the head of the highest non-empty queue, or NULL when all are empty. */
hw_sched_item_t *hw_sched_pick(hw_sched_t const *s);

/* Moves a ready item to the tail of its queue with a fresh slice. */
void hw_sched_yield(hw_sched_t *s, hw_sched_item_t *item);

/*
 * Charges one timer tick to the running item. When its slice is used up it goes to the tail of its
 * queue with a fresh slice, and the result is true (it was preempted, if anything else is ready at
 * its priority).
 */
bool hw_sched_tick(hw_sched_t *s, hw_sched_item_t *running);

#endif
