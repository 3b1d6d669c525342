/*
 * The ps2 scenario's second client of core's IO_PORT and IRQ services. It asks for what it must
 * not get and checks the refusal: ports the kernel keeps (COM1, the PICs), ranges outside the port
 * space, a range overlapping one it holds, the kernel's IRQ lines and one that does not exist, a
 * second session for a line; and it uses what it may: the CMOS ports 0x70-0x71 (an access outside
 * them refused, a value wider than the access refused) and IRQ 8 (acknowledged only once bound,
 * bound only to a signal context), each free again once closed. Last, after the ps2 driver had a
 * second to start, the driver's ports and IRQ line are refused to it. Every result is logged as
 * "<what>: <error>" and checked; a wrong one ends the component with 1.
 */
#include <gneiss/io_port_session.h>
#include <gneiss/irq_session.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/time.h>

#include "test_check.h"

gn_env_t *test_env;

enum {
	CMOS_INDEX = 0x70,
	CMOS_DATA = 0x71,
	RTC_STATUS_A = 0x0a,
	RTC_IRQ = 8,
	PS2_SETTLE_MS = 1000,
};

static void ports(char const *what, uint32_t base, uint32_t size, gn_err_t want)
{
	gn_io_port_t p;
	gn_err_t const err = gn_io_port_open(test_env, what, base, size, &p);

	gn_log("%s: %s", what, gn_err_name(err));
	TEST_EXPECT(err, want);
	if (err == GN_OK)
		gn_io_port_close(&p);
}

static void irq(char const *what, uint32_t line, gn_err_t want)
{
	gn_irq_t i;
	gn_err_t const err = gn_irq_open(test_env, what, line, &i);

	gn_log("%s: %s", what, gn_err_name(err));
	TEST_EXPECT(err, want);
	if (err == GN_OK)
		gn_irq_close(&i);
}

static void check(char const *what, gn_err_t err, gn_err_t want)
{
	gn_log("%s: %s", what, gn_err_name(err));
	TEST_EXPECT(err, want);
}

static void cmos(void)
{
	gn_io_port_t p;
	gn_io_port_in_args_t in = {0};
	gn_io_port_value_t value = {0};
	gn_rpc_void_t none;
	uint8_t a = 0;

	TEST_OK(gn_io_port_open(test_env, "cmos", CMOS_INDEX, 2, &p));
	TEST_OK(gn_io_port_outb(&p, CMOS_INDEX, RTC_STATUS_A));
	TEST_OK(gn_io_port_inb(&p, CMOS_DATA, &a));
	gn_log("CMOS ports 0x70-0x71: RTC status register A is 0x%x", a);
	check("inb of port 0x72 (past the range)", gn_io_port_inb(&p, 0x72, &a), GN_ERR_DENIED);
	check("inb of port 0x6f (before the range)", gn_io_port_inb(&p, 0x6f, &a), GN_ERR_DENIED);
	in.port = CMOS_DATA;
	check("inw of port 0x71 (its second byte past the range)",
		gn_io_port_session_inw(p.session.cap, &in, &value, NULL, NULL), GN_ERR_DENIED);
	in.port = 0x10070;
	check("inb of port 0x10070 (outside the port space)",
		gn_io_port_session_inb(p.session.cap, &in, &value, NULL, NULL), GN_ERR_DENIED);
	gn_io_port_out_args_t const wide = {CMOS_INDEX, 0x100};
	check("outb of 0x100 (wider than a byte)",
		gn_io_port_session_outb(p.session.cap, &wide, &none, NULL, NULL),
		GN_ERR_INVALID_ARG);
	ports("port 0x71 while another session holds it", CMOS_DATA, 1, GN_ERR_DENIED);
	ports("ports 0x6f-0x70 while another session holds 0x70", 0x6f, 2, GN_ERR_DENIED);
	gn_io_port_close(&p);
	ports("port 0x71 after that session was closed", CMOS_DATA, 1, GN_OK);
}

static void rtc_irq(void)
{
	gn_irq_t i;
	gn_cap_t sig;
	gn_rpc_void_t none = {0};

	TEST_OK(gn_irq_open(test_env, "rtc", RTC_IRQ, &i));
	gn_log("IRQ 8: a session");
	check("ack_irq before sigh", gn_irq_ack(&i), GN_ERR_NOT_FOUND);
	check("sigh with a session capability", gn_irq_sigh(&i, i.session.cap), GN_ERR_INVALID_CAP);
	irq("IRQ 8 while another session holds it", RTC_IRQ, GN_ERR_DENIED);
	TEST_OK(gn_pd_session_alloc_signal(test_env->pd, &none, &none, NULL, &sig));
	check("sigh with a signal context", gn_irq_sigh(&i, sig), GN_OK);
	check("ack_irq", gn_irq_ack(&i), GN_OK);
	gn_irq_close(&i);
	TEST_OK(gn_pd_session_free_signal(test_env->pd, &none, &none, &sig, NULL));
	gn_cap_drop(sig);
	irq("IRQ 8 after that session was closed", RTC_IRQ, GN_OK);
}

void gn_component_construct(gn_env_t *env)
{
	test_env = env;
	ports("ports 0x3f8-0x3ff (COM1, the kernel's)", 0x3f8, 8, GN_ERR_DENIED);
	ports("ports 0x20-0x21 (PIC, the kernel's)", 0x20, 2, GN_ERR_DENIED);
	ports("ports 0xfffe-0x10001 (past the port space)", 0xfffe, 4, GN_ERR_INVALID_ARG);
	ports("no ports at 0x70", CMOS_INDEX, 0, GN_ERR_INVALID_ARG);
	cmos();
	irq("IRQ 4 (COM1, the kernel's)", 4, GN_ERR_DENIED);
	irq("IRQ 2 (cascade, the kernel's)", 2, GN_ERR_DENIED);
	irq("IRQ 16 (no such line)", 16, GN_ERR_INVALID_ARG);
	rtc_irq();

	uint64_t const start = gn_time_now_us();
	while (gn_time_now_us() - start < PS2_SETTLE_MS * 1000ull)
		gn_ignore(gn_ep_dispatch(env->ep, PS2_SETTLE_MS));
	ports("port 0x60 (the ps2 driver's)", 0x60, 1, GN_ERR_DENIED);
	ports("ports 0x5f-0x60 (over the ps2 driver's)", 0x5f, 2, GN_ERR_DENIED);
	ports("port 0x64 (the ps2 driver's)", 0x64, 1, GN_ERR_DENIED);
	irq("IRQ 1 (the ps2 driver's)", 1, GN_ERR_DENIED);
	gn_log("done");
	gn_exit(env, 0);
}
