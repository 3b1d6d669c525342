/*
 * hw-syscall-fuzz: makes CALLS kernel calls with random numbers and arguments. Three in four
 * numbers are valid or just past the last; the arguments are drawn from values that probe the
 * kernel's checks: anything at all, small numbers (lengths, indices, timeouts), values near 2^64,
 * addresses in the kernel's image and direct map, around the end of the user half (the stack and
 * past it) and the canonical hole, and around the program's own buffer (partly valid, partly
 * not). Every result must be a success or
 * one of the documented refusals; anything else ends the program with 1. Calls that would end the
 * program or block it for long (exit, thread exit, kernel exit, thread creation, whose random
 * thread would fault, and a sleep or wait longer than 2 ms or for ever) are skipped: they are
 * tested where their effects can be observed (hw_threads). At the end the program checks that
 * the kernel still serves it, reports the tally and ends the machine with kernel_exit(0).
 */
#include "user.h"

enum {
	CALLS = 50000,
	BUFFER = 64,
	BLOCK_MAX_US = 2000,
	WITNESS_US = 150000, /* hw-witness's lines take 100 ms: let it finish before the end */
};

static uint64_t state = 0x9e3779b97f4a7c15ULL;
static char buffer[BUFFER];

static uint64_t next(void)
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545f4914f6cdd1dULL;
}

static uint64_t value(void)
{
	switch (next() % 8) {
	case 0: return next();
	case 1: return next() % 320;
	case 2: return ~0ULL - next() % 16;
	case 3: return 0xffffffff80000000ULL + next() % 0x1000000;
	case 4: return 0xffff800000000000ULL + next() % 0x100000000ULL;
	case 5: return HW_USER_END - 0x20000 + next() % 0x40000;
	case 6: return (uint64_t)buffer - BUFFER + next() % (3 * BUFFER);
	default: return 0x0000800000000000ULL - 0x8000 + next() % 0x10000;
	}
}

static bool skipped(uint64_t number, uint64_t const arg[4])
{
	bool blocks = number == HW_SYS_SLEEP || number == HW_SYS_WAIT;

	return number == HW_SYS_EXIT || number == HW_SYS_THREAD_EXIT ||
	       number == HW_SYS_KERNEL_EXIT || number == HW_SYS_THREAD_CREATE ||
	       (blocks && arg[0] <= HW_SLEEP_MAX_US && (arg[0] > BLOCK_MAX_US || arg[0] == 0));
}

int main(void)
{
	unsigned long ok = 0, bad_msg = 0, invalid = 0, denied = 0, timeouts = 0, skips = 0;

	for (unsigned i = 0; i < BUFFER; i++)
		buffer[i] = 'x';
	for (unsigned i = 0; i < CALLS; i++) {
		uint64_t number = next() % 4 ? next() % (HW_SYS_COUNT + 2) : value();
		uint64_t const arg[4] = {value(), value(), value(), value()};
		int64_t r;

		if (skipped(number, arg)) {
			skips++;
			continue;
		}
		r = hw_syscall4(number, arg[0], arg[1], arg[2], arg[3]);
		if (r >= 0)
			ok++;
		else if (r == -GN_ERR_BAD_MSG)
			bad_msg++;
		else if (r == -GN_ERR_INVALID_ARG)
			invalid++;
		else if (r == -GN_ERR_DENIED)
			denied++;
		else if (r == -GN_ERR_TIMEOUT && number == HW_SYS_WAIT)
			timeouts++;
		else {
			out("call %u: number 0x%lx (0x%lx, 0x%lx, 0x%lx, 0x%lx) gave %ld", i,
				number, arg[0], arg[1], arg[2], arg[3], r);
			return 1;
		}
	}
	out("%u calls: %lu accepted, %lu unknown numbers, %lu invalid arguments, %lu bad "
	    "buffers, %lu timeouts, %lu skipped",
		CALLS, ok, bad_msg, invalid, denied, timeouts, skips);
	if (sys_print("still served", 12) != 0 || sys_sleep(WITNESS_US) != 0)
		return 1;
	sys_kernel_exit(0);
}
