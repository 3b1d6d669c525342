/* The exit path: one log line, the debug-exit port, and a halt as the fallback. */
#include "cpu.h"
#include "exit.h"
#include "layout.h"
#include "log.h"

void hw_exit(unsigned value)
{
	if (value > HW_EXIT_MAX)
		value = HW_EXIT_PANIC;
	hw_log("exit %u", value);
	hw_outl(HW_DEBUG_EXIT_PORT, value + 1);
	hw_log("no isa-debug-exit device: halted");
	hw_halt_forever();
}
