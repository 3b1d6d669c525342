/*
 * Mutex, counting semaphore and blockade.
 *
 * All three are a 32-bit word and sleep in the kernel only under contention (futex on linux).
 * They need no allocation and may live in shared memory between threads of one component.
 */
#ifndef GNEISS_LOCK_H
#define GNEISS_LOCK_H

#include <gneiss/types.h>

typedef struct {
	uint32_t state; /* 0 free, 1 locked, 2 locked with waiters */
} gn_mutex_t;

#define GN_MUTEX_INIT \
	{             \
		0     \
	}

void gn_mutex_lock(gn_mutex_t *m);
void gn_mutex_unlock(gn_mutex_t *m);

typedef struct {
	uint32_t count;
} gn_semaphore_t;

void gn_semaphore_init(gn_semaphore_t *s, uint32_t count);
void gn_semaphore_up(gn_semaphore_t *s);
void gn_semaphore_down(gn_semaphore_t *s);
/* Takes one count if available without sleeping; true on success. */
bool gn_semaphore_try_down(gn_semaphore_t *s);
/* Takes one count, waiting at most timeout_us for one; false when the time ran out. */
bool gn_semaphore_down_timeout(gn_semaphore_t *s, uint64_t timeout_us);

/* A blockade is a one-shot wake-up: block() sleeps until wakeup() (which may come first). */
typedef struct {
	uint32_t woken;
} gn_blockade_t;

#define GN_BLOCKADE_INIT \
	{                \
		0        \
	}

void gn_blockade_block(gn_blockade_t *b);
void gn_blockade_wakeup(gn_blockade_t *b);

/* Platform primitives under the locks: sleep while *word == expected (spurious returns allowed). */
void gn_platform_wait(uint32_t *word, uint32_t expected);
/* As gn_platform_wait, for at most timeout_us; false only when the time ran out. */
bool gn_platform_wait_timeout(uint32_t *word, uint32_t expected, uint64_t timeout_us);
void gn_platform_wake(uint32_t *word, unsigned count);

#endif
