/*
 * Locks over the platform's wait/wake primitive (futex on linux, a kernel call on hw).
 *
 * The mutex is the classic three-state design: a waker makes a system call only when somebody
 * announced waiting (state 2), so an uncontended lock/unlock costs two atomic instructions.
 */
#include <gneiss/lock.h>
#include <gneiss/time.h>

static uint32_t cas(uint32_t *word, uint32_t expected, uint32_t desired)
{
	__atomic_compare_exchange_n(
		word, &expected, desired, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
	return expected;
}

void gn_mutex_lock(gn_mutex_t *m)
{
	uint32_t c = cas(&m->state, 0, 1);

	if (c == 0)
		return;
	if (c != 2)
		c = __atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		gn_platform_wait(&m->state, 2);
		c = __atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE);
	}
}

void gn_mutex_unlock(gn_mutex_t *m)
{
	if (__atomic_fetch_sub(&m->state, 1, __ATOMIC_RELEASE) != 1) {
		__atomic_store_n(&m->state, 0, __ATOMIC_RELEASE);
		gn_platform_wake(&m->state, 1);
	}
}

void gn_semaphore_init(gn_semaphore_t *s, uint32_t count)
{
	s->count = count;
}

void gn_semaphore_up(gn_semaphore_t *s)
{
	__atomic_fetch_add(&s->count, 1, __ATOMIC_RELEASE);
	gn_platform_wake(&s->count, 1);
}

bool gn_semaphore_try_down(gn_semaphore_t *s)
{
	uint32_t c = __atomic_load_n(&s->count, __ATOMIC_RELAXED);

	while (c > 0)
		if (__atomic_compare_exchange_n(
			    &s->count, &c, c - 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return true;
	return false;
}

void gn_semaphore_down(gn_semaphore_t *s)
{
	while (!gn_semaphore_try_down(s))
		gn_platform_wait(&s->count, 0);
}

bool gn_semaphore_down_timeout(gn_semaphore_t *s, uint64_t timeout_us)
{
	uint64_t const deadline = gn_time_now_us() + timeout_us;

	while (!gn_semaphore_try_down(s)) {
		uint64_t const now = gn_time_now_us();
		if (now >= deadline)
			return false;
		gn_platform_wait_timeout(&s->count, 0, deadline - now);
	}
	return true;
}

void gn_blockade_block(gn_blockade_t *b)
{
	while (!__atomic_load_n(&b->woken, __ATOMIC_ACQUIRE))
		gn_platform_wait(&b->woken, 0);
	__atomic_store_n(&b->woken, 0, __ATOMIC_RELAXED);
}

void gn_blockade_wakeup(gn_blockade_t *b)
{
	__atomic_store_n(&b->woken, 1, __ATOMIC_RELEASE);
	gn_platform_wake(&b->woken, 1);
}
