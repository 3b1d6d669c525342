/*
 * The io_mem scenario's client of core's IO_MEM service. It opens a session for the HPET of
 * QEMU's pc machine (one page at 0xfed00000), attaches the dataspace like any other and reads the
 * timer's general capabilities register (offset 0: vendor id in bits 31..16, 0x8086 on QEMU; the
 * counter's period in femtoseconds in bits 63..32) and its main counter (offset 0xf0) twice, with
 * the counter enabled through the general configuration register (offset 0x10, bit 0) in between
 * and the configuration restored afterwards: the counter must advance. Then the refusals: RAM (the
 * kernel's image at 1 MiB), the local APIC's and the I/O APIC's pages (the kernel's), unaligned and
 * empty ranges, a range that wraps, one beyond the physical address width, the HPET again while
 * this session holds it (also a larger range over it); after closing, the HPET is free again.
 * Every result is logged as "<what>: <error>" and checked; a wrong one ends the component with 1.
 */
#include <gneiss/dataspace.h>
#include <gneiss/io_mem_session.h>
#include <gneiss/log.h>
#include <gneiss/time.h>

#include "test_check.h"

gn_env_t *test_env;

#define HPET_BASE 0xfed00000ull /* above INT_MAX: no enum constant */

enum {
	HPET_CAP_ID = 0x00,  /* general capabilities and ID (64 bits) */
	HPET_CONFIG = 0x10,  /* general configuration: bit 0 ENABLE_CNF */
	HPET_COUNTER = 0xf0, /* main counter value */
	HPET_ENABLE = 1,
	HPET_VENDOR = 0x8086,   /* what QEMU reports */
	PERIOD_MAX = 100000000, /* fs: the specification's bound (at least 10 MHz) */
	SETTLE_US = 2000,
};

static void open_range(char const *what, uint64_t base, uint64_t size, gn_err_t want)
{
	gn_io_mem_t m;
	gn_err_t const err = gn_io_mem_open(test_env, what, base, size, false, &m);

	gn_log("%s: %s", what, gn_err_name(err));
	TEST_EXPECT(err, want);
	if (err == GN_OK)
		gn_io_mem_close(&m);
}

/* A 32-bit register of the HPET (QEMU's takes 32- and 64-bit accesses; 32 always work). */
static uint32_t reg(void *regs, unsigned offset)
{
	return *(uint32_t volatile *)((uint8_t *)regs + offset);
}

static void set_reg(void *regs, unsigned offset, uint32_t value)
{
	*(uint32_t volatile *)((uint8_t *)regs + offset) = value;
}

/* Reads the HPET through the session's dataspace; the session stays open for the refusals. */
static void hpet(gn_io_mem_t *m)
{
	gn_cap_t ds;
	void *regs;
	size_t size = 0;
	bool writable = false;

	TEST_OK(gn_io_mem_dataspace(m, &ds));
	TEST_OK(gn_ds_attach(ds, &regs, &size, &writable));
	gn_log("HPET: dataspace of %zu bytes attached, %s", size,
		writable ? "writable" : "read-only");
	TEST_CHECK(size == GN_IO_MEM_PAGE && writable);

	uint32_t const id = reg(regs, HPET_CAP_ID), period = reg(regs, HPET_CAP_ID + 4);
	uint32_t const config = reg(regs, HPET_CONFIG);
	gn_log("HPET: vendor 0x%x, revision %u, %u timers, counter period %u fs (%u kHz)", id >> 16,
		id & 0xff, ((id >> 8) & 0x1f) + 1, period,
		period ? (unsigned)(1000000000000ull / period) : 0);
	TEST_CHECK(id >> 16 == HPET_VENDOR && period > 0 && period <= PERIOD_MAX);

	set_reg(regs, HPET_CONFIG, config | HPET_ENABLE);
	uint32_t const first = reg(regs, HPET_COUNTER);
	uint64_t const start = gn_time_now_us();
	while (gn_time_now_us() - start < SETTLE_US)
		;
	uint32_t const second = reg(regs, HPET_COUNTER);
	set_reg(regs, HPET_CONFIG, config);
	gn_log("HPET: main counter 0x%x, then 0x%x: %s", first, second,
		second != first ? "it advances" : "it stands still");
	TEST_CHECK(second != first);

	gn_ds_detach(regs, size);
	gn_cap_drop(ds);
}

void gn_component_construct(gn_env_t *env)
{
	gn_io_mem_t m;

	test_env = env;
	TEST_OK(gn_io_mem_open(env, "hpet", HPET_BASE, GN_IO_MEM_PAGE, false, &m));
	gn_log("HPET at 0x%x: a session", (unsigned)HPET_BASE);
	hpet(&m);
	open_range("the HPET while another session holds it", HPET_BASE, GN_IO_MEM_PAGE,
		GN_ERR_DENIED);
	open_range("two pages over the HPET", HPET_BASE - GN_IO_MEM_PAGE, 2 * GN_IO_MEM_PAGE,
		GN_ERR_DENIED);
	gn_io_mem_close(&m);
	open_range("the HPET after that session was closed", HPET_BASE, GN_IO_MEM_PAGE, GN_OK);
	open_range("RAM at 0x100000 (the kernel image)", 0x100000, GN_IO_MEM_PAGE, GN_ERR_DENIED);
	open_range("RAM at 0x400000", 0x400000, 16 * GN_IO_MEM_PAGE, GN_ERR_DENIED);
	open_range("the local APIC at 0xfee00000", 0xfee00000, GN_IO_MEM_PAGE, GN_ERR_DENIED);
	open_range("the I/O APIC at 0xfec00000", 0xfec00000, GN_IO_MEM_PAGE, GN_ERR_DENIED);
	open_range(
		"unaligned base 0xfed00010", HPET_BASE + 0x10, GN_IO_MEM_PAGE, GN_ERR_INVALID_ARG);
	open_range("unaligned size 0x800", HPET_BASE, 0x800, GN_ERR_INVALID_ARG);
	open_range("size 0", HPET_BASE, 0, GN_ERR_INVALID_ARG);
	open_range("a range that wraps", 0xfffffffffffff000ull, 2 * GN_IO_MEM_PAGE,
		GN_ERR_INVALID_ARG);
	open_range("beyond the physical address width (2^52)", 1ull << 52, GN_IO_MEM_PAGE,
		GN_ERR_INVALID_ARG);
	open_range(
		"512 MiB at 0xc0000000 (too large)", 0xc0000000, 512ull << 20, GN_ERR_INVALID_ARG);
	gn_log("done");
	gn_exit(env, 0);
}
