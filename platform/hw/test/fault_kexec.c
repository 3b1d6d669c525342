/* hw-fault-kexec: jumps into the kernel's text, which is mapped for the kernel only. */
#include "user.h"

int main(void)
{
	void (*kernel)(void) = (void (*)(void))0xffffffff80101000UL;

	out("calling the kernel at 0xffffffff80101000");
	kernel();
	return 1;
}
