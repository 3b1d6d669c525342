/*
 * hw-drv-root: the root of hw_timer_driver, hw_ps2 and hw_devices. The kernel starts it (and
 * hw-witness) alone (rom/hw-start); it holds the I/O port factory (slot 222) and the IRQ factory
 * (slot 221), creates the port and IRQ capabilities the drivers need and starts them from their
 * boot modules in user space (lib/spawn.c) with those capabilities in lib/drv_test.h's slots:
 *
 * - hw-pit-driver (when its module is there): PIT ports 0x40 and 0x43, IRQ 0, an endpoint it
 *   serves; hw-timer-client gets a call-only copy. The root waits for the client, ends the
 *   driver and drops the IRQ (which masks the line);
 * - hw-ps2-driver: the i8042's ports 0x60 and 0x64, IRQ 1; the root waits until it has read a
 *   line typed by the run tool;
 * - hw-dev-attack: first the root's own refusals (kernel ports, bad ranges, kernel and unknown
 *   IRQ lines, a second holder of a line, acks without binding, wrong capability kinds; device
 *   memory over RAM, the APICs' pages, bad ranges, a second holder of the HPET's page, an
 *   executable mapping of it, the kernel reading it); then the attacker gets CMOS ports
 *   0x70-0x71 read-only, port 0x80 read-write, IRQ 3 without RECV (as IPC would pass it), the
 *   HPET's page read-only and an endpoint on which it asks the root to destroy port 0x80's object.
 *
 * At the end the root drops everything and exits; with hw-witness gone too, the kernel checks
 * that every frame is free again.
 */
#include "drv_test.h"
#include "spawn.h"

#define MAP_VA 0x100000000UL  /* 16 MiB for spawn's temporary mappings */
#define MMIO_VA 0x200000000UL /* the HPET's page in the root */

enum {
	PRIO = HW_PRIO_MAX - 1,
	PORTS = HW_CAP_IO_PORT_FACTORY,
	IRQS = HW_CAP_IRQ_FACTORY,
	MMIO = HW_CAP_IO_MEM_FACTORY,
	PAGE = 4096,
	RW = HW_RIGHT_READ | HW_RIGHT_WRITE,
	SERVE_US = 5 * 1000 * 1000,
};

#define ANY INT64_MAX /* expect: any result >= 0 */

static unsigned failed;

/* Prints what r is and counts it as a failure unless it is want (ANY: any capability index or value). */
static int64_t expect(char const *what, int64_t r, int64_t want)
{
	bool ok = want == ANY ? r >= 0 : r == want;

	out("%s: %s%s", what, r >= 0 && want == ANY ? "a capability" : result_name(r),
		ok ? "" : " (unexpected)");
	failed += !ok;
	return r;
}

static bool start(char const *name, spawn_gift_t const *gifts, unsigned count, spawn_t *s)
{
	hw_boot_module_t const *mod = spawn_module(name);
	char const *why = "";
	int64_t r = mod ? spawn(mod, PRIO, gifts, count, MAP_VA, s, &why) : -GN_ERR_NOT_FOUND;

	out("started '%s': %s%s%s", name, result_name(r), r < 0 ? ", " : "", r < 0 ? why : "");
	failed += r < 0;
	return r >= 0;
}

/* Waits up to ms until the domain of pd has ended (its capability answers REVOKED). */
static void wait_for(char const *name, uint64_t pd, unsigned ms)
{
	for (unsigned i = 0; sys_cap_info(pd) >= 0 && i < ms / 10; i++)
		sys_sleep(10000);
	out("'%s' has ended: %s", name, result_name(sys_cap_info(pd)));
	failed += sys_cap_info(pd) != -GN_ERR_REVOKED;
}

static void drop(char const *what, int64_t cap)
{
	expect(what, sys_cap_drop((uint64_t)cap), 0);
}

static void timer(void)
{
	int64_t ep = sys_ep_create(), copy = sys_cap_mint((uint64_t)ep, HW_RIGHT_CALL, 0);
	int64_t p40 = expect("ports 0x40", sys_io_port_create(PORTS, 0x40, 1), ANY);
	int64_t p43 = expect("ports 0x43", sys_io_port_create(PORTS, 0x43, 1), ANY);
	int64_t irq = expect("IRQ 0", sys_irq_create(IRQS, 0), ANY);
	spawn_gift_t driver_gifts[] = {{(uint64_t)ep, DRV_SLOT_EP, HW_RIGHT_CALL | HW_RIGHT_RECV},
		{(uint64_t)p40, DRV_SLOT_PORTS, RW}, {(uint64_t)p43, DRV_SLOT_PORTS2, RW},
		{(uint64_t)irq, DRV_SLOT_IRQ, HW_RIGHT_RECV}};
	spawn_gift_t client_gift = {(uint64_t)copy, DRV_SLOT_EP, HW_RIGHT_CALL};
	spawn_t driver = {0}, client = {0};

	if (ep < 0 || copy < 0 || p40 < 0 || p43 < 0 || irq < 0)
		return;
	if (start("hw-pit-driver", driver_gifts, 4, &driver) &&
		start("hw-timer-client", &client_gift, 1, &client))
		wait_for("hw-timer-client", client.pd, 20000);
	spawn_drop(&client);
	spawn_drop(&driver);
	expect("IRQ 0 still mine after the driver ended", sys_cap_info((uint64_t)irq),
		(int64_t)HW_CAP_INFO(HW_OBJ_IRQ, HW_RIGHT_RECV | HW_RIGHT_OWNER));
	drop("drop IRQ 0", irq);
	expect("IRQ 0 again", irq = sys_irq_create(IRQS, 0), ANY);
	drop("drop it", irq);
	drop("drop ports 0x40", p40);
	drop("drop ports 0x43", p43);
	drop("drop the client's copy", copy);
	drop("drop the endpoint", ep);
}

static void ps2(void)
{
	int64_t p60 = expect("ports 0x60", sys_io_port_create(PORTS, 0x60, 1), ANY);
	int64_t p64 = expect("ports 0x64", sys_io_port_create(PORTS, 0x64, 1), ANY);
	int64_t irq = expect("IRQ 1", sys_irq_create(IRQS, 1), ANY);
	spawn_gift_t gifts[] = {{(uint64_t)p60, DRV_SLOT_PORTS, RW},
		{(uint64_t)p64, DRV_SLOT_PORTS2, RW}, {(uint64_t)irq, DRV_SLOT_IRQ, HW_RIGHT_RECV}};
	spawn_t driver = {0};

	if (p60 < 0 || p64 < 0 || irq < 0)
		return;
	if (start("hw-ps2-driver", gifts, 3, &driver))
		wait_for("hw-ps2-driver", driver.pd, 60000);
	spawn_drop(&driver);
	drop("drop IRQ 1", irq);
	drop("drop ports 0x60", p60);
	drop("drop ports 0x64", p64);
}

typedef struct {
	char const *what;
	uint64_t base, count;
	int64_t want;
} range_case_t;

static range_case_t const ranges[] = {
	{"ports 0x20-0x21 (PIC 1)", 0x20, 2, -GN_ERR_DENIED},
	{"ports 0xa0-0xa1 (PIC 2)", 0xa0, 2, -GN_ERR_DENIED},
	{"port 0x42 (PIT channel 2)", 0x42, 1, -GN_ERR_DENIED},
	{"ports 0x40-0x43 (over channel 2)", 0x40, 4, -GN_ERR_DENIED},
	{"port 0x61 (PIT gate)", 0x61, 1, -GN_ERR_DENIED},
	{"port 0xf4 (debug exit)", 0xf4, 1, -GN_ERR_DENIED},
	{"ports 0x3f8-0x3ff (COM1)", 0x3f8, 8, -GN_ERR_DENIED},
	{"ports 0x300-0x3f8 (into COM1)", 0x300, 0xf9, -GN_ERR_DENIED},
	{"all ports", 0, HW_IO_PORTS, -GN_ERR_DENIED},
	{"no ports", 0x70, 0, -GN_ERR_INVALID_ARG},
	{"ports 0xffff-0x10000", 0xffff, 2, -GN_ERR_INVALID_ARG},
	{"port 0x10000", 0x10000, 1, -GN_ERR_INVALID_ARG},
	{"a range that wraps", ~0UL, 2, -GN_ERR_INVALID_ARG},
};

/* The refusals of the factories and of capabilities of the wrong kind; returns IRQ 3's cap. */
static int64_t refusals(void)
{
	int64_t irq, weak;

	for (unsigned i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		expect(ranges[i].what, sys_io_port_create(PORTS, ranges[i].base, ranges[i].count),
			ranges[i].want);
	expect("IRQ 2 (cascade)", sys_irq_create(IRQS, 2), -GN_ERR_DENIED);
	expect("IRQ 4 (COM1)", sys_irq_create(IRQS, 4), -GN_ERR_DENIED);
	expect("IRQ 16", sys_irq_create(IRQS, 16), -GN_ERR_INVALID_ARG);
	expect("IRQ 2^64-1", sys_irq_create(IRQS, ~0UL), -GN_ERR_INVALID_ARG);
	irq = expect("IRQ 3", sys_irq_create(IRQS, 3), ANY);
	expect("IRQ 3 a second time", sys_irq_create(IRQS, 3), -GN_ERR_EXISTS);
	expect("ack IRQ 3 before binding it", sys_irq_ack((uint64_t)irq), -GN_ERR_NOT_FOUND);
	expect("bind IRQ 3 to a port factory", sys_irq_bind((uint64_t)irq, PORTS),
		-GN_ERR_INVALID_CAP);
	expect("bind IRQ 3 to an empty slot", sys_irq_bind((uint64_t)irq, 200),
		-GN_ERR_INVALID_CAP);
	expect("bind the IRQ factory", sys_irq_bind(IRQS, 0), -GN_ERR_INVALID_CAP);
	expect("ports through the domain factory", sys_io_port_create(HW_CAP_FACTORY, 0x70, 1),
		-GN_ERR_INVALID_CAP);
	expect("an IRQ through the port factory", sys_irq_create(PORTS, 1), -GN_ERR_INVALID_CAP);
	expect("port_in through IRQ 3", sys_port_in((uint64_t)irq, 0x70, 1), -GN_ERR_INVALID_CAP);
	weak = sys_cap_mint(PORTS, HW_RIGHTS_ALL & ~HW_RIGHT_CREATE, 0);
	expect("ports through a factory copy without CREATE",
		sys_io_port_create((uint64_t)weak, 0x70, 1), -GN_ERR_DENIED);
	drop("drop that copy", weak);
	return irq;
}

static int64_t io_mem_create(uint64_t factory, uint64_t phys, uint64_t size)
{
	return hw_syscall4(HW_SYS_IO_MEM_CREATE, factory, phys, size, 0);
}

static range_case_t const mmio_ranges[] = {
	{"device memory over RAM at 0x100000 (the kernel)", 0x100000, PAGE, -GN_ERR_DENIED},
	{"device memory over RAM at 0x1000000", 0x1000000, 16 * PAGE, -GN_ERR_DENIED},
	{"device memory over the local APIC", 0xfee00000, PAGE, -GN_ERR_DENIED},
	{"device memory over the I/O APIC", 0xfec00000, PAGE, -GN_ERR_DENIED},
	{"device memory 0xfe000000-0xff000000 (over both APICs)", 0xfe000000, 0x1000000,
		-GN_ERR_DENIED},
	{"device memory 0x0-0x10000000 (RAM and more)", 0, 0x10000000, -GN_ERR_DENIED},
	{"device memory at an unaligned address", HPET_PHYS + 8, PAGE, -GN_ERR_INVALID_ARG},
	{"device memory of an unaligned size", HPET_PHYS, PAGE / 2, -GN_ERR_INVALID_ARG},
	{"device memory of no bytes", HPET_PHYS, 0, -GN_ERR_INVALID_ARG},
	{"device memory that wraps", ~0UL - PAGE + 1, 2 * PAGE, -GN_ERR_INVALID_ARG},
	{"device memory at 2^52 (beyond the address width)", 1UL << 52, PAGE, -GN_ERR_INVALID_ARG},
	{"device memory of 512 MiB (too large)", 0xc0000000, 0x20000000, -GN_ERR_INVALID_ARG},
};

/* The refusals of the device memory factory; returns the HPET's memory object. */
static int64_t mmio_refusals(void)
{
	int64_t hpet, weak;
	uint32_t vendor;

	for (unsigned i = 0; i < sizeof(mmio_ranges) / sizeof(mmio_ranges[0]); i++)
		expect(mmio_ranges[i].what,
			io_mem_create(MMIO, mmio_ranges[i].base, mmio_ranges[i].count),
			mmio_ranges[i].want);
	hpet = expect("device memory of the HPET", io_mem_create(MMIO, HPET_PHYS, PAGE), ANY);
	expect("the HPET a second time", io_mem_create(MMIO, HPET_PHYS, PAGE), -GN_ERR_EXISTS);
	expect("two pages over the HPET", io_mem_create(MMIO, HPET_PHYS - PAGE, 2 * PAGE),
		-GN_ERR_EXISTS);
	expect("device memory through the IRQ factory", io_mem_create(IRQS, HPET_PHYS, PAGE),
		-GN_ERR_INVALID_CAP);
	expect("an IRQ through the device memory factory", sys_irq_create(MMIO, 3),
		-GN_ERR_INVALID_CAP);
	weak = sys_cap_mint(MMIO, HW_RIGHTS_ALL & ~HW_RIGHT_CREATE, 0);
	expect("device memory through a factory copy without CREATE",
		io_mem_create((uint64_t)weak, 0xfeb00000, PAGE), -GN_ERR_DENIED);
	drop("drop that copy", weak);
	if (hpet < 0)
		return hpet;
	expect("the HPET's object as I hold it", sys_cap_info((uint64_t)hpet),
		(int64_t)HW_CAP_INFO(HW_OBJ_MEMORY, RW | HW_RIGHT_OWNER));
	expect("its size", sys_mem_size((uint64_t)hpet), PAGE);
	expect("map it executable",
		sys_mem_map((uint64_t)hpet, HW_CAP_PD, MMIO_VA, 0, PAGE, HW_MAP_READ | HW_MAP_EXEC),
		-GN_ERR_DENIED);
	expect("map it writable",
		sys_mem_map(
			(uint64_t)hpet, HW_CAP_PD, MMIO_VA, 0, PAGE, HW_MAP_READ | HW_MAP_WRITE),
		0);
	vendor = *(uint32_t volatile *)MMIO_VA >> 16;
	out("the HPET's vendor: 0x%x", vendor);
	failed += vendor != HPET_VENDOR;
	expect("print from it (the kernel reads no device memory)",
		sys_print((char const *)MMIO_VA, 8), -GN_ERR_DENIED);
	expect("unmap it", sys_mem_unmap(HW_CAP_PD, MMIO_VA), 0);
	return hpet;
}

/* Serves the attacker's one request on ep: destroy the object of port 0x80. */
static void serve_attacker(int64_t ep, int64_t p80)
{
	int64_t r = sys_reply_wait((uint64_t)ep, 0, SERVE_US), reply;

	if (r < 0 || main_utcb->msg[0] != ATTACK_DROP) {
		out("the attacker's request: %s, not ATTACK_DROP (unexpected)", result_name(r));
		failed++;
		return;
	}
	drop("destroy port 0x80 for the attacker", p80);
	reply = sys_reply_cap();
	main_utcb->msg[0] = 0;
	expect("answer it", sys_reply((uint64_t)reply, HW_MSG_INFO(1, 0)), 0);
}

static void devices(void)
{
	int64_t irq = refusals(), hpet = mmio_refusals(), ep = sys_ep_create();
	int64_t p70 = expect("ports 0x70-0x71", sys_io_port_create(PORTS, 0x70, 2), ANY);
	int64_t p80 = expect("port 0x80", sys_io_port_create(PORTS, 0x80, 1), ANY);
	spawn_gift_t gifts[] = {{(uint64_t)ep, DRV_SLOT_EP, HW_RIGHT_CALL},
		{(uint64_t)p70, DRV_SLOT_PORTS, HW_RIGHT_READ},
		{(uint64_t)p80, DRV_SLOT_PORTS2, RW}, {(uint64_t)irq, DRV_SLOT_IRQ, 0},
		{(uint64_t)hpet, DRV_SLOT_MMIO, HW_RIGHT_READ}};
	spawn_t attacker = {0};

	if (irq < 0 || hpet < 0 || ep < 0 || p70 < 0 || p80 < 0)
		return;
	if (start("hw-dev-attack", gifts, 5, &attacker)) {
		serve_attacker(ep, p80);
		wait_for("hw-dev-attack", attacker.pd, 10000);
	}
	spawn_drop(&attacker);
	drop("drop IRQ 3", irq);
	expect("IRQ 3 once more", irq = sys_irq_create(IRQS, 3), ANY);
	drop("drop it", irq);
	drop("drop the HPET's object", hpet);
	expect("the HPET once more", hpet = io_mem_create(MMIO, HPET_PHYS, PAGE), ANY);
	drop("drop it", hpet);
	drop("drop ports 0x70-0x71", p70);
	drop("drop the endpoint", ep);
}

int main(void)
{
	if (!spawn_read_boot_table()) {
		out("no boot table");
		return 1;
	}
	out("factories: ports 0x%lx, IRQs 0x%lx", (uint64_t)sys_cap_info(PORTS),
		(uint64_t)sys_cap_info(IRQS));
	out("factory: device memory 0x%lx", (uint64_t)sys_cap_info(MMIO));
	if (spawn_module("hw-pit-driver"))
		timer();
	if (spawn_module("hw-ps2-driver"))
		ps2();
	if (spawn_module("hw-dev-attack"))
		devices();
	out("%u checks failed", failed);
	return failed ? 1 : 0;
}
