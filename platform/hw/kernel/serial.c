/*
 * COM1, polled. The transmitter is waited for with a bound, so a machine without a UART (whose
 * status register reads 0xff or never becomes ready) slows the kernel down but never stops it.
 */
#include "cpu.h"
#include "layout.h"
#include "serial.h"

enum {
	DATA = 0,
	IER = 1,
	FCR = 2,
	LCR = 3,
	MCR = 4,
	LSR = 5,
	LSR_THR_EMPTY = 0x20,
	SPIN_MAX = 100000,
};

void hw_serial_init(void)
{
	hw_outb(HW_COM1 + IER, 0x00);  /* no interrupts */
	hw_outb(HW_COM1 + LCR, 0x80);  /* divisor latch */
	hw_outb(HW_COM1 + DATA, 0x01); /* 115200 baud */
	hw_outb(HW_COM1 + IER, 0x00);
	hw_outb(HW_COM1 + LCR, 0x03); /* 8N1 */
	hw_outb(HW_COM1 + FCR, 0x07); /* FIFOs on and cleared */
	hw_outb(HW_COM1 + MCR, 0x03); /* DTR, RTS */
}

static void put(char c)
{
	for (unsigned i = 0; i < SPIN_MAX && !(hw_inb(HW_COM1 + LSR) & LSR_THR_EMPTY); i++)
		;
	hw_outb(HW_COM1 + DATA, (uint8_t)c);
}

void hw_serial_write(char const *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			put('\r');
		put(s[i]);
	}
}
