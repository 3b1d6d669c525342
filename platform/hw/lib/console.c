/*
 * The console of a program on hw, as long as no core serves LOG sessions there: the kernel's print
 * call, which labels each line with the domain's name as `[name] text`. A print takes at most
 * HW_PRINT_MAX bytes: a longer line is cut there.
 */
#include <gn_platform.h>

#include "hw_lib.h"

void gn_platform_console_write(char const *text, size_t len)
{
	(void)hw_syscall4(
		HW_SYS_PRINT, (uint64_t)text, len < HW_PRINT_MAX ? len : HW_PRINT_MAX, 0, 0);
}
