/*
 * I/O port capabilities: a range of ports (port_range.h says which ranges may exist) that its
 * holders read and write through the kernel (port_in, port_out), never with I/O privilege.
 *
 * Why kernel calls and not the TSS's I/O permission bitmap: one CPU, few and slow devices (the
 * PIT, the i8042, a UART), and the bitmap would cost 8 KiB per domain, a copy or a TSS switch
 * on every domain switch (on the IPC fast path too) and a #GP path for ungranted ports; a call
 * costs one kernel entry per access (a byte's port_in: 265 instructions, see README), which these
 * devices can afford, and keeps the fast path as it is. A driver doing bulk port I/O (an IDE disk by PIO) would want the bitmap: see README.
 *
 * Only the root creates them, through the I/O port factory the kernel puts into its slot
 * HW_CAP_IO_PORT_FACTORY (the factory can be passed on by IPC like the domain factory). The
 * creator owns the object (one of its 32 objects, one of HW_IO_PORT_OBJECTS in the kernel);
 * dropping the owning capability or the owner's end destroys it, which revokes every copy.
 * Overlapping ranges are allowed: ports are not exclusive like IRQ lines, the root decides.
 */
#ifndef GNEISS_HW_IOPORT_H
#define GNEISS_HW_IOPORT_H

#include "thread.h"

enum {
	HW_IO_PORT_OBJECTS = 32,
};

/* Gives the root the I/O port factory (HW_CAP_IO_PORT_FACTORY, HW_RIGHT_CREATE). */
void hw_ioport_boot(hw_pd_t *root);

/* Destroys a live I/O port object. */
void hw_ioport_destroy(hw_obj_t *obj);

/* Destroys every I/O port object pd owns. */
void hw_ioport_pd_ended(hw_pd_t *pd);

/* Kernel calls (syscall.h). */
int64_t hw_call_io_port_create(hw_thread_t *t, uint64_t const arg[4]);
int64_t hw_call_port_in(hw_thread_t *t, uint64_t const arg[4]);
int64_t hw_call_port_out(hw_thread_t *t, uint64_t const arg[4]);

#endif
