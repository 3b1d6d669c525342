/*
 * The serial console on COM1 (115200 baud, 8N1, polled). It is the kernel's only output: the run
 * tool reads it through QEMU's -serial stdio.
 */
#ifndef GNEISS_HW_SERIAL_H
#define GNEISS_HW_SERIAL_H

#include <gneiss/types.h>

/* Programs the UART. Output before this call still works on QEMU, whose UART needs no setup. */
void hw_serial_init(void);

/* Writes n bytes as they are, each "\n" as "\r\n". Never blocks for long, even without a UART. */
void hw_serial_write(char const *s, size_t n);

#endif
