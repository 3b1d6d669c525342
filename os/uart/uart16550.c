/* The 16550's setup sequence and the receive ring (see uart16550.h). */
#include "uart16550.h"

bool uart_divisor(uint32_t baud, uint16_t *divisor)
{
	if (baud == 0 || baud > UART_CLOCK_BAUD || UART_CLOCK_BAUD % baud != 0)
		return false;
	*divisor = (uint16_t)(UART_CLOCK_BAUD / baud);
	return true;
}

bool uart_setup(uart_config_t const *config, uart_write_t out[UART_SETUP_WRITES])
{
	uint16_t divisor;

	if (!uart_divisor(config->baud, &divisor))
		return false;
	uint8_t const mcr = UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2 |
			    (config->loopback ? UART_MCR_LOOP : 0);
	uart_write_t const seq[UART_SETUP_WRITES] = {
		{UART_IER, 0},
		{UART_LCR, UART_LCR_DLAB},
		{UART_DLL, (uint8_t)(divisor & 0xff)},
		{UART_DLM, (uint8_t)(divisor >> 8)},
		{UART_LCR, UART_LCR_8N1},
		{UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX},
		{UART_MCR, mcr},
		{UART_IER, UART_IER_RX},
	};
	for (unsigned i = 0; i < UART_SETUP_WRITES; i++)
		out[i] = seq[i];
	return true;
}

bool uart_ring_put(uart_ring_t *r, uint8_t byte)
{
	if (r->count == UART_RING_SIZE) {
		r->dropped++;
		return false;
	}
	r->buf[(r->head + r->count) % UART_RING_SIZE] = byte;
	r->count++;
	return true;
}

size_t uart_ring_get(uart_ring_t *r, uint8_t *out, size_t max)
{
	size_t n = 0;

	for (; n < max && r->count > 0; n++) {
		out[n] = r->buf[r->head];
		r->head = (r->head + 1) % UART_RING_SIZE;
		r->count--;
	}
	return n;
}
