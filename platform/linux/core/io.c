/*
 * Device access on linux: none. Components are sandboxed host processes, and core has no I/O
 * privilege to lend them, so every IO_PORT, IRQ and IO_MEM session is refused (DENIED) and nothing
 * else here is ever reached.
 */
#include "core_linux.h"

gn_err_t core_platform_io_port_create(uint16_t base, uint32_t size, gn_cap_t *ports)
{
	(void)base;
	(void)size;
	(void)ports;
	return GN_ERR_DENIED;
}

gn_err_t core_platform_io_port_in(gn_cap_t ports, uint16_t port, unsigned width, uint32_t *value)
{
	(void)ports;
	(void)port;
	(void)width;
	(void)value;
	return GN_ERR_DENIED;
}

gn_err_t core_platform_io_port_out(gn_cap_t ports, uint16_t port, unsigned width, uint32_t value)
{
	(void)ports;
	(void)port;
	(void)width;
	(void)value;
	return GN_ERR_DENIED;
}

void core_platform_io_port_free(gn_cap_t ports)
{
	(void)ports;
}

gn_err_t core_platform_irq_create(uint32_t line, gn_cap_t *irq)
{
	(void)line;
	(void)irq;
	return GN_ERR_DENIED;
}

gn_err_t core_platform_irq_bind(gn_cap_t irq, gn_cap_t sig)
{
	(void)irq;
	(void)sig;
	return GN_ERR_DENIED;
}

gn_err_t core_platform_irq_ack(gn_cap_t irq)
{
	(void)irq;
	return GN_ERR_DENIED;
}

void core_platform_irq_free(gn_cap_t irq)
{
	(void)irq;
}

gn_err_t core_platform_io_mem_create(uint64_t base, uint64_t size, bool wc, gn_cap_t *ds)
{
	(void)base;
	(void)size;
	(void)wc;
	(void)ds;
	return GN_ERR_DENIED;
}

void core_platform_io_mem_free(gn_cap_t ds)
{
	(void)ds;
}
