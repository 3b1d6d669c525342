/*
 * The UART driver's chip logic (os/uart/uart16550.c): the baud divisor, the register writes that
 * program the chip (in the order the chip needs them), and the receive ring: order, wrap-around,
 * a full ring dropping and counting, reads of 0 and of more than is there.
 *
 * uart16550.c lives with its component; the Makefile links its host object into this test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../../os/uart/uart16550.h"

static void test_divisor(void **state)
{
	uint16_t d = 0;

	(void)state;
	assert_true(uart_divisor(115200, &d));
	assert_int_equal(d, 1);
	assert_true(uart_divisor(9600, &d));
	assert_int_equal(d, 12);
	assert_true(uart_divisor(50, &d));
	assert_int_equal(d, 2304);
	d = 77;
	assert_false(uart_divisor(0, &d));
	assert_false(uart_divisor(230400, &d)); /* faster than the clock */
	assert_false(uart_divisor(100000, &d)); /* does not divide 115200 */
	assert_false(uart_divisor(UINT32_MAX, &d));
	assert_int_equal(d, 77); /* untouched when refused */
}

static void test_setup(void **state)
{
	uart_config_t const cfg = {9600, false};
	uart_write_t w[UART_SETUP_WRITES];
	uart_write_t const want[UART_SETUP_WRITES] = {
		{UART_IER, 0},
		{UART_LCR, 0x80},
		{UART_DLL, 12},
		{UART_DLM, 0},
		{UART_LCR, 0x03},
		{UART_FCR, 0x07},
		{UART_MCR, 0x0b},
		{UART_IER, 0x01},
	};

	(void)state;
	assert_true(uart_setup(&cfg, w));
	for (unsigned i = 0; i < UART_SETUP_WRITES; i++) {
		assert_int_equal(w[i].reg, want[i].reg);
		assert_int_equal(w[i].value, want[i].value);
	}
}

static void test_setup_loopback(void **state)
{
	uart_config_t const cfg = {50, true};
	uart_write_t w[UART_SETUP_WRITES];
	bool mcr = false;

	(void)state;
	assert_true(uart_setup(&cfg, w));
	assert_int_equal(w[2].value, 2304 & 0xff);
	assert_int_equal(w[3].value, 2304 >> 8);
	for (unsigned i = 0; i < UART_SETUP_WRITES; i++)
		if (w[i].reg == UART_MCR) {
			assert_int_equal(w[i].value, 0x1b); /* DTR, RTS, OUT2 and LOOP */
			mcr = true;
		}
	assert_true(mcr);
}

static void test_setup_refused(void **state)
{
	uart_config_t const cfg = {100000, false};
	uart_write_t w[UART_SETUP_WRITES] = {{0x55, 0x55}};

	(void)state;
	assert_false(uart_setup(&cfg, w));
	assert_int_equal(w[0].reg, 0x55);
	assert_int_equal(w[0].value, 0x55);
}

static void test_ring_order(void **state)
{
	static uart_ring_t r;
	uint8_t out[8];

	(void)state;
	r = (uart_ring_t){0};
	assert_int_equal(uart_ring_avail(&r), 0);
	assert_int_equal(uart_ring_room(&r), UART_RING_SIZE);
	assert_int_equal(uart_ring_get(&r, out, sizeof(out)), 0);
	for (uint8_t c = 'a'; c <= 'e'; c++)
		assert_true(uart_ring_put(&r, c));
	assert_int_equal(uart_ring_avail(&r), 5);
	assert_int_equal(uart_ring_get(&r, out, 0), 0); /* read of 0 consumes nothing */
	assert_int_equal(uart_ring_avail(&r), 5);
	assert_int_equal(uart_ring_get(&r, out, 2), 2);
	assert_memory_equal(out, "ab", 2);
	assert_int_equal(uart_ring_get(&r, out, sizeof(out)), 3); /* fewer than asked */
	assert_memory_equal(out, "cde", 3);
	assert_int_equal(uart_ring_avail(&r), 0);
	assert_int_equal(r.dropped, 0);
}

static void test_ring_full_and_wrap(void **state)
{
	static uart_ring_t r;
	static uint8_t out[UART_RING_SIZE];

	(void)state;
	r = (uart_ring_t){0};
	for (unsigned i = 0; i < UART_RING_SIZE; i++)
		assert_true(uart_ring_put(&r, (uint8_t)i));
	assert_int_equal(uart_ring_room(&r), 0);
	assert_false(uart_ring_put(&r, 0xee)); /* full: dropped and counted, nothing replaced */
	assert_false(uart_ring_put(&r, 0xef));
	assert_int_equal(r.dropped, 2);
	assert_int_equal(uart_ring_avail(&r), UART_RING_SIZE);

	/* take 100, add 100 across the end of the array, and read everything back in order */
	assert_int_equal(uart_ring_get(&r, out, 100), 100);
	for (unsigned i = 0; i < 100; i++)
		assert_int_equal(out[i], (uint8_t)i);
	for (unsigned i = 0; i < 100; i++)
		assert_true(uart_ring_put(&r, (uint8_t)(UART_RING_SIZE + i)));
	assert_int_equal(uart_ring_get(&r, out, sizeof(out)), UART_RING_SIZE);
	for (unsigned i = 0; i < UART_RING_SIZE; i++)
		assert_int_equal(out[i], (uint8_t)(100 + i));
	assert_int_equal(uart_ring_avail(&r), 0);
	assert_int_equal(r.dropped, 2);
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(test_divisor),
		cmocka_unit_test(test_setup),
		cmocka_unit_test(test_setup_loopback),
		cmocka_unit_test(test_setup_refused),
		cmocka_unit_test(test_ring_order),
		cmocka_unit_test(test_ring_full_and_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
