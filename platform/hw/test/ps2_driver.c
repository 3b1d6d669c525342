/*
 * hw-ps2-driver: a PS/2 keyboard driver in user space. hw-drv-root starts it with the i8042's
 * data port (0x60) and status/command port (0x64) as I/O port capabilities and ISA IRQ 1 as an
 * IRQ capability (lib/drv_test.h's slots). It enables the keyboard's interrupt and scan-code
 * translation in the controller's configuration byte, binds the IRQ to a signal context and
 * says "ready"; then, for each interrupt, it reads every byte the controller holds, decodes
 * scan-code set 1 (make codes, shift, the 0xe0 prefix; break codes and the keyboard's answers
 * ignored), prints each character as "key: c" and acknowledges the IRQ. Enter prints the line
 * typed so far and ends the driver with 0. The keys come from the run tool (a scenario's `keys`
 * line: QEMU's send-key through QMP).
 */
#include "drv_test.h"
#include "user.h"

enum {
	DATA = 0x60,
	STATUS = 0x64,
	STATUS_OUT_FULL = 1 << 0,
	STATUS_IN_FULL = 1 << 1,
	CMD_READ_CONFIG = 0x20,
	CMD_WRITE_CONFIG = 0x60,
	CONFIG_IRQ1 = 1 << 0,
	CONFIG_CLOCK_OFF = 1 << 4,
	CONFIG_TRANSLATE = 1 << 6,
	KBD_ENABLE = 0xf4,
	SPINS = 100000,
	PREFIX = 0xe0,
	BREAK = 0x80,
	LSHIFT = 0x2a,
	RSHIFT = 0x36,
	ENTER = 0x1c,
	LINE_MAX = 64,
};

/* Scan-code set 1 make codes 0x00..0x39, without and with shift (0: no character). */
static char const plain[] =
	"\0\0331234567890-=\b\tqwertyuiop[]\n\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
static char const shifted[] =
	"\0\033!@#$%^&*()_+\b\tQWERTYUIOP{}\n\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";

static bool shift, prefixed;
static char line[LINE_MAX + 1];
static unsigned length;

static GN_NORETURN void fail(char const *what, int64_t r)
{
	out("%s: %s", what, result_name(r));
	sys_exit(1);
}

static uint8_t status(void)
{
	int64_t r = sys_port_in(DRV_SLOT_PORTS2, STATUS, 1);

	if (r < 0)
		fail("reading the status", r);
	return (uint8_t)r;
}

static void write_port(uint64_t cap, uint64_t port, uint8_t value)
{
	int64_t r;

	for (unsigned i = 0; i < SPINS && (status() & STATUS_IN_FULL); i++)
		continue;
	r = sys_port_out(cap, port, 1, value);
	if (r != 0)
		fail("writing the controller", r);
}

/* The next byte of the controller, or -1 when none came within SPINS polls. */
static int read_data(void)
{
	for (unsigned i = 0; i < SPINS; i++) {
		if (status() & STATUS_OUT_FULL)
			return (int)sys_port_in(DRV_SLOT_PORTS, DATA, 1);
	}
	return -1;
}

static void setup(void)
{
	int config;

	while (status() & STATUS_OUT_FULL)
		gn_ignore(sys_port_in(DRV_SLOT_PORTS, DATA, 1));
	write_port(DRV_SLOT_PORTS2, STATUS, CMD_READ_CONFIG);
	config = read_data();
	if (config < 0)
		fail("reading the configuration", -GN_ERR_TIMEOUT);
	config = (config | CONFIG_IRQ1 | CONFIG_TRANSLATE) & ~CONFIG_CLOCK_OFF;
	write_port(DRV_SLOT_PORTS2, STATUS, CMD_WRITE_CONFIG);
	write_port(DRV_SLOT_PORTS, DATA, (uint8_t)config);
	write_port(DRV_SLOT_PORTS, DATA, KBD_ENABLE);
	out("controller configuration 0x%x: IRQ 1 on, translation to set 1 on; keyboard: 0x%x",
		config, read_data());
}

/* Decodes one byte; true when it completed a line. */
static bool decode(uint8_t code)
{
	char c;

	if (code == PREFIX) {
		prefixed = true;
		return false;
	}
	/* extended keys and the keyboard's answers (ACK, resend, echo): not characters; its
	 * self-test's 0xaa is left shift's break code and just releases shift */
	if (prefixed || code == 0xfa || code == 0xfe || code == 0xee) {
		prefixed = false;
		return false;
	}
	if ((code & ~BREAK) == LSHIFT || (code & ~BREAK) == RSHIFT) {
		shift = !(code & BREAK);
		return false;
	}
	if ((code & BREAK) || code >= sizeof(plain) - 1)
		return false;
	if (code == ENTER) {
		out("key: enter");
		return true;
	}
	c = (shift ? shifted : plain)[code];
	if (c < ' ')
		return false;
	if (c == ' ')
		out("key: space");
	else
		out("key: %c", c);
	if (length < LINE_MAX)
		line[length++] = c;
	return false;
}

int main(void)
{
	int64_t receiver = sys_signal_receiver(), context, r;
	bool done = false;

	context = receiver >= 0 ? sys_signal_context((uint64_t)receiver, 1) : receiver;
	if (context < 0)
		fail("signal context", context);
	setup();
	r = sys_irq_bind(DRV_SLOT_IRQ, (uint64_t)context);
	if (r != 0)
		fail("irq_bind", r);
	out("ready");
	while (!done) {
		r = sys_signal_wait((uint64_t)receiver, 0);
		if (r < 0)
			fail("signal_wait", r);
		while (!done && (status() & STATUS_OUT_FULL))
			done = decode((uint8_t)sys_port_in(DRV_SLOT_PORTS, DATA, 1));
		r = sys_irq_ack(DRV_SLOT_IRQ);
		if (r != 0)
			fail("irq_ack", r);
	}
	line[length] = '\0';
	out("line: %s", line);
	return 0;
}
