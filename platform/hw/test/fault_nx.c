/* hw-fault-nx: jumps into its own writable data, which is mapped non-executable (NX). */
#include "user.h"

static uint8_t code[16] = {0xc3}; /* ret */

int main(void)
{
	void (*data)(void) = (void (*)(void))(uintptr_t)code;

	out("calling my own data");
	data();
	return 1;
}
