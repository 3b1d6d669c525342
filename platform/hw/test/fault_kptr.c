/*
 * hw-fault-kptr: hands print pointers it does not own: into the kernel's text and direct map,
 * NULL, a range that starts in its own memory and runs into the kernel half, one past the end of
 * its stack, a non-canonical one. The kernel refuses each with DENIED (and reports the first few)
 * without touching the memory; the program exits with 0 only if all were refused.
 */
#include "user.h"

static char const mine[] = "mine";

int main(void)
{
	static struct {
		uint64_t ptr, len;
	} const bad[] = {
		{0xffffffff80101000UL, 16},
		{0xffff800000100000UL, 16},
		{0, 8},
		{HW_USER_END - 8, 16},
		{HW_USER_STACK_TOP - HW_USER_STACK_SIZE - 8, 16},
		{0x8000000000000000UL, 4},
		{0, 0},
	};
	unsigned refused = 0;

	for (unsigned i = 0; bad[i].len > 0; i++) {
		int64_t r = sys_print((char const *)bad[i].ptr, bad[i].len);
		out("print(0x%lx, %lu): %s", bad[i].ptr, bad[i].len, result_name(r));
		refused += r == -GN_ERR_DENIED;
	}
	if (sys_print(mine, sizeof(mine) - 1) != 0)
		return 2;
	out("%u of 6 refused", refused);
	return refused == 6 ? 0 : 1;
}
