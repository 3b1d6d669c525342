/*
 * hw-dev-attack: probes the device calls from a domain that holds only what hw-drv-root gave it
 * (lib/drv_test.h's slots): the CMOS ports 0x70-0x71 read-only, port 0x80 read-write, IRQ 3
 * without RECV (as a copy passed by IPC would be), the HPET's device memory read-only, and an
 * endpoint to the root. Every refusal must be the exact error: ports outside its ranges and the
 * kernel's own, widths and values that do not fit, writes without WRITE, the factories it does
 * not have, forged and foreign-kind capabilities, binding and acknowledging an IRQ it does not
 * hold, mapping the device memory writable or executable, or past its page, the kernel reading
 * it for print, and port 0x80 after the root destroyed its object (REVOKED). Last it executes an `in` instruction itself: user mode has no
 * I/O privilege, so that is a #GP that ends the domain (a fault handler would get it).
 */
#include "drv_test.h"
#include "user.h"

#define ANY INT64_MAX /* expect: any result >= 0 */
#define MMIO_VA 0x200000000UL

enum {
	PAGE = 4096,
};

static unsigned failed;

static void expect(char const *what, int64_t r, int64_t want)
{
	bool ok = want == ANY ? r >= 0 : r == want;

	out("%s: %s%s", what, r >= 0 && want == ANY ? "a value" : result_name(r),
		ok ? "" : " (unexpected)");
	failed += !ok;
}

static void ports(void)
{
	int64_t weak;

	expect("in 0x70", sys_port_in(DRV_SLOT_PORTS, 0x70, 1), ANY);
	expect("in 0x70, 2 bytes", sys_port_in(DRV_SLOT_PORTS, 0x70, 2), ANY);
	expect("in 0x71, 2 bytes (past my range)", sys_port_in(DRV_SLOT_PORTS, 0x71, 2),
		-GN_ERR_DENIED);
	expect("in 0x72", sys_port_in(DRV_SLOT_PORTS, 0x72, 1), -GN_ERR_DENIED);
	expect("in 0x6f", sys_port_in(DRV_SLOT_PORTS, 0x6f, 1), -GN_ERR_DENIED);
	expect("in 0x70, 3 bytes", sys_port_in(DRV_SLOT_PORTS, 0x70, 3), -GN_ERR_INVALID_ARG);
	expect("in 0x70, 8 bytes", sys_port_in(DRV_SLOT_PORTS, 0x70, 8), -GN_ERR_INVALID_ARG);
	expect("out 0x70 (read-only)", sys_port_out(DRV_SLOT_PORTS, 0x70, 1, 0), -GN_ERR_DENIED);
	expect("in 0x3f8 (COM1)", sys_port_in(DRV_SLOT_PORTS, 0x3f8, 1), -GN_ERR_DENIED);
	expect("in 0x20 (PIC)", sys_port_in(DRV_SLOT_PORTS2, 0x20, 1), -GN_ERR_DENIED);
	expect("out 0xf4 (debug exit)", sys_port_out(DRV_SLOT_PORTS2, 0xf4, 1, 0x7f),
		-GN_ERR_DENIED);
	expect("in 0x60 (the keyboard)", sys_port_in(DRV_SLOT_PORTS2, 0x60, 1), -GN_ERR_DENIED);
	expect("out 0x80, 0x1ff in a byte", sys_port_out(DRV_SLOT_PORTS2, 0x80, 1, 0x1ff),
		-GN_ERR_INVALID_ARG);
	expect("out 0x80", sys_port_out(DRV_SLOT_PORTS2, 0x80, 1, 0x42), 0);
	weak = sys_cap_mint(DRV_SLOT_PORTS, HW_RIGHT_READ | HW_RIGHT_WRITE, 0);
	expect("out 0x70 through a copy minted with WRITE",
		sys_port_out((uint64_t)weak, 0x70, 1, 0), -GN_ERR_DENIED);
	expect("drop it", sys_cap_drop((uint64_t)weak), 0);
}

static void forged(void)
{
	expect("ports from the port factory's slot",
		sys_io_port_create(HW_CAP_IO_PORT_FACTORY, 0x60, 1), -GN_ERR_INVALID_CAP);
	expect("IRQ 1 from the IRQ factory's slot", sys_irq_create(HW_CAP_IRQ_FACTORY, 1),
		-GN_ERR_INVALID_CAP);
	expect("ports through my own domain", sys_io_port_create(HW_CAP_PD, 0x60, 1),
		-GN_ERR_INVALID_CAP);
	expect("in through an empty slot", sys_port_in(200, 0x60, 1), -GN_ERR_INVALID_CAP);
	expect("in through slot 256", sys_port_in(256, 0x60, 1), -GN_ERR_INVALID_CAP);
	expect("in through my domain", sys_port_in(HW_CAP_PD, 0x60, 1), -GN_ERR_INVALID_CAP);
	expect("in through IRQ 3", sys_port_in(DRV_SLOT_IRQ, 0x60, 1), -GN_ERR_INVALID_CAP);
	expect("IRQ 3 as I hold it", sys_cap_info(DRV_SLOT_IRQ), HW_CAP_INFO(HW_OBJ_IRQ, 0));
	expect("ack IRQ 3 (no RECV)", sys_irq_ack(DRV_SLOT_IRQ), -GN_ERR_DENIED);
	expect("bind IRQ 3 (no RECV)", sys_irq_bind(DRV_SLOT_IRQ, DRV_SLOT_EP), -GN_ERR_DENIED);
	expect("ack my ports as an IRQ", sys_irq_ack(DRV_SLOT_PORTS), -GN_ERR_INVALID_CAP);
	expect("ack my thread as an IRQ", sys_irq_ack(HW_CAP_THREAD), -GN_ERR_INVALID_CAP);
	expect("ack an empty slot", sys_irq_ack(100), -GN_ERR_INVALID_CAP);
}

static void mmio(void)
{
	uint64_t const mem = DRV_SLOT_MMIO;
	uint32_t vendor;

	expect("device memory from the factory's slot",
		hw_syscall4(HW_SYS_IO_MEM_CREATE, HW_CAP_IO_MEM_FACTORY, HPET_PHYS, PAGE, 0),
		-GN_ERR_INVALID_CAP);
	expect("device memory through my own domain",
		hw_syscall4(HW_SYS_IO_MEM_CREATE, HW_CAP_PD, 0xfeb00000, PAGE, 0),
		-GN_ERR_INVALID_CAP);
	expect("the HPET's memory as I hold it", sys_cap_info(mem),
		HW_CAP_INFO(HW_OBJ_MEMORY, HW_RIGHT_READ));
	expect("its size", sys_mem_size(mem), PAGE);
	expect("map it writable (READ only)",
		sys_mem_map(mem, HW_CAP_PD, MMIO_VA, 0, PAGE, HW_MAP_READ | HW_MAP_WRITE),
		-GN_ERR_DENIED);
	expect("map it executable",
		sys_mem_map(mem, HW_CAP_PD, MMIO_VA, 0, PAGE, HW_MAP_READ | HW_MAP_EXEC),
		-GN_ERR_DENIED);
	expect("map two pages of it",
		sys_mem_map(mem, HW_CAP_PD, MMIO_VA, 0, 2 * PAGE, HW_MAP_READ),
		-GN_ERR_INVALID_ARG);
	expect("map the page after it",
		sys_mem_map(mem, HW_CAP_PD, MMIO_VA, PAGE, PAGE, HW_MAP_READ), -GN_ERR_INVALID_ARG);
	expect("mint it with EXEC and map that",
		sys_mem_map((uint64_t)sys_cap_mint(mem, HW_RIGHTS_ALL, 0), HW_CAP_PD, MMIO_VA, 0,
			PAGE, HW_MAP_READ | HW_MAP_EXEC),
		-GN_ERR_DENIED);
	expect("map it read-only", sys_mem_map(mem, HW_CAP_PD, MMIO_VA, 0, PAGE, HW_MAP_READ), 0);
	vendor = *(uint32_t volatile *)MMIO_VA >> 16;
	expect("the HPET's vendor is 0x8086", vendor == HPET_VENDOR ? 0 : -GN_ERR_INVALID_ARG, 0);
	expect("print from it", sys_print((char const *)MMIO_VA, 4), -GN_ERR_DENIED);
	expect("unmap it", sys_mem_unmap(HW_CAP_PD, MMIO_VA), 0);
}

static void stale(void)
{
	int64_t r;

	main_utcb->msg[0] = ATTACK_DROP;
	r = sys_call(DRV_SLOT_EP, HW_MSG_INFO(1, 0), 5000000);
	expect("ask the root to destroy port 0x80", r < 0 ? r : (int64_t)main_utcb->msg[0], 0);
	expect("out 0x80 after that", sys_port_out(DRV_SLOT_PORTS2, 0x80, 1, 0), -GN_ERR_REVOKED);
	expect("in 0x80 after that", sys_port_in(DRV_SLOT_PORTS2, 0x80, 1), -GN_ERR_REVOKED);
	expect("drop the stale capability", sys_cap_drop(DRV_SLOT_PORTS2), 0);
	expect("in 0x80 through the empty slot", sys_port_in(DRV_SLOT_PORTS2, 0x80, 1),
		-GN_ERR_INVALID_CAP);
}

int main(void)
{
	uint8_t value;

	ports();
	forged();
	mmio();
	stale();
	out("%u checks failed; now an in instruction of my own", failed);
	__asm__ volatile("inb $0x60, %0" : "=a"(value));
	out("in 0x60 by myself gave 0x%x: NOT refused", value);
	return 1;
}
