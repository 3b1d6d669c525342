/*
 * The PS/2 driver's scan-code decoder (os/ps2/scancode.c): set-1 make codes with and without
 * shift, enter, break codes, the 0xe0 prefix, the keyboard's own answers, and every byte value
 * without a crash or an out-of-table read (the byte comes from the device).
 *
 * scancode.c lives with its component; the Makefile links its host object into this test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../../os/ps2/scancode.h"

/* Feeds bytes and returns the characters of the PS2_CHAR events ('\n' for enter). */
static void decode(ps2_decoder_t *d, uint8_t const *bytes, size_t n, char *out, size_t size)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		ps2_event_t const e = ps2_decode(d, bytes[i]);
		if (e.kind == PS2_NONE)
			continue;
		assert_true(len + 1 < size);
		out[len++] = e.kind == PS2_ENTER ? '\n' : e.c;
	}
	out[len] = 0;
}

static void test_plain_keys(void **state)
{
	ps2_decoder_t d = {0};
	/* h, i (make and break each), space, 4, 2, enter */
	uint8_t const bytes[] = {
		0x23, 0xa3, 0x17, 0x97, 0x39, 0xb9, 0x05, 0x85, 0x03, 0x83, 0x1c, 0x9c};
	char out[16];

	(void)state;
	decode(&d, bytes, sizeof(bytes), out, sizeof(out));
	assert_string_equal(out, "hi 42\n");
}

static void test_shift(void **state)
{
	ps2_decoder_t d = {0};
	/* left shift down, h, shift up, i, right shift down, 1, shift up, 1 */
	uint8_t const bytes[] = {0x2a, 0x23, 0xaa, 0x17, 0x36, 0x02, 0xb6, 0x02};
	char out[16];

	(void)state;
	decode(&d, bytes, sizeof(bytes), out, sizeof(out));
	assert_string_equal(out, "Hi!1");
}

static void test_prefix_and_answers(void **state)
{
	ps2_decoder_t d = {0};
	/* extended keys (0xe0 0x48: up, 0xe0 0x1c: keypad enter), ACK, RESEND, ECHO, then a */
	uint8_t const bytes[] = {0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x1c, 0xfa, 0xfe, 0xee, 0x1e};
	char out[16];

	(void)state;
	decode(&d, bytes, sizeof(bytes), out, sizeof(out));
	assert_string_equal(out, "a");
}

static void test_no_printable(void **state)
{
	ps2_decoder_t d = {0};

	(void)state;
	/* escape, backspace, tab, control: keys without a printable character */
	uint8_t const keys[] = {0x01, 0x0e, 0x0f, 0x1d};
	for (size_t i = 0; i < sizeof(keys); i++)
		assert_int_equal(ps2_decode(&d, keys[i]).kind, PS2_NONE);
}

static void test_every_byte(void **state)
{
	(void)state;
	for (unsigned shift = 0; shift < 2; shift++)
		for (unsigned prefixed = 0; prefixed < 2; prefixed++)
			for (unsigned b = 0; b < 256; b++) {
				ps2_decoder_t d = {shift, prefixed};
				ps2_event_t const e = ps2_decode(&d, (uint8_t)b);
				if (e.kind == PS2_CHAR)
					assert_true(e.c >= ' ' && e.c < 0x7f);
				if (prefixed)
					assert_int_equal(e.kind, PS2_NONE);
			}
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(test_plain_keys),
		cmocka_unit_test(test_shift),
		cmocka_unit_test(test_prefix_and_answers),
		cmocka_unit_test(test_no_printable),
		cmocka_unit_test(test_every_byte),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
