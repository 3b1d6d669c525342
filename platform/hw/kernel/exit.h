/*
 * Ending the machine. Under QEMU with `-device isa-debug-exit,iobase=0xf4,iosize=0x04` the kernel
 * writes value + 1 to port 0xf4 and QEMU exits with status 2 * (value + 1) + 1 = 2 * value + 3.
 * The bias keeps every kernel exit apart from QEMU's own statuses: 0 (a reset under -no-reboot,
 * e.g. a triple fault, or a shutdown) and 1 (QEMU failed). Without that device (real hardware, a
 * QEMU started by hand) the kernel says so and halts.
 */
#ifndef GNEISS_HW_EXIT_H
#define GNEISS_HW_EXIT_H

#include <gneiss/types.h>

/* Logs "exit <value>" and ends the machine; values above HW_EXIT_MAX become HW_EXIT_PANIC. */
GN_NORETURN void hw_exit(unsigned value);

#endif
