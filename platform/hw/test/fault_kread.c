/* hw-fault-kread: reads the kernel's direct map, which is mapped for the kernel only. */
#include "user.h"

int main(void)
{
	out("reading kernel memory at 0xffff800000100000");
	return *(int volatile *)0xffff800000100000UL;
}
