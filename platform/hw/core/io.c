/*
 * Device access on hw: I/O port ranges and IRQ lines are kernel objects core creates from the
 * factories the kernel gave the root (HW_CAP_IO_PORT_FACTORY, HW_CAP_IRQ_FACTORY) and keeps; it
 * reads and writes ports and binds and acknowledges lines itself (core/io_port.c, core/irq.c).
 * Device memory (core/io_mem.c) is a memory object of the kernel's made from the third factory
 * (HW_CAP_IO_MEM_FACTORY): a dataspace like any other, which the driver maps itself (uncached,
 * never executable: the kernel's rules); core keeps the owning capability and hands out copies.
 *
 * Why core keeps them instead of handing them to the driver: binding and acknowledging an IRQ
 * need the receive right, which IPC drops, and a port capability in the driver would bypass
 * core's bookkeeping of who holds which range. The kernel refuses the ports and lines it keeps for
 * itself (DENIED), so core could not give them away even by mistake. Dropping a capability
 * destroys the object: the range is gone, the line masked and free for the next irq_create.
 */
#include "core_hw.h"
#include "hw_lib.h"

gn_err_t core_platform_io_port_create(uint16_t base, uint32_t size, gn_cap_t *ports)
{
	return core_hw_enter(
		hw_syscall4(HW_SYS_IO_PORT_CREATE, HW_CAP_IO_PORT_FACTORY, base, size, 0), ports);
}

gn_err_t core_platform_io_port_in(gn_cap_t ports, uint16_t port, unsigned width, uint32_t *value)
{
	int64_t const r = hw_syscall4(HW_SYS_PORT_IN, ports, port, width, 0);

	if (r < 0)
		return hw_err(r);
	*value = (uint32_t)r;
	return GN_OK;
}

gn_err_t core_platform_io_port_out(gn_cap_t ports, uint16_t port, unsigned width, uint32_t value)
{
	return hw_err(hw_syscall4(HW_SYS_PORT_OUT, ports, port, width, value));
}

void core_platform_io_port_free(gn_cap_t ports)
{
	gn_cap_drop(ports);
}

/* A second holder of a line is EXISTS to the kernel; to a client it is a refusal like core's. */
gn_err_t core_platform_irq_create(uint32_t line, gn_cap_t *irq)
{
	gn_err_t const err =
		core_hw_enter(hw_syscall4(HW_SYS_IRQ_CREATE, HW_CAP_IRQ_FACTORY, line, 0, 0), irq);

	return err == GN_ERR_EXISTS ? GN_ERR_DENIED : err;
}

gn_err_t core_platform_irq_bind(gn_cap_t irq, gn_cap_t sig)
{
	return hw_err(hw_syscall4(HW_SYS_IRQ_BIND, irq, sig, 0, 0));
}

gn_err_t core_platform_irq_ack(gn_cap_t irq)
{
	return hw_err(hw_syscall4(HW_SYS_IRQ_ACK, irq, 0, 0, 0));
}

void core_platform_irq_free(gn_cap_t irq)
{
	gn_cap_drop(irq);
}

/*
 * The kernel maps device memory uncached whatever wc says (never wrong for registers); a range
 * another object holds is EXISTS to the kernel and a refusal like core's to a client.
 */
gn_err_t core_platform_io_mem_create(uint64_t base, uint64_t size, bool wc, gn_cap_t *ds)
{
	(void)wc;
	gn_err_t const err = core_hw_enter(
		hw_syscall4(HW_SYS_IO_MEM_CREATE, HW_CAP_IO_MEM_FACTORY, base, size, 0), ds);

	return err == GN_ERR_EXISTS ? GN_ERR_DENIED : err;
}

void core_platform_io_mem_free(gn_cap_t ds)
{
	gn_cap_drop(ds);
}
