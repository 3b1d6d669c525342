/*
 * uart: a 16550 UART driver that provides "Terminal" (include/gneiss/terminal_session.h), as
 * Genode's uart drivers. It drives COM2 (ports 0x2f8-0x2ff, ISA line 3) through core's IO_PORT
 * and IRQ sessions (COM1 is the kernel's log, which core refuses), so its parent must route
 * IO_PORT and IRQ to core. Config (optional; without one the defaults hold):
 *
 *   <config baud="115200" loopback="no"/>
 *
 * baud must divide 115200; loopback="yes" sets the chip's loopback bit (MCR bit 4): what it
 * transmits comes back as received and nothing leaves the chip, so the driver can be tested
 * without anything on the line.
 *
 * Invariants:
 * - Every port access goes through core, which checks it against the session's range. The chip is
 *   polled only for a bounded time: a transmitter that does not take a byte within POLL_US ends
 *   the write early (its count says so), it never hangs the entrypoint.
 * - Received bytes go into one ring of UART_RING_SIZE bytes (uart16550.c); what arrives when it
 *   is full is dropped and counted, and so are the chip's overruns. The ring belongs to the device:
 *   bytes that arrive while no session is open wait for the next one.
 * - Reception is by interrupt: each one drains the chip, is acknowledged, and the chip is drained
 *   once more (a byte that came between the drain and the acknowledgement raised no new edge of
 *   the line). A write drains the chip too while it waits for the transmitter, since interrupts
 *   are not served during an RPC; in loopback a write takes no more bytes than the ring has room
 *   for, so its own echo is never dropped.
 * - One session at a time (a byte stream split between readers would serve neither): a second
 *   is DENIED until the first is closed. Every request is checked whole before a byte moves.
 */
#include <gneiss/dataspace.h>
#include <gneiss/io_port_session.h>
#include <gneiss/irq_session.h>
#include <gneiss/label.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/service.h>
#include <gneiss/signal.h>
#include <gneiss/terminal_session.h>
#include <gneiss/time.h>
#include <gneiss/xml.h>

#include "uart16550.h"

enum {
	BASE = 0x2f8, /* COM2 */
	IRQ_LINE = 3,
	POLL_US = 100 * 1000, /* how long the transmitter may take for one byte */
	DRAIN_MAX = 64,       /* bytes read per drain at most (the FIFO holds 16) */
};

typedef struct {
	bool open;
	gn_cap_t cap;  /* our reference to the session object */
	gn_cap_t sigh; /* the client's read_avail signal context, or invalid */
	char label[GN_LABEL_MAX];
	uint64_t written, read;
} session_t;

typedef struct {
	gn_env_t *env;
	gn_io_port_t ports;
	gn_irq_t irq;
	gn_cap_t irq_sig;
	uart_config_t config;
	uart_ring_t ring;
	uint64_t interrupts, by_irq, by_write, overruns;
	session_t session;
} driver_t;

static driver_t driver;

static GN_NORETURN void fail(driver_t *d, char const *what, gn_err_t err)
{
	gn_error("%s: %s", what, gn_err_name(err));
	gn_exit(d->env, 1);
}

static uint8_t reg_in(driver_t *d, uint8_t reg)
{
	uint8_t v = 0;
	gn_err_t const err = gn_io_port_inb(&d->ports, (uint16_t)(BASE + reg), &v);

	if (err != GN_OK)
		fail(d, "reading the UART", err);
	return v;
}

static void reg_out(driver_t *d, uint8_t reg, uint8_t value)
{
	gn_err_t const err = gn_io_port_outb(&d->ports, (uint16_t)(BASE + reg), value);

	if (err != GN_OK)
		fail(d, "writing the UART", err);
}

/*
 * Moves what the chip holds into the ring, starting from line status lsr; returns how many bytes
 * came and leaves the last status read in *last (when not NULL).
 */
static unsigned drain_from(driver_t *d, uint8_t lsr, uint8_t *last)
{
	unsigned n = 0;

	for (; n < DRAIN_MAX && (lsr & UART_LSR_DATA); n++) {
		if (lsr & UART_LSR_OVERRUN)
			d->overruns++;
		(void)uart_ring_put(
			&d->ring, reg_in(d, UART_RBR)); /* a full ring counts the drop */
		lsr = reg_in(d, UART_LSR);
	}
	if (last)
		*last = lsr;
	return n;
}

static unsigned drain(driver_t *d)
{
	return drain_from(d, reg_in(d, UART_LSR), NULL);
}

static void notify(driver_t *d)
{
	session_t const *s = &d->session;

	if (s->open && gn_cap_valid(s->sigh) && uart_ring_avail(&d->ring) > 0)
		gn_ignore(gn_signal_submit(s->sigh, 1)); /* a client gone meanwhile is no error */
}

static void on_irq(void *ctx, uint64_t count)
{
	driver_t *d = ctx;

	d->interrupts += count;
	unsigned n = drain(d);
	gn_err_t const err = gn_irq_ack(&d->irq);
	if (err != GN_OK)
		fail(d, "acknowledging IRQ 3", err);
	n += drain(d);
	d->by_irq += n;
	if (n > 0)
		notify(d);
}

/* Transmits up to length bytes of data, polling the line status; returns how many went out. */
static size_t transmit(driver_t *d, uint8_t const *data, size_t length)
{
	size_t limit = length, i = 0;
	unsigned received = 0;

	if (d->config.loopback) {
		received += drain(d);
		if (limit > uart_ring_room(&d->ring))
			limit = uart_ring_room(&d->ring);
	}
	for (; i < limit; i++) {
		uint64_t const start = gn_time_now_us();
		uint8_t lsr = reg_in(d, UART_LSR);
		for (;;) {
			received += drain_from(d, lsr, &lsr);
			if (lsr & UART_LSR_THR_EMPTY)
				break;
			if (gn_time_now_us() - start > POLL_US)
				goto out;
			lsr = reg_in(d, UART_LSR);
		}
		reg_out(d, UART_THR, data[i]);
	}
out:
	d->by_write += received;
	if (received > 0)
		notify(d);
	return i;
}

/* ---- the Terminal session --------------------------------------------------------------------- */

GN_RPC_SERVER(gn_terminal_session, GN_TERMINAL_RPCS)

static gn_err_t session_write(void *obj, gn_rpc_request_t *req,
	gn_terminal_write_args_t const *args, gn_terminal_count_t *res)
{
	session_t *s = obj;

	(void)req;
	if (args->length > GN_TERMINAL_IO_MAX) {
		gn_log("refused a write of %u bytes from \"%s\": the payload holds %u",
			(unsigned)args->length, s->label, (unsigned)GN_TERMINAL_IO_MAX);
		return GN_ERR_INVALID_ARG;
	}
	res->count = (uint32_t)transmit(&driver, args->data, args->length);
	s->written += res->count;
	return GN_OK;
}

static gn_err_t session_read(void *obj, gn_rpc_request_t *req, gn_terminal_read_args_t const *args,
	gn_terminal_read_res_t *res)
{
	session_t *s = obj;

	(void)req;
	if (args->max > GN_TERMINAL_IO_MAX) {
		gn_log("refused a read of %u bytes from \"%s\": the payload holds %u",
			(unsigned)args->max, s->label, (unsigned)GN_TERMINAL_IO_MAX);
		return GN_ERR_INVALID_ARG;
	}
	res->length = (uint32_t)uart_ring_get(&driver.ring, res->data, args->max);
	s->read += res->length;
	return GN_OK;
}

static gn_err_t session_avail(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_terminal_count_t *res)
{
	(void)obj;
	(void)req;
	(void)args;
	res->count = (uint32_t)uart_ring_avail(&driver.ring);
	return GN_OK;
}

static gn_err_t session_sigh(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	session_t *s = obj;

	(void)args;
	(void)res;
	if (gn_cap_kind(req->caps_in[0]) != GN_CAP_KIND_SIGNAL) {
		gn_log("refused a signal handler of \"%s\": not a signal context", s->label);
		return GN_ERR_INVALID_CAP;
	}
	gn_cap_drop(s->sigh);
	s->sigh = gn_cap_copy(req->caps_in[0]);
	notify(&driver); /* bytes that wait already */
	return GN_OK;
}

static gn_terminal_session_ops_t const session_ops = {
	session_write, session_read, session_avail, session_sigh};

/* Checks the request before anything is set up for it. */
static gn_err_t check_request(driver_t *d, char const *args, char *label)
{
	uint64_t caps = 0;
	gn_err_t const err = gn_args_get_num(args, "cap_quota", &caps);

	if (gn_args_get_label(args, label, GN_LABEL_MAX) != GN_OK ||
		(err != GN_OK && err != GN_ERR_NOT_FOUND)) {
		gn_log("refused a malformed session request");
		return GN_ERR_DENIED;
	}
	if (caps < GN_TERMINAL_SESSION_CAPS) {
		gn_log("refused session for \"%s\": cap_quota=%llu, the session needs %u", label,
			(unsigned long long)caps, (unsigned)GN_TERMINAL_SESSION_CAPS);
		return GN_ERR_INSUFFICIENT_CAPS;
	}
	if (d->session.open) {
		gn_log("refused session for \"%s\": \"%s\" holds the terminal", label,
			d->session.label);
		return GN_ERR_DENIED;
	}
	return GN_OK;
}

static gn_err_t create(void *ctx, char const *args, gn_cap_t *cap)
{
	driver_t *d = ctx;
	session_t *s = &d->session;
	char label[GN_LABEL_MAX];

	gn_err_t err = check_request(d, args, label);
	if (err != GN_OK)
		return err;
	*s = (session_t){.cap = GN_CAP_INVALID, .sigh = GN_CAP_INVALID};
	err = gn_ep_manage(d->env->ep, s, &gn_terminal_session_iface, &session_ops, &s->cap);
	if (err != GN_OK) {
		gn_log("could not create the session for \"%s\": %s", label, gn_err_name(err));
		return err;
	}
	gn_memcpy(s->label, label, sizeof(s->label));
	s->open = true;
	*cap = gn_cap_copy(s->cap);
	gn_log("session for \"%s\"", label);
	return GN_OK;
}

static void close(void *ctx, gn_cap_t cap)
{
	driver_t *d = ctx;
	session_t *s = &d->session;

	if (!s->open || gn_ep_lookup(d->env->ep, cap, &gn_terminal_session_iface) != s)
		return;
	gn_log("closed session of \"%s\": %llu bytes written, %llu read", s->label,
		(unsigned long long)s->written, (unsigned long long)s->read);
	gn_log("since the start: received %llu bytes by %llu interrupts, %llu while writing; "
	       "dropped %llu (ring full), %llu overruns",
		(unsigned long long)d->by_irq, (unsigned long long)d->interrupts,
		(unsigned long long)d->by_write, (unsigned long long)d->ring.dropped,
		(unsigned long long)d->overruns);
	gn_ep_dissolve(d->env->ep, s->cap);
	gn_cap_drop(s->cap);
	gn_cap_drop(s->sigh);
	*s = (session_t){.open = false, .cap = GN_CAP_INVALID, .sigh = GN_CAP_INVALID};
}

static gn_service_ops_t const service_ops = {create, NULL, close};

/* ---- start -------------------------------------------------------------------------------------- */

/* The config's values; INVALID_ARG for a malformed config or a value out of range. */
static gn_err_t parse_config(char const *text, size_t len, uart_config_t *out)
{
	gn_xml_node_t config;
	uint64_t baud = UART_CLOCK_BAUD;
	uint16_t divisor;
	bool loopback = false;

	if (gn_xml_parse(text, len, &config, NULL) != GN_OK ||
		gn_xml_attr_u64(&config, "baud", UART_CLOCK_BAUD, &baud) != GN_OK ||
		baud > UART_CLOCK_BAUD || !uart_divisor((uint32_t)baud, &divisor) ||
		gn_xml_attr_bool(&config, "loopback", false, &loopback) != GN_OK)
		return GN_ERR_INVALID_ARG;
	*out = (uart_config_t){(uint32_t)baud, loopback};
	return GN_OK;
}

/* Reads the config ROM into d->config; without one (init refuses the ROM) the defaults hold. */
static void read_config(driver_t *d)
{
	gn_rpc_void_t none = {0};
	gn_rom_dataspace_res_t info = {0};
	gn_cap_t rom = GN_CAP_INVALID, ds = GN_CAP_INVALID;
	uint32_t id = 0;
	void *addr = NULL;
	size_t size = 0;
	bool writable = false;

	d->config = (uart_config_t){UART_CLOCK_BAUD, false};
	gn_err_t err =
		gn_session(d->env, "ROM", "ram_quota=4K, cap_quota=2, label=\"config\"", &rom, &id);
	if (err != GN_OK)
		return;
	err = gn_rom_session_dataspace(rom, &none, &info, NULL, &ds);
	if (err == GN_OK)
		err = gn_ds_attach(ds, &addr, &size, &writable);
	if (err == GN_OK)
		err = info.size > size ? GN_ERR_INVALID_ARG
				       : parse_config(addr, info.size, &d->config);
	if (addr)
		gn_ds_detach(addr, size);
	gn_cap_drop(ds);
	gn_session_close(d->env, id, rom);
	if (err != GN_OK)
		fail(d, "the config (baud must divide 115200, loopback be yes or no)", err);
}

/* Checks that a 16550 answers at BASE (its scratch register keeps what is written). */
static void probe(driver_t *d)
{
	static uint8_t const pattern[] = {0x5a, 0xa5};

	for (unsigned i = 0; i < sizeof(pattern); i++) {
		reg_out(d, UART_SCR, pattern[i]);
		uint8_t const v = reg_in(d, UART_SCR);
		if (v != pattern[i]) {
			gn_error("no UART at 0x%x: its scratch register reads 0x%02x", BASE, v);
			gn_exit(d->env, 1);
		}
	}
}

static void setup(driver_t *d)
{
	uart_write_t seq[UART_SETUP_WRITES];

	if (!uart_setup(&d->config, seq))
		fail(d, "programming the UART", GN_ERR_INVALID_ARG);
	for (unsigned i = 0; i < UART_SETUP_WRITES; i++) {
		if (seq[i].reg == UART_IER && seq[i].value != 0)
			break; /* the receive interrupt only once the line is bound */
		reg_out(d, seq[i].reg, seq[i].value);
	}
	(void)reg_in(d, UART_IIR);
	(void)reg_in(d, UART_MSR);
	d->ring = (uart_ring_t){0};
	for (unsigned i = 0; i < DRAIN_MAX && (reg_in(d, UART_LSR) & UART_LSR_DATA); i++)
		(void)reg_in(d, UART_RBR); /* whatever the line carried before */
}

void gn_component_construct(gn_env_t *env)
{
	driver_t *d = &driver;
	gn_rpc_void_t none = {0};
	gn_err_t err;

	d->env = env;
	d->session = (session_t){.cap = GN_CAP_INVALID, .sigh = GN_CAP_INVALID};
	read_config(d);
	if ((err = gn_io_port_open(env, "com2", BASE, UART_PORTS, &d->ports)) != GN_OK)
		fail(d, "IO_PORT session for ports 0x2f8-0x2ff", err);
	if ((err = gn_irq_open(env, "com2", IRQ_LINE, &d->irq)) != GN_OK)
		fail(d, "IRQ session for line 3", err);
	probe(d);
	setup(d);
	if ((err = gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &d->irq_sig)) != GN_OK ||
		(err = gn_ep_sigh(env->ep, d->irq_sig, on_irq, d)) != GN_OK ||
		(err = gn_irq_sigh(&d->irq, d->irq_sig)) != GN_OK)
		fail(d, "IRQ 3's signal handler", err);
	reg_out(d, UART_IER, UART_IER_RX);
	gn_log("COM2 at 0x%x, IRQ %u: %u baud 8N1, FIFO on%s; ready", BASE, (unsigned)IRQ_LINE,
		(unsigned)d->config.baud, d->config.loopback ? ", loopback" : "");
	if ((err = gn_service_announce(env, "Terminal", &service_ops, d)) != GN_OK)
		fail(d, "providing the Terminal service", err);
}
