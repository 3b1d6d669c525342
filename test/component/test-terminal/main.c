/*
 * The uart scenario's client of a Terminal session (include/gneiss/terminal_session.h) served by
 * os/uart in loopback mode, where every byte written comes back as received. It checks:
 * - a byte written comes back through the driver's interrupt and is signalled (read_avail_sigh);
 * - a line written is taken whole and read back byte for byte;
 * - a write larger than the driver's receive ring is taken in part (the count says how much), the
 *   part comes back unchanged, and the rest is taken once that was read;
 * - read(0) returns nothing and consumes nothing;
 * - requests with a length beyond the payload (write, read), a message of the wrong size and a
 *   signal handler that is no signal context are refused, and change nothing;
 * - a second session while the first is open is DENIED (the driver serves one), and granted once
 *   the first is closed; COM2's ports, which the driver holds, are refused to this component.
 * Every result is logged and checked; a wrong one ends the component with 1.
 */
#include <gneiss/io_port_session.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/string.h>
#include <gneiss/terminal_session.h>

#include "test_check.h"

gn_env_t *test_env;

enum {
	WAIT_MS = 5000,
	BIG = GN_TERMINAL_IO_MAX,
};

static gn_cap_t sig;

/* Reads until want bytes came into buf, waiting for read_avail signals in between. */
static void read_back(gn_terminal_t *t, uint8_t *buf, size_t want)
{
	size_t got = 0;

	while (got < want) {
		size_t n = 0;
		TEST_OK(gn_terminal_read(t, buf + got, want - got, &n));
		got += n;
		if (got < want && n == 0)
			TEST_OK(gn_ep_wait_signal(test_env->ep, sig, WAIT_MS));
	}
}

static void expect_avail(gn_terminal_t *t, size_t want)
{
	size_t n = 0;

	TEST_OK(gn_terminal_avail(t, &n));
	TEST_CHECK(n == want);
}

static void one_byte(gn_terminal_t *t)
{
	size_t taken = 0, n = 0;
	uint8_t c = 0;

	TEST_OK(gn_terminal_write(t, "x", 1, &taken));
	TEST_CHECK(taken == 1);
	TEST_OK(gn_ep_wait_signal(test_env->ep, sig, WAIT_MS));
	expect_avail(t, 1);
	TEST_OK(gn_terminal_read(t, &c, 1, &n));
	TEST_CHECK(n == 1 && c == 'x');
	gn_log("one byte: written, signalled, read back");
}

static void line(gn_terminal_t *t)
{
	static char const text[] = "Hello from COM2: a 16550 talking to itself.\r\n";
	size_t const len = sizeof(text) - 1;
	uint8_t buf[sizeof(text)];
	size_t taken = 0;

	TEST_OK(gn_terminal_write(t, text, len, &taken));
	TEST_CHECK(taken == len);
	read_back(t, buf, len);
	TEST_CHECK(gn_memcmp(buf, text, len) == 0);
	expect_avail(t, 0);
	gn_log("line of %zu bytes: taken whole, read back byte for byte", len);
}

static void big(gn_terminal_t *t)
{
	static uint8_t pattern[BIG], buf[BIG];
	size_t taken = 0, rest = 0;

	for (size_t i = 0; i < BIG; i++)
		pattern[i] = (uint8_t)(i * 7 + 3);
	TEST_OK(gn_terminal_write(t, pattern, BIG, &taken));
	TEST_CHECK(taken > 0 && taken < BIG);
	expect_avail(t, taken);
	read_back(t, buf, taken);
	TEST_CHECK(gn_memcmp(buf, pattern, taken) == 0);
	gn_log("write of %u bytes: %zu taken, read back byte for byte", (unsigned)BIG, taken);
	TEST_OK(gn_terminal_write(t, pattern + taken, BIG - taken, &rest));
	TEST_CHECK(rest == BIG - taken);
	read_back(t, buf + taken, rest);
	TEST_CHECK(gn_memcmp(buf, pattern, BIG) == 0);
	expect_avail(t, 0);
	gn_log("the other %zu bytes: taken after the first part was read, read back", rest);
}

static void read_zero(gn_terminal_t *t)
{
	size_t taken = 0, n = 1;
	uint8_t c = 0;

	TEST_OK(gn_terminal_write(t, "z", 1, &taken));
	TEST_CHECK(taken == 1);
	TEST_OK(gn_ep_wait_signal(test_env->ep, sig, WAIT_MS));
	TEST_OK(gn_terminal_read(t, &c, 0, &n));
	TEST_CHECK(n == 0);
	expect_avail(t, 1);
	TEST_OK(gn_terminal_read(t, &c, 1, &n));
	TEST_CHECK(n == 1 && c == 'z');
	gn_log("read of 0 bytes: nothing returned, nothing consumed");
}

static void check(char const *what, gn_err_t err, gn_err_t want)
{
	gn_log("%s: %s", what, gn_err_name(err));
	TEST_EXPECT(err, want);
}

static void invalid(gn_terminal_t *t)
{
	static gn_terminal_write_args_t w;
	gn_terminal_read_args_t const r = {GN_TERMINAL_IO_MAX + 1};
	static gn_terminal_read_res_t res;
	gn_terminal_count_t count = {0};
	uint32_t const short_msg[2] = {1, 'y'};

	w.length = GN_TERMINAL_IO_MAX + 1;
	gn_memset(w.data, 'w', sizeof(w.data));
	check("write of 1025 bytes (past the payload)",
		gn_terminal_session_write(t->session.cap, &w, &count, NULL, NULL),
		GN_ERR_INVALID_ARG);
	check("read of 1025 bytes (past the payload)",
		gn_terminal_session_read(t->session.cap, &r, &res, NULL, NULL), GN_ERR_INVALID_ARG);
	check("write in a message of 8 bytes",
		gn_rpc_call(t->session.cap, gn_terminal_session_OP_write, short_msg,
			sizeof(short_msg), 0, NULL, &count, sizeof(count), 0, NULL),
		GN_ERR_BAD_MSG);
	check("read_avail_sigh with a session capability",
		gn_terminal_read_avail_sigh(t, t->session.cap), GN_ERR_INVALID_CAP);
	expect_avail(t, 0); /* nothing was written */
	TEST_OK(gn_terminal_read_avail_sigh(t, sig));
}

void gn_component_construct(gn_env_t *env)
{
	gn_rpc_void_t none = {0};
	gn_terminal_t first, second;
	gn_io_port_t com2;

	test_env = env;
	TEST_OK(gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &sig));
	TEST_OK(gn_terminal_open(env, "first", &first));
	gn_log("session: OK");
	TEST_OK(gn_terminal_read_avail_sigh(&first, sig));
	expect_avail(&first, 0);
	one_byte(&first);
	line(&first);
	big(&first);
	read_zero(&first);
	invalid(&first);
	check("a second session while the first is open", gn_terminal_open(env, "second", &second),
		GN_ERR_DENIED);
	check("ports 0x2f8-0x2ff (the uart driver's)",
		gn_io_port_open(env, "com2", 0x2f8, 8, &com2), GN_ERR_DENIED);
	gn_terminal_close(&first);
	check("a second session after the first was closed",
		gn_terminal_open(env, "second", &second), GN_OK);
	expect_avail(&second, 0);
	gn_terminal_close(&second);
	gn_log("done");
	gn_exit(env, 0);
}
