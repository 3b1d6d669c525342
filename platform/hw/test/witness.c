/*
 * hw-witness: runs beside programs that fault or attack the kernel and shows that it keeps
 * running: it prints a line, sleeps, and after the last line exits with 0.
 */
#include "user.h"

enum {
	LINES = 5,
	SLEEP_US = 20000,
};

int main(void)
{
	for (unsigned i = 1; i <= LINES; i++) {
		out("alive %u of %u", i, LINES);
		if (sys_sleep(SLEEP_US) != 0)
			return 1;
	}
	return 0;
}
