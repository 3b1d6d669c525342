/*
 * The 16550 UART's logic without device access: the register layout, the sequence of register
 * writes that programs the chip, and the receive ring. Pure (main.c does the port I/O), so the
 * host unit test (test/unit/test_uart_16550.c) covers all of it.
 */
#ifndef UART_16550_H
#define UART_16550_H

#include <gneiss/types.h>

/* Registers as offsets from the chip's base port; DLL and DLM while LCR's DLAB bit is set. */
enum {
	UART_RBR = 0, /* receive buffer (read) */
	UART_THR = 0, /* transmit holding (write) */
	UART_DLL = 0, /* divisor latch, low byte */
	UART_IER = 1, /* interrupt enable */
	UART_DLM = 1, /* divisor latch, high byte */
	UART_IIR = 2, /* interrupt identification (read) */
	UART_FCR = 2, /* FIFO control (write) */
	UART_LCR = 3, /* line control */
	UART_MCR = 4, /* modem control */
	UART_LSR = 5, /* line status */
	UART_MSR = 6, /* modem status */
	UART_SCR = 7, /* scratch */
	UART_PORTS = 8,
};

enum {
	UART_IER_RX = 1 << 0, /* received data available */
	UART_LCR_8N1 = 0x03,  /* 8 data bits, no parity, 1 stop bit */
	UART_LCR_DLAB = 1 << 7,
	UART_FCR_ENABLE = 1 << 0,
	UART_FCR_CLEAR_RX = 1 << 1,
	UART_FCR_CLEAR_TX = 1 << 2, /* trigger level bits 6-7 stay 0: an interrupt per byte */
	UART_MCR_DTR = 1 << 0,
	UART_MCR_RTS = 1 << 1,
	UART_MCR_OUT2 = 1 << 3, /* gates the interrupt line on PCs */
	UART_MCR_LOOP = 1 << 4, /* transmitter wired to the receiver inside the chip */
	UART_LSR_DATA = 1 << 0, /* a received byte waits in RBR */
	UART_LSR_OVERRUN = 1 << 1,
	UART_LSR_THR_EMPTY = 1 << 5,
	UART_CLOCK_BAUD = 115200, /* the base rate: 1.8432 MHz / 16 */
	UART_SETUP_WRITES = 8,    /* register writes uart_setup produces */
};

typedef struct {
	uint32_t baud;
	bool loopback;
} uart_config_t;

typedef struct {
	uint8_t reg; /* offset from the base port */
	uint8_t value;
} uart_write_t;

/*
 * The divisor for baud: 115200 / baud, which must divide evenly (the chip would run at another
 * rate otherwise). False for 0, rates above 115200 and uneven ones.
 */
bool uart_divisor(uint32_t baud, uint16_t *divisor);

/*
 * The register writes that program the chip for config, in order: interrupts off, the divisor
 * (DLAB on and off again), 8N1, FIFOs on and cleared, DTR, RTS and OUT2 (and LOOP for loopback),
 * then the receive interrupt on. Fills out[0..UART_SETUP_WRITES) and returns true; false (out
 * untouched) when the config's baud has no divisor.
 */
bool uart_setup(uart_config_t const *config, uart_write_t out[UART_SETUP_WRITES]);

/* ---- the receive ring ------------------------------------------------------------------------- */

enum {
	UART_RING_SIZE = 512
};

typedef struct {
	uint8_t buf[UART_RING_SIZE];
	unsigned head;    /* the oldest byte */
	unsigned count;   /* bytes held */
	uint64_t dropped; /* bytes that arrived while the ring was full */
} uart_ring_t;

/* Appends byte; a full ring keeps what it has and counts the byte as dropped. False then. */
bool uart_ring_put(uart_ring_t *r, uint8_t byte);

/* Moves up to max of the oldest bytes to out; returns how many. */
size_t uart_ring_get(uart_ring_t *r, uint8_t *out, size_t max);

static inline size_t uart_ring_avail(uart_ring_t const *r)
{
	return r->count;
}

static inline size_t uart_ring_room(uart_ring_t const *r)
{
	return UART_RING_SIZE - r->count;
}

#endif
