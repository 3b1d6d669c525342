/*
 * Components on linux have no console: their output is their LOG session, which core hands them
 * with the program, so a line logged without one has nowhere to go.
 */
#include <gn_platform.h>

void gn_platform_console_write(char const *text, size_t len)
{
	(void)text;
	(void)len;
}
