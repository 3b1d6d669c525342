/* hw-fault-null: reads address 0, which is never mapped in user mode (the first 64 KiB). */
#include "user.h"

int main(void)
{
	int volatile *null;

	/* through a register, so that no compiler or analyser treats the read as undefined */
	__asm__ volatile("xorl %k0, %k0" : "=r"(null));
	out("reading address 0");
	return *null;
}
