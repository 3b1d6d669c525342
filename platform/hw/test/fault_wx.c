/* hw-fault-wx: writes to its own code, which is mapped read-only (W^X). */
#include "user.h"

int main(void)
{
	out("writing to my own code");
	*(uint8_t volatile *)(uintptr_t)main = 0xc3;
	return 1;
}
