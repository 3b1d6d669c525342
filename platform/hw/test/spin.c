/*
 * hw-spin-a and hw-spin-b (one program, two modules): a busy loop that never blocks or yields and
 * prints a line each time ROUND_US of the kernel's time have passed. Two of them make progress
 * side by side only if the timer preempts them: the scenario hw_user checks their lines interleave.
 */
#include "user.h"

enum {
	ROUNDS = 8,
	ROUND_US = 25000,
	SPINS_PER_CHECK = 2000,
};

int main(void)
{
	uint64_t start = sys_time_us();
	unsigned long total = 0;

	for (unsigned round = 1; round <= ROUNDS; round++) {
		unsigned long spins = 0;
		while (sys_time_us() < start + (uint64_t)round * ROUND_US) {
			for (unsigned volatile i = 0; i < SPINS_PER_CHECK; i++)
				;
			spins += SPINS_PER_CHECK;
		}
		total += spins;
		out("round %u: %lu spins", round, spins);
	}
	out("done: %lu spins in %u rounds", total, ROUNDS);
	return 0;
}
