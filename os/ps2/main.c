/*
 * ps2: a PS/2 keyboard driver, as a component. It opens IO_PORT sessions for the i8042's data
 * port (0x60) and its status/command port (0x64) and an IRQ session for ISA line 1, all routed to
 * core, turns on the keyboard's interrupt and scan-code translation in the controller's
 * configuration byte and says "ready". Each interrupt arrives as a signal: the handler reads every
 * byte the controller holds, decodes scan-code set 1 (scancode.c) and logs each key pressed as
 * "key: c (scan code 0xNN)", Enter as "key: enter" followed by the line typed since the last one,
 * then acknowledges the interrupt. The driver runs until its parent ends it.
 *
 * Invariants: every port access goes through core, which checks it against the session's range;
 * the controller is only ever polled for a bounded time (a controller that does not answer is an
 * error, not a hang); the interrupt is acknowledged only after the controller's buffer was
 * emptied, so one that came meanwhile still raises the next signal. On linux core refuses the
 * sessions and the driver exits with 1.
 */
#include <gneiss/io_port_session.h>
#include <gneiss/irq_session.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/time.h>

#include "scancode.h"

enum {
	DATA = 0x60,
	STATUS = 0x64,
	IRQ_LINE = 1,
	STATUS_OUT_FULL = 1 << 0,
	STATUS_IN_FULL = 1 << 1,
	CMD_READ_CONFIG = 0x20,
	CMD_WRITE_CONFIG = 0x60,
	CONFIG_IRQ1 = 1 << 0,
	CONFIG_CLOCK_OFF = 1 << 4,
	CONFIG_TRANSLATE = 1 << 6,
	KBD_ENABLE = 0xf4,
	POLL_US = 100 * 1000, /* how long the controller may take to answer */
	DRAIN_MAX = 64,       /* bytes read per interrupt at most */
	LINE_MAX = 64,
};

typedef struct {
	gn_env_t *env;
	gn_io_port_t data, status;
	gn_irq_t irq;
	gn_cap_t sig;
	ps2_decoder_t decoder;
	char line[LINE_MAX + 1];
	unsigned length;
} driver_t;

static driver_t driver;

static GN_NORETURN void fail(driver_t *d, char const *what, gn_err_t err)
{
	gn_error("%s: %s", what, gn_err_name(err));
	gn_exit(d->env, 1);
}

static uint8_t status(driver_t *d)
{
	uint8_t v = 0;
	gn_err_t const err = gn_io_port_inb(&d->status, STATUS, &v);

	if (err != GN_OK)
		fail(d, "reading the controller's status", err);
	return v;
}

/* Waits until the status bit is as wanted; false when it was not within POLL_US. */
static bool poll(driver_t *d, uint8_t bit, bool set)
{
	uint64_t const start = gn_time_now_us();

	while (((status(d) & bit) != 0) != set)
		if (gn_time_now_us() - start > POLL_US)
			return false;
	return true;
}

static void write_port(driver_t *d, gn_io_port_t *p, uint16_t port, uint8_t value)
{
	if (!poll(d, STATUS_IN_FULL, false))
		fail(d, "writing the controller", GN_ERR_TIMEOUT);
	gn_err_t const err = gn_io_port_outb(p, port, value);
	if (err != GN_OK)
		fail(d, "writing the controller", err);
}

/* The next byte from the controller, or -1 when none came within POLL_US. */
static int read_data(driver_t *d)
{
	uint8_t v = 0;

	if (!poll(d, STATUS_OUT_FULL, true))
		return -1;
	gn_err_t const err = gn_io_port_inb(&d->data, DATA, &v);
	if (err != GN_OK)
		fail(d, "reading the controller", err);
	return v;
}

static void setup(driver_t *d)
{
	for (unsigned i = 0; i < DRAIN_MAX && (status(d) & STATUS_OUT_FULL); i++)
		(void)read_data(d); /* whatever the firmware left */
	write_port(d, &d->status, STATUS, CMD_READ_CONFIG);
	int config = read_data(d);
	if (config < 0)
		fail(d, "reading the configuration", GN_ERR_TIMEOUT);
	config = (config | CONFIG_IRQ1 | CONFIG_TRANSLATE) & ~CONFIG_CLOCK_OFF;
	write_port(d, &d->status, STATUS, CMD_WRITE_CONFIG);
	write_port(d, &d->data, DATA, (uint8_t)config);
	write_port(d, &d->data, DATA, KBD_ENABLE);
	gn_log("controller configuration 0x%x: IRQ 1 on, translation to set 1 on; keyboard: 0x%x",
		config, read_data(d));
}

static void key(driver_t *d, uint8_t code)
{
	ps2_event_t const e = ps2_decode(&d->decoder, code);

	if (e.kind == PS2_ENTER) {
		d->line[d->length] = '\0';
		gn_log("key: enter (scan code 0x%02x)", code);
		gn_log("line: %s", d->line);
		d->length = 0;
		return;
	}
	if (e.kind != PS2_CHAR)
		return;
	if (e.c == ' ')
		gn_log("key: space (scan code 0x%02x)", code);
	else
		gn_log("key: %c (scan code 0x%02x)", e.c, code);
	if (d->length < LINE_MAX)
		d->line[d->length++] = e.c;
}

/* Reads and decodes what the controller holds. */
static void drain(driver_t *d)
{
	for (unsigned i = 0; i < DRAIN_MAX && (status(d) & STATUS_OUT_FULL); i++) {
		uint8_t code = 0;
		gn_err_t const err = gn_io_port_inb(&d->data, DATA, &code);
		if (err != GN_OK)
			fail(d, "reading a scan code", err);
		key(d, code);
	}
}

static void on_irq(void *ctx, uint64_t count)
{
	driver_t *d = ctx;

	(void)count; /* the controller's buffer says how much came */
	drain(d);
	gn_err_t const err = gn_irq_ack(&d->irq);
	if (err != GN_OK)
		fail(d, "acknowledging IRQ 1", err);
}

void gn_component_construct(gn_env_t *env)
{
	driver_t *d = &driver;
	gn_rpc_void_t none = {0};
	gn_err_t err;

	d->env = env;
	if ((err = gn_io_port_open(env, "data", DATA, 1, &d->data)) != GN_OK)
		fail(d, "IO_PORT session for port 0x60", err);
	if ((err = gn_io_port_open(env, "status", STATUS, 1, &d->status)) != GN_OK)
		fail(d, "IO_PORT session for port 0x64", err);
	if ((err = gn_irq_open(env, "keyboard", IRQ_LINE, &d->irq)) != GN_OK)
		fail(d, "IRQ session for line 1", err);
	setup(d);
	if ((err = gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &d->sig)) != GN_OK ||
		(err = gn_ep_sigh(env->ep, d->sig, on_irq, d)) != GN_OK ||
		(err = gn_irq_sigh(&d->irq, d->sig)) != GN_OK)
		fail(d, "IRQ 1's signal handler", err);
	gn_log("ready");
	drain(d); /* what came before the line was bound raised no signal */
}
