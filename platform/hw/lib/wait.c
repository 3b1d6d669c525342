/*
 * Wait and wake on a 32-bit word (gneiss/lock.h) over the kernel's per-thread wait and wake: a
 * futex built in user space.
 *
 * A thread that waits queues its waiter (in its thread-local block) on one list of the component,
 * keyed by the word's address, then blocks in the kernel; a waker takes up to count waiters of the
 * word off the list and wakes their threads. The kernel remembers a wake that comes before the
 * wait (the next wait returns at once), so no wake-up is lost between queueing and blocking. A
 * waker that dequeued a thread whose wait has just timed out leaves it one early return later:
 * a spurious return, which callers allow.
 *
 * The list's lock is a spin lock: it is held only for a few list operations and never across a
 * kernel call, so a holder can only lose the CPU to preemption. A contender yields; if the holder
 * runs at a lower priority yielding never lets it run, so after a few rounds it sleeps a tick.
 */
#include <gneiss/lock.h>

#include "hw_lib.h"

enum {
	SPINS_BEFORE_SLEEP = 8,
	WAKE_BATCH = 16, /* threads woken per pass of the list */
};

static uint32_t list_lock;
static hw_waiter_t *waiters;

static void lock(void)
{
	unsigned spins = 0;

	while (__atomic_exchange_n(&list_lock, 1, __ATOMIC_ACQUIRE)) {
		if (++spins < SPINS_BEFORE_SLEEP)
			(void)hw_syscall4(HW_SYS_YIELD, 0, 0, 0, 0);
		else
			(void)hw_syscall4(HW_SYS_SLEEP, 1, 0, 0, 0); /* at least one tick */
	}
}

static void unlock(void)
{
	__atomic_store_n(&list_lock, 0, __ATOMIC_RELEASE);
}

/* Takes w off the list if it is still on it. Called with the lock held. */
static void dequeue(hw_waiter_t *w)
{
	for (hw_waiter_t **p = &waiters; *p; p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			break;
		}
	}
	w->queued = false;
}

/* Waits while *word == expected, for timeout_us (0: for ever); false when the time ran out. */
static bool wait(uint32_t *word, uint32_t expected, uint64_t timeout_us)
{
	hw_tls_t *self = hw_tls();
	hw_waiter_t *w = &self->waiter;

	lock();
	if (__atomic_load_n(word, __ATOMIC_ACQUIRE) != expected) {
		unlock();
		return true;
	}
	*w = (hw_waiter_t){waiters, word, true};
	waiters = w;
	unlock();

	int64_t const r = hw_syscall4(HW_SYS_WAIT, timeout_us, 0, 0, 0);

	lock();
	if (w->queued)
		dequeue(w);
	unlock();
	return r != -GN_ERR_TIMEOUT;
}

void gn_platform_wait(uint32_t *word, uint32_t expected)
{
	(void)wait(word, expected, 0);
}

bool gn_platform_wait_timeout(uint32_t *word, uint32_t expected, uint64_t timeout_us)
{
	if (timeout_us == 0)
		return false;
	if (timeout_us <= HW_SLEEP_MAX_US)
		return wait(word, expected, timeout_us);
	/* the kernel waits at most HW_SLEEP_MAX_US: a longer wait returns early, spuriously */
	(void)wait(word, expected, HW_SLEEP_MAX_US);
	return true;
}

/*
 * The thread's capability is read while the lock is held, so the waiter it belongs to is still
 * queued and its thread has not ended; the kernel calls come after the lock is released.
 */
void gn_platform_wake(uint32_t *word, unsigned count)
{
	uint64_t caps[WAKE_BATCH];

	while (count) {
		unsigned n = 0;
		lock();
		for (hw_waiter_t **p = &waiters; *p && n < WAKE_BATCH && n < count;) {
			hw_waiter_t *w = *p;
			if (w->word != word) {
				p = &w->next;
				continue;
			}
			*p = w->next;
			w->queued = false;
			caps[n++] = GN_CONTAINER_OF(w, hw_tls_t, waiter)->thread_cap;
		}
		unlock();
		for (unsigned i = 0; i < n; i++)
			(void)hw_syscall4(HW_SYS_WAKE, caps[i], 0, 0, 0);
		if (n < WAKE_BATCH)
			return;
		count -= n;
	}
}
