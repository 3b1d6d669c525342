/* hw-fault-ud: executes ud2, an undefined opcode. */
#include "user.h"

int main(void)
{
	out("executing ud2");
	__asm__ volatile("ud2");
	return 1;
}
