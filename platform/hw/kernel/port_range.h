/*
 * I/O port ranges: which ports a capability may cover and which accesses it allows. Pure logic,
 * shared by the kernel (ioport.c) and the unit tests.
 *
 * The kernel keeps some ports for itself for good: the PICs (0x20-0x21, 0xa0-0xa1: it masks them
 * and acknowledges their spurious IRQs), PIT channel 2 and its gate (0x42, 0x61: the APIC timer's
 * calibration), the debug-exit device (0xf4-0xf7: the machine's exit status) and COM1
 * (0x3f8-0x3ff: the log). No capability covers any of them. PIT channel 0 (0x40), channel 1
 * (0x41) and the mode register (0x43) are handed over: the kernel uses 0x43 only during the
 * calibration at boot, before the first domain runs, and never again, so a driver may own them
 * (and could reprogram channel 2 through 0x43, which the kernel no longer reads).
 */
#ifndef GNEISS_HW_PORT_RANGE_H
#define GNEISS_HW_PORT_RANGE_H

#include <gneiss/types.h>
#include <hw_syscall.h>

/* Whether [base, base + count) may become a capability: non-empty, inside the 64 Ki ports. */
bool hw_port_range_valid(uint64_t base, uint64_t count);

/* Whether [base, base + count) (valid) contains a port the kernel keeps. */
bool hw_port_range_reserved(uint64_t base, uint64_t count);

/* Whether an access of width bytes at port lies wholly in [base, base + count). */
bool hw_port_access_inside(uint64_t base, uint64_t count, uint64_t port, uint64_t width);

/* Whether width is an access width of in/out: 1, 2 or 4. */
bool hw_port_width_valid(uint64_t width);

#endif
