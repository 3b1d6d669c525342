/* Wait and wake on a 32-bit word: the futex system call, private to the component. */
#include <gneiss/lock.h>
#include <lx.h>

void gn_platform_wait(uint32_t *word, uint32_t expected)
{
	/* EAGAIN (value changed) and EINTR are both just "look again" for the caller */
	(void)lx_futex(word, LX_FUTEX_WAIT | LX_FUTEX_PRIVATE, expected, NULL);
}

bool gn_platform_wait_timeout(uint32_t *word, uint32_t expected, uint64_t timeout_us)
{
	struct lx_timespec const ts = {
		(long)(timeout_us / 1000000), (long)(timeout_us % 1000000) * 1000};

	return lx_futex(word, LX_FUTEX_WAIT | LX_FUTEX_PRIVATE, expected, &ts) != -LX_ETIMEDOUT;
}

void gn_platform_wake(uint32_t *word, unsigned count)
{
	(void)lx_futex(word, LX_FUTEX_WAKE | LX_FUTEX_PRIVATE, count, NULL);
}
