/* hw-fault-x87: uses the x87 FPU, which is off for user mode (CR0.EM): #NM. */
#include "user.h"

int main(void)
{
	out("loading 1.0 onto the x87 stack");
	__asm__ volatile("fld1");
	return 1;
}
